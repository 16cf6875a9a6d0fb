import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # API key secrets are hashed with make_password; the production hasher is slow on
    # purpose, which would only slow these tests down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
