"""The knowledge quiz on one skill or level, and importing an export, in a real browser without
JavaScript, with axe on their pages in light and dark mode: from a roadmap level's link to a
scoped sitting, and from the account page's upload form through the preview to the import."""

import json

import pytest

from accounts.export import account_export
from careers.models import Skill
from quizzes.models import Sitting
from roadmaps.models import Note, Progress, Status
from roadmaps.services import note_save, progress_set
from tests.browser import assert_no_axe_violations, assert_no_axe_violations_in_light_and_dark
from tests.browser import sign_in as browser_sign_in

pytestmark = pytest.mark.browser

EMAIL = "carrier@example.com"
PASSWORD = "a-long-carrying-password"


def sign_in(page) -> None:
    browser_sign_in(page, EMAIL, PASSWORD)


def test_a_roadmap_level_s_quiz_starts_from_its_link_without_javascript(
    site_content, page_without_javascript
):
    page = page_without_javascript
    page.goto("/roadmaps/data-analyst/")
    level = page.locator("#level-beginner")
    level.get_by_role("link", name="Quiz yourself on this level").click()
    page.wait_for_url("**/quizzes/knowledge/start/?scope=level:data-analyst:beginner")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Knowledge quiz: Data Analyst roadmap, beginner level"
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/quizzes/knowledge/sittings/*/")
    assert (
        "Data Analyst roadmap, beginner level" in page.get_by_role("heading", level=1).inner_text()
    )
    assert Sitting.objects.get().scope == "level:data-analyst:beginner"


def test_the_quiz_page_starts_a_quiz_on_the_skill_picked_without_javascript(
    site_content, page_without_javascript
):
    page = page_without_javascript
    page.goto("/quizzes/knowledge/")
    page.get_by_label("Questions on").select_option("skill:sql")
    page.get_by_role("button", name="Start on this").click()
    page.wait_for_url("**/quizzes/knowledge/sittings/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Knowledge quiz: SQL"


def test_the_scoped_quiz_pages_have_no_axe_violations(site_content, page):
    page.goto("/quizzes/knowledge/")
    assert_no_axe_violations_in_light_and_dark(page)
    page.goto("/skills/sql/")
    page.get_by_role("link", name="Test what you know about SQL").click()
    page.wait_for_url("**/start/?scope=skill:sql")
    assert_no_axe_violations_in_light_and_dark(page)


def test_an_export_imports_through_the_account_page_s_form_after_a_preview(
    site_content, page, django_user_model, tmp_path
):
    source = django_user_model.objects.create_user("source", "source@example.com", PASSWORD)
    sql = Skill.objects.get(slug="sql")
    progress_set(user=source, skill=sql, status=Status.DONE)
    note_save(user=source, skill=sql, text="Joins first, then window functions.")
    export = tmp_path / "ml-career-paths-export.json"
    export.write_text(json.dumps(account_export(source)))
    user = django_user_model.objects.create_user("carrier", EMAIL, PASSWORD)
    sign_in(page)
    page.goto("/accounts/profile/")
    assert_no_axe_violations(page)
    page.get_by_label("Your export").set_input_files(export)
    page.get_by_role("button", name="Preview the import").click()
    preview = page.locator("#import-preview")
    preview.wait_for()
    assert "SQL: Done" in preview.inner_text()
    assert not Progress.objects.filter(user=user).exists()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/accounts/profile/")
    assert "Imported 1 status and 1 note." in page.locator(".messages").inner_text()
    assert Progress.objects.get(user=user, skill=sql).status == Status.DONE
    assert Note.objects.get(user=user).text == "Joins first, then window functions."
    page.goto("/accounts/import/")
    page.get_by_label("Your export").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an export"}
    )
    page.get_by_role("button", name="Preview the import").click()
    page.locator("#import-problem").wait_for()
    assert "not an export from ML Career Paths" in page.locator("#import-problem").inner_text()
    assert_no_axe_violations(page)
