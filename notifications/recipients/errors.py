"""Exceptions whose message is the text a user is shown."""


class InvalidRecipientError(ValueError):
    """A recipient that cannot be sent to; ``str(error)`` is the user-facing reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SpreadsheetError(ValueError):
    """An uploaded file that cannot be read as a spreadsheet; ``str(error)`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
