"""Reviewing the skills a learner marked done, when their spaced-review date comes: a short
sitting of the knowledge quiz (3–5 questions from the due skills), or a self-check for a skill
no question tests. roadmaps/review.py keeps the schedule; this module draws and scores.

A review sitting's scope names the skills it reviews by slug ("review:sql,python"), so its
result can say which passed after the schedule has moved on, on this site or another."""

import random

from careers.models import Skill
from quizzes.models import Answer, Question, Quiz, Sitting
from roadmaps.models import Progress
from roadmaps.review import local_date
from roadmaps.services import review_record

REVIEW_SCOPE = "review"
KNOWLEDGE_QUIZ = "knowledge"
MOST_QUESTIONS, FEWEST_QUESTIONS = 5, 3
MOST_SKILLS = 5  # a review covers at most this many due skills; the rest wait their turn


def due_reviews(user, today=None):
    """The learner's due skills, the longest waiting first, with their skill."""
    today = today or local_date()
    return Progress.objects.for_user(user).due_for_review(today).select_related("skill")


def skills_with_questions(skill_ids) -> set[int]:
    """Which of these skills the knowledge quiz has a question for (one query)."""
    tested = Question.skills.through.objects.filter(
        skill_id__in=skill_ids, question__quiz__slug=KNOWLEDGE_QUIZ
    )
    return set(tested.values_list("skill_id", flat=True))


def review_start(*, user, rng: random.Random | None = None) -> Sitting | None:
    """A review sitting over the learner's due skills that have questions, or None when none
    has any. One question per skill first, then more until there are at least three."""
    rng = rng or random.Random()
    quiz = Quiz.objects.published().filter(slug=KNOWLEDGE_QUIZ).first()
    due_progress = list(due_reviews(user))
    due = [progress.skill_id for progress in due_progress]
    slugs = {progress.skill_id: progress.skill.slug for progress in due_progress}
    if quiz is None or not due:
        return None
    links = Question.skills.through.objects.filter(
        skill_id__in=due, question__quiz=quiz, question__choices__is_correct=True
    ).distinct()
    by_skill: dict[int, list[int]] = {}
    for skill_id, question_id in links.values_list("skill_id", "question_id"):
        by_skill.setdefault(skill_id, []).append(question_id)
    skills = [skill_id for skill_id in due if skill_id in by_skill][:MOST_SKILLS]
    if not skills:
        return None
    for questions in by_skill.values():
        rng.shuffle(questions)
    drawn = [by_skill[skill_id][0] for skill_id in skills]
    depth = 1
    while len(drawn) < FEWEST_QUESTIONS:  # a second question of a skill, then a third…
        more = [by_skill[skill_id][depth] for skill_id in skills if len(by_skill[skill_id]) > depth]
        if not more:
            break
        drawn += more[: FEWEST_QUESTIONS - len(drawn)]
        depth += 1
    questions = Question.objects.filter(pk__in=drawn).prefetch_related("choices")
    choice_order = {}
    for question in questions:
        ids = [choice.pk for choice in question.choices.all()]
        rng.shuffle(ids)
        choice_order[str(question.pk)] = ids
    return Sitting.objects.create(
        quiz=quiz,
        user=user,
        scope=f"{REVIEW_SCOPE}:{','.join(slugs[skill_id] for skill_id in skills)}",
        question_ids=drawn,
        choice_order=choice_order,
    )


def reviewed_skill_slugs(sitting: Sitting) -> list[str]:
    kind, _, slugs = sitting.scope.partition(":")
    if kind != REVIEW_SCOPE or not slugs:
        return []
    return [slug for slug in slugs.split(",") if slug]


def review_outcomes(sitting: Sitting) -> list[tuple[Skill, bool]]:
    """(skill, passed) for each skill the review covered: passed when every answer to its
    questions in the sitting is right. Skills are named by slug, so an exported review means
    the same on any site it is imported into."""
    slugs = reviewed_skill_slugs(sitting)
    if not slugs:
        return []
    skills = Skill.objects.in_bulk(slugs, field_name="slug")
    passed = {skill.pk: True for skill in skills.values()}
    answers = Answer.objects.filter(sitting=sitting, question__skills__in=passed)
    for skill_id, is_correct in answers.values_list("question__skills", "is_correct"):
        passed[skill_id] = passed[skill_id] and is_correct
    return [(skills[slug], passed[skills[slug].pk]) for slug in slugs if slug in skills]


def review_finish(sitting: Sitting) -> None:
    """Move each reviewed skill along its schedule, once the sitting's last answer is in."""
    for skill, passed in review_outcomes(sitting):
        review_record(user=sitting.user, skill=skill, passed=passed)


def self_check(*, user, skill: Skill, still_known: bool) -> bool:
    """A skill no question tests is reviewed by the learner's own word. False unless it is due."""
    if not due_reviews(user).filter(skill=skill).exists():
        return False
    return review_record(user=user, skill=skill, passed=still_known)
