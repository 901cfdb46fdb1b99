"""Both quizzes in a real browser, to the end: with htmx (answers checked in place, feedback
announced and focused) and, for the knowledge quiz, without JavaScript. Every quiz page is
checked with axe in light and dark mode."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Sitting
from tests.browser import assert_no_axe_violations, assert_no_axe_violations_in_light_and_dark
from tests.content import load_site_content

pytestmark = pytest.mark.browser


@pytest.fixture
def content(transactional_db):
    load_site_content()


def _start(page, slug: str):
    page.goto(f"/quizzes/{slug}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(f"**/quizzes/{slug}/sittings/*/")


def _pick_first(page):
    page.locator("#quiz-step input[name=choice]").first.check()


def _wait_for_focus(page, element_id: str) -> None:
    """htmx moves focus to the `autofocus` element when the swap settles, just after it."""
    expect(page.locator(f"#{element_id}")).to_be_focused(timeout=2_000)


def test_the_knowledge_quiz_to_the_end_with_htmx(content, page):
    _start(page, "knowledge")
    sitting_url = page.url
    for number in range(1, 11):
        assert f"Question {number} of 10" in page.locator("#question-heading").inner_text()
        if number > 1:
            _wait_for_focus(page, "question-heading")  # focus follows the new question
        _pick_first(page)
        page.get_by_role("button", name="Check answer").click()
        feedback = page.locator("#feedback")
        feedback.wait_for()
        assert page.url == sitting_url  # checked in place, no reload
        _wait_for_focus(page, "feedback")
        verdict = page.locator("#quiz-announcer").inner_text()
        assert verdict.startswith(("Right.", "Not quite."))
        assert page.locator("#quiz-announcer").get_attribute("aria-live") == "polite"
        assert feedback.get_by_role("link", name="Read more").count() == 1
        if number == 1:
            assert_no_axe_violations(page)
        if number < 10:
            feedback.get_by_role("link", name="Next question").click()
            page.locator("#question-heading").wait_for()
    page.get_by_role("link", name="See your result").click()
    page.wait_for_url("**/result/")
    score = page.locator("#score").inner_text()
    assert score.endswith("of 10")
    sitting = Sitting.objects.get()
    assert sitting.is_finished and score == f"{sitting.score()} of 10"
    assert_no_axe_violations(page)


def test_a_knowledge_quiz_left_halfway_resumes_where_it_stopped(content, page):
    _start(page, "knowledge")
    for _ in range(3):
        _pick_first(page)
        page.get_by_role("button", name="Check answer").click()
        page.get_by_role("link", name="Next question").click()
        page.locator("#question-heading").wait_for()
    page.goto("/")
    page.goto("/quizzes/knowledge/")
    page.get_by_role("link", name="Resume: question 4 of 10").click()
    assert "Question 4 of 10" in page.locator("#question-heading").inner_text()


def test_the_knowledge_quiz_to_the_end_without_javascript(content, page_without_javascript):
    page = page_without_javascript
    _start(page, "knowledge")
    for number in range(1, 11):
        assert f"Question {number} of 10" in page.locator("#question-heading").inner_text()
        _pick_first(page)
        page.get_by_role("button", name="Check answer").click()
        page.wait_for_url("**?after=*#feedback")
        assert page.locator("#feedback h2").inner_text()
        if number < 10:
            page.get_by_role("link", name="Next question").click()
            page.wait_for_load_state()
    page.get_by_role("link", name="See your result").click()
    page.wait_for_url("**/result/")
    assert page.locator("#score").inner_text().endswith("of 10")
    missed = page.locator(".missed-question").count()
    assert missed == 10 - Sitting.objects.get().score()


def test_an_empty_answer_without_javascript_asks_again(content, page_without_javascript):
    page = page_without_javascript
    _start(page, "knowledge")
    response = page.request.post(page.url + "answer/")  # no CSRF token: refused, not a 500
    assert response.status == 403
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_load_state()
    assert "answer" in page.locator("#answer-error").inner_text()


def test_the_career_fit_quiz_to_the_end_with_htmx(content, page):
    _start(page, "career-fit")
    for number in range(1, 9):
        assert f"Question {number} of 8" in page.locator("#question-heading").inner_text()
        if number > 1:
            _wait_for_focus(page, "question-heading")
            assert f"Question {number} of 8" in page.locator("#quiz-announcer").inner_text()
        _pick_first(page)
        page.locator("#submit-answer").click()
        if number < 8:
            page.locator(f"#question-heading:has-text('Question {number + 1} of 8')").wait_for()
    page.wait_for_url("**/result/")
    ranking = page.locator(".fit-ranking > li")
    assert ranking.count() == 9
    percents = [int(text.rstrip("%")) for text in page.locator(".fit-percent").all_inner_texts()]
    assert percents == sorted(percents, reverse=True) and percents[0] > 0
    compare = page.locator("#compare-top").get_attribute("href")
    assert compare.startswith("/compare/?roles=") and compare.count("roles=") == 3
    roadmap = page.locator("#first-roadmap").get_attribute("href")
    for level in ["Beginner", "Intermediate", "Advanced"]:
        link = page.get_by_role("link", name=level, exact=True)
        assert link.get_attribute("href") == f"{roadmap}#level-{level.lower()}"
    assert_no_axe_violations(page)
    page.locator("#compare-top").click()
    page.wait_for_url("**/compare/?roles=*")


@pytest.mark.parametrize("slug", ["knowledge", "career-fit"])
def test_quiz_pages_have_no_axe_violations_in_light_and_dark_mode(content, page, slug):
    total = 10 if slug == "knowledge" else 8
    page.goto("/quizzes/")
    assert_no_axe_violations_in_light_and_dark(page)
    _start(page, slug)
    assert_no_axe_violations_in_light_and_dark(page)  # a question
    for number in range(1, total + 1):
        _pick_first(page)
        page.locator("#submit-answer").click()
        if slug == "knowledge":
            page.locator("#feedback").wait_for()
            if number == 1:
                assert_no_axe_violations_in_light_and_dark(page)  # the feedback
            last = number == total
            page.get_by_role("link", name="See your result" if last else "Next question").click()
            if not last:
                page.locator("#question-heading").wait_for()
        elif number < total:
            heading = f"#question-heading:has-text('Question {number + 1} of {total}')"
            page.locator(heading).wait_for()
    page.wait_for_url("**/result/")
    assert_no_axe_violations_in_light_and_dark(page)  # the result
    page.goto(f"/quizzes/{slug}/")
    assert_no_axe_violations_in_light_and_dark(page)  # the intro, with the earlier result
