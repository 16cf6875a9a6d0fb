"""Account pages: registration, sign-in with a second factor, password reset, your account."""
