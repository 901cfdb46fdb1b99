import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from scripts.chromium_args import CHROMIUM_ARGS

# Playwright's sync API keeps an event loop running in the test thread; without this, ORM
# calls in browser tests (and pytest-django's flush after them) raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent
BROWSER_FIXTURES = {"browser", "page", "page_dark", "page_without_javascript"}
# Pages under test reach the live server and nothing else: every other request goes to a
# proxy on a closed port and fails. The browser does it, not a Playwright route, which would
# stop every request for a round trip to the test process (an eighth of the browser tests'
# time).
NOWHERE = {"server": "http://127.0.0.1:9", "bypass": "localhost"}
UNREACHABLE = "net::ERR_PROXY_CONNECTION_FAILED"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a browser fixture as `browser`, so `-m "not browser"`
    never launches Chromium, even for a test that forgot the marker."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def _chromium_executable() -> str:
    """The Chromium to drive: $PLAYWRIGHT_CHROMIUM_EXECUTABLE, else what
    scripts/ensure-chromium finds (or installs). Browser tests never skip silently."""
    path = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "")
    if path and os.access(path, os.X_OK):
        return path
    result = subprocess.run(
        ["bash", REPO_ROOT / "scripts" / "ensure-chromium"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
        hint = "A browser is required here (CI or REQUIRE_BROWSER is set)."
    else:
        hint = 'To run only the other tests: make test-fast (pytest -m "not browser").'
    details = "\n".join(result.stderr.strip().splitlines()[-12:])
    message = f"Browser tests need Chromium and none was found.\n{details}\n{hint}"
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_executable()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=NOWHERE
            )
        except PlaywrightError as error:
            pytest.fail(f"Could not launch Chromium at {executable}:\n{error}", pytrace=False)
        yield chromium
        chromium.close()


def _open_page(browser, live_server, **context_options) -> Iterator:
    """A fresh browser context on the live server that can reach nothing else, and that
    fails the test if the page logged any console or JavaScript error."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, **context_options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked: list[str] = []

    def on_request_failed(request):
        if request.failure == UNREACHABLE:
            blocked.append(request.url)

    page.on("requestfailed", on_request_failed)
    errors: list[str] = []
    # Chromium also logs "Failed to load resource" for a page that answers 4xx/5xx. A test
    # that opens an error page on purpose checks response.status itself, so that one line is
    # forgiven; a failing stylesheet, script or htmx request still fails the test.
    error_pages: set[str] = set()
    failed_loads: dict[str, str] = {}

    def on_console(message):
        if message.type == "error":
            url = message.location.get("url", "")
            entry = f"console.error: {message.text}" + (f" ({url})" if url else "")
            errors.append(entry)
            if message.text.startswith("Failed to load resource"):
                failed_loads[entry] = url

    def on_response(response):
        if response.status >= 400 and response.request.is_navigation_request():
            error_pages.add(response.url)

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.console_errors = errors
    page.blocked_requests = blocked

    yield page

    with contextlib.suppress(PlaywrightError):
        page.evaluate("0")  # a round trip, so pending console events are delivered
    context.close()
    errors = [error for error in errors if failed_loads.get(error) not in error_pages]
    details = "\n".join(f"  - {error}" for error in errors)
    if blocked:
        details += "\nRequests blocked because they were not for the live server:\n"
        details += "\n".join(f"  - {url}" for url in blocked)
    assert not errors, f"The page logged {len(errors)} error(s):\n{details}"


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def page_dark(browser, live_server):
    yield from _open_page(browser, live_server, color_scheme="dark")


@pytest.fixture
def page_without_javascript(browser, live_server):
    yield from _open_page(browser, live_server, java_script_enabled=False)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash passwords in tests with a fast hasher: Django's default is slow on purpose, and
    the suite signs up and logs in hundreds of times. What the tests prove does not depend on
    the hasher; the site keeps the default."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def no_collected_static_files(tmp_path_factory):
    """Tests serve static files from the finders. Once `make run` has collected them into
    STATIC_ROOT, whitenoise would index those thousand files again for every test client,
    a tenth of a second each: the tests look at an empty folder instead."""
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static_root")):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages or content parts (they outlive the test database,
    whose content and learner versions start again from the same numbers)."""
    from django.core.cache import caches

    from core.cache import chosen_parts, live_parts

    def empty():
        caches["pages"].clear()
        caches["learner_pages"].clear()
        live_parts.clear()
        chosen_parts.clear()

    empty()
    yield
    empty()


# --- Personas -----------------------------------------------------------------------------

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("learner", "learner@example.com", PASSWORD)


@pytest.fixture
def other_learner(django_user_model):
    return django_user_model.objects.create_user("other", "other@example.com", PASSWORD)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def editor(django_user_model):
    """Staff in the "Content editors" group (the data migrations create it), not a superuser."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "editor", "editor@example.com", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def site_content(transactional_db):
    """The real content, for browser tests (a live server needs committed rows). allauth's
    rate limits live in their cache's table, which a flush leaves alone: emptied too."""
    from django.core.cache import cache, caches

    from tests.content import load_site_content

    caches["pages"].clear()
    cache.clear()
    load_site_content()
    yield
    caches["pages"].clear()
    cache.clear()


@pytest.fixture(scope="session")
def prepared_site():
    """A scratch database for the real-server tests (benchmarks/site.py): the content, 20
    learners with progress and signed-in sessions, static files collected. Preparing it takes
    seconds, so it is prepared once; each module runs its servers on a copy of its own
    (`scratch_database(copy_of=env)`), never on this one."""
    from benchmarks.site import prepare, scratch_database

    with scratch_database() as env:
        yield env, prepare(env, learners=20)
