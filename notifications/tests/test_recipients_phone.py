import pytest

from notifications.recipients import InvalidRecipientError, validate_phone_number

TOO_LONG = "Mobile number is too long"
TOO_SHORT = "Mobile number is too short"
NOT_UK_MOBILE = "This does not look like a UK mobile number – double check the mobile number you entered"
BAD_CHARACTERS = "Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -"
NOT_VALID = "Number is not valid – double check the phone number you entered"
NO_COUNTRY = "Country code not found - double check the mobile number you entered"

VALID_UK_MOBILES = [
    "7723456789",
    "07723456789",
    "07723 456789",
    "07723-456-789",
    "07723–456—789",  # en and em dashes from a word processor
    "00447723456789",
    "00 44 7723456789",
    "447723456789",
    "+447723456789",
    "+44 7723 456 789",
    "+44 (0)7723 456 789",
    "(07723) 456 789",
    "0+447723456789",
    "+07723456789",
    "\u200b\t\t+44 (0)7723 456 789\ufeff \r\n",
    "07723\u00a0456\u00a0789",
]

INVALID_UK_MOBILES = [
    ("772345678910", TOO_LONG),
    ("0772345678910", TOO_LONG),
    ("0044772345678910", TOO_LONG),
    ("+44 (0)7723 456 789 10", TOO_LONG),
    ("0772345678", TOO_SHORT),
    ("004477234567", TOO_SHORT),
    ("00447723456", TOO_SHORT),
    ("+44 (0)7723 456 78", TOO_SHORT),
    ("", TOO_SHORT),
    ("   ", TOO_SHORT),
    ("()-+", TOO_SHORT),
    (None, TOO_SHORT),
    ("0117 496 0860", NOT_UK_MOBILE),  # a landline
    ("020 7946 0991", NOT_UK_MOBILE),
    ("+44 117 496 0860", NOT_UK_MOBILE),
    ("08001111111", NOT_UK_MOBILE),
    ("+12025550104", NOT_UK_MOBILE),  # abroad, without the international permission
    ("0012025550104", NOT_UK_MOBILE),
    ("07890x32109", BAD_CHARACTERS),
    ("07723 456789...", BAD_CHARACTERS),
    ("07723 ☟☜⬇⬆☞☝", BAD_CHARACTERS),
    ('07";DROP TABLE;"', BAD_CHARACTERS),
    ("+44 07ab cde fgh", BAD_CHARACTERS),
    ("ALPHANUM3R1C", BAD_CHARACTERS),
    ("0772345678٩", BAD_CHARACTERS),  # a digit, but not one a phone network knows
]

VALID_INTERNATIONAL = [
    ("+7 (8) (495) 123-45-67", "74951234567"),  # Russia, with the trunk prefix in brackets
    ("007 (8) (495) 123-45-67", "74951234567"),
    ("784951234567", "74951234567"),  # 11+ digits starting 7: country code 7, not a UK mobile
    ("77234567890", "77234567890"),
    ("1-202-555-0104", "12025550104"),  # USA
    ("1‑202–555—010−4", "12025550104"),  # non-breaking hyphen, en dash, em dash, minus sign
    ("+12025550104", "12025550104"),
    ("0012025550104", "12025550104"),
    ("+0012025550104", "12025550104"),
    ("230 5 2512345", "23052512345"),  # Mauritius
    ("+682 50 123", "68250123"),  # Cook Islands: five-digit numbers
    ("+33122334455", "33122334455"),  # a French landline: landlines are fine abroad
    ("0033122334455", "33122334455"),
    ("+43 676 111 222 333 4", "436761112223334"),  # Austria: 13-digit numbers
    ("20-12-1234-1234", "201212341234"),  # Egypt
    ("+44 7797 292290", "447797292290"),  # Jersey: a UK-range mobile
]

INVALID_INTERNATIONAL = [
    ("+1 900 867 5309", NOT_VALID),  # premium rate
    ("0033877123456", NOT_VALID),  # France, but no French number starts 87
    ("+682 1234", TOO_SHORT),
    ("1234567", TOO_SHORT),
    ("+12345 12345 12345 6", TOO_LONG),
    ("80100000000", NO_COUNTRY),
    ("+999 1234 5678", NO_COUNTRY),
    ("0117 496 0860", NOT_UK_MOBILE),  # UK landlines stay refused: 44 means UK mobile rules
    ("0044 117 496 0860", NOT_UK_MOBILE),
    ("44 117 496 0860", NOT_UK_MOBILE),
    ("0772345678", TOO_SHORT),
    ("+1 202 555 0104 ext 1", BAD_CHARACTERS),
]


@pytest.mark.parametrize("international", [False, True])
@pytest.mark.parametrize("value", VALID_UK_MOBILES)
def test_uk_mobiles_are_normalised_to_digits_with_the_country_code(value, international):
    assert validate_phone_number(value, international=international) == "447723456789"


@pytest.mark.parametrize("international", [False, True])
@pytest.mark.parametrize(
    ("value", "expected"),
    [("07700900123", "447700900123"), ("+447700900000", "447700900000"), ("7700 900 999", "447700900999")],
)
def test_ofcom_drama_numbers_are_valid_test_numbers(value, expected, international):
    # The phonenumbers library calls 07700 900xxx invalid; Notify uses them for testing.
    assert validate_phone_number(value, international=international) == expected


@pytest.mark.parametrize(("value", "message"), INVALID_UK_MOBILES)
def test_invalid_uk_mobiles_are_refused_with_notifys_messages(value, message):
    with pytest.raises(InvalidRecipientError) as error:
        validate_phone_number(value)
    assert str(error.value) == message


@pytest.mark.parametrize(("value", "expected"), VALID_INTERNATIONAL)
def test_numbers_abroad_are_accepted_with_the_international_permission(value, expected):
    assert validate_phone_number(value, international=True) == expected


@pytest.mark.parametrize(("value", "_"), VALID_INTERNATIONAL[:-1])
def test_numbers_abroad_are_refused_without_the_international_permission(value, _):
    with pytest.raises(InvalidRecipientError) as error:
        validate_phone_number(value)
    assert str(error.value) in {NOT_UK_MOBILE, TOO_LONG}


def test_a_long_number_starting_7_is_too_long_for_the_uk_and_russian_abroad():
    with pytest.raises(InvalidRecipientError, match=f"^{TOO_LONG}$"):
        validate_phone_number("784951234567")
    assert validate_phone_number("784951234567", international=True) == "74951234567"


@pytest.mark.parametrize(("value", "message"), INVALID_INTERNATIONAL)
def test_invalid_numbers_abroad_are_refused_with_notifys_messages(value, message):
    with pytest.raises(InvalidRecipientError) as error:
        validate_phone_number(value, international=True)
    assert str(error.value) == message


def test_international_is_keyword_only():
    with pytest.raises(TypeError):
        validate_phone_number("+12025550104", True)
