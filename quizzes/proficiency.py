"""A learner's proficiency in a skill, from their answers to the questions that test it (the
latest attempt at each question counts): Khan Academy's mastery levels. Below 70 % correct is
"attempted", 70–99 % "familiar", 100 % "proficient"; no answer, "not assessed". Status stays
the learner's own choice; this is evidence beside it, stored on their progress row
(`roadmaps.Progress.proficiency`) so pages read both in one query."""

from collections import defaultdict

from quizzes.models import Answer
from roadmaps.models import Proficiency
from roadmaps.services import proficiency_set

FAMILIAR_FROM = 70  # percent correct


def proficiency_for(correct: int, answered: int) -> Proficiency:
    if not answered:
        return Proficiency.NOT_ASSESSED
    percent = 100 * correct / answered
    if percent == 100:
        return Proficiency.PROFICIENT
    if percent >= FAMILIAR_FROM:
        return Proficiency.FAMILIAR
    return Proficiency.ATTEMPTED


def proficiencies(user_id: int, skill_ids) -> dict[int, Proficiency]:
    """By skill id, from the learner's latest answer to each question testing the skill: one
    query whatever the number of skills."""
    answers = (
        Answer.objects.filter(sitting__user_id=user_id, question__skills__in=skill_ids)
        .order_by("answered_at", "pk")
        .values_list("question_id", "question__skills", "is_correct")
    )
    latest: dict[int, dict[int, bool]] = defaultdict(dict)
    for question_id, skill_id, is_correct in answers:
        latest[skill_id][question_id] = is_correct  # a later answer replaces an earlier one
    return {
        skill_id: proficiency_for(sum(latest[skill_id].values()), len(latest[skill_id]))
        for skill_id in skill_ids
    }


def proficiency_update(user_id: int | None, skill_ids) -> None:
    """Work out again, and record, the learner's proficiency in these skills."""
    skill_ids = set(skill_ids)
    if user_id is not None and skill_ids:
        proficiency_set(user_id=user_id, proficiencies=proficiencies(user_id, skill_ids))
