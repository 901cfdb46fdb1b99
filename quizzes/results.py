"""Quiz results: the knowledge quiz's score with its breakdowns and the steps that teach what
was missed, and the career-fit quiz's ranking of roles. Read-only: nothing here writes."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse

from careers.models import Role
from quizzes.models import ChoiceWeight, Sitting
from roadmaps.models import RoadmapStep


@dataclass
class Breakdown:
    label: str
    correct: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass
class RoleFit:
    role: Role
    points: int = 0
    possible: int = 0  # the most points any one role could get: the same for every role
    reasons: list[tuple[str, str, int]] = field(default_factory=list)  # (question, answer, points)

    @property
    def answers(self) -> int:
        """How many of the learner's answers pointed to the role."""
        return len(self.reasons)

    @property
    def percent(self) -> int:
        return fit_percent(self.points, self.possible)


def fit_percent(points: int, possible: int) -> int:
    """A role's points as a share of the most any role could get from the same questions."""
    return round(100 * points / possible) if possible else 0


def fit_ranking(points: Sequence[int], answers: Sequence[int]) -> list[int]:
    """The indexes of roles (given in their display order), best fit first.

    Each answer gives the roles its choice weights 1 to 3 points. A role ranks above another
    when it has more points, or as many points and more matching answers; the display order
    settles the rest. The percentage shown is the points over one denominator shared by every
    role (the most any single role could score), so for any two roles where A ranks above B:

    - A has at least B's points and at least B's percentage;
    - A never has both fewer points and fewer matching answers than B;
    - if A has B's points, A has at least as many matching answers;
    - with weights of 1 to 3, a role with at most one matching answer (3 points at most)
      never ranks above a role with three or more (3 points at least).

    tests/quizzes/test_career_fit_scoring.py checks this over every possible answer set."""
    return sorted(range(len(points)), key=lambda index: (-points[index], -answers[index]))


def knowledge_result(sitting: Sitting) -> dict:
    """Score, breakdowns by topic and by role, and the missed questions with the roadmap steps
    that teach them, in a fixed number of queries."""
    answers = list(
        sitting.answers.select_related("question__role", "question__skill").prefetch_related(
            "question__choices"
        )
    )
    by_topic: dict[str, Breakdown] = {}
    by_role: dict[str, Breakdown] = {}
    missed = []
    for answer in answers:
        question = answer.question
        rows = [by_topic.setdefault(question.topic, Breakdown(question.get_topic_display()))]
        if question.role_id:
            rows.append(by_role.setdefault(question.role.slug, Breakdown(question.role.name)))
        for row in rows:
            row.total += 1
            row.correct += answer.is_correct
        if not answer.is_correct:
            choices = question.choices.all()
            missed.append(
                {
                    "question": question,
                    "chosen": [c for c in choices if c.pk in answer.choice_ids],
                    "correct": [c for c in choices if c.is_correct],
                    "steps": [],
                }
            )
    skill_ids = {item["question"].skill_id for item in missed if item["question"].skill_id}
    steps = RoadmapStep.objects.filter(skill_id__in=skill_ids).select_related(
        "level__roadmap__role", "skill"
    )
    steps_by_skill: dict[int, list] = {}
    for step in steps:
        steps_by_skill.setdefault(step.skill_id, []).append(step)
    for item in missed:
        question = item["question"]
        teaching = steps_by_skill.get(question.skill_id, [])
        # The question's own role's roadmap when it teaches the skill; else every roadmap's.
        own = [s for s in teaching if s.level.roadmap.role_id == question.role_id]
        item["steps"] = [
            {
                "url": f"{step.level.roadmap.get_absolute_url()}#step-{step.pk}",
                "label": f"{step.name} on the {step.level.roadmap.role.name} roadmap "
                f"({step.level.get_stage_display().lower()})",
            }
            for step in (own or teaching)
        ]
        if not item["steps"] and question.role_id:
            item["steps"] = [
                {
                    "url": reverse("roadmaps:roadmap_detail", args=[question.role.slug]),
                    "label": f"The {question.role.name} roadmap",
                }
            ]
    correct = sum(answer.is_correct for answer in answers)
    return {
        "correct": correct,
        "percent": round(100 * correct / sitting.total) if sitting.total else 0,
        "answered": len(answers),
        "by_topic": sorted(by_topic.values(), key=lambda row: row.label),
        "by_role": sorted(by_role.values(), key=lambda row: row.label),
        "missed": missed,
    }


def fit_result(sitting: Sitting, viewer) -> list[RoleFit]:
    """Every role, ranked by the points the learner's answers gave it (see `fit_ranking`),
    with the answers that pointed to it and the points each gave."""
    answers = list(sitting.answers.select_related("question"))
    weights = ChoiceWeight.objects.filter(
        choice__question_id__in=[answer.question_id for answer in answers]
    ).select_related("choice")
    roles = sorted(Role.objects.visible_to(viewer), key=lambda role: (role.position, role.name))
    fits = {role.pk: RoleFit(role) for role in roles}
    best: dict[tuple[int, int], int] = {}  # (question, role): the most any choice gives
    by_choice: dict[int, list[ChoiceWeight]] = {}
    choice_text = {}
    for weight in weights:
        key = (weight.choice.question_id, weight.role_id)
        best[key] = max(best.get(key, 0), weight.weight)
        by_choice.setdefault(weight.choice_id, []).append(weight)
        choice_text[weight.choice_id] = weight.choice.text
    most: dict[int, int] = {}  # role: the most it could get from these questions
    for (_, role_id), weight in best.items():
        if role_id in fits:  # draft roles are ranked for editors only
            most[role_id] = most.get(role_id, 0) + weight
    possible = max(most.values(), default=0)
    for answer in answers:
        for choice_id in answer.choice_ids:
            for weight in by_choice.get(choice_id, []):
                fit = fits.get(weight.role_id)
                if fit is None:
                    continue
                fit.points += weight.weight
                fit.reasons.append((answer.question.text, choice_text[choice_id], weight.weight))
    ordered = list(fits.values())
    for fit in ordered:
        fit.possible = possible
    ranking = fit_ranking([fit.points for fit in ordered], [fit.answers for fit in ordered])
    return [ordered[index] for index in ranking]
