"""What content needs an editor's attention, for the admin's Content health page: drafts,
content not reviewed for six months, broken links, and skills without quiz questions or
without a description. One query per kind of content, however much there is.

It lives in `quizzes`, the highest app whose content it lists (it reads questions)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from careers.models import Role, Skill
from core.models import ContentStatus
from quizzes.models import Question, Quiz
from roadmaps.models import Resource, Roadmap

REVIEW_EVERY = timedelta(days=183)  # six months

# Content with a draft status and a last-reviewed date: model, the permission to see it, and
# what its name needs.
PUBLISHABLE = [
    (Role, "careers.view_role", []),
    (Roadmap, "roadmaps.view_roadmap", ["role"]),
    (Quiz, "quizzes.view_quiz", []),
]


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    url: str
    detail: str = ""
    since: date = date.min  # for ordering: the oldest review first

    @classmethod
    def of(cls, obj, detail: str = "", since: date = date.min) -> "Entry":
        kind = str(obj._meta.verbose_name).capitalize()
        return cls(kind, str(obj), change_url(obj), detail, since)


@dataclass
class Section:
    slug: str
    title: str
    none: str  # what to say when it is empty
    about: str = ""
    entries: list[Entry] = field(default_factory=list)


def content_health(user, *, today: date | None = None) -> list[Section]:
    """The sections `user` may see (by their view permissions), each with what needs
    attention and a link to its change page; empty when they may see none of it."""
    today = today or timezone.localdate()
    reviewed_by = today - REVIEW_EVERY
    sections = []
    visible = [(model, related) for model, perm, related in PUBLISHABLE if user.has_perm(perm)]
    if visible:
        drafts = Section("drafts", "Drafts", "No drafts.", "Hidden from learners until published.")
        stale = Section(
            "not-reviewed",
            "Not reviewed for six months",
            "Everything published was reviewed in the last six months.",
            f"Published, and last reviewed before {date_format(reviewed_by)} or never.",
        )
        for model, related in visible:
            due = Q(status=ContentStatus.PUBLISHED) & (
                Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=reviewed_by)
            )
            for obj in model.objects.select_related(*related).filter(
                Q(status=ContentStatus.DRAFT) | due
            ):
                if obj.status == ContentStatus.DRAFT:
                    drafts.entries.append(Entry.of(obj))
                elif obj.last_reviewed is None:
                    stale.entries.append(Entry.of(obj, "never reviewed"))
                else:
                    when = f"last reviewed {date_format(obj.last_reviewed)}"
                    stale.entries.append(Entry.of(obj, when, obj.last_reviewed))
        stale.entries.sort(key=lambda entry: entry.since)
        sections += [drafts, stale]

    if user.has_perm("roadmaps.view_resource"):
        links = Section(
            "broken-links",
            "Broken links",
            "No link was broken when last checked.",
            "Learning resources whose address did not work when last checked (weekly, "
            "manage.py check_links); learners see their title without a link.",
        )
        resources = Resource.objects.broken().select_related(
            "step__level__roadmap__role", "step__skill", "step__project"
        )
        for resource in resources.order_by("step__level__roadmap__role__position", "title", "pk"):
            role = resource.step.level.roadmap.role.short_name
            where = f"{role}, {resource.step}: {resource.link_problem}"
            links.entries.append(Entry.of(resource, where))
        sections.append(links)

    if user.has_perm("careers.view_skill"):
        no_questions = Section(
            "skills-without-questions",
            "Skills without quiz questions",
            "Every skill has a quiz question.",
            "No quiz question tests these skills (a question's “Skills”) or explains its "
            "answer with them (its “Skill”), so quizzes and reviews never cover them.",
        )
        no_description = Section(
            "skills-without-descriptions",
            "Skills without a description",
            "Every skill has a description.",
            "Their cards on the skills page show only a title.",
        )
        tested = Question.skills.through.objects.filter(skill=OuterRef("pk"))
        explained = Question.objects.filter(skill=OuterRef("pk"))
        skills = Skill.objects.annotate(has_question=Exists(tested) | Exists(explained)).filter(
            Q(has_question=False) | Q(description="")
        )
        for skill in skills:
            if not skill.has_question:
                no_questions.entries.append(Entry.of(skill))
            if not skill.description:
                no_description.entries.append(Entry.of(skill))
        sections += [no_questions, no_description]
    return sections
