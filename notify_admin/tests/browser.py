"""Shared by the browser tests: Debian's Chromium, driven headless by Playwright.

Playwright's own browser downloads are never used (they cannot be fetched here);
.ci/run installs Debian's chromium, and the tests skip, saying why, where it is missing.
Screenshots go to test-artifacts/screenshots/ (ignored by git).
"""

from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


def launched_browser():
    """A generator for a fixture: one headless Chromium for the tests that ask for it."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (requirements-dev.txt)")
    # Playwright's sync API keeps an event loop in this thread while it runs, and Django
    # then refuses ORM calls from the thread as if they were async code; the tests make
    # and read their data (and pytest-django flushes it) in this thread.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
