"""Whether each row's personalised message can be sent: not too long, not empty."""

from collections.abc import Sequence

from services.templating import PLACEHOLDER_RE, SMS_CHAR_COUNT_LIMIT, render, sms_character_count

from . import messages
from .columns import column_key


class MessageChecker:
    """Whether each row's personalised message can be sent: not too long, not empty.

    Rendering 100,000 messages to count their characters is the slow part of checking a
    file, so a cheap upper bound comes first: a character counts at most twice (a GSM
    extension character), so a message whose text is at most half the limit is fine
    without being rendered.
    """

    def __init__(self, template_type: str, content: str, placeholder_names: Sequence[str]):
        self._is_sms = template_type == "sms"
        self._content = content or ""
        self._names = list(placeholder_names)
        position = {column_key(name): index for index, name in enumerate(self._names)}
        static_text = PLACEHOLDER_RE.sub("", self._content)
        self._can_be_empty = not static_text.strip()
        self._fixed_length = len(static_text)
        self._value_positions = []  # one per placeholder in the body, repeats included
        for match in PLACEHOLDER_RE.finditer(self._content):
            name, separator, conditional_text = match.group(1).partition("??")
            if separator:
                self._fixed_length += len(conditional_text)
            elif column_key(name) in position:
                self._value_positions.append(position[column_key(name)])
            else:
                self._fixed_length += len(match.group(0))  # left as written when unfilled

    def check(self, values: Sequence[str]) -> str | None:
        rendered = None
        if self._is_sms:
            longest = self._fixed_length + sum(len(values[index]) for index in self._value_positions)
            if 2 * longest > SMS_CHAR_COUNT_LIMIT:
                rendered = self._render(values)
                count = sms_character_count(rendered)
                if count > SMS_CHAR_COUNT_LIMIT:
                    return messages.message_too_long(count, SMS_CHAR_COUNT_LIMIT)
        if self._can_be_empty:
            rendered = rendered if rendered is not None else self._render(values)
            if not rendered.strip():
                return messages.MESSAGE_EMPTY
        return None

    def _render(self, values: Sequence[str]) -> str:
        return render(self._content, dict(zip(self._names, values, strict=True)), escape=False)
