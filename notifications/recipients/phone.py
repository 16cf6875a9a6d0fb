"""Mobile number rules, as GOV.UK Notify applies them.

UK mobiles are checked by hand (fast, and the ``phonenumbers`` library calls Ofcom's
``07700 900xxx`` drama numbers invalid, while Notify uses them as test numbers). Other
countries are only allowed with the service's international permission, and are then
checked with ``phonenumbers``.
"""

import phonenumbers

from .cleaning import ZERO_WIDTH_CHARACTERS
from .errors import InvalidRecipientError

UK_PREFIX = "44"

UNKNOWN_CHARACTER_MESSAGE = "Mobile numbers can only include: 0 1 2 3 4 5 6 7 8 9 ( ) + -"
TOO_LONG_MESSAGE = "Mobile number is too long"
TOO_SHORT_MESSAGE = "Mobile number is too short"
NOT_A_UK_MOBILE_MESSAGE = "This does not look like a UK mobile number – double check the mobile number you entered"
INVALID_NUMBER_MESSAGE = "Number is not valid – double check the phone number you entered"
UNKNOWN_COUNTRY_CODE_MESSAGE = "Country code not found - double check the mobile number you entered"

# Word processors and spreadsheets turn "-" into these; people cannot tell them apart.
DASH_LOOK_ALIKES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_REMOVE_PUNCTUATION = str.maketrans("", "", "()+-" + DASH_LOOK_ALIKES + ZERO_WIDTH_CHARACTERS)

# Numbers the library says are valid but which we will not send to.
_REFUSED_TYPES = {phonenumbers.PhoneNumberType.PREMIUM_RATE}

_TOO_SHORT_RESULTS = {
    phonenumbers.ValidationResult.TOO_SHORT,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
}


def validate_phone_number(value, *, international: bool = False) -> str:
    """Return the number as digits with its country code and no ``+`` (``447723456789``).

    Without ``international`` only UK mobiles are accepted. With it, a number that does
    not look like a UK one is parsed with ``phonenumbers``: any valid number, landlines
    included, except premium rate ones. UK numbers (country code 44) must always be
    mobiles. Raises ``InvalidRecipientError`` with the message a user should see.
    """
    digits = _digits(value)
    if not international or _looks_like_uk_number(digits):
        return _validate_uk_mobile(digits)
    return _validate_international(digits)


def _digits(value) -> str:
    """The number's digits, or an error naming the characters a number may hold."""
    text = "" if value is None else str(value)
    digits = "".join(text.split()).translate(_REMOVE_PUNCTUATION)
    if not (digits.isascii() and digits.isdigit()):
        if digits:
            raise InvalidRecipientError(UNKNOWN_CHARACTER_MESSAGE)
        raise InvalidRecipientError(TOO_SHORT_MESSAGE)
    return digits


def _looks_like_uk_number(digits: str) -> bool:
    # "07…" (one leading zero) is a UK national number; "00…" is an international prefix.
    if digits.startswith("0") and not digits.startswith("00"):
        return True
    digits = digits.lstrip("0")
    # A bare "7…" of 11 or more digits is more likely Russia or Kazakhstan (+7) than a
    # UK mobile that lost its leading zero.
    return digits.startswith(UK_PREFIX) or (digits.startswith("7") and len(digits) < 11)


def _validate_uk_mobile(digits: str) -> str:
    national = digits.lstrip("0")
    if national.startswith(UK_PREFIX):
        national = national[len(UK_PREFIX) :]
    # "+44 (0)7…" leaves a zero after the country code.
    national = national.lstrip("0")
    if not national.startswith("7"):
        raise InvalidRecipientError(NOT_A_UK_MOBILE_MESSAGE)
    if len(national) > 10:
        raise InvalidRecipientError(TOO_LONG_MESSAGE)
    if len(national) < 10:
        raise InvalidRecipientError(TOO_SHORT_MESSAGE)
    return UK_PREFIX + national


def _validate_international(digits: str) -> str:
    # "00" and "+00" are ways of dialling out of a country; the digits after them start
    # with the country code.
    digits = digits.lstrip("0")
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException as error:
        raise InvalidRecipientError(_parse_error_message(error)) from error
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        raise InvalidRecipientError(TOO_LONG_MESSAGE)
    if reason in _TOO_SHORT_RESULTS:
        raise InvalidRecipientError(TOO_SHORT_MESSAGE)
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        raise InvalidRecipientError(UNKNOWN_COUNTRY_CODE_MESSAGE)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) in _REFUSED_TYPES:
        raise InvalidRecipientError(INVALID_NUMBER_MESSAGE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def _parse_error_message(error: phonenumbers.NumberParseException) -> str:
    kind = phonenumbers.NumberParseException
    if error.error_type == kind.INVALID_COUNTRY_CODE:
        return UNKNOWN_COUNTRY_CODE_MESSAGE
    if error.error_type == kind.TOO_LONG:
        return TOO_LONG_MESSAGE
    # NOT_A_NUMBER here means too few digits to hold a country code and a number.
    return TOO_SHORT_MESSAGE
