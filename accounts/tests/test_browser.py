"""A newcomer's first visit in a real browser: Debian's Chromium, driven headless by Playwright.

Register, follow the emailed link, sign in with the texted security code, create a
service and a text-message template, preview it. Each page is screenshotted into
test-artifacts/screenshots/ (kept by CI, ignored by git). The same journey runs with
JavaScript off, since every page must work without it. Skipped where /usr/bin/chromium
is missing (.ci/run installs it); Playwright's own browser downloads are never used.
"""

import re

import pytest

from accounts.models import User
from accounts.tests.conftest import code_in_sms
from notify_admin.tests.browser import BROWSER_TEST, SCREENSHOTS
from services.models import Service, ServiceUser, Template

PASSWORD = "correct horse battery staple 7"

pytestmark = BROWSER_TEST


class Journey:
    """One browser tab, with a screenshot of each step when asked for them."""

    def __init__(self, page, base_url, *, screenshots):
        self.page = page
        page.set_default_timeout(10_000)
        self.base_url = base_url
        self.screenshots = screenshots
        self.server_errors = []
        self.console_errors = []
        page.on("response", self._response)
        page.on("console", self._console)

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def _console(self, message):
        # CSP violations and script errors; a missing resource shows up as its response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def goto(self, path):
        self.page.goto(self.base_url + path)

    def heading(self):
        return self.page.locator("main h1").inner_text()

    def submit(self, name):
        # Within <main>: the header's "Sign out" is a button too.
        self.page.locator("main").get_by_role("button", name=name).click()

    def shot(self, name):
        if self.screenshots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"first-visit-{name}.png"), full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_register_verify_sign_in_create_a_service_and_a_template(
    browser, live_server, mailoutbox, transactional_db, javascript
):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    journey = Journey(context.new_page(), live_server.url, screenshots=javascript)
    page = journey.page
    email = "ada.lovelace@example.gov.uk"

    # Register
    journey.goto("/register")
    assert journey.heading() == "Create an account"
    journey.shot("01-register")
    journey.submit("Continue")  # empty: every field says what it needs
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").is_visible()
    journey.shot("02-register-errors")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Mobile number").fill("07700 900123")
    page.get_by_label("Password").fill(PASSWORD)
    journey.submit("Continue")
    assert journey.heading() == "Check your email"
    journey.shot("03-register-check-email")
    assert not User.objects.get(email=email).is_active

    # Verify: the link in the email
    (verify_message,) = mailoutbox
    (link,) = re.findall(r"https?://\S+/register/verify/\S+", verify_message.body)
    page.goto(link)
    assert journey.heading() == "Sign in"
    assert "Your email address is confirmed" in page.locator("main").inner_text()
    journey.shot("04-email-confirmed-sign-in")
    assert User.objects.get(email=email).is_active

    # Sign in: password, then the texted code
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    journey.submit("Continue")
    assert journey.heading() == "Check your phone"
    journey.shot("05-security-code")
    page.get_by_label("Security code").fill("00000")  # a wrong code first
    journey.submit("Continue")
    assert "The security code is not correct" in page.locator("main").inner_text()
    page.get_by_label("Security code").fill(code_in_sms())
    journey.submit("Continue")
    assert page.url == f"{live_server.url}/your-services"
    assert journey.heading() == "Your services"
    journey.shot("06-your-services")

    # Create a service
    journey.goto("/add-service")
    journey.shot("07-add-service")
    page.get_by_label("Name", exact=True).fill("Apply for a <b>licence</b>")
    journey.submit("Add service")
    service = Service.objects.get()
    assert page.url == f"{live_server.url}/services/{service.pk}"
    assert journey.heading() == "Apply for a <b>licence</b>"  # shown as text, not markup
    assert (service.restricted, service.email_message_limit, service.sms_message_limit) == (True, 50, 50)
    assert ServiceUser.objects.get(service=service).permissions == [
        "manage_service",
        "view_activity",
        "send_messages",
        "manage_templates",
        "manage_api_keys",
    ]
    journey.shot("08-service-dashboard")

    # Create a text-message template and preview it with personalisation
    journey.goto(f"/services/{service.pk}/templates/add-sms")
    journey.shot("09-add-sms-template")
    page.get_by_label("Name", exact=True).fill("Licence ready")
    page.get_by_label("Message").fill("Hello ((name)), your licence is ready.")
    journey.submit("Save")
    template = Template.objects.get()
    assert (template.service, template.template_type, template.content) == (
        service,
        "sms",
        "Hello ((name)), your licence is ready.",
    )
    assert page.url == f"{live_server.url}/services/{service.pk}/templates/{template.pk}"
    journey.shot("10-template")
    journey.goto(f"/services/{service.pk}/templates/{template.pk}/preview")
    page.get_by_label("name").fill("<script>alert(1)</script>")
    journey.submit("Preview")
    message = page.locator("main").inner_text()
    assert "Hello <script>alert(1)</script>, your licence is ready." in message  # escaped: shown, not run
    assert "sent as 1 text message" in message
    journey.shot("11-template-preview")

    assert journey.server_errors == []
    assert journey.console_errors == []  # no Content-Security-Policy violation, no script error
    context.close()
