import csv
import io
import json
import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from careers.models import Role, Skill
from core.models import ContentStatus
from quizzes.models import Answer, Choice, ChoiceWeight, Question, Quiz, Sitting, Topic
from quizzes.services import (
    SESSION_KEY,
    AnswerRefused,
    answer_record,
    sitting_start,
    sittings_attach_from_session,
)
from roadmaps.models import Roadmap, RoadmapLevel, RoadmapStep
from tests.conftest import PASSWORD
from tests.content import admin_form_data
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MULTIPLE = 1  # the position of the question with two correct choices


@pytest.fixture
def role():
    return Role.objects.create(
        slug="role-a", name="Role A", short_name="A", summary="A", overview="."
    )


@pytest.fixture
def skill():
    return Skill.objects.create(slug="skill-a", name="Skill A")


def make_knowledge_quiz(count=12, per_sitting=10, role=None, skill=None, slug="knowledge"):
    """`count` questions of four choices; the first choice is right, and question 1 has a
    second right choice."""
    quiz = Quiz.objects.create(
        slug=slug, title="Knowledge quiz", intro="What you know.", questions_per_sitting=per_sitting
    )
    topics = [Topic.ROLE, Topic.SKILLS, Topic.TOOLS]
    for position in range(count):
        question = Question.objects.create(
            quiz=quiz,
            position=position,
            text=f"Question {position}?",
            explanation=f"Because of reason {position}.",
            topic=topics[position % 3],
            role=role if position % 2 == 0 else None,
            skill=skill,
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=index,
                text=f"Answer {position}.{index}",
                is_correct=index == 0 or (position == MULTIPLE and index == 1),
            )
            for index in range(4)
        )
    return quiz


@pytest.fixture
def quiz():
    return make_knowledge_quiz()


def start(client, slug="knowledge") -> Sitting:
    response = client.post(f"/quizzes/{slug}/sittings/")
    assert response.status_code == 302, response.content
    return Sitting.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def current(sitting: Sitting) -> Question:
    return sitting.state().current


def right(question: Question) -> list[Choice]:
    return list(question.choices.filter(is_correct=True))


def wrong(question: Question) -> list[Choice]:
    return [question.choices.filter(is_correct=False).first()]


def answer(client, sitting, question, choices, **extra):
    data = {"question": question.pk, "choice": [choice.pk for choice in choices]}
    return client.post(f"{sitting.get_absolute_url()}answer/", data, **extra)


def finish(client, sitting, *, correct: int = 0):
    """Answer every question: the first `correct` right, the rest wrong."""
    for index in range(sitting.total):
        question = current(sitting)
        choices = right(question) if index < correct else wrong(question)
        assert answer(client, sitting, question, choices).status_code == 302


# --- Starting, drawing and shuffling ------------------------------------------------------


def test_the_quiz_list_and_intro_page_offer_to_start(client, quiz):
    assert "Knowledge quiz" in client.get("/quizzes/").content.decode()
    html = client.get("/quizzes/knowledge/").content.decode()
    assert "10 questions" in html
    assert 'action="/quizzes/knowledge/sittings/"' in html and "Start the quiz" in html


def test_a_sitting_draws_the_configured_number_of_questions_in_random_order(quiz):
    orders = {
        tuple(sitting_start(quiz=quiz, rng=random.Random(seed)).question_ids) for seed in [1, 2, 3]
    }
    assert len(orders) == 3  # three seeds, three different draws
    all_ids = set(quiz.questions.values_list("pk", flat=True))
    for order in orders:
        assert len(order) == 10 and len(set(order)) == 10 and set(order) <= all_ids


def test_a_quiz_with_fewer_questions_than_configured_draws_them_all():
    small = make_knowledge_quiz(count=4, per_sitting=10)
    sitting = sitting_start(quiz=small)
    assert sorted(sitting.question_ids) == sorted(small.questions.values_list("pk", flat=True))


def test_each_question_s_choices_are_shuffled_and_shown_in_the_sitting_s_order(client, quiz):
    sitting = start(client)
    orders = [tuple(order) for order in sitting.choice_order.values()]
    assert len(set(orders)) > 1  # not every question in the same order
    question = current(sitting)
    order = sitting.choice_order[str(question.pk)]
    assert sorted(order) == sorted(question.choices.values_list("pk", flat=True))
    html = client.get(sitting.get_absolute_url()).content.decode()
    positions = [html.index(f'value="{pk}" id="choice-{pk}"') for pk in order]
    assert positions == sorted(positions)


def test_the_career_fit_quiz_keeps_the_editors_question_order(role):
    fit = make_fit_quiz(role_count=3)
    sitting = sitting_start(quiz=fit, rng=random.Random(7))
    assert sitting.question_ids == list(fit.questions.values_list("pk", flat=True))


def test_single_answer_questions_are_radios_and_multiple_answer_ones_checkboxes(client, quiz):
    sitting = start(client)
    sitting.question_ids = [quiz.questions.get(position=MULTIPLE).pk, *sitting.question_ids]
    sitting.save()
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert html.count('type="checkbox" name="choice"') == 4 and "more than one is right" in html
    answer(client, sitting, current(sitting), right(current(sitting)))
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert html.count('type="radio" name="choice"') == 4 and "more than one" not in html


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html)


def test_the_question_page_never_reveals_which_choice_is_correct(client, quiz):
    sitting = start(client)
    question = current(sitting)
    while question.position == MULTIPLE:  # keep the single-answer shape when flipping
        answer(client, sitting, question, right(question))
        question = current(sitting)
    before = _without_tokens(client.get(sitting.get_absolute_url()).content.decode())
    question.choices.update(is_correct=False)
    question.choices.filter(position=3).update(is_correct=True)
    after = _without_tokens(client.get(sitting.get_absolute_url()).content.decode())
    assert before == after


# --- Answering: htmx and no JavaScript ----------------------------------------------------


def test_without_javascript_an_answer_redirects_to_its_feedback_then_the_next_question(
    client, quiz
):
    sitting = start(client)
    first = current(sitting)
    response = answer(client, sitting, first, wrong(first))
    assert response.status_code == 302
    assert response["Location"] == f"{sitting.get_absolute_url()}?after={first.pk}#feedback"
    html = client.get(response["Location"]).content.decode()
    assert "<html" in html and 'id="feedback"' in html and "Not quite" in html
    assert first.explanation in html and right(first)[0].text in html
    assert f'href="{sitting.get_absolute_url()}"' in html and "Next question" in html
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert "Question 2 of 10" in html and current(sitting).text in html


def test_with_htmx_an_answer_returns_the_feedback_with_focus_and_an_announcement(
    client, quiz, role
):
    sitting = start(client)
    question = current(sitting)
    response = answer(client, sitting, question, right(question), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="quiz-step"')
    assert 'id="feedback"' in html and 'tabindex="-1"' in html and "autofocus" in html
    assert "✓" in html and "Right" in html and question.explanation in html
    assert f'href="{question.answer_url}"' in html
    assert 'id="quiz-announcer"' in html and 'hx-swap-oob="true"' in html
    assert f"Right. {question.explanation}" in html
    assert f'hx-get="{sitting.get_absolute_url()}"' in html  # next question, in place
    step = client.get(sitting.get_absolute_url(), **HTMX).content.decode()
    assert "<html" not in step and "Question 2 of 10" in step and "autofocus" in step


def test_the_sitting_page_is_a_full_page_and_its_htmx_partial_is_not(client, quiz):
    sitting = start(client)
    page = client.get(sitting.get_absolute_url()).content.decode()
    partial = client.get(sitting.get_absolute_url(), **HTMX).content.decode()
    assert "<html" in page and page.count("<h1") == 1 and "autofocus" not in page
    assert "<html" not in partial and 'id="quiz-step"' in partial


def test_an_empty_answer_asks_again_with_a_message(client, quiz):
    sitting = start(client)
    url = f"{sitting.get_absolute_url()}answer/"
    response = client.post(url, {"question": current(sitting).pk})
    assert response.status_code == 400
    assert (
        "Choose" in response.content.decode() and 'aria-invalid="true"' in response.content.decode()
    )
    htmx = client.post(url, {"question": current(sitting).pk}, **HTMX)
    assert htmx.status_code == 200 and "answer first" in htmx.content.decode()
    assert not Answer.objects.exists()


def test_the_last_answer_finishes_the_sitting_and_offers_the_result(client, quiz):
    sitting = start(client)
    finish(client, sitting, correct=3)
    sitting.refresh_from_db()
    assert sitting.is_finished and sitting.score() == 3
    last = sitting.answers.last().question
    html = client.get(f"{sitting.get_absolute_url()}?after={last.pk}").content.decode()
    assert "See your result" in html and "Next question" not in html
    response = client.get(sitting.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == sitting.get_result_url()


# --- Scoring ------------------------------------------------------------------------------


def test_a_right_answer_scores_and_a_wrong_one_does_not(client, quiz):
    sitting = start(client)
    first = current(sitting)
    answer(client, sitting, first, right(first))
    second = current(sitting)
    answer(client, sitting, second, wrong(second))
    assert [a.is_correct for a in sitting.answers.all()] == [True, False]
    assert sitting.score() == 1


def test_a_multiple_answer_question_needs_every_right_choice_and_no_wrong_one(quiz):
    question = quiz.questions.get(position=MULTIPLE)
    both, one = right(question), right(question)[:1]
    cases = [(one, False), (both, True), (both + wrong(question), False)]
    for choices, expected in cases:
        sitting = sitting_start(quiz=quiz)
        sitting.question_ids = [question.pk]
        sitting.save()
        recorded = answer_record(
            sitting=sitting, question=question, choice_ids=[c.pk for c in choices], last=True
        )
        assert recorded.is_correct is expected


def test_the_result_shows_the_score_the_breakdown_and_the_missed_questions_with_roadmap_steps(
    client, role, skill
):
    make_knowledge_quiz(count=4, per_sitting=4, role=role, skill=skill)
    roadmap = Roadmap.objects.create(role=role, intro="Become A.")
    level = RoadmapLevel.objects.create(roadmap=roadmap, stage="beginner", title="B", duration="x")
    step = RoadmapStep.objects.create(level=level, position=1, skill=skill)
    sitting = start(client)
    finish(client, sitting, correct=1)
    response = client.get(sitting.get_result_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert text(select_one(html, "#score")) == "1 of 4" and "25%" in html
    assert "By topic" in html and "By role" in html and "Role A" in html
    assert len(select(html, "article.missed-question")) == 3
    missed = [a.question for a in sitting.answers.filter(is_correct=False)]
    for question in missed:
        assert question.text in html and question.explanation in html
    assert f'href="/roadmaps/role-a/#step-{step.pk}"' in html
    assert "Retake the quiz" in html


def test_the_result_waits_until_the_sitting_is_finished(client, quiz):
    sitting = start(client)
    response = client.get(sitting.get_result_url())
    assert response.status_code == 302 and response["Location"] == sitting.get_absolute_url()


# --- Resuming -----------------------------------------------------------------------------


def test_a_sitting_resumes_at_the_first_unanswered_question(learner_client, learner, quiz):
    sitting = start(learner_client)
    for _ in range(3):
        question = current(sitting)
        answer(learner_client, sitting, question, right(question))
    html = learner_client.get("/quizzes/knowledge/").content.decode()
    assert f'href="{sitting.get_absolute_url()}"' in html and "Resume: question 4 of 10" in html
    assert "Resume your knowledge quiz" in learner_client.get("/quizzes/").content.decode()
    html = learner_client.get(sitting.get_absolute_url()).content.decode()
    assert "Question 4 of 10" in html and current(sitting).text in html


def test_an_anonymous_visitor_resumes_from_their_session(client, quiz):
    sitting = start(client)
    assert client.session[SESSION_KEY] == [str(sitting.pk)]
    question = current(sitting)
    answer(client, sitting, question, right(question))
    assert "Question 2 of 10" in client.get(sitting.get_absolute_url()).content.decode()
    assert sitting.user is None


# --- Bad input and integrity --------------------------------------------------------------


def test_a_choice_from_another_question_is_refused_and_nothing_is_recorded(client, quiz):
    sitting = start(client)
    question = current(sitting)
    other = quiz.questions.exclude(pk=question.pk).first()
    response = answer(client, sitting, question, right(other))
    assert response.status_code == 400
    assert "is not one of this question" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_replayed_answer_is_refused_and_the_score_is_unchanged(client, quiz):
    sitting = start(client)
    question = current(sitting)
    answer(client, sitting, question, wrong(question))
    for extra in [{}, HTMX]:
        replay = answer(client, sitting, question, right(question), **extra)
        assert replay.status_code == (200 if extra else 400)
        assert "You already answered this question" in replay.content.decode()
    assert sitting.answers.count() == 1 and sitting.score() == 0


def test_an_answer_to_a_later_question_is_refused(client, quiz):
    sitting = start(client)
    later = Question.objects.get(pk=sitting.question_ids[5])
    response = answer(client, sitting, later, right(later))
    assert response.status_code == 400 and "not the one" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_answer_to_a_question_outside_the_sitting_is_refused(client, quiz):
    sitting = start(client)
    outside = quiz.questions.exclude(pk__in=sitting.question_ids).first()
    response = answer(client, sitting, outside, right(outside))
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_an_answer_to_a_finished_sitting_is_refused(client, quiz):
    sitting = start(client)
    finish(client, sitting, correct=2)
    question = Question.objects.get(pk=sitting.question_ids[-1])
    response = answer(client, sitting, question, right(question))
    assert response.status_code == 400 and "finished" in response.content.decode()
    sitting.refresh_from_db()
    assert sitting.score() == 2


def test_two_choices_for_a_single_answer_question_are_refused(client, quiz):
    sitting = start(client)
    question = current(sitting)
    while question.position == MULTIPLE:
        answer(client, sitting, question, right(question))
        question = current(sitting)
    response = answer(client, sitting, question, list(question.choices.all()))
    assert response.status_code == 400 and "only one" in response.content.decode()
    assert not Answer.objects.filter(question=question).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"question": "abc", "choice": "xyz"}, {"question": "", "choice": ""}, {"choice": "1"}],
    ids=["empty", "letters", "blank", "no-question"],
)
def test_malformed_answers_are_refused_never_a_500(client, quiz, data):
    sitting = start(client)
    response = client.post(f"{sitting.get_absolute_url()}answer/", data)
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_malformed_choice_ids_for_the_right_question_are_refused(client, quiz):
    sitting = start(client)
    data = {"question": current(sitting).pk, "choice": ["1.5e3"]}
    response = client.post(f"{sitting.get_absolute_url()}answer/", data)
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_someone_else_s_sitting_is_a_404(learner_client, other_learner, quiz):
    theirs = sitting_start(quiz=quiz, user=other_learner)
    question = current(theirs)
    for url in [theirs.get_absolute_url(), theirs.get_result_url()]:
        assert learner_client.get(url).status_code == 404
    assert answer(learner_client, theirs, question, right(question)).status_code == 404
    assert not Answer.objects.exists()


def test_another_visitor_s_anonymous_sitting_is_a_404(client, quiz):
    theirs = start(Client())
    assert client.get(theirs.get_absolute_url()).status_code == 404
    question = current(theirs)
    assert answer(client, theirs, question, right(question)).status_code == 404


def test_a_signed_in_learner_cannot_use_an_anonymous_sitting_by_its_address(learner_client, quiz):
    anonymous = sitting_start(quiz=quiz)
    assert learner_client.get(anonymous.get_absolute_url()).status_code == 404


def test_unknown_sittings_and_quizzes_are_404s(client, quiz):
    assert client.get("/quizzes/knowledge/sittings/not-a-uuid/").status_code == 404
    url = "/quizzes/knowledge/sittings/3f1c8a52-1111-4a4a-9d9d-000000000000/"
    assert client.get(url).status_code == 404
    assert client.get("/quizzes/no-such-quiz/").status_code == 404
    assert client.post("/quizzes/no-such-quiz/sittings/").status_code == 404


def test_a_sitting_under_another_quiz_s_address_is_a_404(client, quiz):
    make_knowledge_quiz(count=2, slug="other")
    sitting = start(client)
    assert client.get(f"/quizzes/other/sittings/{sitting.pk}/").status_code == 404


def test_answers_and_starts_need_a_post(client, quiz):
    sitting = start(client)
    assert client.get(f"{sitting.get_absolute_url()}answer/").status_code == 405
    assert client.get("/quizzes/knowledge/sittings/").status_code == 405


def test_an_answer_without_a_csrf_token_is_refused(learner, quiz):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    sitting = sitting_start(quiz=quiz, user=learner)
    question = current(sitting)
    assert answer(client, sitting, question, right(question)).status_code == 403


def test_the_database_holds_one_answer_per_question(quiz):
    sitting = sitting_start(quiz=quiz)
    question = current(sitting)
    Answer.objects.create(sitting=sitting, question=question, choice_ids=[], is_correct=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(sitting=sitting, question=question, choice_ids=[], is_correct=True)


def test_a_double_submitted_answer_that_slips_past_the_view_is_refused_by_the_service(quiz):
    sitting = sitting_start(quiz=quiz)
    question = current(sitting)
    ids = [c.pk for c in wrong(question)]
    answer_record(sitting=sitting, question=question, choice_ids=ids, last=False)
    with pytest.raises(AnswerRefused, match="already answered"):
        answer_record(
            sitting=sitting,
            question=question,
            choice_ids=[c.pk for c in right(question)],
            last=False,
        )
    assert sitting.score() == 0


def test_a_quiz_without_questions_cannot_be_started(client):
    Quiz.objects.create(slug="empty", title="Empty", intro=".")
    assert "no questions yet" in client.get("/quizzes/empty/").content.decode()
    response = client.post("/quizzes/empty/sittings/")
    assert response.status_code == 400 and not Sitting.objects.exists()


# --- Drafts -------------------------------------------------------------------------------


def test_a_draft_quiz_is_hidden_from_learners_and_shown_to_editors(client, admin_client, quiz):
    sitting = sitting_start(quiz=quiz)
    Quiz.objects.filter(pk=quiz.pk).update(status=ContentStatus.DRAFT)
    assert "Knowledge quiz" not in client.get("/quizzes/").content.decode()
    assert client.get("/quizzes/knowledge/").status_code == 404
    assert client.post("/quizzes/knowledge/sittings/").status_code == 404
    session = client.session
    session[SESSION_KEY] = [str(sitting.pk)]
    session.save()
    assert client.get(sitting.get_absolute_url()).status_code == 404
    assert "Draft" in admin_client.get("/quizzes/knowledge/").content.decode()


def test_a_draft_quiz_is_previewed_by_its_editors_not_by_other_staff(editor_client, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(status=ContentStatus.DRAFT)
    assert "Draft preview" in editor_client.get("/quizzes/knowledge/").content.decode()
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    assert staff.get("/quizzes/knowledge/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_giving_quizzes_a_status_keeps_every_quiz_published_or_draft():
    executor = MigrationExecutor(connection)
    before = [("quizzes", "0003_validate_answer_path")]
    executor.migrate(before)
    OldQuiz = executor.loader.project_state(before).apps.get_model("quizzes", "Quiz")
    OldQuiz.objects.create(slug="live", title="Live", intro=".", is_published=True)
    OldQuiz.objects.create(slug="hidden", title="Hidden", intro=".", is_published=False)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    statuses = dict(Quiz.objects.values_list("slug", "status"))
    assert statuses == {"live": ContentStatus.PUBLISHED, "hidden": ContentStatus.DRAFT}


# --- History, export and the session → account merge --------------------------------------


def test_the_dashboard_lists_every_sitting_with_its_score_and_date(learner_client, learner, quiz):
    done = start(learner_client)
    finish(learner_client, done, correct=7)
    ongoing = start(learner_client)
    html = learner_client.get("/dashboard/").content.decode()
    history = html.split("Quiz history")[1]
    assert "7 of 10 (70%)" in history and done.get_result_url() in history
    assert ongoing.get_absolute_url() in history and "In progress: 0 of 10" in history
    assert done.created_at.strftime("%-d %b %Y") in history


def test_another_learner_s_sittings_stay_off_my_dashboard(learner_client, other_learner, quiz):
    theirs = sitting_start(quiz=quiz, user=other_learner)
    html = learner_client.get("/dashboard/").content.decode()
    assert str(theirs.pk) not in html and "No quizzes yet" in html


def test_the_export_holds_the_quiz_history(learner_client, learner, quiz):
    sitting = start(learner_client)
    finish(learner_client, sitting, correct=4)
    data = json.loads(learner_client.get("/accounts/export.json").content)
    [entry] = data["quiz_history"]
    assert entry["quiz"] == "knowledge" and entry["score"] == 4 and entry["questions"] == 10
    assert entry["finished_at"] and entry["started_at"]
    rows = list(csv.DictReader(io.StringIO(learner_client.get("/accounts/export.csv").text)))
    [row] = [row for row in rows if row["record_type"] == "quiz_sitting"]
    assert row["slug"] == "knowledge" and row["status"] == "4 of 10"


def test_anonymous_sittings_are_attached_to_the_account_on_sign_in(client, learner, quiz):
    sitting = start(client)
    question = current(sitting)
    answer(client, sitting, question, right(question))
    response = client.post(
        reverse("account_login"), {"login": "learner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert sitting.user == learner
    assert SESSION_KEY not in client.session
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert "Question 2 of 10" in html  # still resumable, now from the account


def test_attaching_sittings_leaves_other_people_s_sittings_alone(learner, other_learner, quiz):
    mine, theirs = sitting_start(quiz=quiz), sitting_start(quiz=quiz, user=other_learner)
    session = SessionStore()
    session[SESSION_KEY] = [str(mine.pk), str(theirs.pk)]
    assert sittings_attach_from_session(session=session, user=learner) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.user, theirs.user) == (learner, other_learner)
    assert sittings_attach_from_session(session=session, user=learner) == 0


# --- The career-fit quiz ------------------------------------------------------------------


def make_fit_quiz(role_count=3) -> Quiz:
    """Two questions. Q0: choice 0 → role 0 (3) and role 1 (1); choice 1 → role 1 (2).
    Q1: choice 0 → role 0 (1); choice 1 → role 1 (3), role 2 (2)."""
    roles = [
        Role.objects.create(
            slug=f"fit-{n}",
            name=f"Fit role {n}",
            short_name=f"F{n}",
            summary=".",
            overview=".",
            position=n,
        )
        for n in range(role_count)
    ]
    quiz = Quiz.objects.create(
        slug="career-fit", title="Career fit", intro=".", kind=Quiz.Kind.CAREER_FIT
    )
    weights = [
        [{0: 3, 1: 1}, {1: 2}],
        [{0: 1}, {1: 3, 2: 2}],
    ]
    for position, choices in enumerate(weights):
        question = Question.objects.create(
            quiz=quiz, position=position, text=f"Do you like {position}?", topic=Topic.INTERESTS
        )
        for index, by_role in enumerate(choices):
            choice = Choice.objects.create(
                question=question, position=index, text=f"Like {position}.{index}"
            )
            for role_index, weight in by_role.items():
                ChoiceWeight.objects.create(choice=choice, role=roles[role_index], weight=weight)
    return quiz


def _fit_choice(question_position, index):
    return Choice.objects.get(
        question__quiz__slug="career-fit", question__position=question_position, position=index
    )


def test_the_career_fit_quiz_ranks_every_role_on_fixed_answers(client):
    make_fit_quiz()
    sitting = start(client, "career-fit")
    first = answer(client, sitting, current(sitting), [_fit_choice(0, 0)])
    assert first.status_code == 302 and first["Location"] == sitting.get_absolute_url()
    last = answer(client, sitting, current(sitting), [_fit_choice(1, 1)])
    assert last["Location"] == sitting.get_result_url()
    response = client.get(sitting.get_result_url())
    fits = response.context["fits"]
    # Ranked by points, each out of 5, the most any role could get (role 1: 2 + 3). Role 2's
    # one answer gave it all it could get, yet it ranks below role 1's two answers and 4 points.
    assert [(f.role.slug, f.points, f.answers, f.possible, f.percent) for f in fits] == [
        ("fit-1", 4, 2, 5, 80),
        ("fit-0", 3, 1, 5, 60),
        ("fit-2", 2, 1, 5, 40),
    ]
    assert fits[0].reasons == [
        ("Do you like 0?", "Like 0.0", 1),
        ("Do you like 1?", "Like 1.1", 3),
    ]
    html = response.content.decode()
    assert "80%" in html and "60%" in html and "40%" in html
    assert "Why: 4 points from 2 of your answers" in html
    assert "you chose “Like 1.1” (+3)" in html
    assert "/compare/?roles=fit-1&amp;roles=fit-0&amp;roles=fit-2" in html
    assert 'href="/roadmaps/fit-1/"' in html
    for stage in ["beginner", "intermediate", "advanced"]:
        assert f'href="/roadmaps/fit-1/#level-{stage}"' in html
    assert 'href="/roles/fit-0/"' in html


def test_a_career_fit_result_offers_to_make_each_top_role_with_a_roadmap_the_goal(client):
    make_fit_quiz()
    for slug in ("fit-2", "fit-0"):
        Roadmap.objects.create(role=Role.objects.get(slug=slug), intro=".")
    sitting = start(client, "career-fit")
    answer(client, sitting, current(sitting), [_fit_choice(0, 0)])
    answer(client, sitting, current(sitting), [_fit_choice(1, 1)])
    html = client.get(sitting.get_result_url()).content.decode()
    buttons = select(html, ".follow-control button")
    assert [attribute(button, "aria-label") for button in buttons] == [
        "Make this my goal: Fit role 0",
        "Make this my goal: Fit role 2",
    ]
    form = select_one(html, "#follow-fit-2 form")
    response = client.post(attribute(form, "action"), {"next": sitting.get_result_url()})
    assert response["Location"] == sitting.get_result_url()
    html = client.get(sitting.get_result_url()).content.decode()
    assert (
        attribute(select_one(html, "#follow-fit-2 form"), "action") == "/roadmaps/fit-2/unfollow/"
    )


def test_a_role_no_answer_pointed_to_is_ranked_last_with_zero(client):
    make_fit_quiz(role_count=4)  # role 3 has no weights at all
    sitting = start(client, "career-fit")
    answer(client, sitting, current(sitting), [_fit_choice(0, 1)])
    answer(client, sitting, current(sitting), [_fit_choice(1, 0)])
    fits = client.get(sitting.get_result_url()).context["fits"]
    assert len(fits) == 4 and fits[-1].role.slug == "fit-3" and fits[-1].percent == 0
    assert (
        "None of your answers pointed here."
        in client.get(sitting.get_result_url()).content.decode()
    )


def test_with_htmx_the_fit_quiz_goes_straight_to_the_next_question_then_the_result(client):
    make_fit_quiz()
    sitting = start(client, "career-fit")
    response = answer(client, sitting, current(sitting), [_fit_choice(0, 0)], **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Do you like 1?" in html and "Right" not in html
    assert "Answer saved. Question 2 of 2." in html
    response = answer(client, sitting, current(sitting), [_fit_choice(1, 0)], **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == sitting.get_result_url()


# --- Constant queries ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 40])
def test_each_question_step_takes_the_same_queries_whatever_the_number_of_questions(
    learner_client, django_assert_num_queries, count
):
    make_knowledge_quiz(count=count, per_sitting=count)
    sitting = start(learner_client)
    url = sitting.get_absolute_url()
    for _ in range(2):  # with no answers yet, then with one
        question = current(sitting)
        choices = right(question)
        with django_assert_num_queries(6):  # session, user, sitting, answers, questions, choices
            assert learner_client.get(url, **HTMX).status_code == 200
        # The same, then the answer, in a savepoint, the skills it tests (for proficiency), and
        # the learner's version, since their data changed.
        with django_assert_num_queries(11):
            response = answer(learner_client, sitting, question, choices, **HTMX)
            assert response.status_code == 200
        with django_assert_num_queries(7):  # a whole page: the menu's review count too
            assert learner_client.get(f"{url}?after={question.pk}").status_code == 200


@pytest.mark.parametrize("count", [10, 40])
def test_the_result_takes_the_same_queries_whatever_the_number_of_questions(
    learner_client, django_assert_num_queries, count, role, skill
):
    make_knowledge_quiz(count=count, per_sitting=count, role=role, skill=skill)
    sitting = start(learner_client)
    finish(learner_client, sitting, correct=count // 2)
    url = sitting.get_result_url()
    # session, user, sitting, answers with their questions, choices, roadmap steps, and the
    # learner's progress for the menu's review count
    with django_assert_num_queries(7):
        assert learner_client.get(url).status_code == 200


# --- Editing in the admin -----------------------------------------------------------------


def test_the_admin_saves_a_question_with_its_inline_choices(admin_client, quiz):
    question = quiz.questions.get(position=0)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    data["choices-2-text"] = "An edited choice"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert question.choices.get(position=2).text == "An edited choice"


def test_the_admin_refuses_a_knowledge_question_without_a_correct_choice(admin_client, quiz):
    question = quiz.questions.get(position=0)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    for key in [key for key in data if key.endswith("-is_correct")]:
        del data[key]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A knowledge question needs at least one correct choice" in response.content.decode()
    assert question.choices.filter(is_correct=True).exists()


def test_the_admin_refuses_to_untick_a_knowledge_question_s_only_correct_choice(admin_client, quiz):
    choice = quiz.questions.get(position=0).choices.get(is_correct=True)
    url = reverse("admin:quizzes_choice_change", args=[choice.pk])
    data = admin_form_data(admin_client.get(url))
    del data["is_correct"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "needs at least one correct choice" in response.content.decode()


def test_the_admin_refuses_a_career_fit_choice_without_weights(admin_client):
    make_fit_quiz()
    choice = _fit_choice(0, 0)
    url = reverse("admin:quizzes_choice_change", args=[choice.pk])
    data = admin_form_data(admin_client.get(url))
    for key in [key for key in data if key.startswith("weights-") and key.endswith("-id")]:
        data[key.replace("-id", "-DELETE")] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A career-fit choice needs at least one role weight" in response.content.decode()
    assert choice.weights.count() == 2
    add = admin_client.post(
        reverse("admin:quizzes_choice_add"),
        {
            "question": choice.question_id,
            "position": 9,
            "text": "A choice without weights",
            "weights-TOTAL_FORMS": 0,
            "weights-INITIAL_FORMS": 0,
        },
    )
    assert add.status_code == 200 and "needs at least one role weight" in add.content.decode()
    assert not Choice.objects.filter(text="A choice without weights").exists()


@pytest.mark.parametrize("model", [Quiz, Question, Choice, Sitting])
def test_every_quiz_changelist_and_change_form_loads(admin_client, quiz, model):
    sitting_start(quiz=quiz)
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "x"}).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_the_admin_refuses_a_new_career_fit_choice_added_without_weights(admin_client):
    make_fit_quiz()
    question = _fit_choice(0, 0).question
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"choices-TOTAL_FORMS": 3, "choices-2-position": 5, "choices-2-text": "New one"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "where you also give the roles it points to" in response.content.decode()
    assert question.choices.count() == 2


def test_questions_that_cannot_be_answered_are_never_drawn(client, quiz):
    unanswerable = Question.objects.create(quiz=quiz, position=99, text="No choices?")
    sitting = sitting_start(quiz=quiz, rng=random.Random(3))
    assert unanswerable.pk not in sitting.question_ids
    Quiz.objects.create(slug="hollow", title="Hollow", intro=".")
    Question.objects.create(quiz=Quiz.objects.get(slug="hollow"), text="Nothing to pick?")
    response = client.post("/quizzes/hollow/sittings/")
    assert response.status_code == 400 and not Sitting.objects.filter(quiz__slug="hollow")
