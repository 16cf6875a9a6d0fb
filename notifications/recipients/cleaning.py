"""Removing the characters people cannot see but spreadsheets carry.

Copying from web pages, Word or Outlook brings zero-width spaces, byte order marks and
non-breaking spaces along with addresses and numbers. Left in, they make a good address
look invalid (or, worse, valid but undeliverable), so every cell is cleaned on the way in.
"""

# Characters with no width: removed wherever they are, not only at the ends.
ZERO_WIDTH_CHARACTERS = (
    "\u180e"  # Mongolian vowel separator
    "\u200b"  # zero width space
    "\u200c"  # zero width non-joiner
    "\u200d"  # zero width joiner
    "\u2060"  # word joiner
    "\ufeff"  # zero width no-break space, also the byte order mark
)
_REMOVE_ZERO_WIDTH = str.maketrans("", "", ZERO_WIDTH_CHARACTERS)


def clean(value) -> str:
    """A cell's text without invisible characters and without surrounding white space.

    ``str.strip()`` with no argument already strips every Unicode space, non-breaking
    and narrow no-break spaces included; zero-width characters are not spaces to Python,
    so they are removed first.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if not value.isascii():
        value = value.translate(_REMOVE_ZERO_WIDTH)
    return value.strip()
