"""The words of the check page's errors, in GOV.UK Notify's phrasing.

Each error is a ``CheckError``: a short ``code`` for code and tests, a ``title`` for the
banner heading, ``paragraphs`` under it and, for row errors, bullet ``items``. The text is
plain (no HTML); templates escape it like any other text.
"""

from dataclasses import dataclass

RECIPIENT_LABELS = {"email": "email address", "sms": "phone number"}
RECIPIENT_LABELS_PLURAL = {"email": "email addresses", "sms": "phone numbers"}


@dataclass(frozen=True)
class CheckError:
    code: str
    title: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    def __str__(self):
        return " ".join((self.title, *self.paragraphs, *self.items))


def formatted_list(items, *, conjunction="and", prefix="", prefix_plural="") -> str:
    """``‘a’``, ``‘a’ and ‘b’``, ``‘a’, ‘b’ and ‘c’``, each with its prefix."""
    quoted = [f"‘{item}’" for item in items]
    if len(quoted) == 1:
        return f"{prefix} {quoted[0]}".strip()
    listed = f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"
    return f"{prefix_plural} {listed}".strip()


def count_of(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def recipient_count(count: int, template_type: str) -> str:
    return count_of(count, RECIPIENT_LABELS[template_type], RECIPIENT_LABELS_PLURAL[template_type])


def cannot_read(message: str) -> CheckError:
    return CheckError("cannot_read", "There is a problem with your file", (message,))


def too_many_rows(limit: int, count: int, *, more_than: bool) -> CheckError:
    has = f"more than {count:,} rows" if more_than else f"{count:,} rows"
    return CheckError(
        "too_many_rows",
        "Your file has too many rows",
        (f"Notify can process up to {limit:,} rows at once. Your file has {has}.",),
    )


def no_rows(missing_columns) -> CheckError:
    if missing_columns:
        needs = formatted_list(sorted(missing_columns), prefix="a column called", prefix_plural="columns called")
        paragraph = f"It needs at least one row of data, and {needs}."
    else:
        paragraph = "It needs at least one row of data."
    return CheckError("no_rows", "Your file is missing some rows", (paragraph,))


def missing_recipient_column(recipient_label: str, column_headers) -> CheckError:
    paragraphs = [f"It needs a column called ‘{recipient_label}’."]
    if column_headers:
        has = formatted_list(column_headers, prefix="one column, called", prefix_plural="columns called")
        paragraphs.append(f"Right now it has {has}.")
    return CheckError("missing_recipient_column", "Your file is missing some columns", tuple(paragraphs))


def duplicate_recipient_columns(headers) -> CheckError:
    return CheckError(
        "duplicate_recipient_columns",
        "Your file has duplicate columns",
        (
            f"We found more than one column called {formatted_list(headers, conjunction='or')}.",
            "Delete or rename one of these columns and try again.",
        ),
    )


def missing_placeholder_columns(names) -> CheckError:
    missing = formatted_list(names, prefix="a column called", prefix_plural="columns called")
    return CheckError(
        "missing_placeholder_columns",
        "Your file is missing some columns",
        ("The column names need to match the double brackets in your template.", f"Your file is missing {missing}."),
    )


def row_error_items(template_type, *, bad_recipients, missing_data, too_long, empty) -> list[str]:
    """Notify's "You need to …" list, in its order."""
    items = []
    if bad_recipients:
        items.append(f"fix {recipient_count(bad_recipients, template_type)}")
    if missing_data:
        items.append(f"enter missing data in {count_of(missing_data, 'row', 'rows')}")
    if too_long:
        items.append(f"shorten the {'message' if too_long == 1 else 'messages'} in {count_of(too_long, 'row', 'rows')}")
    if empty:
        messages = "the empty message" if empty == 1 else "the empty messages"
        items.append(f"check you have content for {messages} in {count_of(empty, 'row', 'rows')}")
    return items


def row_errors(filename: str, items) -> CheckError:
    if len(items) == 1:
        return CheckError("row_errors", f"There is a problem with {filename}", (f"You need to {items[0]}",))
    return CheckError("row_errors", f"There are some problems with {filename}", ("You need to:",), tuple(items))


def not_allowed_to_send_to(template_type: str, count: int) -> CheckError:
    label = RECIPIENT_LABELS[template_type] if count == 1 else RECIPIENT_LABELS_PLURAL[template_type]
    return CheckError(
        "not_allowed_to_send_to",
        f"You cannot send to {'this' if count == 1 else 'these'} {label}",
        ("In trial mode you can only send to yourself and members of your team",),
    )


def too_many_recipients(
    *, template_type, filename, count, remaining: int, daily_limit: int, trial_mode: bool
) -> CheckError:
    in_trial_mode = " in trial mode" if trial_mode else ""
    paragraphs = [f"You can only send {daily_limit:,} messages per day{in_trial_mode}."]
    if remaining <= 0:
        return CheckError("daily_limit_reached", "Daily limit reached", tuple(paragraphs))
    still = f"You can still send {remaining:,} messages today, but " if remaining != daily_limit else ""
    paragraphs.append(f"{still}‘{filename}’ contains {recipient_count(count, template_type)}.")
    return CheckError("too_many_recipients", "Too many recipients", tuple(paragraphs))


def message_too_long(count: int, limit: int) -> str:
    return f"Message too long: {count:,} characters, and text messages cannot be longer than {limit:,}"


MESSAGE_EMPTY = "Message is empty"
MISSING = "Missing"
