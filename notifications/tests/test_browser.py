"""The history pages in a real browser: Debian's Chromium, driven headless by Playwright.

Screenshots of the dashboard, the notifications list and a job page land in
test-artifacts/screenshots/ (kept by CI, ignored by git). Skipped where /usr/bin/chromium
is missing (.ci/run installs it); Playwright's own browser downloads are never used.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.tests.factories import JobFactory, NotificationFactory
from notify_admin.tests.browser import BROWSER_TEST, SCREENSHOTS
from services.tests.factories import ServiceFactory, ServiceUserFactory, TemplateFactory

pytestmark = BROWSER_TEST


@pytest.fixture
def service(transactional_db):
    return ServiceFactory(live=True)


def signed_in_page(browser, client, live_server, service, *, javascript=True):
    user = ServiceUserFactory(service=service, all_permissions=True).user
    client.force_login(user)
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def history(service):
    now = timezone.now()
    email = TemplateFactory(service=service, template_type="email", name="Appointment reminder")
    sms = TemplateFactory(service=service, template_type="sms", name="Code")
    job = JobFactory(
        template=email, original_file_name="june-reminders.csv", notification_count=4, job_status="finished"
    )
    statuses = ["delivered", "delivered", "permanent-failure", "sending"]
    for row, status in enumerate(statuses):
        NotificationFactory(
            job=job,
            job_row_number=row,
            to=f"person{row}@example.com",
            status=status,
            created_at=now - timedelta(minutes=row),
        )
    for index in range(3):
        NotificationFactory(
            template=sms, to=f"0770090000{index}", normalised_to=f"44770090000{index}", status="delivered"
        )
    return job


def test_dashboard(browser, client, live_server, service):
    history(service)
    page = signed_in_page(browser, client, live_server, service)
    page.goto(f"{live_server.url}/services/{service.pk}")
    assert page.locator("h1").inner_text() == service.name
    email_row = page.locator("#dashboard-email td")
    assert email_row.all_inner_texts() == ["4", "1", "2", "1"]
    assert page.locator("#dashboard-sms td").all_inner_texts() == ["3", "0", "3", "0"]
    assert page.get_by_role("link", name="june-reminders.csv").is_visible()
    screenshot(page, "dashboard")


def test_notifications_list_filter_and_search(browser, client, live_server, service):
    history(service)
    page = signed_in_page(browser, client, live_server, service)
    page.goto(f"{live_server.url}/services/{service.pk}/notifications")
    assert page.locator("h1").inner_text() == "Sent messages"
    assert page.locator("#notifications tbody tr").count() == 7
    screenshot(page, "notifications")
    page.get_by_role("link", name="Failed", exact=True).click()
    assert page.locator("#notifications tbody th").all_inner_texts() == ["person2@example.com"]
    page.goto(f"{live_server.url}/services/{service.pk}/notifications/sms")
    page.get_by_label("Search by recipient or reference").fill("07700 900 001")
    page.get_by_role("button", name="Search").click()
    assert page.locator("#notifications tbody th").all_inner_texts() == ["07700900001"]


def test_job_page(browser, client, live_server, service):
    job = history(service)
    page = signed_in_page(browser, client, live_server, service)
    page.goto(f"{live_server.url}/services/{service.pk}/jobs/{job.pk}")
    assert page.locator("h1").inner_text() == "june-reminders.csv"
    assert page.locator("[data-count=delivered]").inner_text() == "2"
    assert page.locator("#notifications tbody th").count() == 4
    screenshot(page, "job")


def test_running_job_updates_itself_with_javascript(browser, client, live_server, service, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setattr("notifications.views.jobs.REFRESH_SECONDS", 1)
    job = JobFactory(template=TemplateFactory(service=service), notification_count=10, job_status="in progress")
    NotificationFactory(job=job, job_row_number=0, status="delivered")
    page = signed_in_page(browser, client, live_server, service)
    errors = []

    def console(message):
        # A missing resource is reported below by its URL (the layout's fonts are not this test's business).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(response):
        if response.status >= 400 and ("/jobs/" in response.url or "job-progress" in response.url):
            errors.append(f"{response.status} {response.url}")

    page.on("console", console)
    page.on("response", response)
    page.goto(f"{live_server.url}/services/{service.pk}/jobs/{job.pk}")
    assert page.locator("[data-field=processed]").inner_text() == "1"
    for row in range(1, 4):
        NotificationFactory(job=job, job_row_number=row, status="delivered")
    expect(page.locator("[data-field=processed]")).to_have_text("4", timeout=10_000)
    assert page.locator("[data-count=delivered]").inner_text() == "4"
    job.job_status = "finished"
    job.save()
    # the script reloads once the job is done, and the reloaded page neither polls nor refreshes
    expect(page.locator("#job-status")).to_have_text("Finished.", timeout=10_000)
    assert page.locator("#job-progress").get_attribute("data-progress-url") is None
    assert errors == []  # no CSP violation, script error or failed poll


def test_running_job_refreshes_itself_without_javascript(browser, client, live_server, service, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setattr("notifications.views.jobs.REFRESH_SECONDS", 1)
    job = JobFactory(template=TemplateFactory(service=service), notification_count=10, job_status="in progress")
    page = signed_in_page(browser, client, live_server, service, javascript=False)
    page.goto(f"{live_server.url}/services/{service.pk}/jobs/{job.pk}")
    assert page.locator("[data-field=processed]").inner_text() == "0"
    NotificationFactory(job=job, job_row_number=0, status="delivered")
    # no script runs in this page: only the <noscript> meta refresh can bring the new count
    expect(page.locator("[data-field=processed]")).to_have_text("1", timeout=10_000)
