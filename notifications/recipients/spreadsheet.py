"""Reading an uploaded spreadsheet into rows of clean text cells.

Accepted: csv, tsv, xlsx, xlsm, xls and ods, at most ``MAX_FILE_SIZE`` bytes. The first
sheet of a workbook is read. The file's content decides how it is parsed (a workbook
saved with a ``.csv`` name is still read as a workbook); its name only decides whether it
is accepted at all.

Text files are read as UTF-8 (with or without a byte order mark), or UTF-16 when they
start with its byte order mark (Excel's "Unicode text"). Text that is not valid UTF-8 is
read as Windows-1252, the encoding Excel on Windows uses for "CSV (Comma delimited)":
in practice that is what such a file is, and reading it correctly beats refusing it.
Text holding control characters is binary, not a spreadsheet, and is refused.

Every cell is cleaned of invisible characters and surrounding white space. Numbers are
written the way a person typed them (``447700900123``, not ``447700900123.0``), dates as
ISO dates. Blank rows are skipped; row numbers stay those the user sees in their
spreadsheet program, so the first data row under a header in row 1 is row 2.
"""

import codecs
import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from .cleaning import clean
from .errors import SpreadsheetError

ALLOWED_EXTENSIONS = ("csv", "tsv", "xlsx", "xlsm", "xls", "ods")
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_COLUMNS = 1_000
MAX_ROWS_READ = 200_000
MAX_UNCOMPRESSED_SIZE = 250 * 1024 * 1024  # of a workbook's parts, which are zipped XML

CANNOT_READ_MESSAGE = "Notify cannot read this file - try using a different file type"
TOO_BIG_MESSAGE = "The file must be smaller than 10MB"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls files
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Control characters other than tab, line feed and carriage return never occur in text.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def extension(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def can_read(filename: str) -> bool:
    """Whether a file with this name is one of the spreadsheet types Notify reads."""
    return extension(filename) in ALLOWED_EXTENSIONS


class Spreadsheet:
    """The header and the data rows of one sheet, read in a single pass.

    The header (the first non-blank row) is read when the object is made, so a file that
    cannot be opened, or has too many columns, fails at once with a ``SpreadsheetError``.
    Data rows are read lazily by ``data_rows()``; a file that turns out to be damaged
    part-way through raises ``SpreadsheetError`` from there.
    """

    def __init__(self, rows: Iterable[Sequence], *, filename: str = ""):
        self.filename = filename
        self._rows = iter(rows)
        self._row_number = 0
        self.header = self._read_header()
        self.header_row_number = self._row_number

    @classmethod
    def from_file(cls, file, filename: str) -> "Spreadsheet":
        """Open an uploaded file (bytes, or anything with ``read()``) called ``filename``."""
        if not can_read(filename):
            raise SpreadsheetError(f"{filename} is not a spreadsheet that Notify can read")
        data = _read_at_most(file, MAX_FILE_SIZE)
        if len(data) > MAX_FILE_SIZE:
            raise SpreadsheetError(TOO_BIG_MESSAGE)
        return cls(_parse(data, extension(filename)), filename=filename)

    def data_rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number in the spreadsheet, cells)`` for each non-blank row after the header.

        Cells are clean text, exactly one per header column: cells beyond the header
        have no column to belong to, and a short row is padded with empty cells.
        """
        width = len(self.header)
        with _unreadable_as_error():
            for raw in self._rows:
                self._row_number += 1
                # Most cells are plain ASCII text: strip those inline, the hot path of a
                # 100,000-row file.
                cells = [
                    value.strip() if type(value) is str and value.isascii() else cell_text(value)
                    for value in raw[:width]
                ]
                if any(cells):
                    if len(cells) < width:
                        cells.extend([""] * (width - len(cells)))
                    yield self._row_number, cells

    def _read_header(self) -> list[str]:
        with _unreadable_as_error():
            for raw in self._rows:
                self._row_number += 1
                header = [cell_text(value) for value in raw]
                while header and not header[-1]:
                    header.pop()
                if header:
                    if len(header) > MAX_COLUMNS:
                        raise SpreadsheetError(
                            f"Your file has too many columns. Notify can process up to {MAX_COLUMNS:,} columns. "
                            f"Your file has {len(header):,} columns."
                        )
                    return header
        return []


def _read_at_most(file, limit: int) -> bytes:
    """Up to one byte more than ``limit``, so an oversized upload is never read whole."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file[: limit + 1])
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(limit + 1)


@contextlib.contextmanager
def _unreadable_as_error():
    # The parsers below raise whatever their format's damage suggests (BadZipFile,
    # KeyError, XLRDError, CalamineError, csv.Error, ValueError, ...). To the person
    # uploading, every one of them means the same thing.
    try:
        yield
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError(CANNOT_READ_MESSAGE) from error


def _parse(data: bytes, file_extension: str) -> Iterator[Sequence]:
    with _unreadable_as_error():
        if data.startswith(_ZIP_MAGIC):
            return _zip_rows(data)
        if data.startswith(_OLE_MAGIC):
            return _xls_rows(data)
        if file_extension in ("xlsx", "xlsm", "xls", "ods"):
            raise SpreadsheetError(CANNOT_READ_MESSAGE)
        return _text_rows(data, delimiter="\t" if file_extension == "tsv" else ",")


def _zip_rows(data: bytes) -> Iterator[Sequence]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # XML compresses so well that a 10 MB upload can expand to gigabytes, which the
        # parsers would hold in memory: no real spreadsheet of 200,000 rows comes near.
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_SIZE:
            raise SpreadsheetError(CANNOT_READ_MESSAGE)
        names = set(archive.namelist())
        is_ods = "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE
    return _ods_rows(data) if is_ods else _xlsx_rows(data)


def _text_rows(data: bytes, *, delimiter: str) -> Iterator[Sequence]:
    text = _decode(data)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")  # five undefined bytes: those raise, and are refused
    if _BINARY.search(text):
        raise SpreadsheetError(CANNOT_READ_MESSAGE)
    return text


def _xlsx_rows(data: bytes) -> Iterator[Sequence]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    # The stored dimensions are often wrong (a formatted column makes a sheet 16,384
    # columns wide); without them each row is only as wide as its own cells.
    sheet.reset_dimensions()
    return _closing(workbook, sheet.iter_rows(values_only=True))


def _xls_rows(data: bytes) -> Iterator[Sequence]:
    import xlrd

    # xlrd reports harmless oddities of the file on its log file: keep them off stdout.
    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    sheet = book.sheet_by_index(0)

    def rows():
        try:
            for index in range(sheet.nrows):
                yield [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
        finally:
            book.release_resources()

    return rows()


def _xls_value(cell, datemode):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


def _ods_rows(data: bytes) -> Iterator[Sequence]:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = workbook.get_sheet_by_index(0)
    # Calamine's rows start at the sheet's first row, but its columns at the first
    # column holding data: put the empty columns back so cells line up as the user sees.
    first_column = sheet.start[1] if sheet.start else 0

    def rows():
        for row in sheet.iter_rows():
            yield [None] * first_column + row if first_column else row

    return _closing(workbook, rows())


def _closing(workbook, rows: Iterator[Sequence]) -> Iterator[Sequence]:
    try:
        yield from rows
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet value as the text a person would have typed into the cell."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into a number cell come back as floats.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return clean(value)
