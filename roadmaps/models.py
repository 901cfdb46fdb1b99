"""Skill roadmaps and each learner's progress on them.

Progress is stored per learner and per shared skill (or project), never per roadmap step, so
marking "SQL" done shows it done on every roadmap that teaches it, and editing or reloading
roadmaps never orphans a learner's progress.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from careers.models import Role, Skill
from core.links import content_url
from core.models import (
    ContentStatus,
    LearnerVersion,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    Publishable,
    PublishableQuerySet,
    natural_key_after,
)
from core.queries import Precompiled
from core.validators import WEB_URL_MESSAGE, is_web_url, validate_web_url

NOTE_MAX_LENGTH = 2000


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    LEARNING = "learning", "Learning"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class Proficiency(models.TextChoices):
    """What a learner's answers to a skill's questions show (Khan Academy's mastery levels)."""

    NOT_ASSESSED = "not_assessed", "Not assessed"
    ATTEMPTED = "attempted", "Attempted"
    FAMILIAR = "familiar", "Familiar"
    PROFICIENT = "proficient", "Proficient"


class Stage(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


# A step's estimated study time when editors give none: the course's time spans (beginner
# 0–6 months, intermediate 6–18, advanced 18+) at 10 hours a week, shared evenly by a level's
# steps. docs/plan.md shows the working.
DEFAULT_EFFORT_HOURS = {Stage.BEGINNER: 30, Stage.INTERMEDIATE: 45, Stage.ADVANCED: 60}


def stage_order(field: str = "stage") -> models.Case:
    """Sorts stages along the path (beginner first), not alphabetically."""
    return models.Case(
        *(models.When(**{field: stage}, then=index) for index, stage in enumerate(Stage.values)),
        output_field=models.PositiveSmallIntegerField(),
    )


@dataclass(frozen=True)
class Tally:
    """How many of a set of steps a learner has done, skipped or is learning. Done counts as
    progress; skipped counts as handled but is reported apart."""

    total: int
    done: int
    skipped: int
    learning: int

    @classmethod
    def of(cls, target_keys, statuses: dict) -> "Tally":
        """The tally of the steps recording progress against `target_keys`."""
        counts = dict.fromkeys(Status.values, 0)
        for key in target_keys:
            counts[statuses.get(key, Status.NOT_STARTED)] += 1
        return cls(
            len(target_keys), counts[Status.DONE], counts[Status.SKIPPED], counts[Status.LEARNING]
        )

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def percent_handled(self) -> int:
        return round(100 * (self.done + self.skipped) / self.total) if self.total else 0

    @property
    def percent_skipped(self) -> int:
        return self.percent_handled - self.percent_done

    @property
    def started(self) -> bool:
        return bool(self.done or self.skipped or self.learning)


class RoadmapQuerySet(PublishableQuerySet, NaturalKeyQuerySet):
    def published(self):
        """A published roadmap of a published role."""
        return super().published().filter(role__status=ContentStatus.PUBLISHED)


class Roadmap(NaturalKeyModel, Publishable):
    role = models.OneToOneField(Role, on_delete=models.CASCADE, related_name="roadmap")
    intro = models.TextField(help_text="What this roadmap leads to, in a short paragraph.")

    objects = RoadmapQuerySet.as_manager()
    natural_key_fields = ("role__slug",)

    class Meta:
        ordering = ["role__position"]

    def __str__(self):
        return f"{self.role.name} roadmap"

    def get_absolute_url(self):
        return content_url("roadmaps:roadmap_detail", self.role.slug)

    natural_key = natural_key_after("careers.role")

    @property
    def slug(self) -> str:
        return self.role.slug

    @property
    def is_draft(self) -> bool:
        return super().is_draft or self.role.is_draft

    def clean(self):
        if self.status != ContentStatus.PUBLISHED or self.pk is None:
            return
        empty = [level.title for level in self.levels.all() if not level.steps.exists()]
        if empty:
            raise ValidationError(
                {
                    "status": f"Add steps to {', '.join(empty)} before publishing, "
                    "or keep the roadmap as a draft."
                }
            )

    def steps(self):
        """All steps, from the prefetched levels."""
        return [step for level in self.levels.all() for step in level.steps.all()]

    @cached_property
    def target_keys(self) -> tuple[tuple[str, str], ...]:
        """What each step records progress against, in order: worked out once for a roadmap
        from the content cache, then shared by every tally of every request."""
        return tuple(step.target_key for step in self.steps())

    def progress_for(self, statuses: dict) -> Tally:
        return Tally.of(self.target_keys, statuses)


class RoadmapLevel(NaturalKeyModel):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="levels")
    stage = models.CharField(max_length=12, choices=Stage)
    title = models.CharField(max_length=80, help_text='e.g. "Foundation" or "Core Skills".')
    duration = models.CharField(max_length=40, help_text='e.g. "0–6 months" or "18+ months".')
    summary = models.TextField(blank=True)

    natural_key_fields = ("roadmap__role__slug", "stage")

    class Meta:
        ordering = ["roadmap__role__position", stage_order()]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "stage"], name="one_level_per_stage")
        ]

    def __str__(self):
        return f"{self.roadmap.role.short_name}: {self.get_stage_display()} — {self.title}"

    natural_key = natural_key_after("roadmaps.roadmap")

    @property
    def anchor(self) -> str:
        return f"level-{self.stage}"

    def shared_steps(self) -> list["RoadmapStep"]:
        """The steps every role's path has at this stage (from the prefetch)."""
        return [step for step in self.steps.all() if not step.is_specialization]

    def branch_steps(self) -> list["RoadmapStep"]:
        """The steps of the role's own branch at this stage (from the prefetch)."""
        return [step for step in self.steps.all() if step.is_specialization]

    @cached_property
    def target_keys(self) -> tuple[tuple[str, str], ...]:
        """What each step records progress against (see `Roadmap.target_keys`)."""
        return tuple(step.target_key for step in self.steps.all())

    def progress_for(self, statuses: dict) -> Tally:
        return Tally.of(self.target_keys, statuses)

    @property
    def hours(self) -> int:
        """Estimated study time of the whole level (from the prefetched steps)."""
        return sum(step.hours for step in self.steps.all())


class Project(NaturalKeyModel):
    """A portfolio project; shared by roadmaps like skills are, so progress on it is too."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RoadmapStep(NaturalKeyModel):
    """One thing to learn (a shared skill) or to build (a project) at a roadmap level."""

    level = models.ForeignKey(RoadmapLevel, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="roadmap_steps"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="roadmap_steps"
    )
    title = models.CharField(
        max_length=120,
        blank=True,
        help_text='How the roadmap words it, e.g. "SQL basics"; empty uses the skill\'s name.',
    )
    is_specialization = models.BooleanField(
        default=False, help_text="Part of this role's own branch rather than the shared path."
    )
    explanation = models.TextField(blank=True, help_text="Why and how to learn it, briefly.")
    effort_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Estimated hours of study. Empty uses the level's default: 30 at beginner, "
        "45 at intermediate, 60 at advanced level.",
    )

    natural_key_fields = ("level__roadmap__role__slug", "level__stage", "position")

    class Meta:
        ordering = ["level__roadmap__role__position", stage_order("level__stage"), "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "position"], name="one_roadmap_step_per_position"
            ),
            models.CheckConstraint(
                condition=Q(skill__isnull=False, project__isnull=True)
                | Q(skill__isnull=True, project__isnull=False),
                name="step_is_a_skill_or_a_project",
                violation_error_message="A step is either a skill or a project, not both.",
            ),
        ]

    def __str__(self):
        return self.name

    natural_key = natural_key_after("roadmaps.roadmaplevel", "careers.skill", "roadmaps.project")

    def clean(self):
        if (self.skill_id is None) == (self.project_id is None):
            raise ValidationError("Choose a skill or a project for this step (one of them).")
        if self.skill_id and self.level_id:
            same_skill = RoadmapStep.objects.filter(
                level__roadmap_id=self.level.roadmap_id, skill_id=self.skill_id
            ).exclude(pk=self.pk)
            if same_skill.exists():
                raise ValidationError({"skill": "This roadmap already has a step for this skill."})

    @property
    def name(self) -> str:
        return self.title or str(self.skill or self.project)

    @property
    def hours(self) -> int:
        """Estimated hours of study: the editors' figure, else the level's default."""
        return self.effort_hours or DEFAULT_EFFORT_HOURS[self.level.stage]

    @property
    def is_project(self) -> bool:
        return self.project_id is not None

    @property
    def target(self) -> Skill | Project:
        return self.project if self.project_id else self.skill

    @property
    def target_key(self) -> tuple[str, str]:
        """What progress is recorded against: ("skill", slug) or ("project", slug)."""
        return ("project", self.project.slug) if self.project_id else ("skill", self.skill.slug)


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked"
    OK = "ok", "Working"
    BROKEN = "broken", "Broken"


class ResourceQuerySet(NaturalKeyQuerySet):
    def broken(self):
        """Links the last check found broken, at the address they still have."""
        return self.filter(link_status=LinkStatus.BROKEN, link_checked_url=F("url"))

    def unchecked_since(self, when):
        """Links not checked since `when`: never checked, checked before, or checked at an
        address they no longer have."""
        return self.filter(
            Q(link_checked_at__isnull=True)
            | Q(link_checked_at__lt=when)
            | ~Q(link_checked_url=F("url"))
        )


class Resource(NaturalKeyModel):
    step = models.ForeignKey(RoadmapStep, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    url = models.URLField(
        validators=[validate_web_url],
        error_messages={"invalid": WEB_URL_MESSAGE},
        help_text="The full address, starting with https://.",
    )
    is_free = models.BooleanField(default=True)
    # What `manage.py check_links` last found. A check holds for the address it checked, so
    # an editor's new address counts as not checked, however it was saved.
    link_status = models.CharField(
        max_length=10,
        choices=LinkStatus,
        default=LinkStatus.UNCHECKED,
        editable=False,
        help_text="Whether the link worked when it was last checked (weekly).",
    )
    link_problem = models.CharField(
        max_length=60,
        blank=True,
        editable=False,
        help_text='What the last check found wrong, e.g. "404 Not Found" or "timed out".',
    )
    link_checked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the link was last checked."
    )
    link_checked_url = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The address that was checked."
    )

    objects = ResourceQuerySet.as_manager()
    natural_key_fields = (
        "step__level__roadmap__role__slug",
        "step__level__stage",
        "step__position",
        "position",
    )
    # The state of the web, not content: never written to the content files.
    not_exported = ("link_status", "link_problem", "link_checked_at", "link_checked_url")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["step", "position"], name="one_resource_per_position")
        ]

    def __str__(self):
        return self.title

    @property
    def link_is_broken(self) -> bool:
        return self.link_status == LinkStatus.BROKEN and self.link_checked_url == self.url

    @property
    def link_url(self) -> str:
        """The address to link to; empty when the link was found broken, or for one saved
        before addresses were validated that is not an http(s) address, so it is never
        rendered as a link."""
        return self.url if is_web_url(self.url) and not self.link_is_broken else ""

    natural_key = natural_key_after("roadmaps.roadmapstep")


def roadmap_prefetches():
    """Everything a roadmap page shows, one query per relation."""
    return [
        Prefetch(
            "levels__steps",
            queryset=RoadmapStep.objects.select_related("skill", "project").prefetch_related(
                "resources"
            ),
        ),
        # For the learner's next step: only the prerequisites' slugs are needed.
        Prefetch(
            "levels__steps__skill__prerequisites", queryset=Skill.objects.only("slug", "name")
        ),
    ]


# --- Learner data -------------------------------------------------------------------------


_learner_states = Precompiled(
    lambda user_id: Progress.objects.filter(user_id=user_id).values_list(
        "skill__slug", "project__slug", "status", "proficiency", "review_due", "needs_refresh"
    )
)


# Read in the same statement as a status change (see ProgressQuerySet.change_status).
_learner_statuses = Precompiled(
    lambda user_id: Progress.objects.filter(user_id=user_id).values_list(
        "skill_id", "project_id", "skill__slug", "project__slug", "status"
    )
)


# Every page of a learner's that shows their goals or plan reads these (see Precompiled).
_followed_slugs = Precompiled(
    lambda user_id: Follow.objects.filter(user_id=user_id).values_list("roadmap__role__slug")
)
_pace = Precompiled(
    lambda user_id: LearningPlan.objects.filter(user_id=user_id).values_list(
        "hours_per_week", "target_date"
    )
)


class ProgressQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def statuses(self) -> dict[tuple[str, str], str]:
        """{("skill", slug) or ("project", slug): status}, in one query."""
        rows = self.values_list("skill__slug", "project__slug", "status")
        return {
            ("skill", skill) if skill else ("project", project): status
            for skill, project, status in rows
        }

    def states_of(self, user) -> dict[tuple[str, str], "ProgressState"]:
        """{("skill", slug) or ("project", slug): the learner's status and the evidence beside
        it}, in one query, compiled once: every request of a signed-in learner reads it."""
        rows = _learner_states.rows(user.pk, using=self.db)
        return {
            ("skill", skill) if skill else ("project", project): ProgressState(*state)
            for skill, project, *state in rows
        }

    def change_status(
        self,
        *,
        user_id: int,
        status: str,
        at: datetime,
        review_due: date | None,
        skill_id: int | None = None,
        project_id: int | None = None,
    ) -> dict[tuple[str, str], str] | None:
        """Change the learner's row for one skill (`skill_id=`) or project (`project_id=`),
        bump their version with it and read all their statuses after it
        (`LearnerVersion.bump_with`), in plain SQL: every status change runs it, and through
        the ORM the UPDATE took 560 µs against 47 µs, nearly all of it building the query. For
        a skill, marking it done schedules its review on `review_due`, unless it was done
        already (its schedule stays); any other status takes it off the review list. Whether
        the learner must refresh it is the reviews' business, not the status's.

        The learner's statuses, as `statuses()` gives them, or None when they have no row
        for it yet."""
        target = ("skill_id", skill_id) if skill_id else ("project_id", project_id)
        ops = connection.ops  # the connection LearnerVersion.bump_with runs the UPDATE on
        assignments = ["status = %s", "updated_at = %s"]
        params = [str(status), ops.adapt_datetimefield_value(at)]
        if skill_id and status == Status.DONE:
            # On the right of SET, columns read the row as it was before the change.
            assignments += [
                "review_due = CASE WHEN status = %s THEN review_due ELSE %s END",
                "review_stage = CASE WHEN status = %s THEN review_stage ELSE 0 END",
            ]
            params += [Status.DONE.value, ops.adapt_datefield_value(review_due), Status.DONE.value]
        elif skill_id:
            assignments += ["review_due = NULL", "review_stage = 0"]
        table = ops.quote_name(self.model._meta.db_table)
        changed, rows = LearnerVersion.bump_with(
            user_id,
            f"UPDATE {table} SET {', '.join(assignments)} WHERE user_id = %s AND {target[0]} = %s",
            [*params, user_id, target[1]],
            then=_learner_statuses.statement(user_id, using=connection.alias),
        )
        if not changed:
            return None
        statuses = {}
        for skill, project, skill_slug, project_slug, was in _learner_statuses.converted(
            rows, using=connection.alias
        ):
            key = ("skill", skill_slug) if skill else ("project", project_slug)
            # PostgreSQL read the changed row as it was (see bump_with).
            statuses[key] = str(status) if (skill if skill_id else project) == target[1] else was
        return statuses

    def started(self):
        return self.exclude(status=Status.NOT_STARTED)

    def due_for_review(self, today):
        """Skills marked done whose review date has come, the longest waiting first."""
        return self.filter(status=Status.DONE, skill__isnull=False, review_due__lte=today).order_by(
            "review_due", "pk"
        )


class ProgressState(NamedTuple):
    status: str
    proficiency: str = "not_assessed"
    review_due: date | None = None
    needs_refresh: bool = False


class Progress(models.Model):
    """How far one learner got with one skill or project."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress"
    )
    # Protected: deleting content must never delete a learner's progress (or note).
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="progress"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="progress"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.NOT_STARTED)
    updated_at = models.DateTimeField()
    # Evidence beside the learner's own status, kept on the same row so a roadmap page reads
    # both in one query: proficiency from their quiz answers (quizzes/proficiency.py), and the
    # spaced review of a skill marked done (roadmaps/review.py).
    proficiency = models.CharField(
        max_length=12, choices=Proficiency, default=Proficiency.NOT_ASSESSED
    )
    review_stage = models.PositiveSmallIntegerField(
        default=0, help_text="Which of the review intervals the skill is on (0: the first)."
    )
    review_due = models.DateField(
        null=True, blank=True, help_text="When the skill, marked done, comes up for review."
    )
    needs_refresh = models.BooleanField(
        default=False, help_text="The learner failed the skill's last review."
    )

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "progress"
        # Editors may see totals across learners, never an individual learner's rows.
        permissions = [("view_learner_statistics", "Can view learners' aggregate numbers")]
        indexes = [models.Index(fields=["user", "review_due"], name="progress_review_due")]
        constraints = [
            # Two tabs or a double click can never create a second row for the same thing.
            models.UniqueConstraint(
                fields=["user", "skill"],
                condition=Q(skill__isnull=False),
                name="one_progress_per_user_and_skill",
            ),
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=Q(project__isnull=False),
                name="one_progress_per_user_and_project",
            ),
            models.CheckConstraint(
                condition=Q(skill__isnull=False, project__isnull=True)
                | Q(skill__isnull=True, project__isnull=False),
                name="progress_is_for_a_skill_or_a_project",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.skill or self.project}: {self.get_status_display()}"

    @property
    def target_key(self) -> tuple[str, str]:
        return ("project", self.project.slug) if self.project_id else ("skill", self.skill.slug)


class Note(models.Model):
    """A learner's private note on a skill."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="one_note_per_user_and_skill")
        ]

    def __str__(self):
        return f"{self.user}'s note on {self.skill}"


class LearnerStatistics(models.Model):
    """Totals across all learners' progress, as `manage.py count_learners` last counted them.

    Counting millions of progress rows takes seconds, too long for a page, so the count runs
    on a schedule (docs/deploy.md) and the statistics page reads the latest one."""

    counted_at = models.DateTimeField()
    figures = models.JSONField(help_text="with_progress, statuses, roadmaps and skills.")

    class Meta:
        verbose_name_plural = "learner statistics"
        get_latest_by = "counted_at"

    def __str__(self):
        return f"Learner statistics counted at {self.counted_at:%Y-%m-%d %H:%M}"


class Follow(models.Model):
    """A roadmap a learner follows: their goal. Unfollowing deletes this row, never progress."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    # Protected: deleting a roadmap in the admin must not silently drop learners' goals.
    roadmap = models.ForeignKey(Roadmap, on_delete=models.PROTECT, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "roadmap"], name="one_follow_per_roadmap")
        ]

    def __str__(self):
        return f"{self.user} follows {self.roadmap}"

    @staticmethod
    def slugs_of(user) -> list[str]:
        """The roadmaps `user` follows, by slug, in the order followed: compiled once, as every
        learner page that shows their goals reads them."""
        return [slug for (slug,) in _followed_slugs.rows(user.pk, using=Follow.objects.db)]


class LearningPlan(models.Model):
    """A learner's pace: hours a week and, if they want one, a date to finish by."""

    HOURS_PER_WEEK = (1, 80)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_plan"
    )
    hours_per_week = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    target_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: {self.hours_per_week} h a week"

    @staticmethod
    def pace_of(user) -> tuple[int, date | None] | None:
        """(hours a week, target date or None) as `user` chose them, or None: compiled once, as
        every learner page that shows their plan reads it."""
        rows = _pace.rows(user.pk, using=LearningPlan.objects.db)
        return rows[0] if rows else None
