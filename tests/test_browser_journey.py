"""The learner's whole journey in a real browser, as the roadmap feature promises it: sign up,
mark skills on two roadmaps, see the bars move, sign out and in, export, delete."""

import csv
import io
import json

import pytest

from roadmaps.models import Note, Progress, RoadmapStep
from tests.browser import sign_in as browser_sign_in
from tests.browser import sign_up

pytestmark = pytest.mark.browser

EMAIL = "journey@example.com"
PASSWORD = "a-long-journey-password"


def _step(role: str, skill: str) -> RoadmapStep:
    return RoadmapStep.objects.get(level__roadmap__role__slug=role, skill__slug=skill)


def _sign_in(page) -> None:
    browser_sign_in(page, EMAIL, PASSWORD)


def _mark(page, step: RoadmapStep, status: str, *, javascript: bool = True):
    item = page.locator(f"#step-{step.pk}")
    item.get_by_role("button", name=status, exact=True).click()
    if javascript:
        value = status.lower()
        page.locator(f'#status-{step.pk}-{value}[aria-pressed="true"]').wait_for()
    else:
        page.wait_for_url(f"**#step-{step.pk}")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_the_whole_learner_journey(site_content, browser, live_server, javascript):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _journey(page, javascript=javascript)
    finally:
        context.close()


def _journey(page, *, javascript: bool):
    sign_up(page, EMAIL, PASSWORD)

    # Mark a shared skill on one roadmap and another skill on a second roadmap.
    sql_on_ds, sql_on_de = _step("data-scientist", "sql"), _step("data-engineer", "sql")
    python_on_de = _step("data-engineer", "python")
    page.goto("/roadmaps/data-scientist/")
    before = page.locator("#roadmap-progress").inner_text()
    _mark(page, sql_on_ds, "Done", javascript=javascript)
    after = page.locator("#roadmap-progress").inner_text()
    assert before != after and "1 of" in after
    if javascript:
        assert page.url.endswith("/roadmaps/data-scientist/")  # updated without a reload

    page.goto("/roadmaps/data-engineer/")
    assert page.locator(f"#status-{sql_on_de.pk}-done").get_attribute("aria-pressed") == "true"
    _mark(page, python_on_de, "Learning", javascript=javascript)

    if javascript:
        note = page.locator(f"#note-{sql_on_de.pk}")
        note.get_by_role("link", name="Add a private note").click()
        note.get_by_role("textbox").fill("Window functions next")
        note.get_by_role("button", name="Save note").click()
        page.locator(f"#note-{sql_on_de.pk}").get_by_text("Note saved.").wait_for()

    # Sign out and back in: everything is still there.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    _sign_in(page)
    assert "Data Engineer" in page.get_by_role("main").inner_text()
    page.goto("/roadmaps/data-engineer/")
    learning = page.locator(f"#status-{python_on_de.pk}-learning")
    assert learning.get_attribute("aria-pressed") == "true"

    # Export as JSON and CSV.
    data = json.loads(page.request.get("/accounts/export.json").text())
    progress = {(p["kind"], p["slug"]): p["status"] for p in data["progress"]}
    assert progress == {("skill", "sql"): "done", ("skill", "python"): "learning"}
    if javascript:
        assert data["notes"][0]["text"] == "Window functions next"
    rows = list(csv.DictReader(io.StringIO(page.request.get("/accounts/export.csv").text())))
    assert {(r["record_type"], r["slug"], r["status"]) for r in rows if r["status"]} >= {
        ("skill_progress", "sql", "done"),
        ("skill_progress", "python", "learning"),
    }

    # Delete the account: the data goes with it.
    page.goto("/accounts/delete/")
    page.get_by_role("main").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Delete my account and data").click()
    page.wait_for_url("**/")
    assert "Your account and all your data were deleted." in page.get_by_role("main").inner_text()
    assert not Progress.objects.exists()
    assert not Note.objects.exists()
