"""Roadmaps in a real browser: the htmx status change, its no-JavaScript twin, focus,
announcements and accessibility."""

import re

import pytest
from playwright.sync_api import expect

from roadmaps.models import RoadmapStep
from tests.browser import assert_no_axe_violations, assert_no_axe_violations_in_light_and_dark
from tests.content import load_site_content

pytestmark = pytest.mark.browser


@pytest.fixture
def content(transactional_db):
    load_site_content()


def _step(role_slug: str, skill_slug: str) -> RoadmapStep:
    return RoadmapStep.objects.get(level__roadmap__role__slug=role_slug, skill__slug=skill_slug)


def test_roadmap_pages_have_no_axe_violations_in_light_and_dark_mode(content, page, subtests):
    for path in ["/roadmaps/", "/roadmaps/data-scientist/", "/roadmaps/ai-product-manager/"]:
        with subtests.test(path=path):
            page.goto(path)
            assert_no_axe_violations_in_light_and_dark(page)


def test_marking_a_step_updates_it_and_the_bars_in_place_and_keeps_focus(content, page):
    step = _step("data-scientist", "sql")
    page.goto("/roadmaps/data-scientist/")
    url_before = page.url
    item = page.locator(f"#step-{step.pk}")
    done = item.get_by_role("button", name="Done")
    done.focus()
    page.keyboard.press("Enter")
    page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
    assert page.url == url_before  # no reload, no navigation
    assert item.get_by_role("button", name="Done").get_attribute("aria-pressed") == "true"
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"status-{step.pk}-done"
    assert re.search(r"[1-9]\d*% done", page.locator("#level-progress-beginner").inner_text())
    assert "1 of" in page.locator("#roadmap-progress").inner_text()
    announcer = page.locator("#progress-announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert announcer.inner_text().startswith("Done. Foundation: ")
    # The buttons' group is named after the step, though it has no legend of its own.
    assert page.get_by_role("group", name="Status of SQL basics").is_visible()
    assert_no_axe_violations(page)


def test_a_shared_skill_done_on_one_roadmap_shows_done_on_another(content, page):
    page.goto("/roadmaps/data-engineer/")
    sql = _step("data-engineer", "sql")
    page.locator(f"#step-{sql.pk}").get_by_role("button", name="Done").click()
    page.locator(f'#status-{sql.pk}-done[aria-pressed="true"]').wait_for()
    page.goto("/roadmaps/ml-engineer/")
    other = _step("ml-engineer", "sql")
    assert page.locator(f"#status-{other.pk}-done").get_attribute("aria-pressed") == "true"


def test_without_javascript_the_status_change_is_a_form_post_that_comes_back(
    content, page_without_javascript
):
    page = page_without_javascript
    step = _step("data-analyst", "sql")
    page.goto("/roadmaps/data-analyst/")
    page.locator(f"#step-{step.pk}").get_by_role("button", name="Learning").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/roadmaps/data-analyst/#step-{step.pk}")
    assert "SQL basics: Learning." in page.locator(".messages").inner_text()
    assert page.locator(f"#status-{step.pk}-learning").get_attribute("aria-pressed") == "true"
    assert "in progress" in page.locator("#roadmap-progress").inner_text()


@pytest.fixture
def signed_in_learner(content, django_user_model):
    from accounts.models import Profile
    from careers.models import Skill
    from roadmaps.models import Note, Status
    from roadmaps.services import progress_set

    learner = django_user_model.objects.create_user("ada", "ada@example.com", "a-long-password-1")
    Profile.objects.create(user=learner, display_name="Ada", progress_is_public=True)
    for slug, status in [("sql", Status.DONE), ("python", Status.LEARNING), ("git", "skipped")]:
        progress_set(user=learner, skill=Skill.objects.get(slug=slug), status=status)
    Note.objects.create(user=learner, skill=Skill.objects.get(slug="sql"), text="<i>joins</i>")
    return learner


def _sign_in(page, live_server, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_signed_in_pages_have_no_axe_violations_in_light_and_dark_mode(
    signed_in_learner, live_server, page, subtests
):
    _sign_in(page, live_server, signed_in_learner)
    for path in ["/dashboard/", "/roadmaps/data-scientist/", "/u/ada/"]:
        with subtests.test(path=path):
            page.goto(path)
            assert page.locator("h1").count() == 1
            assert_no_axe_violations_in_light_and_dark(page)


def test_a_note_is_shown_escaped_and_saved_in_place(signed_in_learner, live_server, page):
    _sign_in(page, live_server, signed_in_learner)
    step = _step("data-scientist", "sql")
    page.goto("/roadmaps/data-scientist/")
    note = page.locator(f"#note-{step.pk}")
    assert "<i>joins</i>" in note.inner_text()
    note.get_by_role("link", name="Edit my note").click()
    textbox = note.get_by_role("textbox")
    assert textbox.input_value() == "<i>joins</i>"
    # Typing starts at once. htmx focuses the editor as it settles, a moment after the swap.
    expect(textbox).to_be_focused()
    textbox.fill("window functions")
    note.get_by_role("button", name="Save note").click()
    note.get_by_text("Note saved.").wait_for()
    expect(page.locator(f"#note-save-{step.pk}")).to_be_focused()
    assert page.url.endswith("/roadmaps/data-scientist/")


def test_without_javascript_a_note_is_written_on_its_own_page(
    signed_in_learner, live_server, page_without_javascript
):
    page = page_without_javascript
    _sign_in(page, live_server, signed_in_learner)
    step = _step("data-scientist", "python")
    page.goto("/roadmaps/data-scientist/")
    page.locator(f"#note-{step.pk}").get_by_role("link", name="Add a private note").click()
    page.get_by_role("textbox").fill("pandas first")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/roadmaps/data-scientist/#step-{step.pk}")
    assert "pandas first" in page.locator(f"#note-{step.pk}").inner_text()


def test_changing_the_status_keeps_a_note_being_typed_in_the_same_step(
    signed_in_learner, live_server, page
):
    _sign_in(page, live_server, signed_in_learner)
    step = _step("data-scientist", "python")
    page.goto("/roadmaps/data-scientist/")
    item = page.locator(f"#step-{step.pk}")
    item.get_by_role("link", name="Add a private note").click()
    item.get_by_role("textbox").fill("half-written thought")
    count = page.locator(f"#count-{step.level.stage}")
    before = count.inner_text()
    item.get_by_role("button", name="Done").click()
    page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
    assert item.get_by_role("textbox").input_value() == "half-written thought"
    assert page.locator("#progress-announcer").inner_text().startswith("Done.")
    assert count.inner_text() != before  # the timeline's count for the level moved too


def test_a_kept_page_s_token_works_and_a_change_shows_after_a_reload_and_on_the_dashboard(
    signed_in_learner, live_server, page
):
    """The second visit is the learner's kept page, with a CSRF token of its own."""
    _sign_in(page, live_server, signed_in_learner)
    step = _step("data-scientist", "statistics-fundamentals")
    for _ in range(2):
        page.goto("/roadmaps/data-scientist/")
    page.locator(f"#step-{step.pk}").get_by_role("button", name="Learning").click()
    page.locator(f'#status-{step.pk}-learning[aria-pressed="true"]').wait_for()
    page.reload()
    assert page.locator(f"#status-{step.pk}-learning").get_attribute("aria-pressed") == "true"
    page.locator(f"#step-{step.pk}").get_by_role("button", name="Done").click()
    page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
    page.goto("/dashboard/")
    assert step.skill.name in page.locator("main").inner_text()  # its recent activity
    page.go_back()
    page.reload()
    assert page.locator(f"#status-{step.pk}-done").get_attribute("aria-pressed") == "true"
