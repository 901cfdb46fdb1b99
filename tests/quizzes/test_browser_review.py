"""The review loop in a real browser: mark skills done, travel three days, review them (fail
one, pass one), see the roadmap's badges and the comparison move, then take the data to a new
account and back."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quizzes.models import Question, Sitting
from roadmaps.models import Follow, LearningPlan, Note, Progress, RoadmapStep
from tests.browser import assert_no_axe_violations, sign_up

pytestmark = pytest.mark.browser

EMAIL = "reviewer@example.com"
PASSWORD = "a-long-reviewing-password"
ROADMAP = "/roadmaps/data-scientist/"


def _step(slug: str) -> RoadmapStep:
    return RoadmapStep.objects.get(level__roadmap__role__slug="data-scientist", skill__slug=slug)


def _answer_review(page, *, fail: str):
    """Answer the review's questions: wrong for those testing skill `fail`, right otherwise."""
    sitting = Sitting.objects.get(scope__startswith="review")
    for _ in sitting.question_ids:
        question = Question.objects.get(
            pk=int(page.locator('input[name="question"]').input_value())
        )
        wrong = question.skills.filter(slug=fail).exists()
        # Right is every correct choice (some questions have several); wrong is one other.
        choices = question.choices.filter(is_correct=not wrong)
        for choice in choices if not wrong else choices[:1]:
            page.get_by_label(choice.text, exact=True).check()
        page.get_by_role("button", name="Check answer").click()
        following = page.locator("#see-result, a:has-text('Next question')").first
        following.wait_for()
        following.click()
    page.wait_for_url("**/result/")


def _learner_data() -> dict:
    progress = {
        (p.skill.slug if p.skill_id else p.project.slug): (
            p.status,
            p.proficiency,
            p.review_stage,
            p.review_due,
            p.needs_refresh,
        )
        for p in Progress.objects.select_related("skill", "project")
    }
    return {
        "progress": progress,
        "notes": sorted(Note.objects.values_list("skill__slug", "text")),
        "follows": list(Follow.objects.values_list("roadmap__role__slug", flat=True)),
        "plan": list(LearningPlan.objects.values_list("hours_per_week", "target_date")),
        "answers": sorted(
            Sitting.objects.filter(answers__isnull=False).values_list(
                "scope", "answers__question__position", "answers__is_correct"
            )
        ),
    }


def test_a_learner_reviews_what_they_marked_done_and_takes_it_all_to_a_new_account(
    site_content, page
):
    sign_up(page, EMAIL, PASSWORD)
    page.goto(ROADMAP)
    page.locator("#follow-button-data-scientist").click()
    page.get_by_role("button", name="Stop following the Data Scientist roadmap").wait_for()
    python, sql = _step("python"), _step("sql")
    for step in (python, sql):
        page.locator(f"#step-{step.pk}").get_by_role("button", name="Done", exact=True).click()
        page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
    note = page.locator(f"#note-{sql.pk}")
    note.get_by_role("link", name="Add a private note").click()
    note.get_by_role("textbox").fill("Window functions next")
    note.get_by_role("button", name="Save note").click()
    note.get_by_text("Note saved.").wait_for()

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        # Three days on, both are due: the menu says so.
        page.goto("/dashboard/")
        menu = page.get_by_role("navigation", name="Main")
        assert menu.get_by_role("link", name="Review 2 due").is_visible()
        page.goto("/review/")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Start a review").click()
        _answer_review(page, fail="python")
        review = page.locator('section[aria-labelledby="review-heading"]').inner_text()
        assert "Python" in review and "to refresh" in review and "passed" in review
        assert_no_axe_violations(page)

        # The roadmap shows what the answers and the review said.
        page.goto(ROADMAP)
        assert "Refresh" in page.locator(f"#step-{python.pk} .evidence").inner_text()
        assert_no_axe_violations(page)
        assert "Quizzes: proficient" in page.locator(f"#step-{sql.pk} .evidence").inner_text()
        page.goto("/compare/?roles=data-scientist&roles=ml-engineer")
        gap = page.locator('section[aria-labelledby="gap-heading"]').inner_text()
        assert "proficient in" in gap

        # Export, delete the account, sign up again and import: the same data.
        export = page.request.get("/accounts/export.json")
        assert export.ok
        before = _learner_data()
        page.goto("/accounts/delete/")
        page.get_by_role("main").get_by_label("Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Delete my account and data").click()
        page.wait_for_url("**/")
        assert not Progress.objects.exists()
        sign_up(page, EMAIL, PASSWORD)
        page.goto("/accounts/profile/")
        page.get_by_label("Your export").set_input_files(
            files=[
                {
                    "name": "export.json",
                    "mimeType": "application/json",
                    "buffer": json.dumps(json.loads(export.text())).encode(),
                }
            ]
        )
        page.get_by_role("button", name="Preview the import").click()
        page.locator("#import-preview").wait_for()
        page.get_by_role("button", name="Import", exact=True).click()
        page.wait_for_load_state()
        assert _learner_data() == before
