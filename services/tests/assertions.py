from html import escape


def assert_field_error(response, field_id, message):
    """The page shows ``message`` in the error summary (linking to the field) and beside it."""
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    text = escape(message, quote=False)
    assert f'<a href="#{field_id}">{text}</a>' in html, f"{message!r} not linked to #{field_id} in the summary"
    assert f'<span class="govuk-visually-hidden">Error:</span> {text}</p>' in html, f"{message!r} not by the field"
