"""Signed, time-limited tokens for the links we email (verify an address, confirm a change).

A token carries the email address it was made for, so it stops working once the
address changes: that makes verification links effectively single use without a table.
"""

from django.core import signing


class LinkExpired(Exception):
    """The link was genuine but is older than it may be. `payload` says whose it was."""

    def __init__(self, payload):
        super().__init__("link expired")
        self.payload = payload


class LinkInvalid(Exception):
    """The link was not made by us (mangled, truncated or forged)."""


def make_token(purpose: str, payload: dict) -> str:
    return signing.TimestampSigner(salt=f"accounts.{purpose}").sign_object(payload)


def read_token(purpose: str, token: str, *, max_age: int) -> dict:
    signer = signing.TimestampSigner(salt=f"accounts.{purpose}")
    try:
        return signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        # The signature is good, only old: read it again without the age check so the
        # caller can offer to send a fresh link to the same account.
        raise LinkExpired(signer.unsign_object(token)) from None
    except signing.BadSignature:
        raise LinkInvalid from None
