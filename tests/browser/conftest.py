"""A real browser: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download is not reachable here, so the system Chromium is launched
(`apt-get install chromium`; .ci/run installs it). Without it these tests are skipped.
One browser per session (pytest-playwright's `browser`), one live server per session, a fresh
context (cookies) per user. A failing test saves a screenshot of every open page under
test-results/ (gitignored) and prints where.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

# Playwright's sync API runs an event loop in the main thread from the first browser test to the
# end of the session; Django would take every later ORM call (these tests' and the other
# folders') for async code and refuse it. Set here, before any test runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"No Chromium at {CHROMIUM}: apt-get install -y chromium")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        pages = getattr(item, "_open_pages", [])
        saved = []
        for number, page in enumerate(pages):
            if page.is_closed():
                continue
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)[-120:]
            path = RESULTS / f"{name}-{number}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                saved.append(f"(no screenshot of {page.url}: {error})")
                continue
            saved.append(f"{path} ({page.url})")
        if saved:
            report.sections.append(("Screenshots", "\n".join(saved)))
    return report


@pytest.fixture(scope="session")
def _migrations_data(django_db_setup, django_db_blocker):
    """What the migrations made, as the test database was created (before any browser)."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migrated_data(_migrations_data, transactional_db):
    """What the migrations made (locales, groups, home page, workflow), in every test.

    `serialized_rollback` keeps it on the connection object: the flush after a test skips
    post_migrate and the next test restores it. Once Playwright runs its event loop in this
    thread, Django hands the tests another connection object, without it, so the flush would
    re-run post_migrate and the next test would start empty. Put it on whichever connection
    object is current before the flush.
    """
    from django.db import connection

    yield
    if _migrations_data and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = _migrations_data


@pytest.fixture
def open_page(request, browser, live_server):
    """open_page(user) -> a Playwright page logged in as `user` (a new browser context)."""
    request.node._open_pages = []
    contexts = []

    def open_as(user=None, language=None):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1400, "height": 1000},
            locale=language or "en-GB",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        request.node._open_pages.append(page)
        if user is not None:
            page.goto("/admin/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", "password")
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/admin/$"))
        return page

    yield open_as
    for context in contexts:
        context.close()
