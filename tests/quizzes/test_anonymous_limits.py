"""What visitors can make the site keep: looking writes nothing, each visitor has at most one
sitting in progress per quiz, anonymous visitors a few quizzes in progress, accounts a day's
worth of sittings; abandoned anonymous sittings and expired sessions are purged; a long quiz
history is shown a page at a time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core.models import LearnerVersion
from quizzes.models import HISTORY_PAGE_SIZE, Answer, Choice, Question, Quiz, Sitting
from quizzes.services import (
    ANONYMOUS_UNFINISHED_LIMIT,
    DAILY_LIMIT,
    SESSION_KEY,
    SESSION_LIMIT,
    sitting_start,
)

pytestmark = pytest.mark.django_db


def make_quiz(slug="knowledge") -> Quiz:
    quiz = Quiz.objects.create(slug=slug, title=f"Quiz {slug}", intro=".", questions_per_sitting=2)
    for position in range(2):
        question = Question.objects.create(quiz=quiz, position=position, text=f"Q{position}?")
        Choice.objects.create(question=question, position=0, text="Right", is_correct=True)
        Choice.objects.create(question=question, position=1, text="Wrong")
    return quiz


@pytest.fixture
def quiz():
    return make_quiz()


def start(client, slug="knowledge"):
    return client.post(f"/quizzes/{slug}/sittings/")


def finish(sitting: Sitting) -> None:
    Sitting.objects.filter(pk=sitting.pk).update(finished_at=timezone.now())


def age(sittings, days: int) -> None:
    Sitting.objects.filter(pk__in=[s.pk for s in sittings]).update(
        created_at=timezone.now() - timedelta(days=days)
    )


# --- Looking and starting -----------------------------------------------------------------


def test_looking_at_quizzes_without_a_cookie_writes_nothing(quiz):
    for _ in range(50):
        visitor = Client()
        assert visitor.get("/quizzes/").status_code == 200
        assert visitor.get("/quizzes/knowledge/").status_code == 200
        assert visitor.head("/quizzes/knowledge/").status_code == 200
    assert Sitting.objects.count() == 0
    assert Session.objects.count() == 0


def test_fifty_cookie_less_visitors_starting_a_quiz_make_one_sitting_and_one_session_each(quiz):
    for _ in range(50):
        assert start(Client()).status_code == 302
    assert Sitting.objects.count() == 50
    assert Session.objects.count() == 50


def test_visitors_without_an_account_start_120_quizzes_an_hour_from_one_address(quiz):
    for _ in range(120):
        assert start(Client()).status_code == 302
    refused = start(Client())
    assert refused.status_code == 429
    assert "Many quizzes have been started from your network" in refused.content.decode()
    assert Sitting.objects.count() == 120
    assert start(Client(REMOTE_ADDR="198.51.100.9")).status_code == 302


def test_a_signed_in_learner_is_not_held_back_by_their_network(learner_client, quiz):
    for _ in range(120):
        start(Client())
    assert start(learner_client).status_code == 302


def test_one_visitor_starting_a_quiz_fifty_times_keeps_one_sitting_and_one_session(client, quiz):
    for _ in range(50):
        assert start(client).status_code == 302
    [sitting] = Sitting.objects.all()
    assert client.session[SESSION_KEY] == [str(sitting.pk)]
    assert Session.objects.count() == 1


def test_starting_again_replaces_an_unanswered_quiz_in_progress_and_keeps_answered_ones(
    learner_client, learner, quiz
):
    start(learner_client)
    done = Sitting.objects.get()
    finish(done)
    start(learner_client)
    unanswered = Sitting.objects.get(finished_at__isnull=True)
    start(learner_client)
    assert not Sitting.objects.filter(pk=unanswered.pk).exists()
    answered = Sitting.objects.get(finished_at__isnull=True)
    Answer.objects.create(sitting=answered, question=quiz.questions.first(), choice_ids=[1])
    html = learner_client.get("/quizzes/knowledge/").content.decode()
    assert "the answers you already gave stay in your history" in html
    start(learner_client)
    assert Sitting.objects.filter(pk=answered.pk).exists()
    assert Answer.objects.filter(sitting=answered).count() == 1
    assert Sitting.objects.filter(user=learner).count() == 3
    assert Sitting.objects.filter(pk=done.pk).exists()


def test_an_anonymous_visitor_may_have_a_few_quizzes_in_progress_then_is_told_why_not(client):
    for n in range(ANONYMOUS_UNFINISHED_LIMIT + 1):
        make_quiz(f"quiz-{n}")
    for n in range(ANONYMOUS_UNFINISHED_LIMIT):
        assert start(client, f"quiz-{n}").status_code == 302
    refused = start(client, f"quiz-{ANONYMOUS_UNFINISHED_LIMIT}")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert f"You have {ANONYMOUS_UNFINISHED_LIMIT} quizzes in progress in this browser" in html
    assert "sign in" in html and 'href="/quizzes/quiz-5/"' in html
    assert Sitting.objects.count() == ANONYMOUS_UNFINISHED_LIMIT
    # Starting one of them again is still allowed, and finishing one makes room.
    assert start(client, "quiz-0").status_code == 302
    finish(Sitting.objects.filter(quiz__slug="quiz-0").get())
    assert start(client, f"quiz-{ANONYMOUS_UNFINISHED_LIMIT}").status_code == 302


def test_a_learner_may_start_a_day_s_worth_of_sittings_then_is_told_why_not(
    learner_client, learner, quiz
):
    Sitting.objects.bulk_create(
        Sitting(quiz=quiz, user=learner, finished_at=timezone.now()) for _ in range(DAILY_LIMIT)
    )
    refused = start(learner_client)
    assert refused.status_code == 429
    assert (
        f"You have started {DAILY_LIMIT} quizzes in the last 24 hours" in refused.content.decode()
    )
    assert Sitting.objects.count() == DAILY_LIMIT
    age(Sitting.objects.all()[:1], days=2)
    assert start(learner_client).status_code == 302


def test_sittings_a_session_can_no_longer_hold_are_deleted(client, quiz):
    kept = [sitting_start(quiz=quiz) for _ in range(SESSION_LIMIT)]
    for sitting in kept:
        finish(sitting)
    session = client.session
    session[SESSION_KEY] = [str(sitting.pk) for sitting in kept]
    session.save()
    start(client)
    assert not Sitting.objects.filter(pk=kept[0].pk).exists()
    assert Sitting.objects.count() == SESSION_LIMIT
    assert len(client.session[SESSION_KEY]) == SESSION_LIMIT


# --- Purging ------------------------------------------------------------------------------


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_stale_data", *args, stdout=out)
    return out.getvalue()


def test_the_purge_deletes_only_stale_anonymous_unfinished_sittings_and_expired_sessions(
    learner, quiz
):
    stale = sitting_start(quiz=quiz)
    Answer.objects.create(sitting=stale, question=quiz.questions.first(), choice_ids=[1])
    fresh = sitting_start(quiz=quiz)
    old_result = sitting_start(quiz=quiz)
    finish(old_result)
    learners = [sitting_start(quiz=quiz, user=learner)]
    finish(learners[0])
    learners.append(sitting_start(quiz=quiz, user=learner))
    age([stale, old_result, *learners], days=30)
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now())
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )

    output = purge()

    assert "Deleted 1 anonymous unfinished quiz sitting(s) older than 14 day(s)." in output
    assert "Deleted 1 expired session(s)." in output
    assert set(Sitting.objects.all()) == {fresh, old_result, *learners}
    assert not Answer.objects.exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    again = purge()
    assert "Deleted 0 anonymous unfinished" in again and "Deleted 0 expired" in again


def test_the_purge_takes_the_age_and_can_also_drop_old_anonymous_results(learner, quiz):
    week_old = sitting_start(quiz=quiz)
    old_result = sitting_start(quiz=quiz)
    finish(old_result)
    learner_result = sitting_start(quiz=quiz, user=learner)
    finish(learner_result)
    age([week_old, old_result, learner_result], days=8)
    assert "Deleted 0 anonymous unfinished" in purge()
    output = purge("--days", "7", "--finished-days", "7")
    assert "Deleted 1 anonymous unfinished" in output
    assert "Deleted 1 anonymous finished quiz sitting(s) older than 7 day(s)." in output
    assert list(Sitting.objects.all()) == [learner_result]
    with pytest.raises(CommandError):
        purge("--days", "0")


# --- A long history -----------------------------------------------------------------------

# The dashboard: its progress queries and one for the latest sittings, whatever the history.
DASHBOARD_QUERIES = 9
# The history page: session, user, how many sittings, one page of them, and the learner's
# progress for the menu's review count.
HISTORY_QUERIES = 5


def _add_history(learner, quiz, count: int) -> None:
    """`count` finished sittings, each with one right answer."""
    question = quiz.questions.first()
    sittings = Sitting.objects.bulk_create(
        Sitting(quiz=quiz, user=learner, question_ids=[question.pk], finished_at=timezone.now())
        for _ in range(count)
    )
    Answer.objects.bulk_create(
        Answer(sitting=sitting, question=question, choice_ids=[1], is_correct=True)
        for sitting in sittings
    )
    # Bulk writes send no signal: bump the version as the request that wrote them would.
    LearnerVersion.bump(learner.pk)


def test_the_dashboard_stays_the_same_size_and_queries_with_a_hundred_times_the_history(
    learner_client, learner, quiz, django_assert_max_num_queries
):
    _add_history(learner, quiz, 30)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        small = learner_client.get("/dashboard/").content.decode()
    _add_history(learner, quiz, 2970)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        large = learner_client.get("/dashboard/").content.decode()
    assert len(large) == len(small)
    history = large.split("Quiz history")[1]
    assert history.count("See the result") == HISTORY_PAGE_SIZE
    assert 'href="/dashboard/quizzes/?page=2">See your older quizzes' in history


def test_the_dashboard_offers_no_older_page_when_the_history_fits(learner_client, learner, quiz):
    _add_history(learner, quiz, HISTORY_PAGE_SIZE)
    html = learner_client.get("/dashboard/").content.decode()
    assert html.count("See the result") == HISTORY_PAGE_SIZE
    assert "See your older quizzes" not in html


@pytest.mark.parametrize("count", [30, 3000])
def test_the_quiz_history_is_shown_a_page_at_a_time(
    learner_client, learner, quiz, django_assert_max_num_queries, count
):
    _add_history(learner, quiz, count)
    pages = -(-count // HISTORY_PAGE_SIZE)
    with django_assert_max_num_queries(HISTORY_QUERIES):
        first = learner_client.get("/dashboard/quizzes/").content.decode()
    assert first.count("See the result") == HISTORY_PAGE_SIZE
    assert f"Page 1 of {pages}" in first and 'href="?page=2" rel="next">Older' in first
    assert "Newer" not in first
    last = learner_client.get(f"/dashboard/quizzes/?page={pages}").content.decode()
    assert last.count("See the result") == count - (pages - 1) * HISTORY_PAGE_SIZE
    assert "Older" not in last and f'href="?page={pages - 1}" rel="prev">Newer' in last
    assert "Page 1 of" in learner_client.get("/dashboard/quizzes/?page=x").content.decode()
    beyond = learner_client.get("/dashboard/quizzes/?page=99999").content.decode()
    assert f"Page {pages} of {pages}" in beyond


def test_the_quiz_history_is_only_for_signed_in_learners(client, other_learner, quiz):
    response = client.get("/dashboard/quizzes/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    _add_history(other_learner, quiz, 3)
    client.force_login(
        type(other_learner).objects.create_user("me", "me@example.com", "pw-123456789")
    )
    html = client.get("/dashboard/quizzes/").content.decode()
    assert "See the result" not in html and "No quizzes yet" in html
