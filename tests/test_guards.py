"""Guards that keep the project honest: migrations match the models, the code is formatted."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()}")


def test_ruff_finds_nothing_to_fix():
    ruff = Path(sys.executable).parent / "ruff"
    check = subprocess.run([ruff, "check", "."], cwd=REPO_ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run(
        [ruff, "format", "--check", "."], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout


def test_each_app_imports_only_the_layers_below_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_template_comment_spans_lines():
    """`{# … #}` ends at the line's end: a longer one is printed on the page as text."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    broken = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert broken == []


@pytest.mark.xdist_group("servers")
def test_the_tests_of_one_xdist_group_run_in_one_worker(request):
    """The real-server tests share one worker and its prepared database (`--dist loadgroup`);
    pytest-xdist marks each test of a group by its id, which some pytest versions drop."""
    if not request.config.getoption("loadgroup", default=False):
        pytest.skip("runs only with --dist loadgroup, as make test runs it")
    assert request.node.nodeid.endswith("@servers"), request.node.nodeid


def test_a_page_under_test_that_reaches_beyond_the_live_server_fails_its_test(browser, live_server):
    """Browser tests prove the site needs nothing from elsewhere: a request for another
    host, by name or by address, never leaves the browser and fails the test that made it."""
    from tests.conftest import _open_page

    # The site's Content-Security-Policy would refuse these first: this is the net behind it.
    pages = _open_page(browser, live_server, bypass_csp=True)
    page = next(pages)
    page.goto("/healthz")
    elsewhere = ["https://cdn.example.com/library.js", "http://198.51.100.7/pixel.gif"]
    for url in elsewhere:
        reached = page.evaluate("url => fetch(url).then(() => true, () => false)", url)
        assert reached is False
    with pytest.raises(AssertionError, match="not for the live server") as failure:
        next(pages)
    assert all(url in str(failure.value) for url in elsewhere)
    assert page.blocked_requests == elsewhere
