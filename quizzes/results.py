"""Quiz results: the knowledge quiz's score with its breakdowns and the steps that teach what
was missed, and the career-fit quiz's ranking of roles. Read-only: nothing here writes."""

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
    possible: int = 0
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (question, your answer)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.possible) if self.possible else 0


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
    """Every role, ranked by the share of the points it could have had from the questions
    answered that the learner's answers gave it; with the answers that pointed to it."""
    answers = list(sitting.answers.select_related("question"))
    weights = ChoiceWeight.objects.filter(
        choice__question_id__in=[answer.question_id for answer in answers]
    ).select_related("choice")
    fits = {role.pk: RoleFit(role) for role in Role.objects.visible_to(viewer)}
    best: dict[tuple[int, int], int] = {}  # (question, role): the most any choice gives
    by_choice: dict[int, list[ChoiceWeight]] = {}
    choice_text = {}
    for weight in weights:
        key = (weight.choice.question_id, weight.role_id)
        best[key] = max(best.get(key, 0), weight.weight)
        by_choice.setdefault(weight.choice_id, []).append(weight)
        choice_text[weight.choice_id] = weight.choice.text
    for (_, role_id), most in best.items():
        if role_id in fits:  # draft roles are ranked for editors only
            fits[role_id].possible += most
    for answer in answers:
        for choice_id in answer.choice_ids:
            for weight in by_choice.get(choice_id, []):
                fit = fits.get(weight.role_id)
                if fit is None:
                    continue
                fit.points += weight.weight
                fit.reasons.append((answer.question.text, choice_text[choice_id]))
    return sorted(fits.values(), key=lambda fit: (-fit.percent, -fit.points, fit.role.position))
