"""Which of a spreadsheet's columns feed the recipient and each placeholder."""

from collections.abc import Sequence

from services.templating import normalise_key, placeholders

from .messages import RECIPIENT_LABELS


def column_key(name: str) -> str:
    """Headers and placeholders match ignoring case, white space, ``_`` and ``-``."""
    return normalise_key("".join(name.split()))


class Columns:
    """Which of a file's columns hold the recipient and each placeholder."""

    def __init__(self, headers: Sequence[str], template_type: str, placeholder_names: Sequence[str]):
        self.headers = list(headers)
        self.recipient_label = RECIPIENT_LABELS[template_type]
        keys = [column_key(header) for header in self.headers]
        first_position = {}
        for position, key in enumerate(keys):
            first_position.setdefault(key, position)

        recipient_key = column_key(self.recipient_label)
        recipient_positions = [position for position, key in enumerate(keys) if key == recipient_key]
        self.recipient_index = recipient_positions[0] if recipient_positions else None
        self.duplicate_recipient_headers = (
            [self.headers[position] for position in recipient_positions] if len(recipient_positions) > 1 else []
        )

        self.placeholder_names = [name for name in placeholder_names if column_key(name) in first_position]
        self.placeholder_indices = [first_position[column_key(name)] for name in self.placeholder_names]
        self.missing_placeholders = [name for name in placeholder_names if column_key(name) not in first_position]
        self.used_indices = frozenset(self.placeholder_indices) | (
            {self.recipient_index} if self.recipient_index is not None else set()
        )

    @property
    def missing_headers(self) -> list[str]:
        """Every required column the file lacks, the recipient column first."""
        missing = [] if self.recipient_index is not None else [self.recipient_label]
        recipient_key = column_key(self.recipient_label)
        return missing + [name for name in self.missing_placeholders if column_key(name) != recipient_key]


EXAMPLE_RECIPIENTS = {"email": "test@example.com", "sms": "07700 900321"}


def example_rows(template_type: str, content: str, subject: str = "") -> list[list[str]]:
    """The header and one example row of a file that would fit this template."""
    label = RECIPIENT_LABELS[template_type]
    names = [name for name in placeholders(f"{subject} {content}") if column_key(name) != column_key(label)]
    return [[label, *names], [EXAMPLE_RECIPIENTS[template_type], *(["example"] * len(names))]]
