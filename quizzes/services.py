"""Writes that span models: starting a sitting, recording an answer, and handing anonymous
sittings over to the account a visitor signs up or logs in with."""

import random
from datetime import timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import Answer, Question, Quiz, Sitting
from quizzes.proficiency import proficiency_update
from quizzes.review import REVIEW_SCOPE, review_finish
from quizzes.scopes import Scope, answerable_questions

# An anonymous visitor's sittings: their ids (strings) in the session, newest last.
SESSION_KEY = "quiz_sittings"
SESSION_LIMIT = 50
# What one visitor may hold, so that nobody can fill the database by starting quizzes: an
# anonymous visitor a few quizzes in progress, an account a day's worth of sittings.
ANONYMOUS_UNFINISHED_LIMIT = 5
DAILY_LIMIT = 50
ALREADY_ANSWERED = "You already answered this question; your first answer counts."
TOO_MANY_UNFINISHED = (
    f"You have {ANONYMOUS_UNFINISHED_LIMIT} quizzes in progress in this browser, the most it "
    "can keep. Finish one, or start one of them again, before you start another; or sign in, "
    "and your quizzes are kept in your account."
)
TOO_MANY_FROM_ADDRESS = (
    "Many quizzes have been started from your network in the last hour. Sign in to start "
    "another, or try again later."
)
TOO_MANY_TODAY = (
    f"You have started {DAILY_LIMIT} quizzes in the last 24 hours, the most one account can "
    "start in a day. Your results so far are kept; come back tomorrow for more."
)


class AnswerRefused(Exception):
    """An answer that cannot be recorded; the message is for the learner."""


class SittingRefused(Exception):
    """A sitting that cannot be started; the message is for the learner."""


def session_sitting_ids(session: SessionBase) -> list[str]:
    return list(session.get(SESSION_KEY, []))


def _own_sittings(user, session: SessionBase | None):
    if user is not None and user.is_authenticated:
        return Sitting.objects.filter(user=user)
    if session is not None:
        return Sitting.objects.filter(user__isnull=True, pk__in=session_sitting_ids(session))
    return Sitting.objects.none()


def sitting_start(
    *,
    quiz: Quiz,
    user=None,
    session: SessionBase | None = None,
    rng: random.Random | None = None,
    scope: Scope | None = None,
) -> Sitting:
    """Draw a sitting's questions and shuffle each one's choices. A knowledge quiz's questions
    come in random order; a career-fit quiz keeps the editors' order, which builds up. With a
    `scope`, only the questions that test its skills are drawn.

    Starting again replaces the visitor's unfinished sitting of the quiz (and scope) if it
    holds no answer yet (nothing recorded is ever thrown away), so pressing Start repeatedly
    adds no rows. An anonymous visitor may have `ANONYMOUS_UNFINISHED_LIMIT` quizzes in
    progress, whatever their scopes, and an account may start `DAILY_LIMIT` sittings a day;
    beyond that `SittingRefused` says why."""
    rng = rng or random.Random()
    scope_value = scope.value if scope else ""
    own = _own_sittings(user, session)
    replaced = own.unfinished().filter(quiz=quiz, scope=scope_value, answers__isnull=True)
    others = own.exclude(quiz=quiz, scope=scope_value, finished_at__isnull=True)
    if user is not None and user.is_authenticated:
        if others.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() >= DAILY_LIMIT:
            raise SittingRefused(TOO_MANY_TODAY)
    elif others.unfinished().count() >= ANONYMOUS_UNFINISHED_LIMIT:
        raise SittingRefused(TOO_MANY_UNFINISHED)
    replaced_ids = {str(pk) for pk in replaced.values_list("pk", flat=True)}
    questions = answerable_questions(quiz)
    if scope is not None:
        questions = questions.filter(skills__in=scope.skill_ids)
    questions = list(questions.prefetch_related("choices"))
    count = min(quiz.questions_per_sitting, len(questions))
    if quiz.is_knowledge:
        drawn = rng.sample(questions, count)
    else:
        drawn = sorted(rng.sample(questions, count), key=lambda question: question.position)
    choice_order = {}
    for question in drawn:
        ids = [choice.pk for choice in question.choices.all()]
        rng.shuffle(ids)
        choice_order[str(question.pk)] = ids
    with transaction.atomic():
        if drawn:  # (an empty draw is thrown away by the caller: keep the old sitting)
            Sitting.objects.filter(pk__in=replaced_ids).delete()
        sitting = Sitting.objects.create(
            quiz=quiz,
            user=user if user is not None and user.is_authenticated else None,
            scope=scope_value,
            question_ids=[question.pk for question in drawn],
            choice_order=choice_order,
        )
    if sitting.user is None and session is not None:
        ids = [pk for pk in session_sitting_ids(session) if pk not in replaced_ids]
        ids.append(str(sitting.pk))
        # The oldest sittings the session no longer holds could never be seen again.
        Sitting.objects.filter(pk__in=ids[:-SESSION_LIMIT], user__isnull=True).delete()
        session[SESSION_KEY] = ids[-SESSION_LIMIT:]
    return sitting


def answer_record(
    *, sitting: Sitting, question: Question, choice_ids: list[int], last: bool
) -> Answer:
    """Record the learner's first and only answer to a question of the sitting, and finish the
    sitting when it was the `last` question. The correct choices are worked out here, on the
    server. A second answer to the same question is refused, even when two posts race: the
    database holds one answer per question."""
    if sitting.is_finished:
        raise AnswerRefused("This sitting is finished, so its answers and score are final.")
    if question.pk not in sitting.question_ids:
        raise AnswerRefused("That question is not part of this sitting.")
    valid = {choice.pk for choice in question.choices.all()}
    if not choice_ids or not set(choice_ids) <= valid:
        raise AnswerRefused("That choice is not one of this question's choices.")
    is_correct = sitting.quiz.is_knowledge and set(choice_ids) == question.correct_ids()
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                sitting=sitting,
                question=question,
                choice_ids=sorted(set(choice_ids)),
                is_correct=is_correct,
            )
    except IntegrityError:
        raise AnswerRefused(ALREADY_ANSWERED) from None
    if last:
        sitting.finished_at = timezone.now()
        sitting.save(update_fields=["finished_at"])
    if sitting.quiz.is_knowledge and sitting.user_id:  # a visitor's answers count on sign-in
        proficiency_update(sitting.user_id, question.skills.values_list("pk", flat=True))
        if last and sitting.scope.startswith(REVIEW_SCOPE):
            review_finish(sitting)
    return answer


def sittings_attach_from_session(*, session: SessionBase, user) -> int:
    """Give the sittings an anonymous visitor took to the account they signed up or logged in
    with. Sittings that already belong to someone are left alone. Returns how many moved."""
    ids = session_sitting_ids(session)
    if not ids:
        return 0
    moved = Sitting.objects.filter(pk__in=ids, user__isnull=True).update(user=user)
    del session[SESSION_KEY]
    # Answers given before signing in are evidence too.
    answered = Question.skills.through.objects.filter(question__answers__sitting__in=ids)
    proficiency_update(user.pk, answered.values_list("skill_id", flat=True).distinct())
    return moved
