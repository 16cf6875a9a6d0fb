import pytest

from notifications.recipients import InvalidRecipientError, email_key, validate_email_address

VALID = [
    ("email@domain.com", "email@domain.com"),
    ("email@domain.COM", "email@domain.COM"),
    ("firstname.lastname@domain.com", "firstname.lastname@domain.com"),
    ("firstname.o'lastname@domain.com", "firstname.o'lastname@domain.com"),
    ("email@subdomain.domain.com", "email@subdomain.domain.com"),
    ("firstname+lastname@domain.com", "firstname+lastname@domain.com"),
    ("1234567890@domain.com", "1234567890@domain.com"),
    ("email@domain-one.com", "email@domain-one.com"),
    ("_______@domain.com", "_______@domain.com"),
    ("email@domain.name", "email@domain.name"),
    ("email@domain.superlongtld", "email@domain.superlongtld"),
    ("email@domain.co.jp", "email@domain.co.jp"),
    ("firstname-lastname@domain.com", "firstname-lastname@domain.com"),
    ("info@german-financial-services.vermögensberatung", "info@german-financial-services.vermögensberatung"),
    (
        "info@german-financial-services.reallylongarbitrarytldthatiswaytoohugejustincase",
        "info@german-financial-services.reallylongarbitrarytldthatiswaytoohugejustincase",
    ),
    ("japanese-info@例え.テスト", "japanese-info@例え.テスト"),
    ("email@double--hyphen.com", "email@double--hyphen.com"),
    ("!#$%&'*+/=?^_`{|}~-@domain.gov.uk", "!#$%&'*+/=?^_`{|}~-@domain.gov.uk"),
    ("email@xn--bcher-kva.example", "email@xn--bcher-kva.example"),
    # Pasted from a web page or an Outlook address book.
    ("  email@domain.com\t", "email@domain.com"),
    ("\u200bemail@domain.com\ufeff", "email@domain.com"),
    ("\u00a0email@do\u200bmain.com\u202f", "email@domain.com"),
    ("\ufeff\r\nemail@domain.com \n", "email@domain.com"),
    (f"{'a' * 64}@{'b' * 63}.com", f"{'a' * 64}@{'b' * 63}.com"),
]

INVALID = [
    "",
    "   ",
    None,
    "email@123.123.123.123",
    "email@[123.123.123.123]",
    "plainaddress",
    "@no-local-part.com",
    "Outlook Contact <outlook-contact@domain.com>",
    "no-at.domain.com",
    "no-tld@domain",
    ";beginning-semicolon@domain.co.uk",
    "middle-semicolon@domain.co;uk",
    "trailing-semicolon@domain.com;",
    '"email+leading-quotes@domain.com',
    'email+middle"-quotes@domain.com',
    '"quoted-local-part"@domain.com',
    '"quoted@domain.com"',
    "lots-of-dots@domain..gov..uk",
    "two-dots..in-local@domain.com",
    "multiple@domains@domain.com",
    "spaces in local@domain.com",
    "spaces-in-domain@dom ain.com",
    "underscores-in-domain@dom_ain.com",
    "pipe-in-domain@example.com|gov.uk",
    "comma,in-local@gov.uk",
    "comma-in-domain@domain,gov.uk",
    "pound-sign-in-local£@domain.com",
    "local-with-’-apostrophe@domain.com",
    "local-with-”-quotes@domain.com",
    "domain-starts-with-a-dot@.domain.com",
    "brackets(in)local@domain.com",
    "email-too-long-{}@example.com".format("a" * 320),
    "incorrect-punycode@xn---something.com",
    "hyphen-at-end-of-label@domain-.com",
    "hyphen-at-start-of-label@-domain.com",
    "tld-is-a-number@domain.123",
    "one-letter-tld@domain.c",
    "trailing-dot@domain.com.",
    f"label-too-long@{'b' * 64}.com",
    f"domain-too-long@{'.'.join(['a' * 63] * 4)}.com",
    "email@domain.com\u00a0extra",
]


@pytest.mark.parametrize(("value", "expected"), VALID)
def test_valid_email_addresses_are_returned_stripped(value, expected):
    assert validate_email_address(value) == expected


@pytest.mark.parametrize("value", INVALID)
def test_invalid_email_addresses_are_refused_with_notifys_message(value):
    with pytest.raises(InvalidRecipientError) as error:
        validate_email_address(value)
    assert str(error.value) == "Not a valid email address"


def test_a_top_level_domain_can_be_up_to_63_letters_but_no_more():
    assert validate_email_address(f"a@domain.{'x' * 63}") == f"a@domain.{'x' * 63}"
    with pytest.raises(InvalidRecipientError):
        validate_email_address(f"a@domain.{'x' * 64}")


def test_an_address_of_more_than_320_characters_is_refused_even_with_valid_parts():
    domain = ".".join(["d" * 60] * 4) + ".uk"  # 247 characters: a valid hostname
    local = "l" * (320 - len(domain) - 1)
    assert validate_email_address(f"{local}@{domain}") == f"{local}@{domain}"
    with pytest.raises(InvalidRecipientError):
        validate_email_address(f"l{local}@{domain}")


def test_invalid_recipient_error_is_a_value_error():
    with pytest.raises(ValueError, match="^Not a valid email address$"):
        validate_email_address("nope")


def test_email_key_ignores_case():
    assert email_key("Jo.Bloggs@Example.GOV.uk") == email_key("jo.bloggs@example.gov.uk") == "jo.bloggs@example.gov.uk"
