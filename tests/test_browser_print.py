"""Printing in a real browser: a signed-in learner prints a roadmap and the dashboard to PDF
with Chromium, and the PDF's text holds every step with its description, resources, status,
proficiency and note, the goal and its next step, and none of the site's navigation, buttons
or forms."""

import pytest

from roadmaps.models import Proficiency, Progress, RoadmapStep, Status
from roadmaps.services import follow, note_save, progress_set
from tests.browser import sign_in as browser_sign_in
from tests.pdf import pdf_text

pytestmark = pytest.mark.browser

EMAIL = "printer@example.com"
PASSWORD = "a-long-printing-password"
ROADMAP = "/roadmaps/data-scientist/"
NOTE = "Practise window functions on the Chinook sample database."


@pytest.fixture
def learner(site_content, django_user_model):
    """Done with SQL (familiar with it, by the quizzes, and a note on it), learning Python,
    following the Data Scientist roadmap."""
    user = django_user_model.objects.create_user("printer", EMAIL, PASSWORD)
    sql = RoadmapStep.objects.get(level__roadmap__role__slug="data-scientist", skill__slug="sql")
    progress_set(user=user, skill=sql.skill, status=Status.DONE)
    Progress.objects.filter(user=user, skill=sql.skill).update(proficiency=Proficiency.FAMILIAR)
    python = RoadmapStep.objects.get(
        level__roadmap__role__slug="data-scientist", skill__slug="python"
    )
    progress_set(user=user, skill=python.skill, status=Status.LEARNING)
    note_save(user=user, skill=sql.skill, text=NOTE)
    follow(user=user, roadmap=sql.level.roadmap)
    return user


def sign_in(page) -> None:
    browser_sign_in(page, EMAIL, PASSWORD)


def printed(page, path: str) -> str:
    """The page printed to PDF, its text with runs of whitespace (line and page breaks) as
    one space."""
    page.goto(path)
    return " ".join(pdf_text(page.pdf(format="A4")).split())


def words(value: str) -> str:
    return " ".join(value.split())


def test_a_printed_roadmap_has_every_step_with_its_description_resources_status_and_note(
    learner, page
):
    sign_in(page)
    text = printed(page, ROADMAP)
    steps = RoadmapStep.objects.filter(level__roadmap__role__slug="data-scientist")
    for step in steps.select_related("skill", "project").prefetch_related("resources"):
        assert words(step.name) in text, step.name
        assert words(step.explanation) in text, step.explanation
        for resource in step.resources.all():
            assert words(resource.title) in text, resource.title
    assert text.count("Status: ") == steps.count()
    assert "Status: Done" in text and "Status: Learning" in text
    assert text.count("Status: Not started") == steps.count() - 2
    assert f"My note: {NOTE}" in text
    assert "Quizzes: familiar" in text
    assert "Data Scientist roadmap" in text and "Your next step" in text
    # No navigation, buttons, forms or links that only work on screen.
    for gone in [
        "Skip to main content",
        "Sign out",
        "Colour mode",
        "Add a private note",
        "Edit my note",
        "Stop following",
        "Quiz yourself on this level",
        "Status of",
    ]:
        assert gone not in text, gone


def test_the_print_styles_leave_only_the_status_of_each_step_and_keep_steps_whole(learner, page):
    sign_in(page)
    page.goto(ROADMAP)
    page.emulate_media(media="print")
    controls = "button, input:not([type=hidden]), select, nav, body > header, body > footer"
    shown = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => getComputedStyle(e).display !== 'none')
            .map(e => e.matches('.step-status [aria-pressed="true"]') || e.outerHTML)""",
        controls,
    )
    assert shown and all(html is True for html in shown), shown
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.roadmap-step')).breakInside")
        == "avoid"
    )
    page.emulate_media(media="screen")
    assert page.locator(".step-status button").first.is_visible()


def test_a_printed_dashboard_has_the_goal_its_next_step_and_what_folds_away_on_screen(
    learner, page
):
    sign_in(page)
    text = printed(page, "/dashboard/")
    assert "My goals" in text and "Data Scientist" in text
    assert "Next step: " in text
    next_name = page.locator("form.next-step a").first.inner_text()
    assert f"Next step: {words(next_name)}" in text
    # Progress on a shared skill counts on other roadmaps, listed in a fold on screen.
    fold = page.locator("details").first
    assert not fold.evaluate("details => details.open")
    counted = fold.locator("li").first.inner_text()
    assert words(counted) in text
    for gone in ["Skip to main content", "Sign out", "Start "]:
        assert gone not in text, gone


def test_a_page_prints_black_on_white_in_dark_mode_too(learner, page_dark):
    sign_in(page_dark)
    page_dark.goto(ROADMAP)
    assert page_dark.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    page_dark.emulate_media(media="print", color_scheme="dark")
    body = page_dark.locator("body").evaluate(
        "body => [getComputedStyle(body).color, getComputedStyle(body).backgroundColor]"
    )
    assert body == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    heading = page_dark.locator(".roadmap-step h3").first
    assert heading.evaluate("h => getComputedStyle(h).color") == "rgb(0, 0, 0)"
