"""Template placeholders and SMS length, following Notify's notifications-utils rules.

Placeholders are written ``((name))``. ``((name??text))`` is a conditional placeholder:
it shows ``text`` when the value for ``name`` says yes, and nothing otherwise.

Placeholder names are matched the way Notify matches spreadsheet headers: ignoring case,
spaces, ``_`` and ``-`` (``((First name))`` is filled by a ``first_name`` column).
"""

import math
import re

from django.utils.html import escape as html_escape
from django.utils.safestring import mark_safe

from .models import TemplateType

SMS_CHAR_COUNT_LIMIT = 918

# One placeholder: no brackets inside, so "(((name)))" still finds "name".
PLACEHOLDER_RE = re.compile(r"\(\(([^()]+)\)\)")
CONDITIONAL_SEPARATOR = "??"

# The GSM 03.38 default alphabet, and its extension table whose characters take two
# septets (an escape then the character) each.
GSM_EXTENDED_CHARACTERS = frozenset("^{}\\[~]|€")
GSM_CHARACTERS = (
    frozenset(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    | GSM_EXTENDED_CHARACTERS
)

# Values that switch a conditional placeholder on (Notify's str2bool).
_YES_VALUES = frozenset({"yes", "y", "true", "t", "1", "include", "show"})
_KEY_IGNORED = str.maketrans("", "", " _-")


def normalise_key(name: str) -> str:
    """The key two placeholder or column names share when they mean the same thing."""
    return name.translate(_KEY_IGNORED).lower()


def _split(body: str) -> tuple[str, str | None]:
    """``"name??text"`` → ``("name", "text")``; ``"name"`` → ``("name", None)``."""
    if CONDITIONAL_SEPARATOR in body:
        name, text = body.split(CONDITIONAL_SEPARATOR, 1)
        return name.strip(), text
    return body.strip(), None


def placeholders(text: str) -> list[str]:
    """Placeholder names in order of first appearance, each once (compared by key)."""
    seen = set()
    names = []
    for match in PLACEHOLDER_RE.finditer(text or ""):
        name, _ = _split(match.group(1))
        key = normalise_key(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _says_yes(value) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in _YES_VALUES


def render(content: str, values: dict, *, escape: bool = True) -> str:
    """Fill ``content``'s placeholders from ``values`` (keys matched by ``normalise_key``).

    A placeholder with no value (missing or None) is left as written, so a preview shows
    what still needs filling. With ``escape`` (the default) the whole result, template
    text and values alike, is HTML-escaped and returned marked safe for templates;
    personalisation can never inject markup. ``escape=False`` gives plain text for SMS.
    """
    content = content or ""
    by_key = {normalise_key(str(k)): v for k, v in (values or {}).items()}
    esc = html_escape if escape else str
    parts = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(content):
        parts.append(esc(content[position : match.start()]))
        position = match.end()
        name, conditional_text = _split(match.group(1))
        value = by_key.get(normalise_key(name))
        if value is None:
            parts.append(esc(match.group(0)))
        elif conditional_text is not None:
            parts.append(esc(conditional_text) if _says_yes(value) else "")
        else:
            parts.append(esc(str(value)))
    parts.append(esc(content[position:]))
    result = "".join(parts)
    return mark_safe(result) if escape else result  # noqa: S308 - every part was escaped above


def is_unicode(content: str) -> bool:
    """True when ``content`` needs the UCS-2 (unicode) encoding rather than GSM."""
    return any(char not in GSM_CHARACTERS for char in content or "")


def sms_character_count(content: str) -> int:
    """Characters as the network counts them: GSM extension characters count twice."""
    content = content or ""
    if is_unicode(content):
        return len(content)
    return len(content) + sum(1 for char in content if char in GSM_EXTENDED_CHARACTERS)


def sms_fragment_count(content: str) -> int:
    """How many text messages (billable fragments) ``content`` is sent as.

    One message holds 160 GSM or 70 unicode characters; longer messages are split into
    parts of 153 or 67 because each part carries a concatenation header.
    """
    count = sms_character_count(content)
    single, part = (70, 67) if is_unicode(content) else (160, 153)
    if count <= single:
        return 1
    return math.ceil(count / part)


def sms_too_long(content: str) -> bool:
    return sms_character_count(content) > SMS_CHAR_COUNT_LIMIT


def preview(*, template_type: str, subject: str, content: str, values: dict) -> dict:
    """What a preview page shows: the subject and body filled with ``values`` (escaped),
    and for text messages the length, fragment count and whether it is too long."""
    shown = {"subject": render(subject, values), "body": render(content, values)}
    if template_type == TemplateType.SMS:
        text = render(content, values, escape=False)
        count = sms_character_count(text)
        shown.update(
            character_count=count,
            fragment_count=sms_fragment_count(text),
            too_long=count > SMS_CHAR_COUNT_LIMIT,
            limit=SMS_CHAR_COUNT_LIMIT,
        )
    return shown
