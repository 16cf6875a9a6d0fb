import pytest

from notifications.recipients import (
    MAX_FILE_SIZE,
    Cell,
    CheckError,
    RecipientCSV,
    Row,
    SendableRow,
    Spreadsheet,
    example_rows,
)
from notifications.tests.recipients_files import FILES, PNG_BYTES, csv_bytes, ods_bytes, xlsx_bytes

SMS = {"template_type": "sms", "content": "Hello ((name)), see you ((day))"}
EMAIL = {"template_type": "email", "subject": "For ((name))", "content": "Hello ((name))"}


def check(rows, **options):
    options = {**SMS, **options} if options.get("template_type", "sms") == "sms" else options
    return RecipientCSV(rows, filename=options.pop("filename", "people.csv"), **options)


def codes(recipients):
    return [error.code for error in recipients.errors]


def sendable(recipients):
    return [(row.row_number, row.recipient, row.personalisation) for row in recipients.sendable_rows()]


# Columns


@pytest.mark.parametrize("header", ["phone number", "Phone Number", "PHONE_NUMBER", "phone-number", " Phone  number "])
def test_the_recipient_column_is_found_ignoring_case_spaces_underscores_and_hyphens(header):
    recipients = check([[header, "NAME", "d_A-y"], ["07700900123", "Jo", "Monday"]])
    assert recipients.errors == []
    assert sendable(recipients) == [(2, "447700900123", {"name": "Jo", "day": "Monday"})]


def test_placeholders_are_matched_to_columns_the_same_way():
    recipients = check(
        [["email address", "First-Name", "reference number"], ["jo@example.com", "Jo", "AB12"]],
        template_type="email",
        subject="((ReferenceNumber))",
        content="Dear ((first name)), ((first_name))",
    )
    assert recipients.errors == []
    assert sendable(recipients) == [(2, "jo@example.com", {"ReferenceNumber": "AB12", "first name": "Jo"})]


def test_a_file_without_the_recipient_column_lists_the_columns_it_has():
    recipients = check([["name", "day"], ["Jo", "Monday"]])
    assert recipients.problem == CheckError(
        "missing_recipient_column",
        "Your file is missing some columns",
        ("It needs a column called ‘phone number’.", "Right now it has columns called ‘name’ and ‘day’."),
    )


def test_a_file_with_one_wrong_column_says_so():
    recipients = check([["email address"], ["jo@example.com"]])
    assert recipients.problem.paragraphs == (
        "It needs a column called ‘phone number’.",
        "Right now it has one column, called ‘email address’.",
    )


def test_two_recipient_columns_are_an_error_naming_both():
    recipients = check([["phone number", "Phone_Number", "name", "day"], ["07700900123", "07700900456", "Jo", "Mon"]])
    assert codes(recipients) == ["duplicate_recipient_columns"]
    assert recipients.problem.paragraphs == (
        "We found more than one column called ‘phone number’ or ‘Phone_Number’.",
        "Delete or rename one of these columns and try again.",
    )


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["phone number", "name"], "Your file is missing a column called ‘day’."),
        (["phone number"], "Your file is missing columns called ‘name’ and ‘day’."),
    ],
)
def test_placeholders_without_a_column_are_listed(header, missing):
    recipients = check([header, ["07700900123"] + ["x"] * (len(header) - 1)])
    assert recipients.problem == CheckError(
        "missing_placeholder_columns",
        "Your file is missing some columns",
        ("The column names need to match the double brackets in your template.", missing),
    )


def test_three_missing_columns_are_listed_with_commas():
    recipients = check([["phone number"], ["07700900123"]], content="((a)) ((b)) ((c))")
    assert recipients.problem.paragraphs[1] == "Your file is missing columns called ‘a’, ‘b’ and ‘c’."


def test_an_email_subjects_placeholders_need_columns_too():
    recipients = check([["email address", "name"], ["jo@example.com", "Jo"]], **{**EMAIL, "subject": "((ref))"})
    assert recipients.problem.paragraphs[1] == "Your file is missing a column called ‘ref’."


def test_a_conditional_placeholder_needs_its_column():
    recipients = check([["phone number"], ["07700900123"]], content="Hi((urgent??, this is urgent))")
    assert recipients.problem.paragraphs[1] == "Your file is missing a column called ‘urgent’."


def test_columns_the_template_does_not_use_are_ignored_but_shown():
    recipients = check([["phone number", "name", "day", "notes"], ["07700900123", "Jo", "Mon", "VIP"]])
    assert recipients.errors == []
    assert recipients.initial_rows == [
        Row(
            2,
            (
                Cell("phone number", "07700900123"),
                Cell("name", "Jo"),
                Cell("day", "Mon"),
                Cell("notes", "VIP", ignored=True),
            ),
        )
    ]
    assert sendable(recipients) == [(2, "447700900123", {"name": "Jo", "day": "Mon"})]


def test_the_recipient_column_can_also_be_a_placeholder():
    recipients = check([["Phone number"], ["07700 900123"]], content="Sent to ((phone number))")
    assert recipients.errors == []
    assert sendable(recipients) == [(2, "447700900123", {"phone number": "07700 900123"})]


# Rows


def test_bad_recipients_are_counted_and_marked_on_their_cells():
    recipients = check(
        [
            ["phone number", "name", "day"],
            ["07700900123", "Jo", "Mon"],
            ["0117 496 0860", "Al", "Tue"],
            ["07700 900", "Sam", "Wed"],
            ["0770090012x", "Kim", "Thu"],
        ]
    )
    assert recipients.row_errors == ["fix 3 phone numbers"]
    assert recipients.problem == CheckError(
        "row_errors", "There is a problem with people.csv", ("You need to fix 3 phone numbers",)
    )
    assert [(row.row_number, row.cells[0].error) for row in recipients.displayed_rows] == [
        (3, "This does not look like a UK mobile number – double check the mobile number you entered"),
        (4, "Mobile number is too short"),
        (5, "Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -"),
    ]


def test_one_bad_email_address_is_fix_1_email_address():
    recipients = check([["email address", "name"], ["jo@example", "Jo"]], **EMAIL)
    assert recipients.row_errors == ["fix 1 email address"]
    assert recipients.displayed_rows[0].cells[0] == Cell("email address", "jo@example", "Not a valid email address")


def test_empty_cells_the_template_needs_are_missing_and_a_missing_recipient_is_missing_data():
    recipients = check(
        [
            ["phone number", "name", "day", "notes"],
            ["", "Jo", "Mon", ""],
            ["07700900123", "", "Tue", ""],
            ["07700900456", "Al", "Wed", ""],
        ]
    )
    assert recipients.row_errors == ["enter missing data in 2 rows"]
    assert recipients.displayed_rows == [
        Row(
            2,
            (
                Cell("phone number", "", "Missing"),
                Cell("name", "Jo"),
                Cell("day", "Mon"),
                Cell("notes", "", ignored=True),
            ),
        ),
        Row(
            3,
            (
                Cell("phone number", "07700900123"),
                Cell("name", "", "Missing"),
                Cell("day", "Tue"),
                Cell("notes", "", ignored=True),
            ),
        ),
    ]


def test_one_row_of_missing_data_is_singular():
    recipients = check([["phone number", "name", "day"], ["07700900123", "Jo", ""]])
    assert recipients.row_errors == ["enter missing data in 1 row"]


def test_a_text_message_over_918_characters_after_personalisation_is_too_long():
    recipients = check(
        [
            ["phone number", "name"],
            ["07700900123", "a" * 912],  # "Hi " + 912 + "!!!" = 918: the limit itself is fine
            ["07700900456", "a" * 913],
            ["07700900789", "[" * 457],  # extension characters count twice: 3 + 914 + 3 = 920
            ["07700900000", "ŵ" * 913],  # Welsh: unicode, each character once
        ],
        content="Hi ((name))!!!",
    )
    assert recipients.row_errors == ["shorten the messages in 3 rows"]
    assert [(row.row_number, row.message_error) for row in recipients.displayed_rows] == [
        (3, "Message too long: 919 characters, and text messages cannot be longer than 918"),
        (4, "Message too long: 920 characters, and text messages cannot be longer than 918"),
        (5, "Message too long: 919 characters, and text messages cannot be longer than 918"),
    ]


def test_one_message_too_long_is_singular_and_email_has_no_length_limit():
    assert check([["phone number", "name"], ["07700900123", "a" * 1000]], content="((name))").row_errors == [
        "shorten the message in 1 row"
    ]
    email = check([["email address", "name"], ["jo@example.com", "a" * 5000]], **EMAIL)
    assert email.errors == []


def test_a_message_that_personalises_to_nothing_is_empty():
    recipients = check(
        [
            ["phone number", "urgent"],
            ["07700900123", "yes"],
            ["07700900456", "no"],
            ["07700900789", "nope"],
        ],
        content=" ((urgent??Come now)) ",
    )
    assert recipients.row_errors == ["check you have content for the empty messages in 2 rows"]
    assert [(row.row_number, row.message_error) for row in recipients.displayed_rows] == [
        (3, "Message is empty"),
        (4, "Message is empty"),
    ]


def test_row_errors_are_listed_in_notifys_order():
    recipients = check(
        [
            ["phone number", "name"],
            ["", "Jo"],
            ["07700900123", "a" * 1000],
            ["nonsense", "Al"],
        ],
        content="Hi ((name))",
    )
    assert recipients.problem == CheckError(
        "row_errors",
        "There are some problems with people.csv",
        ("You need to:",),
        ("fix 1 phone number", "enter missing data in 1 row", "shorten the message in 1 row"),
    )


def test_blank_rows_are_skipped_but_row_numbers_match_the_spreadsheet():
    recipients = check(
        [["phone number", "name", "day"], ["", "", ""], ["07700900123", "Jo", "Mon"], [], ["07700900456", "Al", "Tue"]]
    )
    assert len(recipients) == 2
    assert [row.row_number for row in recipients.initial_rows] == [3, 5]
    assert [row.row_number for row in recipients.sendable_rows()] == [3, 5]


def test_the_first_50_rows_and_the_first_50_rows_with_errors_are_kept():
    rows = [["phone number", "name", "day"]]
    rows += [["07700900123" if n % 3 else "bad", "Jo", "Mon"] for n in range(300)]
    recipients = check(rows)
    assert [row.row_number for row in recipients.initial_rows] == list(range(2, 52))
    assert [row.row_number for row in recipients.initial_rows_with_errors] == list(range(2, 152, 3))
    assert recipients.displayed_rows == recipients.initial_rows_with_errors
    assert recipients.row_errors == ["fix 100 phone numbers"]


def test_without_errors_the_first_50_rows_are_displayed():
    recipients = check([["phone number", "name", "day"]] + [["07700900123", "Jo", "Mon"]] * 60)
    assert [row.row_number for row in recipients.displayed_rows] == list(range(2, 52))
    assert not any(row.has_errors for row in recipients.displayed_rows)


def test_international_numbers_need_the_permission():
    rows = [["phone number", "name", "day"], ["+1 202 555 0104", "Jo", "Mon"]]
    assert check(rows).row_errors == ["fix 1 phone number"]
    assert sendable(check(rows, international=True)) == [(2, "12025550104", {"name": "Jo", "day": "Mon"})]


# Sendable rows


def test_sendable_rows_carry_the_recipient_as_written_normalised_and_the_personalisation():
    recipients = check(
        [["phone number", "name", "day", "notes"], ["\u200b+44 (0)7700 900123", " Jo ", "Mon", "x"]],
    )
    assert list(recipients.sendable_rows()) == [
        SendableRow(2, "+44 (0)7700 900123", "447700900123", {"name": "Jo", "day": "Mon"})
    ]


def test_a_file_with_errors_has_no_sendable_rows():
    recipients = check([["phone number", "name", "day"], ["07700900123", "Jo", "Mon"], ["bad", "Al", "Tue"]])
    with pytest.raises(ValueError, match="^This file has errors; fix them before sending$"):
        recipients.sendable_rows()


# Size


@pytest.fixture(scope="module")
def rows_100_001():
    return [["phone number", "name", "day"]] + [["07700900123", "Jo", "Mon"]] * 100_001


def test_100_000_rows_can_be_sent(rows_100_001):
    recipients = check(rows_100_001[:-1])
    assert recipients.errors == []
    assert len(recipients) == 100_000
    assert sum(1 for _ in recipients.sendable_rows()) == 100_000


def test_100_001_rows_are_too_many(rows_100_001):
    recipients = check(rows_100_001)
    assert recipients.problem == CheckError(
        "too_many_rows",
        "Your file has too many rows",
        ("Notify can process up to 100,000 rows at once. Your file has 100,001 rows.",),
    )


def test_at_most_200_000_rows_are_read():
    rows = iter([["phone number", "name", "day"]] + [["07700900123", "Jo", "Mon"]] * 200_010)
    recipients = check(rows)
    assert len(recipients) == 200_000
    assert next(rows) == ["07700900123", "Jo", "Mon"]  # the rest of the file was left unread
    assert recipients.problem.paragraphs == (
        "Notify can process up to 100,000 rows at once. Your file has more than 200,000 rows.",
    )


def test_a_header_without_rows_is_missing_rows():
    recipients = check([["phone number", "name", "day"], ["", "", ""]])
    assert recipients.errors == [
        CheckError("no_rows", "Your file is missing some rows", ("It needs at least one row of data.",))
    ]


def test_an_empty_file_needs_rows_and_the_columns_the_template_uses():
    recipients = RecipientCSV.from_file(b"", "empty.csv", **SMS)
    assert recipients.problem == CheckError(
        "no_rows",
        "Your file is missing some rows",
        ("It needs at least one row of data, and columns called ‘day’, ‘name’ and ‘phone number’.",),
    )


# Permissions


def test_in_trial_mode_only_team_members_can_be_sent_to():
    rows = [["phone number", "name", "day"], ["07700 900123", "Jo", "Mon"], ["07700 900456", "Al", "Tue"]]
    team = ["+447700900123", "07700900456", "jo@example.com", "not a number"]
    assert check(rows, allowlist=team).errors == []

    recipients = check(rows, allowlist=["07700900123"])
    assert recipients.problem == CheckError(
        "not_allowed_to_send_to",
        "You cannot send to these phone numbers",
        ("In trial mode you can only send to yourself and members of your team",),
    )


def test_trial_mode_compares_email_addresses_ignoring_case():
    rows = [["email address", "name"], ["Jo.Bloggs@Example.com", "Jo"]]
    assert check(rows, **EMAIL, allowlist=["jo.bloggs@example.COM"]).errors == []
    assert check(rows, **EMAIL, allowlist=["al@example.com"]).problem.title == "You cannot send to this email address"


def test_more_rows_than_the_daily_limit_allows_is_too_many_recipients():
    rows = [["phone number", "name", "day"]] + [["07700900123", "Jo", "Mon"]] * 30
    recipients = check(rows, allowlist=["07700900123"], remaining_messages=20, daily_limit=50)
    assert recipients.problem == CheckError(
        "too_many_recipients",
        "Too many recipients",
        (
            "You can only send 50 messages per day in trial mode.",
            "You can still send 20 messages today, but ‘people.csv’ contains 30 phone numbers.",
        ),
    )
    assert check(rows, remaining_messages=30, daily_limit=250_000).errors == []


def test_a_file_over_an_unused_daily_limit_does_not_mention_what_is_left():
    rows = [["email address", "name"]] + [["jo@example.com", "Jo"]] * 51
    recipients = check(rows, **EMAIL, filename="list.xlsx", remaining_messages=50, daily_limit=50)
    assert recipients.problem.paragraphs == (
        "You can only send 50 messages per day.",
        "‘list.xlsx’ contains 51 email addresses.",
    )


def test_when_nothing_is_left_today_the_daily_limit_is_reached():
    recipients = check(
        [["phone number", "name", "day"], ["07700900123", "Jo", "Mon"]], remaining_messages=0, daily_limit=50
    )
    assert recipients.problem == CheckError(
        "daily_limit_reached", "Daily limit reached", ("You can only send 50 messages per day.",)
    )


# Priority


def test_errors_come_in_notifys_order_column_then_row_then_permission():
    rows = [["phone number", "name"], ["bad", "Jo"], ["07700900456", "Al"]]
    recipients = check(rows, allowlist=["07700900123"], remaining_messages=1, daily_limit=50)
    assert codes(recipients) == [
        "missing_placeholder_columns",
        "row_errors",
        "not_allowed_to_send_to",
        "too_many_recipients",
    ]
    rows = [row + ["Mon"] for row in rows]
    rows[0][2] = "day"
    recipients = check(rows, allowlist=["07700900123"], remaining_messages=1, daily_limit=50)
    assert codes(recipients) == ["row_errors", "not_allowed_to_send_to", "too_many_recipients"]


def test_too_many_rows_comes_before_everything_else(rows_100_001):
    recipients = check(rows_100_001, content="((missing))", remaining_messages=5)
    assert codes(recipients) == ["too_many_rows", "missing_placeholder_columns", "too_many_recipients"]


# Files, end to end

FILE_ROWS = [
    ["Phone number", "Name", "Day"],
    ["07700 900123", "Zoë", "Monday"],
    ["", "", ""],
    ["+44 7700 900456", "Ali", "Tuesday"],
]
EXPECTED = [
    (2, "447700900123", {"name": "Zoë", "day": "Monday"}),
    (4, "447700900456", {"name": "Ali", "day": "Tuesday"}),
]


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("people.csv", csv_bytes(FILE_ROWS)),
        ("people.csv", csv_bytes(FILE_ROWS, encoding="utf-8-sig")),
        ("people.csv", csv_bytes(FILE_ROWS, encoding="cp1252")),
        ("people.tsv", csv_bytes(FILE_ROWS, delimiter="\t")),
        ("people.xlsx", xlsx_bytes(FILE_ROWS)),
        ("people.xlsm", xlsx_bytes(FILE_ROWS)),
        ("people.ods", ods_bytes(FILE_ROWS)),
    ],
    ids=["csv", "csv utf-8 BOM", "csv windows-1252", "tsv", "xlsx", "xlsm", "ods"],
)
def test_every_file_type_gives_the_same_recipients(filename, data):
    recipients = RecipientCSV.from_file(data, filename, **SMS)
    assert recipients.errors == []
    assert recipients.filename == filename
    assert sendable(recipients) == EXPECTED


def test_an_xls_file_gives_its_recipients():
    recipients = RecipientCSV.from_file(
        (FILES / "recipients.xls").read_bytes(), "recipients.xls", template_type="sms", content="((name))"
    )
    assert recipients.errors == []
    assert sendable(recipients) == [
        (2, "447700900123", {"name": "Zoë"}),
        (3, "447700900456", {"name": "Ali"}),
        (5, "447700900789", {"name": "Sam"}),
    ]


def test_a_windows_1252_file_keeps_its_accents():
    data = "phone number,name,day\r\n07700900123,Siân Ó Briain,Llun\r\n".encode("cp1252")
    assert sendable(RecipientCSV.from_file(data, "cymraeg.csv", **SMS)) == [
        (2, "447700900123", {"name": "Siân Ó Briain", "day": "Llun"})
    ]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("photo.xlsx", PNG_BYTES, "Notify cannot read this file - try using a different file type"),
        ("photo.png", PNG_BYTES, "photo.png is not a spreadsheet that Notify can read"),
        ("empty.xlsx", b"", "Notify cannot read this file - try using a different file type"),
        ("big.csv", b"phone number\n" + b"07700900123\n" * (MAX_FILE_SIZE // 12), "The file must be smaller than 10MB"),
        (
            "wide.csv",
            csv_bytes([[f"c{n}" for n in range(1001)]]),
            "Your file has too many columns. Notify can process up to 1,000 columns. Your file has 1,001 columns.",
        ),
    ],
)
def test_files_that_cannot_be_checked_report_why_instead_of_raising(filename, data, message):
    recipients = RecipientCSV.from_file(data, filename, **SMS)
    assert recipients.errors == [CheckError("cannot_read", "There is a problem with your file", (message,))]
    assert len(recipients) == 0
    assert recipients.displayed_rows == []


def test_a_file_that_breaks_while_rows_are_read_reports_it_after_the_rows_read():
    def rows():
        yield ["phone number", "name", "day"]
        yield ["07700900123", "Jo", "Mon"]
        raise OSError("truncated")

    recipients = RecipientCSV(Spreadsheet(rows()), **SMS)
    assert codes(recipients) == ["cannot_read"]
    assert len(recipients) == 1
    with pytest.raises(ValueError, match="fix them before sending"):
        recipients.sendable_rows()


def test_a_template_type_without_a_recipient_column_is_a_programming_error():
    with pytest.raises(ValueError, match="Cannot send 'letter' messages from a spreadsheet"):
        RecipientCSV([], template_type="letter", content="")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            {"template_type": "sms", "content": "Hi ((name)), ((Phone_Number)) ((day??soon))"},
            [["phone number", "name", "day"], ["07700 900321", "example", "example"]],
        ),
        (
            {"template_type": "email", "subject": "((ref))", "content": "Hello"},
            [["email address", "ref"], ["test@example.com", "example"]],
        ),
    ],
)
def test_the_example_file_for_a_template_has_its_columns_and_passes_the_checks(template, expected):
    assert example_rows(**template) == expected
    assert RecipientCSV(expected, **template).errors == []
