"""Playwright driving Debian's Chromium against Django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium (or $ESF_CHROMIUM).
Without it the tests skip with the reason, unless ESF_REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ESF_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="save PNGs of the pages the browser tests visit into screenshots/",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("ESF_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; ESF_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    """The live server needs committed data, so these tests run outside a rolled-back
    transaction and the database is flushed after each; put the code lists and groups back."""
    from django.apps import apps

    from projects import reference
    from projects.permissions import ensure_groups

    reference.load(apps)
    ensure_groups()


@pytest.fixture
def admin_user(reference_data):
    """A superuser the admin's browser tests log in as (`helpers.log_in`)."""
    from django.contrib.auth import get_user_model

    from tests.browser.helpers import ADMIN_USERNAME
    from tests.factories import PASSWORD

    return get_user_model().objects.create_superuser(ADMIN_USERNAME, "admin@example.se", PASSWORD)


@pytest.fixture
def page(chromium, live_server, reference_data):
    context = chromium.new_context(base_url=live_server.url, viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def snap(request):
    """snap(page, name): a full-page PNG per viewport when pytest runs with --screenshots;
    snap(page, name, selector): the PNG of one element (a dashboard section) instead."""
    enabled = request.config.getoption("--screenshots")

    def take(page, name: str, selector: str | None = None) -> None:
        if not enabled:
            return
        SCREENSHOTS.mkdir(exist_ok=True)
        original = page.viewport_size
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            path = SCREENSHOTS / f"{name}-{label}.png"
            if selector:
                page.wait_for_timeout(400)  # the charts' redraw at the new width
                page.locator(selector).screenshot(path=path)
            else:
                page.screenshot(path=path, full_page=True)
        page.set_viewport_size(original)

    return take
