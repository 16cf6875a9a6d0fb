import pytest
from django.utils.safestring import SafeString

from services.templating import (
    SMS_CHAR_COUNT_LIMIT,
    is_unicode,
    normalise_key,
    placeholders,
    preview,
    render,
    sms_character_count,
    sms_fragment_count,
    sms_too_long,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        (None, []),
        ("No placeholders here", []),
        ("Hello ((name))", ["name"]),
        ("((b)) then ((a)) then ((b))", ["b", "a"]),
        ("((Name)) and ((name)) and ((NAME))", ["Name"]),
        # Spaces, underscores and hyphens do not make a different placeholder.
        ("((first name)) ((first_name)) ((First-Name))", ["first name"]),
        ("((  padded  ))", ["padded"]),
        ("((show??Some text)) then ((show))", ["show"]),
        ("((a??text with ((nested)) brackets))", ["nested"]),
        ("(((triple)))", ["triple"]),
        ("((unclosed", []),
        ("(( ))", []),
        ("Your ((reference number)) is ((ref??yes))", ["reference number", "ref"]),
    ],
)
def test_placeholders(text, expected):
    assert placeholders(text) == expected


def test_normalise_key():
    assert normalise_key("First Name") == normalise_key("first_name") == normalise_key("FIRST-NAME") == "firstname"


def test_render_fills_placeholders_case_insensitively():
    assert render("Hello ((Name)), ref ((ref_no))", {"name": "Ada", "REF NO": 42}) == "Hello Ada, ref 42"


def test_render_leaves_missing_placeholders_visible():
    assert render("Hello ((name)) ((other))", {"name": "Ada"}) == "Hello Ada ((other))"
    assert render("Hello ((name))", {"name": None}) == "Hello ((name))"


def test_render_escapes_values_and_template_text():
    result = render("<b>Hi</b> ((name))", {"name": "<script>alert('x')</script>"})
    assert result == "&lt;b&gt;Hi&lt;/b&gt; &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert isinstance(result, SafeString)


def test_render_without_escaping_gives_plain_text():
    result = render("<b>((name))</b>", {"name": "Tom & Jerry"}, escape=False)
    assert result == "<b>Tom & Jerry</b>"
    assert not isinstance(result, SafeString)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("yes", True),
        ("Yes", True),
        (" YES ", True),
        ("y", True),
        ("true", True),
        ("1", True),
        (True, True),
        ("no", False),
        ("", False),
        ("maybe", False),
        (False, False),
    ],
)
def test_render_conditional_placeholder(value, shown):
    result = render("Start.((extra?? More <info>.)) End.", {"extra": value})
    assert result == ("Start. More &lt;info&gt;. End." if shown else "Start. End.")


def test_render_conditional_missing_value_stays_visible():
    assert render("((extra??More))", {}, escape=False) == "((extra??More))"


@pytest.mark.parametrize(
    ("content", "unicode", "count"),
    [
        ("", False, 0),
        ("Hello world", False, 11),
        ("£5 at 10:00 @ café?", False, 19),  # é is GSM; £ and @ too
        ("Price: €5", False, 10),  # € is an extension character: 2
        ("^{}\\[~]|€", False, 18),
        ("Line\nbreak", False, 10),
        ("Hello 👋", True, 7),
        ("Dŵr", True, 3),  # Welsh ŵ is not GSM
        ("Curly ‘quotes’ and [brackets]", True, 29),  # unicode: extended chars count once
    ],
)
def test_sms_character_count(content, unicode, count):
    assert is_unicode(content) is unicode
    assert sms_character_count(content) == count


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 918, 6),
        ("a" * 159 + "€", 2),  # 161 once the extension character counts twice
        ("a" * 158 + "€", 1),
        ("ŵ" * 70, 1),
        ("ŵ" * 71, 2),
        ("ŵ" * 134, 2),
        ("ŵ" * 135, 3),
        ("a" * 100 + "ŵ", 2),  # one non-GSM character switches the whole message to 70/67
    ],
)
def test_sms_fragment_count(content, fragments):
    assert sms_fragment_count(content) == fragments


def test_sms_limit():
    assert SMS_CHAR_COUNT_LIMIT == 918
    assert not sms_too_long("a" * 918)
    assert sms_too_long("a" * 919)
    assert sms_too_long("a" * 917 + "€")  # 919 counted characters


def test_preview_of_a_text_message_counts_its_fragments_and_escapes_values():
    shown = preview(template_type="sms", subject="", content="Hi ((name))", values={"name": "<b>Ann</b>"})
    assert shown == {
        "subject": "",
        "body": "Hi &lt;b&gt;Ann&lt;/b&gt;",
        "character_count": 13,
        "fragment_count": 1,
        "too_long": False,
        "limit": 918,
    }


def test_preview_of_an_email_fills_subject_and_body():
    shown = preview(template_type="email", subject="About ((thing))", content="Dear ((name))", values={"thing": "tax"})
    assert shown == {"subject": "About tax", "body": "Dear ((name))"}
