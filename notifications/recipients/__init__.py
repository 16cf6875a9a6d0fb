"""Recipient and spreadsheet validation: what Notify checks before a batch is sent.

- ``validate_email_address`` / ``validate_phone_number``: one recipient, normalised.
- ``Spreadsheet``: reads csv, tsv, xlsx, xlsm, xls and ods uploads into clean text rows.
- ``RecipientCSV``: checks those rows against a template and the service's permissions,
  and gives the check page its errors and the job processor its rows.

Pure Python: no database, fast enough for 100,000 rows in a request.
"""

from .columns import column_key, example_rows
from .email import INVALID_EMAIL_MESSAGE, email_key, stored_email_address, validate_email_address
from .errors import InvalidRecipientError, SpreadsheetError
from .messages import CheckError
from .phone import validate_phone_number
from .recipient_csv import (
    MAX_DISPLAYED_ROWS,
    MAX_SENDABLE_ROWS,
    Cell,
    RecipientCSV,
    Row,
    SendableRow,
)
from .spreadsheet import (
    ALLOWED_EXTENSIONS,
    CANNOT_READ_MESSAGE,
    MAX_COLUMNS,
    MAX_FILE_SIZE,
    MAX_ROWS_READ,
    Spreadsheet,
    can_read,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "CANNOT_READ_MESSAGE",
    "INVALID_EMAIL_MESSAGE",
    "MAX_COLUMNS",
    "MAX_DISPLAYED_ROWS",
    "MAX_FILE_SIZE",
    "MAX_ROWS_READ",
    "MAX_SENDABLE_ROWS",
    "Cell",
    "CheckError",
    "InvalidRecipientError",
    "RecipientCSV",
    "Row",
    "SendableRow",
    "Spreadsheet",
    "SpreadsheetError",
    "can_read",
    "column_key",
    "email_key",
    "stored_email_address",
    "example_rows",
    "validate_email_address",
    "validate_phone_number",
]
