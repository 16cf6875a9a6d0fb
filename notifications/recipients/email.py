"""Email address rules, as GOV.UK Notify applies them before handing mail to a provider.

Stricter than RFC 5322 on purpose: quoted local parts, comments and IP-address domains
are legal but are not what anyone types, and providers reject several of them.
"""

import functools
import re

from .cleaning import clean
from .errors import InvalidRecipientError

INVALID_EMAIL_MESSAGE = "Not a valid email address"

MAX_EMAIL_LENGTH = 320
MAX_HOSTNAME_LENGTH = 253
MAX_LABEL_LENGTH = 63

_LOCAL_CHARACTERS = r"a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-"
_EMAIL = re.compile(rf"^[{_LOCAL_CHARACTERS}]+@([^.@][^@\s]+)$")
# A label is letters and digits, with single hyphens between them ("--" only in punycode).
_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
# The last label must look like a real top-level domain, which also rules out IP addresses.
_TOP_LEVEL_LABEL = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)


def validate_email_address(value) -> str:
    """Return the address without invisible characters or surrounding space.

    Raises ``InvalidRecipientError("Not a valid email address")`` for anything else.
    Case is kept: the local part is the receiving server's business. Compare addresses
    with ``email_key`` when case must not matter.
    """
    address = clean(value)
    match = _EMAIL.match(address)
    if not match or len(address) > MAX_EMAIL_LENGTH or ".." in address:
        raise InvalidRecipientError(INVALID_EMAIL_MESSAGE)
    if not _valid_hostname(match.group(1)):
        raise InvalidRecipientError(INVALID_EMAIL_MESSAGE)
    return address


def email_key(address: str) -> str:
    """What two spellings of the same (already valid) address have in common."""
    return address.casefold()


# Recipients in one file share a handful of domains, so each is checked once.
@functools.lru_cache(maxsize=4096)
def _valid_hostname(hostname: str) -> bool:
    if not hostname.isascii():
        # Internationalised domains are checked in the form DNS will see (punycode).
        try:
            hostname = hostname.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    labels = hostname.split(".")
    if len(hostname) > MAX_HOSTNAME_LENGTH or len(labels) < 2:
        return False
    if not all(label and len(label) <= MAX_LABEL_LENGTH and _LABEL.match(label) for label in labels):
        return False
    return bool(_TOP_LEVEL_LABEL.match(labels[-1]))


def stored_email_address(address: str) -> str:
    """A valid address as ``Notification.normalised_to`` keeps it: in lower case, as Notify
    stores it, so a search finds it whatever case the sender or the searcher typed."""
    return address.lower()
