"""Notify's numbers for accounts, in one place."""

from datetime import timedelta

MAX_FAILED_LOGINS = 10  # password or code failures before the account locks
CODE_LIFETIME = timedelta(minutes=30)
MAX_LIVE_CODES = 5
CODE_LENGTH = 5
LINK_MAX_AGE = 60 * 60  # seconds: email verification and email-change links
PENDING_SIGN_IN_MAX_AGE = 30 * 60  # seconds from a right password to entering the code
ADMIN_IDLE_TIMEOUT = 30 * 60  # seconds: platform admins are signed out after this idle time

SIGN_IN_FAILED = "The email address or password you entered is incorrect."
CODE_NOT_FOUND = "The security code is not correct. Check it and try again."
CODE_EXPIRED = "This security code has expired. Request a new code."
CODE_USED = "This security code has already been used. Request a new code."
ACCOUNT_LOCKED_AT_CODE = (
    "There have been too many failed attempts to sign in to your account, so it is locked. "
    "Reset your password to unlock it."
)
