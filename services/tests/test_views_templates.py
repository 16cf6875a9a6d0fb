from urllib.parse import urlencode

import pytest
from django.urls import reverse

from services.models import Template
from services.tests.assertions import assert_field_error
from services.tests.factories import ServiceUserFactory, TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return ServiceUserFactory(manage_templates=True)


def _templates(service):
    return list(
        Template.objects.filter(service=service)
        .order_by("created_at", "name")
        .values_list("name", "template_type", "subject", "content", "archived")
    )


def test_create_email_template(client, editor):
    client.force_login(editor.user)
    response = client.post(
        reverse("services:add_email_template", args=[editor.service_id]),
        {"name": " Welcome ", "subject": "Hello ((name))", "content": "Dear ((name)),\r\nWelcome."},
    )
    template = Template.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:template_detail", args=[editor.service_id, template.pk])
    assert _templates(editor.service) == [("Welcome", "email", "Hello ((name))", "Dear ((name)),\r\nWelcome.", False)]
    assert template.created_by == editor.user


def test_create_sms_template_ignores_a_subject(client, editor):
    client.force_login(editor.user)
    client.post(
        reverse("services:add_sms_template", args=[editor.service_id]),
        {"name": "Code", "subject": "ignored", "content": "Your code is ((code))"},
    )
    assert _templates(editor.service) == [("Code", "sms", "", "Your code is ((code))", False)]


@pytest.mark.parametrize(
    ("url_name", "data", "field_id", "message"),
    [
        ("services:add_email_template", {"name": "x" * 2000, "subject": "S", "content": "C"}, "id_name",
         "Template name must be 255 characters or fewer"),
        ("services:add_sms_template", {"name": "x" * 2000, "content": "C"}, "id_name",
         "Template name must be 255 characters or fewer"),
        ("services:add_email_template", {"name": "", "subject": "S", "content": "C"}, "id_name",
         "Enter a template name"),
        ("services:add_email_template", {"name": "N", "subject": " ", "content": "C"}, "id_subject",
         "Enter a subject line"),
        ("services:add_email_template", {"name": "N", "subject": "S" * 1001, "content": "C"}, "id_subject",
         "Subject must be 1,000 characters or fewer"),
        ("services:add_sms_template", {"name": "N", "content": ""}, "id_content", "Enter a message"),
        ("services:add_sms_template", {"name": "N", "content": "a" * 919}, "id_content",
         "Text messages cannot be longer than 918 characters. Your message is 919 characters."),
        ("services:add_sms_template", {"name": "N", "content": "€" * 460}, "id_content",
         "Text messages cannot be longer than 918 characters. Your message is 920 characters."),
    ],
)  # fmt: skip
def test_create_template_rejects_bad_input(client, editor, url_name, data, field_id, message):
    client.force_login(editor.user)
    response = client.post(reverse(url_name, args=[editor.service_id]), data)
    assert_field_error(response, field_id, message)
    assert not Template.objects.exists()


def test_sms_template_at_the_limit_is_accepted(client, editor):
    client.force_login(editor.user)
    client.post(reverse("services:add_sms_template", args=[editor.service_id]), {"name": "N", "content": "a" * 918})
    assert Template.objects.get().content == "a" * 918


def test_edit_template(client, editor):
    template = TemplateFactory(service=editor.service, template_type="sms", content="Old")
    client.force_login(editor.user)
    url = reverse("services:edit_template", args=[editor.service_id, template.pk])
    assert ">Old</textarea>" in client.get(url).content.decode()
    response = client.post(url, {"name": "Renamed", "content": "New ((thing))"})
    assert response.status_code == 302
    assert _templates(editor.service) == [("Renamed", "sms", "", "New ((thing))", False)]


def test_edit_with_a_2000_character_name_changes_nothing(client, editor):
    template = TemplateFactory(service=editor.service, name="Kept")
    before = _templates(editor.service)
    client.force_login(editor.user)
    response = client.post(
        reverse("services:edit_template", args=[editor.service_id, template.pk]),
        {"name": "n" * 2000, "subject": "S", "content": "C"},
    )
    assert_field_error(response, "id_name", "Template name must be 255 characters or fewer")
    assert _templates(editor.service) == before


@pytest.mark.parametrize("page", ["services:edit_template", "services:copy_template"])
def test_letter_templates_cannot_be_edited_or_copied_here(client, editor, page):
    letter = TemplateFactory(service=editor.service, template_type="letter", name="Letter")
    client.force_login(editor.user)
    url = reverse(page, args=[editor.service_id, letter.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Changed", "content": "C"}).status_code == 404
    assert _templates(editor.service) == [("Letter", "letter", "", letter.content, False)]


def test_copy_template(client, editor):
    original = TemplateFactory(service=editor.service, name="Reminder", subject="Sub", content="Body")
    client.force_login(editor.user)
    url = reverse("services:copy_template", args=[editor.service_id, original.pk])
    assert 'value="Reminder (copy)"' in client.get(url).content.decode()
    response = client.post(url, {"name": "Reminder (copy)", "subject": "Sub", "content": "Body"})
    assert response.status_code == 302
    assert _templates(editor.service) == [
        ("Reminder", "email", "Sub", "Body", False),
        ("Reminder (copy)", "email", "Sub", "Body", False),
    ]


def test_archive_template(client, editor):
    template = TemplateFactory(service=editor.service, name="Old")
    client.force_login(editor.user)
    url = reverse("services:archive_template", args=[editor.service_id, template.pk])
    assert "Are you sure you want to delete ‘Old’?" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("services:template_list", args=[editor.service_id])
    template.refresh_from_db()
    assert template.archived is True
    list_page = client.get(response["Location"])
    assert list(list_page.context["templates"]) == []
    # An archived template's pages are gone.
    assert client.get(reverse("services:template_detail", args=[editor.service_id, template.pk])).status_code == 404
    assert client.post(url).status_code == 404


def test_template_of_another_service_is_404(client, editor):
    other = TemplateFactory()
    client.force_login(editor.user)
    for name in ("template_detail", "edit_template", "preview_template"):
        assert client.get(reverse(f"services:{name}", args=[editor.service_id, other.pk])).status_code == 404


def test_template_list_filters_and_has_no_n_plus_1(client, editor, count_queries):
    TemplateFactory(service=editor.service, name="b email")
    TemplateFactory(service=editor.service, name="A text", template_type="sms", content="Hi")
    TemplateFactory(service=editor.service, name="archived", archived=True)
    TemplateFactory(name="someone else's")
    client.force_login(editor.user)
    url = reverse("services:template_list", args=[editor.service_id])
    assert [t.name for t in client.get(url).context["templates"]] == ["A text", "b email"]
    assert [t.name for t in client.get(url + "?template_type=sms").context["templates"]] == ["A text"]
    assert [t.name for t in client.get(url + "?template_type=letter").context["templates"]] == ["A text", "b email"]
    few = count_queries(client, url)
    TemplateFactory.create_batch(5, service=editor.service)
    assert count_queries(client, url) == few


def _preview(client, template, **values):
    url = reverse("services:preview_template", args=[template.service_id, template.pk])
    return client.get(f"{url}?{urlencode(values)}" if values else url)


def test_preview_fills_placeholders_from_the_query_string_and_escapes_them(client):
    member = ServiceUserFactory(view_activity=True)
    template = TemplateFactory(
        service=member.service, subject="For ((name))", content="Hello ((name)), your ((thing)) is ready.<b>!</b>"
    )
    client.force_login(member.user)
    response = _preview(client, template, name="<script>alert(1)</script>", thing="passport")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;, your passport is ready.&lt;b&gt;!&lt;/b&gt;" in html
    assert "For &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The form offers each placeholder once, keeping what was typed (escaped).
    assert html.count('name="name"') == 1
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert '<label class="govuk-label" for="placeholder-1">thing</label>' in html


def test_preview_leaves_unfilled_placeholders_visible(client):
    member = ServiceUserFactory()
    template = TemplateFactory(service=member.service, template_type="sms", content="Hi ((name)) ((extra??and more))")
    client.force_login(member.user)
    html = _preview(client, template, name="Ada").content.decode()
    assert "Hi Ada ((extra??and more))" in html
    html = _preview(client, template, name="Ada", extra="yes").content.decode()
    assert "Hi Ada and more" in html
    html = _preview(client, template, name="Ada", extra="no").content.decode()
    assert "Hi Ada </div>" in html


@pytest.mark.parametrize(
    ("value", "characters", "fragments"),
    [
        ("a" * 150, 160, 1),
        ("a" * 151, 161, 2),
        ("€" * 10, 30, 1),
        ("ŵ", 11, 1),
        ("ŵ" * 61, 71, 2),
    ],
)
def test_preview_counts_sms_fragments_after_filling(client, value, characters, fragments):
    member = ServiceUserFactory()
    template = TemplateFactory(
        service=member.service, template_type="sms", content="Your code ((v))"
    )  # 10 characters + the value
    client.force_login(member.user)
    response = _preview(client, template, v=value)
    assert (response.context["character_count"], response.context["fragment_count"]) == (characters, fragments)
    assert response.context["too_long"] is False
    message = "text message" if fragments == 1 else "text messages"
    assert f"{characters} characters, sent as {fragments} {message}" in response.content.decode()


def test_preview_rejects_a_message_over_918_characters(client):
    member = ServiceUserFactory()
    template = TemplateFactory(service=member.service, template_type="sms", content="((v))")
    client.force_login(member.user)
    html = _preview(client, template, v="a" * 918).content.decode()
    assert "This message is too long" not in html
    response = _preview(client, template, v="a" * 919)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This message is too long" in html
    assert "Text messages cannot be longer than 918 characters. Your message is 919 characters." in html


def test_template_detail_shows_the_message_and_actions_by_permission(client):
    viewer = ServiceUserFactory(view_activity=True)
    template = TemplateFactory(service=viewer.service, name="Notice", content="Body <i>text</i>")
    client.force_login(viewer.user)
    html = client.get(reverse("services:template_detail", args=[viewer.service_id, template.pk])).content.decode()
    assert "Body &lt;i&gt;text&lt;/i&gt;" in html
    assert reverse("services:preview_template", args=[viewer.service_id, template.pk]) in html
    assert reverse("services:edit_template", args=[viewer.service_id, template.pk]) not in html
