import datetime
import io
import zipfile

import pytest

from notifications.recipients import (
    CANNOT_READ_MESSAGE,
    MAX_FILE_SIZE,
    Spreadsheet,
    SpreadsheetError,
    can_read,
    spreadsheet,
)
from notifications.tests.recipients_files import FILES, PNG_BYTES, csv_bytes, ods_bytes, xlsx_bytes

ROWS = [
    ["Phone number", "Name", "Appointment"],
    ["07700 900123", "Zoë", "3 March"],
    ["", "", ""],
    ["+44 7700 900456", "Ali", "tomorrow"],
]
EXPECTED_DATA = [(2, ["07700 900123", "Zoë", "3 March"]), (4, ["+44 7700 900456", "Ali", "tomorrow"])]


def read(data, filename):
    sheet = Spreadsheet.from_file(data, filename)
    return sheet.header, list(sheet.data_rows())


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("people.csv", csv_bytes(ROWS)),
        ("people.CSV", csv_bytes(ROWS)),
        ("people.tsv", csv_bytes(ROWS, delimiter="\t")),
        ("people.xlsx", xlsx_bytes(ROWS)),
        ("people.xlsm", xlsx_bytes(ROWS)),
        ("people.ods", ods_bytes(ROWS)),
    ],
)
def test_each_file_type_reads_header_and_rows_with_spreadsheet_row_numbers(filename, data):
    assert read(data, filename) == (ROWS[0], EXPECTED_DATA)


def test_xls_files_are_read_from_the_first_sheet_with_numbers_and_dates_as_typed():
    header, rows = read((FILES / "recipients.xls").read_bytes(), "recipients.xls")
    assert header == ["Phone number", "Name", "Appointment", "Notes"]
    assert rows == [
        (2, ["7700900123", "Zoë", "2026-03-01", "TRUE"]),
        (3, ["+44 7700 900456", "Ali", "tomorrow", ""]),
        (5, ["07700 900 789", "Sam", "12.5", ""]),
    ]


@pytest.mark.parametrize(("filename", "build"), [("p.xlsx", xlsx_bytes), ("p.ods", ods_bytes)])
def test_workbook_cells_come_back_as_the_text_a_person_typed(filename, build):
    data = build(
        [
            ["phone number", "when", "amount", "time"],
            [447700900123, datetime.date(2026, 3, 1), 12.5, "09:30"],
            [7700900456.0, datetime.datetime(2026, 3, 1, 14, 30), 3, None],
        ]
    )
    assert read(data, filename)[1] == [
        (2, ["447700900123", "2026-03-01", "12.5", "09:30"]),
        (3, ["7700900456", "2026-03-01 14:30:00", "3", ""]),
    ]


def test_only_the_first_sheet_of_a_workbook_is_read():
    data = xlsx_bytes([["phone number"], ["07700900123"]], second_sheet=[["email address"], ["a@b.com"]])
    assert read(data, "p.xlsx") == (["phone number"], [(2, ["07700900123"])])
    assert read(ods_bytes([["phone number"], ["07700900123"]]), "p.ods") == (["phone number"], [(2, ["07700900123"])])


def test_file_objects_are_read_from_the_start():
    upload = io.BytesIO(csv_bytes(ROWS))
    upload.read()  # a form library may already have read it
    assert read(upload, "people.csv") == (ROWS[0], EXPECTED_DATA)


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffPhone number,Name\n07700900123,Zoë\n".encode(),
        "Phone number,Name\r\n07700900123,Zoë\r\n".encode(),
        "Phone number,Name\r\n07700900123,Zoë\r\n".encode("cp1252"),
        "Phone number,Name\r\n07700900123,Zoë\r\n".encode("utf-16"),
    ],
    ids=["utf-8 with BOM", "utf-8", "windows-1252", "utf-16 with BOM"],
)
def test_text_encodings_excel_writes_are_read_correctly(data):
    assert read(data, "people.csv") == (["Phone number", "Name"], [(2, ["07700900123", "Zoë"])])


def test_windows_1252_punctuation_is_read_as_the_characters_typed():
    data = "name,note\r\nO’Brien,“quoted” – €5\r\n".encode("cp1252")
    assert read(data, "people.csv")[1] == [(2, ["O’Brien", "“quoted” – €5"])]


def test_invisible_characters_are_stripped_from_every_cell():
    data = "\ufeff\u200bphone number\u00a0,\u200dname\n\u200b07700900123\ufeff, Jo\u2060 Bloggs\u202f\n".encode()
    assert read(data, "people.csv") == (["phone number", "name"], [(2, ["07700900123", "Jo Bloggs"])])


def test_quoted_cells_may_hold_commas_and_line_breaks_and_still_count_as_one_row():
    data = b'phone number,address\n07700900123,"1 High Street,\nTown"\n07700900456,"2 Low Road"\n'
    assert read(data, "people.csv")[1] == [
        (2, ["07700900123", "1 High Street,\nTown"]),
        (3, ["07700900456", "2 Low Road"]),
    ]


def test_leading_blank_rows_and_trailing_empty_columns_are_ignored():
    data = b",,,\n,,,\nphone number,name,,\n07700900123,Jo,,\n,,,\n"
    sheet = Spreadsheet.from_file(data, "people.csv")
    assert (sheet.header_row_number, sheet.header) == (3, ["phone number", "name"])
    assert list(sheet.data_rows()) == [(4, ["07700900123", "Jo"])]


def test_cells_beyond_the_header_are_dropped_and_short_rows_padded():
    data = b"phone number,name\n07700900123,Jo,surplus\n07700900456\n"
    assert read(data, "people.csv")[1] == [(2, ["07700900123", "Jo"]), (3, ["07700900456", ""])]


def test_rows_can_come_from_plain_lists():
    sheet = Spreadsheet([[], ["email address", None], [" a@b.com ", 3]])
    assert (sheet.header, list(sheet.data_rows())) == (["email address"], [(3, ["a@b.com"])])


@pytest.mark.parametrize(
    ("filename", "allowed"),
    [
        ("a.csv", True),
        ("a.TSV", True),
        ("a.xlsx", True),
        ("a.xlsm", True),
        ("a.xls", True),
        ("a.ods", True),
        ("a.txt", False),
        ("a.pdf", False),
        ("csv", False),
        ("a.csv.png", False),
    ],
)
def test_can_read_goes_by_file_extension(filename, allowed):
    assert can_read(filename) is allowed


def test_a_file_type_notify_does_not_read_is_refused_by_name():
    with pytest.raises(SpreadsheetError) as error:
        Spreadsheet.from_file(PNG_BYTES, "photo.png")
    assert str(error.value) == "photo.png is not a spreadsheet that Notify can read"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("photo.xlsx", PNG_BYTES),  # a picture renamed
        ("photo.xls", PNG_BYTES),
        ("photo.ods", PNG_BYTES),
        ("photo.csv", PNG_BYTES),
        ("empty.xlsx", b""),
        ("empty.ods", b""),
        ("broken.xlsx", xlsx_bytes([["phone number"]])[:300]),  # cut short
        ("broken.xls", (FILES / "recipients.xls").read_bytes()[:600]),
        ("not-a-workbook.xlsx", csv_bytes([["phone number"], ["07700900123"]])),
        ("zip-of-something-else.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        ("undefined-windows-1252-byte.csv", b"phone number\r\n07700900123\x81\r\n"),
        ("nul-bytes.csv", b"phone number\x00\r\n07700900123\r\n"),
    ],
)
def test_files_that_cannot_be_read_say_so(filename, data):
    with pytest.raises(SpreadsheetError) as error:
        Spreadsheet.from_file(data, filename).data_rows()
    assert str(error.value) == CANNOT_READ_MESSAGE == "Notify cannot read this file - try using a different file type"


def test_a_workbook_that_breaks_part_way_through_raises_the_same_message_while_reading_rows():
    sheet = Spreadsheet([["phone number"], ["07700900123"], ["07700900456"]])
    sheet._rows = _breaking_after(sheet._rows, 1)
    rows = sheet.data_rows()
    assert next(rows) == (2, ["07700900123"])
    with pytest.raises(SpreadsheetError, match=f"^{CANNOT_READ_MESSAGE}$"):
        next(rows)


def _breaking_after(rows, count):
    for _ in range(count):
        yield next(rows)
    raise KeyError("xl/sharedStrings.xml")  # what a damaged xlsx raises from openpyxl


def test_a_workbook_that_would_expand_past_the_limit_is_refused_unopened(monkeypatch):
    assert spreadsheet.MAX_UNCOMPRESSED_SIZE == 250 * 1024 * 1024
    monkeypatch.setattr(spreadsheet, "MAX_UNCOMPRESSED_SIZE", 1024 * 1024)  # a smaller bomb, same rule
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["phone number"], ["07700900123"]])))
    parts = {info.filename: workbook.read(info) for info in workbook.infolist()}
    padding = 1024 * 1024 - sum(len(part) for part in parts.values())

    def bomb(extra):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, part in parts.items():
                archive.writestr(name, part)
            archive.writestr("xl/media/padding.bin", b" " * (padding + extra))
        return out.getvalue()

    assert Spreadsheet.from_file(bomb(0), "fine.xlsx").header == ["phone number"]
    with pytest.raises(SpreadsheetError, match=f"^{CANNOT_READ_MESSAGE}$"):
        Spreadsheet.from_file(bomb(1), "bomb.xlsx")


def test_a_file_over_10_mb_is_refused_without_reading_it_all():
    data = b"phone number\n" + b"07700900123\n" * (MAX_FILE_SIZE // 12 + 1)
    assert len(data) > MAX_FILE_SIZE
    with pytest.raises(SpreadsheetError) as error:
        Spreadsheet.from_file(io.BytesIO(data), "big.csv")
    assert str(error.value) == "The file must be smaller than 10MB"


def test_a_file_of_exactly_10_mb_is_read():
    header = b"phone number\n"
    data = header + b"x" * (MAX_FILE_SIZE - len(header))
    assert Spreadsheet.from_file(data, "big.csv").header == ["phone number"]


@pytest.mark.parametrize(
    ("build", "filename"), [(csv_bytes, "wide.csv"), (xlsx_bytes, "wide.xlsx"), (ods_bytes, "wide.ods")]
)
def test_more_than_1000_columns_is_refused(build, filename):
    data = build([[f"column {n}" for n in range(1, 1002)], ["x"] * 1001])
    with pytest.raises(SpreadsheetError) as error:
        Spreadsheet.from_file(data, filename)
    assert str(error.value) == (
        "Your file has too many columns. Notify can process up to 1,000 columns. Your file has 1,001 columns."
    )


def test_1000_columns_is_fine():
    data = csv_bytes([[f"column {n}" for n in range(1, 1001)], ["x"] * 1000])
    assert len(Spreadsheet.from_file(data, "wide.csv").header) == 1000


def test_an_empty_file_has_no_header_and_no_rows():
    assert read(b"", "empty.csv") == ([], [])
    assert read(b"\xef\xbb\xbf\r\n\r\n", "empty.csv") == ([], [])
