"""Checking a spreadsheet of recipients against a template before anything is sent.

``RecipientCSV`` reads every row once, keeping counts, the first rows to show, and the
recipient and personalisation of each sendable row; no database, no template objects.
Its ``errors`` are in the order GOV.UK Notify's check page shows them: problems with the
file or its columns, then problems in rows, then what the service may not send.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from services.templating import placeholders

from . import messages
from .columns import Columns
from .email import email_key, validate_email_address
from .errors import InvalidRecipientError, SpreadsheetError
from .message_checks import MessageChecker
from .phone import validate_phone_number
from .spreadsheet import MAX_ROWS_READ, Spreadsheet

MAX_SENDABLE_ROWS = 100_000
MAX_DISPLAYED_ROWS = 50

RECIPIENT_COLUMNS = messages.RECIPIENT_LABELS


@dataclass(frozen=True, slots=True)
class Cell:
    column: str
    value: str
    error: str | None = None
    ignored: bool = False  # a column the template does not use


@dataclass(frozen=True, slots=True)
class Row:
    row_number: int  # as the user sees it in their spreadsheet: the header is row 1
    cells: tuple[Cell, ...]
    message_error: str | None = None

    @property
    def has_errors(self) -> bool:
        return self.message_error is not None or any(cell.error for cell in self.cells)


@dataclass(frozen=True, slots=True)
class SendableRow:
    row_number: int
    to: str  # the recipient as written in the file, cleaned of invisible characters
    recipient: str  # normalised: what to send to and compare with
    personalisation: dict[str, str]  # keyed by placeholder name as written in the template


class RecipientCSV:
    """A file of recipients checked against one template and one service's permissions.

    ``source`` is a ``Spreadsheet`` or rows of cells (the first non-blank row being the
    header). ``allowlist`` (trial mode) is the recipients the service may send to; each is
    normalised here, so raw team emails and mobile numbers may be passed.
    ``remaining_messages`` is what today's daily limit still allows, ``daily_limit`` the
    limit itself (for the message). Construction never raises for bad input: a file that
    cannot be read becomes the first of ``errors``.
    """

    def __init__(
        self,
        source: Spreadsheet | Iterable[Sequence],
        *,
        template_type: str,
        content: str,
        subject: str = "",
        filename: str | None = None,
        international: bool = False,
        allowlist: Iterable[str] | None = None,
        remaining_messages: int | None = None,
        daily_limit: int | None = None,
    ):
        if template_type not in RECIPIENT_COLUMNS:
            raise ValueError(f"Cannot send {template_type!r} messages from a spreadsheet")
        self.template_type = template_type
        self.international = international
        self.trial_mode = allowlist is not None
        self._allowed = self._allowed_keys(allowlist) if allowlist is not None else None
        self.remaining_messages = remaining_messages
        self.daily_limit = daily_limit if daily_limit is not None else remaining_messages
        self.placeholders = placeholders(f"{subject or ''} {content or ''}")
        self.file_error: str | None = None

        sheet = self._open(source, filename)
        self.filename = filename or getattr(sheet, "filename", "") or "your file"
        self.columns = Columns(sheet.header if sheet else [], template_type, self.placeholders)
        self._checker = MessageChecker(template_type, content, self.columns.placeholder_names)
        self._start_counts()
        if sheet is not None:
            self._read(sheet)

    @classmethod
    def from_file(cls, file, filename: str, **options) -> "RecipientCSV":
        """Open an uploaded file and check it; an unreadable file is reported, not raised."""
        try:
            sheet = Spreadsheet.from_file(file, filename)
        except SpreadsheetError as error:
            recipients = cls([], filename=filename, **options)
            recipients.file_error = error.message
            return recipients
        return cls(sheet, filename=filename, **options)

    # Reading

    def _open(self, source, filename) -> Spreadsheet | None:
        if isinstance(source, Spreadsheet):
            return source
        try:
            return Spreadsheet(source, filename=filename or "")
        except SpreadsheetError as error:
            self.file_error = error.message
            return None

    def _start_counts(self):
        self.row_count = 0
        self.more_rows_than_read = False
        self.bad_recipient_rows = 0
        self.missing_data_rows = 0
        self.too_long_rows = 0
        self.empty_message_rows = 0
        self.not_allowed_rows = 0
        self.rows_with_errors = 0
        self.initial_rows: list[Row] = []
        self.initial_rows_with_errors: list[Row] = []
        self._sendable: list[tuple] = []

    def _read(self, sheet: Spreadsheet):
        try:
            for row_number, cells in sheet.data_rows():
                if self.row_count == MAX_ROWS_READ:
                    self.more_rows_than_read = True
                    break
                self.row_count += 1
                self._check_row(row_number, cells)
        except SpreadsheetError as error:
            self.file_error = error.message
        if self.row_count > MAX_SENDABLE_ROWS or self.rows_with_errors:
            self._sendable = []  # nothing will be sent from this file: free the memory

    def _check_row(self, row_number: int, cells: list[str]):
        # Cells are padded to the header's width by the Spreadsheet.
        errors = {}
        to, recipient = self._check_recipient(cells, errors)
        values = tuple(cells[index] for index in self.columns.placeholder_indices)
        for index, value in zip(self.columns.placeholder_indices, values, strict=True):
            if not value:
                errors[index] = messages.MISSING
        missing = messages.MISSING in errors.values()
        message_error = None if missing else self._checker.check(values)
        self._count(missing, message_error, recipient)
        has_errors = bool(errors) or message_error is not None
        self.rows_with_errors += has_errors
        if not self.rows_with_errors and self.row_count <= MAX_SENDABLE_ROWS:
            self._sendable.append((row_number, to, recipient, values))
        if self.row_count <= MAX_DISPLAYED_ROWS:
            self.initial_rows.append(self._display_row(row_number, cells, errors, message_error))
        if has_errors and len(self.initial_rows_with_errors) < MAX_DISPLAYED_ROWS:
            self.initial_rows_with_errors.append(self._display_row(row_number, cells, errors, message_error))

    def _check_recipient(self, cells, errors) -> tuple[str | None, str | None]:
        """``(recipient as written, normalised recipient)``, noting any error in ``errors``."""
        index = self.columns.recipient_index
        if index is None:
            return None, None
        to = cells[index]
        if not to:
            errors[index] = messages.MISSING
            return to, None
        try:
            return to, self._validate(to)
        except InvalidRecipientError as error:
            errors[index] = error.message
            self.bad_recipient_rows += 1
            return to, None

    def _count(self, missing: bool, message_error: str | None, recipient: str | None):
        self.missing_data_rows += missing
        if message_error == messages.MESSAGE_EMPTY:
            self.empty_message_rows += 1
        elif message_error:
            self.too_long_rows += 1
        if recipient is not None and self._allowed is not None and self._key(recipient) not in self._allowed:
            self.not_allowed_rows += 1

    def _validate(self, value: str) -> str:
        if self.template_type == "email":
            return validate_email_address(value)
        return validate_phone_number(value, international=self.international)

    def _key(self, recipient: str) -> str:
        return email_key(recipient) if self.template_type == "email" else recipient

    def _allowed_keys(self, allowlist: Iterable[str]) -> frozenset[str]:
        keys = set()
        for entry in allowlist:
            try:
                if self.template_type == "email":
                    keys.add(email_key(validate_email_address(entry)))
                else:
                    keys.add(validate_phone_number(entry, international=True))
            except InvalidRecipientError:
                continue  # a team member's other kind of contact, or an unusable one
        return frozenset(keys)

    def _display_row(self, row_number, cells, errors, message_error) -> Row:
        used = self.columns.used_indices
        return Row(
            row_number,
            tuple(
                Cell(header, cells[index], errors.get(index), index not in used)
                for index, header in enumerate(self.columns.headers)
            ),
            message_error,
        )

    # What the check page shows

    @property
    def column_headers(self) -> list[str]:
        return self.columns.headers

    @property
    def too_many_rows(self) -> bool:
        return self.more_rows_than_read or self.row_count > MAX_SENDABLE_ROWS

    @property
    def row_errors(self) -> list[str]:
        """``["fix 3 email addresses", "enter missing data in 2 rows", …]``."""
        return messages.row_error_items(
            self.template_type,
            bad_recipients=self.bad_recipient_rows,
            missing_data=self.missing_data_rows,
            too_long=self.too_long_rows,
            empty=self.empty_message_rows,
        )

    @property
    def displayed_rows(self) -> list[Row]:
        """The first 50 rows with errors when there are any, otherwise the first 50 rows."""
        return self.initial_rows_with_errors if self.initial_rows_with_errors else self.initial_rows

    @property
    def errors(self) -> list[messages.CheckError]:
        """Everything that stops this file being sent, most fundamental first."""
        return self._file_and_column_errors() + self._row_errors() + self._permission_errors()

    @property
    def problem(self) -> messages.CheckError | None:
        """The one error the check page leads with, or None when the file can be sent."""
        errors = self.errors
        return errors[0] if errors else None

    def _file_and_column_errors(self) -> list[messages.CheckError]:
        columns = self.columns
        errors = []
        if self.file_error:
            errors.append(messages.cannot_read(self.file_error))
        if self.too_many_rows:
            errors.append(messages.too_many_rows(MAX_SENDABLE_ROWS, self.row_count, more_than=self.more_rows_than_read))
        if not self.row_count and not self.file_error:
            errors.append(messages.no_rows(columns.missing_headers))
        if columns.recipient_index is None and (self.row_count or columns.headers):
            errors.append(messages.missing_recipient_column(columns.recipient_label, columns.headers))
        if columns.duplicate_recipient_headers:
            errors.append(messages.duplicate_recipient_columns(columns.duplicate_recipient_headers))
        if columns.missing_placeholders and columns.recipient_index is not None:
            errors.append(messages.missing_placeholder_columns(columns.missing_placeholders))
        return errors

    def _row_errors(self) -> list[messages.CheckError]:
        items = self.row_errors
        return [messages.row_errors(self.filename, items)] if items else []

    def _permission_errors(self) -> list[messages.CheckError]:
        errors = []
        if self.not_allowed_rows:
            errors.append(messages.not_allowed_to_send_to(self.template_type, self.row_count))
        if self.remaining_messages is not None and self.row_count > self.remaining_messages:
            errors.append(
                messages.too_many_recipients(
                    template_type=self.template_type,
                    filename=self.filename,
                    count=self.row_count,
                    remaining=self.remaining_messages,
                    daily_limit=self.daily_limit,
                    trial_mode=self.trial_mode,
                )
            )
        return errors

    # What the job processor needs

    def sendable_rows(self) -> Iterator[SendableRow]:
        """Each row's recipient and personalisation, in file order.

        Only for a file without errors: sending part of a file that has problems would
        leave the user unable to tell which rows went.
        """
        if self.errors:
            raise ValueError("This file has errors; fix them before sending")
        names = self.columns.placeholder_names
        return (
            SendableRow(row_number, to, recipient, dict(zip(names, values, strict=True)))
            for row_number, to, recipient, values in self._sendable
        )

    def __len__(self) -> int:
        return self.row_count
