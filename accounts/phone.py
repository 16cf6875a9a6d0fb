"""Users' own mobile numbers (the numbers security codes go to)."""

import phonenumbers

# Ofcom's drama range: not "valid" to phonenumbers, but what tests and demos use.
UK_TEST_PREFIX = "447700900"


class InvalidMobileNumber(ValueError):
    pass


def normalise_mobile_number(value: str) -> str:
    """Return the number as +<country code><number>, or raise InvalidMobileNumber with the message."""
    value = (value or "").strip()
    if not value:
        raise InvalidMobileNumber("Enter a mobile number")
    if not set(value) <= set("0123456789+()- "):
        raise InvalidMobileNumber("Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -")
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise InvalidMobileNumber("Enter a valid mobile number") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    is_test_number = e164.startswith("+" + UK_TEST_PREFIX) and len(e164) == 13
    mobile_types = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not is_test_number and not (
        phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in mobile_types
    ):
        raise InvalidMobileNumber("Enter a valid mobile number")
    return e164


def sms_destination(mobile_number: str) -> str:
    """Digits with the country code and no '+', the form the SMS provider takes."""
    try:
        return normalise_mobile_number(mobile_number).lstrip("+")
    except InvalidMobileNumber:
        # Numbers entered before validation existed (the admin, old data): send as stored.
        return "".join(ch for ch in mobile_number if ch.isdigit())
