"""What a knowledge quiz sitting is drawn from: the quiz's general mix, the questions that test
one skill, or those that test any skill of one roadmap level.

A scope is kept on the sitting as text ("skill:sql", "level:data-scientist:beginner"), by
slugs, the content's stable keys; it is resolved against the content when a sitting starts,
and again, only for its label, when a page shows it.
"""

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from careers.models import Skill
from quizzes.models import Question, Quiz
from roadmaps.models import Roadmap, RoadmapLevel, RoadmapStep, Stage, stage_order

SKILL = "skill"
LEVEL = "level"
# Slugs as the content has them, so nothing else (NUL, very long text) reaches a lookup.
SKILL_SCOPE = re.compile(r"skill:([-a-zA-Z0-9_]{1,100})")
LEVEL_SCOPE = re.compile(r"level:([-a-zA-Z0-9_]{1,100}):([a-z]{1,20})")
# The scopes of other features are named, not resolved, here: the spaced review's
# ("review:<skill ids>").
NAMED = {"review": "Your review"}


class ScopeRefused(Exception):
    """A scope that names nothing this visitor can be quizzed on; the message says why."""


@dataclass(frozen=True)
class Scope:
    value: str  # as kept on the sitting
    label: str  # "SQL", "Data Scientist roadmap, beginner level"
    skill_ids: frozenset[int]
    question_count: int  # the quiz's answerable questions testing any of the skills


def answerable_questions(quiz: Quiz) -> QuerySet[Question]:
    """The quiz's questions a learner can answer: a knowledge question needs a correct choice,
    a career-fit one a choice that points to a role. (The admin refuses others; this is a
    safety net.)"""
    if quiz.is_knowledge:
        questions = Question.objects.filter(quiz=quiz, choices__is_correct=True)
    else:
        questions = Question.objects.filter(quiz=quiz, choices__weights__isnull=False)
    return questions.distinct()


def scope_resolve(value: str, *, quiz: Quiz, user) -> Scope:
    """The scope `value` names, for `quiz` and this viewer (who sees the roadmaps they may
    see). Raises ScopeRefused for text that is not a scope, a skill or roadmap level that does
    not exist or is not published, a quiz that is not a knowledge quiz, or a scope that none
    of the quiz's questions test yet."""
    skill_scope = SKILL_SCOPE.fullmatch(value)
    level_scope = LEVEL_SCOPE.fullmatch(value)
    if skill_scope:
        skill = Skill.objects.filter(slug=skill_scope[1]).first()
        if skill is None:
            raise ScopeRefused(f"There is no skill “{skill_scope[1]}” on this site.")
        label, skill_ids = skill.name, frozenset([skill.pk])
    elif level_scope:
        slug, stage = level_scope.groups()
        roadmaps = Roadmap.objects.visible_to(user).filter(role__slug=slug)
        roadmap = roadmaps.select_related("role").first()
        if roadmap is None:
            raise ScopeRefused(f"There is no published roadmap “{slug}” on this site.")
        if not RoadmapLevel.objects.filter(roadmap=roadmap, stage=stage).exists():
            raise ScopeRefused(f"The {roadmap.role.name} roadmap has no “{stage}” level.")
        label = _level_label(roadmap.role.name, stage)
        steps = RoadmapStep.objects.filter(level__roadmap=roadmap, level__stage=stage)
        skill_ids = frozenset(steps.filter(skill__isnull=False).values_list("skill_id", flat=True))
    else:
        raise ScopeRefused(
            "That is not something the quiz can be taken on: choose a skill or a roadmap level."
        )
    if not quiz.is_knowledge:
        raise ScopeRefused(
            f"Only a knowledge quiz can be taken on one skill or level; the {quiz.title} "
            "always takes all its questions."
        )
    count = answerable_questions(quiz).filter(skills__in=skill_ids).distinct().count()
    return Scope(value=value, label=label, skill_ids=skill_ids, question_count=count)


def scope_label(value: str) -> str:
    """How a sitting's scope reads ("SQL"), or "" for the general mix: the slug itself when the
    content it names is gone. One query at most."""
    if not value:
        return ""
    if (named := value.partition(":")[0]) in NAMED:
        return NAMED[named]
    if skill_scope := SKILL_SCOPE.fullmatch(value):
        slug = skill_scope[1]
        return Skill.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    if level_scope := LEVEL_SCOPE.fullmatch(value):
        slug, stage = level_scope.groups()
        name = Roadmap.objects.filter(role__slug=slug).values_list("role__name", flat=True).first()
        return _level_label(name or slug, stage)
    return value


def _level_label(role_name: str, stage: str) -> str:
    stage_name = Stage(stage).label.lower() if stage in Stage.values else stage
    return f"{role_name} roadmap, {stage_name} level"


@dataclass(frozen=True)
class ScopeChoice:
    value: str
    label: str
    question_count: int


def scope_choices(quiz: Quiz, user) -> dict[str, list[ScopeChoice]]:
    """What the quiz page offers to be quizzed on: each roadmap level (of the roadmaps this
    viewer sees) and each skill that the quiz's questions test, with how many questions each
    has. Three queries, whatever the amount of content."""
    if not quiz.is_knowledge:
        return {"levels": [], "skills": []}
    tested = Question.skills.through.objects.filter(question__in=answerable_questions(quiz))
    questions_of: dict[int, set[int]] = {}
    for question_id, skill_id in tested.values_list("question_id", "skill_id"):
        questions_of.setdefault(skill_id, set()).add(question_id)
    steps = RoadmapStep.objects.filter(
        skill_id__in=questions_of, level__roadmap__in=Roadmap.objects.visible_to(user)
    ).order_by(
        "level__roadmap__role__position", "level__roadmap__role__name", stage_order("level__stage")
    )
    levels: dict[tuple[str, str, str], set[int]] = {}  # in the roadmaps' and stages' order
    for slug, name, stage, skill_id in steps.values_list(
        "level__roadmap__role__slug", "level__roadmap__role__name", "level__stage", "skill_id"
    ):
        levels.setdefault((slug, name, stage), set()).update(questions_of[skill_id])
    skills = Skill.objects.filter(pk__in=questions_of).order_by("name").only("slug", "name")
    return {
        "levels": [
            ScopeChoice(f"{LEVEL}:{slug}:{stage}", _level_label(name, stage), len(questions))
            for (slug, name, stage), questions in levels.items()
        ],
        "skills": [
            ScopeChoice(f"{SKILL}:{skill.slug}", skill.name, len(questions_of[skill.pk]))
            for skill in skills
        ],
    }
