"""Spaced review and proficiency: the schedule (with a time-travel library, across daylight
saving), the review itself, the self-check, and the evidence pages show."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from quizzes.models import Choice, Question, Quiz
from quizzes.proficiency import proficiency_for
from roadmaps.models import Proficiency, Progress, RoadmapStep, Status
from roadmaps.services import progress_set, review_record
from tests.conftest import PASSWORD
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def roadmaps():
    return build_roadmaps(build_content())


def _skills(roadmap, count: int):
    steps = RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False)
    return [step.skill for step in steps.order_by("level__id", "position")[:count]]


def _knowledge_quiz(skills, per_skill: int = 2) -> Quiz:
    quiz = Quiz.objects.create(
        slug="knowledge", title="Knowledge", intro=".", questions_per_sitting=10
    )
    position = 0
    for skill in skills:
        for n in range(per_skill):
            question = Question.objects.create(
                quiz=quiz, position=position, text=f"{skill.name} {n}?"
            )
            question.skills.add(skill)
            Choice.objects.create(question=question, position=0, text="Right", is_correct=True)
            Choice.objects.create(question=question, position=1, text="Wrong")
            position += 1
    return quiz


def _progress(learner, skill) -> Progress:
    return Progress.objects.get(user=learner, skill=skill)


def _answer_all(client, sitting, *, wrong_for=()):
    """Answer every question of the sitting: right, except for questions on `wrong_for`."""
    from quizzes.models import Sitting

    sitting = Sitting.objects.get(pk=sitting.pk)
    for question_id in sitting.question_ids:
        question = Question.objects.get(pk=question_id)
        wrong = question.skills.filter(pk__in=[s.pk for s in wrong_for]).exists()
        choice = question.choices.get(is_correct=not wrong)
        response = client.post(
            f"{sitting.get_absolute_url()}answer/", {"question": question.pk, "choice": [choice.pk]}
        )
        assert response.status_code == 302, response.content


# --- The schedule -------------------------------------------------------------------------


def test_a_skill_marked_done_comes_up_for_review_three_days_later(learner, roadmaps):
    skill = _skills(roadmaps[0], 1)[0]
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("UTC")), tick=False):
        progress_set(user=learner, skill=skill, status=Status.DONE)
        assert _progress(learner, skill).review_due == date(2026, 12, 3)
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("UTC")), tick=False):
        progress_set(user=learner, skill=skill, status=Status.DONE)  # done again: no reset
    assert _progress(learner, skill).review_due == date(2026, 12, 3)
    progress_set(user=learner, skill=skill, status=Status.LEARNING)
    assert _progress(learner, skill).review_due is None  # off the review list


def test_each_passed_review_moves_to_the_next_interval_and_a_failure_back_to_the_first(
    learner, roadmaps
):
    skill = _skills(roadmaps[0], 1)[0]
    progress_set(user=learner, skill=skill, status=Status.DONE)
    today = date(2027, 1, 1)
    gaps = []
    for _ in range(6):
        review_record(user=learner, skill=skill, passed=True, today=today)
        gaps.append((_progress(learner, skill).review_due - today).days)
    assert gaps == [7, 16, 35, 75, 75, 75]
    review_record(user=learner, skill=skill, passed=False, today=today)
    progress = _progress(learner, skill)
    assert (progress.review_due - today).days == 3 and progress.needs_refresh
    assert progress.status == Status.DONE  # the learner's own choice stays
    review_record(user=learner, skill=skill, passed=True, today=today)
    assert not _progress(learner, skill).needs_refresh


def test_the_intervals_come_from_settings(learner, roadmaps, settings):
    settings.REVIEW_INTERVALS_DAYS = (1, 2)
    skill = _skills(roadmaps[0], 1)[0]
    progress_set(user=learner, skill=skill, status=Status.DONE)
    today = date(2027, 1, 1)
    review_record(user=learner, skill=skill, passed=True, today=today)
    assert _progress(learner, skill).review_due == today + timedelta(days=2)


def test_review_dates_are_local_days_across_a_daylight_saving_change(learner, roadmaps, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    skill = _skills(roadmaps[0], 1)[0]
    # 23:30 in Berlin on Saturday 28 March 2026 is already Sunday in neither UTC nor Berlin
    # terms the same way: the local date is what counts. Clocks go forward that night.
    with time_machine.travel(datetime(2026, 3, 28, 23, 30, tzinfo=BERLIN), tick=False):
        progress_set(user=learner, skill=skill, status=Status.DONE)
    assert _progress(learner, skill).review_due == date(2026, 3, 31)
    client = Client()
    client.force_login(learner)
    with time_machine.travel(datetime(2026, 3, 30, 23, 59, tzinfo=BERLIN), tick=False):
        assert not select(client.get("/review/").content.decode(), ".review-list li")
    with time_machine.travel(datetime(2026, 3, 31, 0, 1, tzinfo=BERLIN), tick=False):
        assert len(select(client.get("/review/").content.decode(), ".review-list li")) == 1


def test_a_utc_evening_is_the_next_day_east_of_greenwich(learner, roadmaps, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    skill = _skills(roadmaps[0], 1)[0]
    with time_machine.travel(datetime(2026, 11, 30, 20, tzinfo=ZoneInfo("UTC")), tick=False):
        progress_set(user=learner, skill=skill, status=Status.DONE)  # 1 December in Tokyo
    assert _progress(learner, skill).review_due == date(2026, 12, 4)


# --- The review page ----------------------------------------------------------------------


def test_the_review_page_lists_due_skills_oldest_first_and_needs_an_account(
    learner_client, learner, roadmaps
):
    first, second, third = _skills(roadmaps[0], 3)
    with time_machine.travel(date(2026, 11, 1), tick=False):
        progress_set(user=learner, skill=second, status=Status.DONE)
    with time_machine.travel(date(2026, 11, 2), tick=False):
        progress_set(user=learner, skill=first, status=Status.DONE)
    progress_set(user=learner, skill=third, status=Status.DONE)  # not due yet
    response = Client().get("/review/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    html = learner_client.get("/review/").content.decode()
    names = [text(select_one(item, "a")) for item in select(html, ".review-list li")]
    assert names == [second.name, first.name]
    # The menu says how many are due.
    assert "Review 2 due" in text(select_one(html, 'nav[aria-label="Main"]'))


def test_a_review_draws_three_to_five_questions_and_moves_each_skill_on_its_result(
    learner_client, learner, roadmaps
):
    skills = _skills(roadmaps[0], 3)
    _knowledge_quiz(skills, per_skill=3)
    with time_machine.travel(date(2026, 11, 1), tick=False):
        for skill in skills[:2]:
            progress_set(user=learner, skill=skill, status=Status.DONE)
    response = learner_client.post("/review/start/")
    assert response.status_code == 302
    from quizzes.models import Sitting

    sitting = Sitting.objects.get(user=learner)
    # The reviewed skills by slug: an exported review means the same on another site.
    assert sitting.scope == f"review:{skills[0].slug},{skills[1].slug}"
    assert 3 <= len(sitting.question_ids) <= 5
    tested = set(
        Question.skills.through.objects.filter(question_id__in=sitting.question_ids).values_list(
            "skill_id", flat=True
        )
    )
    assert tested == {skills[0].pk, skills[1].pk}  # only the due skills
    _answer_all(learner_client, sitting, wrong_for=[skills[1]])
    today = date.today()
    passed, failed = _progress(learner, skills[0]), _progress(learner, skills[1])
    assert (passed.review_due - today).days == 7 and not passed.needs_refresh
    assert (failed.review_due - today).days == 3 and failed.needs_refresh
    result = learner_client.get(sitting.get_result_url()).content.decode()
    review = text(select_one(result, 'section[aria-labelledby="review-heading"]'))
    assert f"{skills[0].name} : passed" in review and f"{skills[1].name} : to refresh" in review
    # The roadmap shows "Refresh" and the evidence from the answers.
    page = learner_client.get(roadmaps[0].get_absolute_url()).content.decode()
    step = RoadmapStep.objects.get(level__roadmap=roadmaps[0], skill=skills[1])
    evidence = text(select_one(page, f"#step-{step.pk} .evidence"))
    assert "Refresh" in evidence and "Quizzes: attempted" in evidence


def test_with_nothing_due_a_review_starts_nothing(learner_client, learner, roadmaps):
    _knowledge_quiz(_skills(roadmaps[0], 1))
    response = learner_client.post("/review/start/")
    assert response.status_code == 302 and response["Location"] == "/review/"
    assert not learner.quiz_sittings.exists()


def test_a_skill_without_questions_is_reviewed_by_self_check(learner_client, learner, roadmaps):
    first, second = _skills(roadmaps[0], 2)
    with time_machine.travel(date(2026, 11, 1), tick=False):
        progress_set(user=learner, skill=first, status=Status.DONE)
        progress_set(user=learner, skill=second, status=Status.DONE)
    html = learner_client.get("/review/").content.decode()
    assert len(select(html, 'form[action="/review/check/"]')) == 2
    response = learner_client.post("/review/check/", {"skill": first.slug, "result": "known"})
    assert response.status_code == 302
    assert (_progress(learner, first).review_due - date.today()).days == 7
    learner_client.post("/review/check/", {"skill": second.slug, "result": "revisit"})
    assert _progress(learner, second).needs_refresh


@pytest.mark.parametrize(
    "data",
    [
        {"skill": "no-such-skill", "result": "known"},
        {"skill": "roadmap-skill-2", "result": "known"},  # not due
        {"skill": "roadmap-skill-0", "result": "maybe"},
        {},
    ],
)
def test_a_bad_self_check_is_refused_and_changes_nothing(learner_client, learner, roadmaps, data):
    skill = _skills(roadmaps[0], 1)[0]
    with time_machine.travel(date(2026, 11, 1), tick=False):
        progress_set(user=learner, skill=skill, status=Status.DONE)
    before = _progress(learner, skill)
    response = learner_client.post("/review/check/", data)
    assert response.status_code == 400
    assert "Nothing was changed." in response.content.decode()
    after = _progress(learner, skill)
    assert (after.review_due, after.needs_refresh) == (before.review_due, before.needs_refresh)


def test_a_learner_cannot_review_another_learner_s_skills(
    learner_client, learner, other_learner, roadmaps
):
    skill = _skills(roadmaps[0], 1)[0]
    with time_machine.travel(date(2026, 11, 1), tick=False):
        progress_set(user=other_learner, skill=skill, status=Status.DONE)
    response = learner_client.post("/review/check/", {"skill": skill.slug, "result": "known"})
    assert response.status_code == 400
    assert _progress(other_learner, skill).review_due == date(2026, 11, 4)


@pytest.mark.parametrize("count", [2, 20])
def test_the_review_page_takes_the_same_queries_whatever_is_due(
    learner_client, learner, django_assert_num_queries, count
):
    roadmaps = build_roadmaps(build_content(), scale=3)
    skills = _skills(roadmaps[0], count)
    with time_machine.travel(date(2026, 11, 1), tick=False):
        for skill in skills:
            progress_set(user=learner, skill=skill, status=Status.DONE)
    # Session, user, the due skills, which have questions, the menu's count.
    with django_assert_num_queries(5):
        assert learner_client.get("/review/").status_code == 200


# --- Proficiency --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "answered", "level"),
    [
        (0, 0, Proficiency.NOT_ASSESSED),
        (1, 2, Proficiency.ATTEMPTED),
        (6, 9, Proficiency.ATTEMPTED),
        (7, 10, Proficiency.FAMILIAR),
        (99, 100, Proficiency.FAMILIAR),
        (3, 3, Proficiency.PROFICIENT),
    ],
)
def test_proficiency_follows_the_mastery_thresholds(correct, answered, level):
    assert proficiency_for(correct, answered) == level


def test_answers_make_proficiency_and_the_latest_attempt_at_a_question_counts(
    learner_client, learner, roadmaps
):
    skill = _skills(roadmaps[0], 1)[0]
    quiz = _knowledge_quiz([skill], per_skill=2)
    quiz.questions_per_sitting = 2
    quiz.save()
    from quizzes.models import Sitting

    learner_client.post("/quizzes/knowledge/sittings/")
    _answer_all(learner_client, Sitting.objects.get(user=learner), wrong_for=[skill])
    assert _progress(learner, skill).proficiency == Proficiency.ATTEMPTED
    assert _progress(learner, skill).status == Status.NOT_STARTED  # status is the learner's
    learner_client.post("/quizzes/knowledge/sittings/")
    _answer_all(learner_client, Sitting.objects.filter(user=learner).latest("created_at"))
    assert _progress(learner, skill).proficiency == Proficiency.PROFICIENT
    html = learner_client.get(f"/skills/{skill.slug}/").content.decode()
    assert "Quizzes: proficient" in text(select_one(html, ".your-skill"))


def test_a_visitor_s_answers_count_once_they_sign_in(client, learner, roadmaps):
    skill = _skills(roadmaps[0], 1)[0]
    quiz = _knowledge_quiz([skill], per_skill=1)
    quiz.questions_per_sitting = 1
    quiz.save()
    from quizzes.models import Sitting

    client.post("/quizzes/knowledge/sittings/")
    _answer_all(client, Sitting.objects.get())
    assert not Progress.objects.exists()
    client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert _progress(learner, skill).proficiency == Proficiency.PROFICIENT


def test_the_evidence_stays_out_of_the_shared_roadmap_content(learner, other_learner, roadmaps):
    skill = _skills(roadmaps[0], 1)[0]
    Progress.objects.create(
        user=learner,
        skill=skill,
        status=Status.DONE,
        updated_at=datetime(2026, 11, 1, tzinfo=ZoneInfo("UTC")),
        proficiency=Proficiency.FAMILIAR,
        needs_refresh=True,
    )
    mine, theirs = Client(), Client()
    mine.force_login(learner)
    theirs.force_login(other_learner)
    step = RoadmapStep.objects.get(level__roadmap=roadmaps[0], skill=skill)
    html = mine.get(roadmaps[0].get_absolute_url()).content.decode()
    assert text(select_one(html, f"#step-{step.pk} .evidence")) == "Quizzes: familiar Refresh"
    assert select_one(html, f"#step-{step.pk} .evidence b") is not None
    html = theirs.get(roadmaps[0].get_absolute_url()).content.decode()
    assert not select(html, ".evidence")
    assert attribute(select_one(html, f"#step-{step.pk}"), "class") == "roadmap-step"
