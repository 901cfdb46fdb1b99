"""The careers content: lifecycle stages, roles, the shared skill catalogue, tools, career
ladders, comparison aspects and the course material's supporting facts.

Every model has a natural key (slugs, or a parent's slug plus a position), so the fixtures in
`fixtures/` load repeatably and editing content never orphans a learner's progress.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q

from core.links import content_url
from core.models import (
    NaturalKeyModel,
    NaturalKeyQuerySet,
    Publishable,
    PublishableQuerySet,
    natural_key_after,
)


class Source(models.TextChoices):
    """Where a fact comes from. The two course documents sometimes disagree; the site shows
    both, so facts that differ carry their source. The labels are the names visitors read
    (the footer's Sources note says which document each one is)."""

    NOTES = "notes", "Role guide"
    CHAPTER = "chapter", "Career paths overview"
    SITE = "site", "Written for this site"


class RoleIcon(models.TextChoices):
    """The pictures in static/img/role-icons.svg, one <symbol> per value (drawn by the site,
    so they show without an emoji font)."""

    DATABASE = "database", "Database"
    BAR_CHART = "bar-chart", "Bar chart"
    MICROSCOPE = "microscope", "Microscope"
    GEAR = "gear", "Gear"
    CYCLE = "cycle", "Cycle arrows"
    FLASK = "flask", "Flask"
    EYE = "eye", "Eye"
    SPEECH = "speech", "Speech bubble"
    COMPASS = "compass", "Compass"
    PEOPLE = "people", "People"


def salary_text(low: int, high: int, open_ended: bool) -> str:
    """ "$70k–$95k", or "$160k–$250k+" when the source gives the top as "and up"."""
    return f"${low // 1000}k–${high // 1000}k{'+' if open_ended else ''}"


def spelling_key(name: str) -> str:
    """What two spellings of one name share: "Scikit-learn" and "scikit learn" both give
    "scikitlearn". Keeps + and # so "C++" and "C#" stay apart."""
    return re.sub(r"[^\w+#]|_", "", name.casefold())


def refuse_other_spelling(instance, queryset) -> None:
    """Refuse a name that another row already has under a different spelling."""
    key = spelling_key(instance.name)
    for other in queryset.exclude(pk=instance.pk).only("name"):
        if spelling_key(other.name) == key:
            raise ValidationError(
                {"name": f"“{other.name}” already exists; use it rather than a new spelling."}
            )


def lines(text: str) -> list[str]:
    """The non-blank lines of a multi-line text field (editors write one item per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- Lifecycle ---------------------------------------------------------------------------


class LifecycleStage(NaturalKeyModel):
    number = models.PositiveSmallIntegerField(
        unique=True, help_text="Position in the ML development lifecycle, from 1."
    )
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True, help_text="What happens in this stage.")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return content_url("careers:lifecycle") + f"#stage-{self.slug}"


# --- Roles -------------------------------------------------------------------------------


class RoleQuerySet(PublishableQuerySet, NaturalKeyQuerySet):
    def core(self):
        return self.filter(kind=Role.Kind.CORE)

    def specialized(self):
        return self.filter(kind=Role.Kind.SPECIALIZED)

    def with_ladders(self):
        return self.prefetch_related("levels")


class Role(NaturalKeyModel, Publishable):
    class Kind(models.TextChoices):
        CORE = "core", "Core role"
        SPECIALIZED = "specialized", "Specialized role"

    slug = models.SlugField(unique=True, help_text="Part of the page address; keep it stable.")
    name = models.CharField(max_length=80, unique=True)
    short_name = models.CharField(
        max_length=40, help_text='Name used in tight spaces, e.g. "ML Engineer".'
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.CORE)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order among all roles.")
    icon = models.CharField(
        max_length=20,
        choices=RoleIcon,
        blank=True,
        help_text="The picture shown beside the role's name wherever it appears (decorative).",
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="The one-line quote that sums up the role."
    )
    summary = models.CharField(
        max_length=200, help_text='One line for cards, e.g. "Builds data infrastructure".'
    )
    overview = models.TextField(help_text="What the role is, in a short paragraph.")
    focus = models.CharField(max_length=200, blank=True, help_text="The role's focus, in a line.")
    core_responsibility = models.TextField(
        blank=True, help_text="The core responsibility as the role guide states it."
    )
    team_responsibility = models.CharField(
        max_length=60, blank=True, help_text='Its job in the ML team, e.g. "Deploy & Scale".'
    )
    skills_summary = models.CharField(
        max_length=200, blank=True, help_text='Skills in a line, e.g. "DevOps + ML knowledge".'
    )
    study_focus = models.CharField(
        max_length=200, blank=True, help_text="What to study in the role-specific deep dive."
    )
    progression_notes = models.TextField(
        blank=True,
        help_text="The role guide's career progression, one title per line (junior first).",
    )
    other_collaborators = models.CharField(
        max_length=200,
        blank=True,
        help_text="Collaborators that are not roles on this site, e.g. business stakeholders.",
    )
    collaborators = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="collaborating_with"
    )
    example_title = models.CharField(max_length=120, blank=True)
    example_code = models.TextField(
        blank=True, help_text="Python code showing the role's typical work."
    )
    diagram = models.ForeignKey(
        "Diagram",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles",
        help_text="The illustration the role's page shows, if any.",
    )
    stages = models.ManyToManyField(LifecycleStage, through="RoleStage", related_name="roles")

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def is_core(self) -> bool:
        return self.kind == self.Kind.CORE

    def get_absolute_url(self):
        return content_url("careers:role_detail", self.slug)

    @property
    def progression(self) -> list[str]:
        return lines(self.progression_notes)

    def salary_range(self) -> tuple[int, int, bool] | None:
        """(lowest minimum, highest maximum, open-ended) across the role's levels.

        Reads `levels` through the prefetch cache when there is one."""
        levels = [level for level in self.levels.all() if level.salary_min is not None]
        if not levels:
            return None
        top = max(levels, key=lambda level: (level.salary_max, level.salary_open_ended))
        return min(level.salary_min for level in levels), top.salary_max, top.salary_open_ended

    @property
    def salary_range_label(self) -> str:
        salary_range = self.salary_range()
        if salary_range is None:
            return ""
        return salary_text(*salary_range)


class RoleStage(NaturalKeyModel):
    """A lifecycle stage a role focuses on, in the words of the source that says so."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_stages")
    stage = models.ForeignKey(LifecycleStage, on_delete=models.CASCADE, related_name="role_stages")
    label = models.CharField(
        max_length=80, blank=True, help_text="The source's wording, when it differs from the stage."
    )
    note = models.CharField(max_length=300, blank=True, help_text="Shown beside the stage.")
    source = models.CharField(max_length=10, choices=Source, default=Source.NOTES)

    natural_key_fields = ("role__slug", "stage__slug")

    class Meta:
        ordering = ["stage__number", "role__position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "stage"], name="one_link_per_role_and_stage")
        ]

    def __str__(self):
        return f"{self.role} — {self.stage}"

    natural_key = natural_key_after("careers.role", "careers.lifecyclestage")


class RolePoint(NaturalKeyModel):
    """One item of one of a role's lists: responsibilities, key tasks, inputs, outputs,
    career notes and "choose this role if you…" reasons."""

    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", "Primary responsibility"
        KEY_TASK = "key_task", "Key task"
        INPUT = "input", "Input"
        OUTPUT = "output", "Output"
        CAREER_NOTE = "career_note", "Career note"
        CHOOSE_IF = "choose_if", "Choose this role if you…"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=16, choices=Kind)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120, blank=True, help_text='e.g. "Data Ingestion".')
    text = models.TextField()
    source = models.CharField(max_length=10, choices=Source, default=Source.CHAPTER)

    natural_key_fields = ("role__slug", "kind", "position")

    class Meta:
        ordering = ["role__position", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "kind", "position"], name="one_point_per_role_kind_position"
            )
        ]

    def __str__(self):
        return f"{self.role.short_name}: {self.title or self.text[:60]}"

    natural_key = natural_key_after("careers.role")


# --- Skills ------------------------------------------------------------------------------


class SkillGroup(models.TextChoices):
    TECHNICAL = "technical", "Technical skills"
    MATHEMATICAL = "mathematical", "Mathematical skills"
    ML_KNOWLEDGE = "ml_knowledge", "ML knowledge"
    SOFTWARE_ENGINEERING = "software_engineering", "Software engineering"
    BUSINESS = "business", "Business skills"
    SOFT = "soft", "Soft skills"


class SkillQuerySet(NaturalKeyQuerySet):
    def for_role(self, role):
        return self.filter(role_skills__role=role)


class Skill(NaturalKeyModel):
    """One row per skill in the whole site: "SQL" is linked to every role that needs it."""

    slug = models.SlugField(unique=True, help_text="Part of the page address; keep it stable.")
    name = models.CharField(max_length=100, unique=True)
    group = models.CharField(
        max_length=24,
        choices=SkillGroup,
        default=SkillGroup.TECHNICAL,
        help_text="Where the skill sits in the catalogue.",
    )
    description = models.TextField(blank=True)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        help_text="Skills to finish first: a roadmap suggests this one as the next step only "
        "once these are done or skipped.",
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return content_url("careers:skill_detail", self.slug)

    def clean(self):
        refuse_other_spelling(self, Skill.objects.all())

    def prerequisite_cycle(self, prerequisites) -> list["Skill"] | None:
        """The chain back to this skill if it had `prerequisites`, or None: a skill can't,
        however indirectly, be its own prerequisite. One query, whatever the chain's length."""
        needs = {}
        for skill_id, prerequisite_id in Skill.prerequisites.through.objects.values_list(
            "from_skill_id", "to_skill_id"
        ):
            needs.setdefault(skill_id, []).append(prerequisite_id)
        needs[self.pk] = [skill.pk for skill in prerequisites]
        names = {skill.pk: skill for skill in prerequisites}
        # Depth-first from this skill through what it would need; a path back to it is a cycle.
        stack = [(self.pk, [self.pk])]
        seen = set()
        while stack:
            skill_id, path = stack.pop()
            for prerequisite_id in needs.get(skill_id, ()):
                if prerequisite_id == self.pk:
                    ids = [*path, self.pk]
                    found = {s.pk: s for s in Skill.objects.filter(pk__in=ids)} | names
                    return [found[pk] for pk in ids]
                if prerequisite_id not in seen:
                    seen.add(prerequisite_id)
                    stack.append((prerequisite_id, [*path, prerequisite_id]))
        return None


class RoleSkill(NaturalKeyModel):
    class Tier(models.TextChoices):
        ESSENTIAL = "essential", "Essential"
        IMPORTANT = "important", "Important"
        NICE_TO_HAVE = "nice_to_have", "Nice to have"

    TIER_RANK = {Tier.ESSENTIAL: 0, Tier.IMPORTANT: 1, Tier.NICE_TO_HAVE: 2, "": 3}

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="role_skills")
    group = models.CharField(
        max_length=24,
        choices=SkillGroup,
        default=SkillGroup.TECHNICAL,
        help_text="The heading the role lists this skill under.",
    )
    tier = models.CharField(
        max_length=12,
        choices=Tier,
        blank=True,
        help_text="How much the role needs it. The material tiers technical skills only.",
    )
    detail = models.CharField(
        max_length=120, blank=True, help_text='The level asked for, e.g. "expert level".'
    )
    position = models.PositiveSmallIntegerField(default=0)

    natural_key_fields = ("role__slug", "skill__slug")

    class Meta:
        ordering = ["role__position", "group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="one_link_per_role_and_skill")
        ]

    def __str__(self):
        return f"{self.role.short_name} needs {self.skill}"

    natural_key = natural_key_after("careers.role", "careers.skill")

    @property
    def tier_rank(self) -> int:
        return self.TIER_RANK[self.tier]


# --- Tools -------------------------------------------------------------------------------


class ToolCategory(NaturalKeyModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "tool categories"

    def __str__(self):
        return self.name


class Tool(NaturalKeyModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    category = models.ForeignKey(ToolCategory, on_delete=models.PROTECT, related_name="tools")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    natural_key = natural_key_after("careers.toolcategory")

    def clean(self):
        refuse_other_spelling(self, Tool.objects.all())


class RoleTool(NaturalKeyModel):
    """A tool a role uses, under the heading and with the note its source gives."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_tools")
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="role_tools")
    source = models.CharField(max_length=10, choices=Source, default=Source.CHAPTER)
    heading = models.CharField(
        max_length=80, help_text='The heading the source lists it under, e.g. "Orchestration".'
    )
    note = models.CharField(
        max_length=200, blank=True, help_text='e.g. "Industry standard" or "S3, RDS, Redshift".'
    )
    position = models.PositiveSmallIntegerField(default=0)

    natural_key_fields = ("role__slug", "tool__slug", "source")

    class Meta:
        ordering = ["role__position", "source", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "tool", "source"], name="one_link_per_role_tool_and_source"
            )
        ]

    def __str__(self):
        return f"{self.role.short_name} uses {self.tool}"

    natural_key = natural_key_after("careers.role", "careers.tool")


# --- Career ladders -----------------------------------------------------------------------


class CareerLevel(NaturalKeyModel):
    """A rung of a role's career ladder, with years of experience and salary (US dollars)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=80)
    years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    years_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text='Leave empty for an open end ("10+ years").'
    )
    salary_min = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars a year.")
    salary_max = models.PositiveIntegerField(null=True, blank=True, help_text="US dollars a year.")
    salary_open_ended = models.BooleanField(
        default=False, help_text='The source writes the top as "and up" ("$250k+").'
    )
    focus = models.CharField(max_length=200, blank=True)

    natural_key_fields = ("role__slug", "position")

    class Meta:
        ordering = ["role__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["role", "position"], name="one_level_per_position"),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="salary_min_not_above_max",
                violation_error_message="The minimum salary cannot be above the maximum.",
            ),
            models.CheckConstraint(
                condition=Q(years_min__isnull=True)
                | Q(years_max__isnull=True)
                | Q(years_min__lte=models.F("years_max")),
                name="years_min_not_above_max",
                violation_error_message="The minimum years cannot be above the maximum.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.role.short_name})"

    natural_key = natural_key_after("careers.role")

    def clean(self):
        if (self.salary_min is None) != (self.salary_max is None):
            raise ValidationError("Give both ends of the salary range, or neither.")

    @property
    def years_label(self) -> str:
        if self.years_min is None:
            return ""
        if self.years_max is None:
            return f"{self.years_min}+ years"
        return f"{self.years_min}–{self.years_max} years"

    @property
    def salary_label(self) -> str:
        if self.salary_min is None:
            return ""
        return salary_text(self.salary_min, self.salary_max, self.salary_open_ended)


# --- Comparison aspects ------------------------------------------------------------------


class ComparisonAspect(NaturalKeyModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class AspectValue(NaturalKeyModel):
    aspect = models.ForeignKey(ComparisonAspect, on_delete=models.CASCADE, related_name="values")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="aspect_values")
    text = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source, default=Source.SITE)

    natural_key_fields = ("aspect__slug", "role__slug")

    class Meta:
        ordering = ["aspect__position", "role__position"]
        constraints = [
            models.UniqueConstraint(fields=["aspect", "role"], name="one_value_per_aspect_and_role")
        ]

    def __str__(self):
        return f"{self.role.short_name} — {self.aspect}"

    natural_key = natural_key_after("careers.comparisonaspect", "careers.role")


# --- The course material's supporting facts ----------------------------------------------


class DataSystem(NaturalKeyModel):
    """OLTP and OLAP: the two kinds of system data engineers work with."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    abbreviation = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    purpose = models.CharField(max_length=200)
    examples = models.TextField(help_text="One example per line.")
    characteristics = models.TextField(help_text="One characteristic per line.")
    example_databases = models.CharField(max_length=200)

    class Meta:
        ordering = ["position", "pk"]  # the first is the source the others are fed from

    def __str__(self):
        return f"{self.abbreviation} ({self.name})"

    @property
    def example_list(self):
        return lines(self.examples)

    @property
    def characteristic_list(self):
        return lines(self.characteristics)


class TeamMember(NaturalKeyModel):
    """A box in the ML team structure; `tier` is its row, top (business) first."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="team_members"
    )
    responsibility = models.CharField(max_length=120)
    tier = models.PositiveSmallIntegerField(help_text="Row in the team chart, from 1 at the top.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its row.")

    class Meta:
        ordering = ["tier", "position"]

    def __str__(self):
        return self.name


class TeamHandoff(NaturalKeyModel):
    """What one member of the team hands to another."""

    source = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="handoffs_out")
    target = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="handoffs_in")
    what = models.CharField(max_length=120)

    natural_key_fields = ("source__slug", "target__slug")

    class Meta:
        ordering = ["source__tier", "source__position", "target__position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_handoff_per_pair")
        ]

    def __str__(self):
        return f"{self.source} → {self.target}: {self.what}"

    natural_key = natural_key_after("careers.teammember")


class EntryPath(NaturalKeyModel):
    """A way into an ML career: traditional education, bootcamp, career transition."""

    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=80)
    steps = models.TextField(help_text="One step per line, in order.")

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "entry paths"

    def __str__(self):
        return self.name

    @property
    def step_list(self):
        return lines(self.steps)


class ProgressionStep(NaturalKeyModel):
    """A step of the generic career progression, on the individual or the management track."""

    class Track(models.TextChoices):
        INDIVIDUAL = "individual", "Individual contributor"
        MANAGEMENT = "management", "Management"

    track = models.CharField(max_length=12, choices=Track)
    position = models.PositiveSmallIntegerField(default=0)
    years = models.CharField(max_length=20, help_text='e.g. "Year 0-2" or "Year 8+".')
    title = models.CharField(max_length=80)
    description = models.CharField(max_length=200)

    natural_key_fields = ("track", "position")

    class Meta:
        ordering = ["track", "position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "position"], name="one_step_per_position")
        ]

    def __str__(self):
        return f"{self.years}: {self.title}"


class Guidance(NaturalKeyModel):
    """Lists of advice from the material: the study plan, what all roles require, career
    advice, and the "choosing your path" hints (linked to the roles they point to)."""

    class Kind(models.TextChoices):
        STUDY_PLAN = "study_plan", "Study plan"
        ALL_ROLES_REQUIRE = "all_roles_require", "All roles require"
        CAREER_ADVICE = "career_advice", "Career advice"
        CHOOSING_PATH = "choosing_path", "Choosing your path"

    kind = models.CharField(max_length=20, choices=Kind)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    text = models.TextField(blank=True, help_text="Details; one item per line.")
    roles = models.ManyToManyField(Role, blank=True, related_name="guidance")

    natural_key_fields = ("kind", "position")

    class Meta:
        ordering = ["kind", "position"]
        verbose_name_plural = "guidance"
        constraints = [
            models.UniqueConstraint(fields=["kind", "position"], name="one_guidance_per_position")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def items(self):
        return lines(self.text)


def cells(text: str) -> list[list[str]]:
    """The lines of a text field split on “|”: "Jan | 82" gives ["Jan", "82"]."""
    return [[cell.strip() for cell in line.split("|")] for line in lines(text)]


def items_in(cell: str) -> list[str]:
    """A cell's comma-separated list: "pandas, NumPy" gives ["pandas", "NumPy"]."""
    return [item.strip() for item in cell.split(",") if item.strip()]


class Diagram(NaturalKeyModel):
    """What a role page's illustration says. The material describes some flows only in prose
    (ETL between OLTP and OLAP, an analyst's dashboard, the data science workflow, a production
    ML system); how each kind is drawn is code (`careers/diagrams/`), its words and sample
    numbers are here. A role page shows the diagram its role's `diagram` names."""

    class Kind(models.TextChoices):
        DATA_SYSTEMS = "data_systems", "OLTP vs OLAP, with the ETL steps between them"
        DASHBOARD = "dashboard", "A sample dashboard"
        WORKFLOW = "workflow", "A workflow, stage by stage"
        ARCHITECTURE = "architecture", "A system's architecture"

    # Which text fields each kind draws from, and the cells each line of them has.
    FIELDS = {
        Kind.DATA_SYSTEMS: {"steps": ("name", "does")},
        Kind.WORKFLOW: {"steps": ("name", "does", "tools", "produces")},
        Kind.ARCHITECTURE: {"steps": ("name", "does", "tools")},
        Kind.DASHBOARD: {
            "kpis": ("label", "value", "change"),
            "filters": ("name", "value"),
            "trend": ("month", "number"),
            "categories": ("category", "number"),
            "channels": ("channel", "number"),
        },
    }

    slug = models.SlugField(unique=True)
    kind = models.CharField(
        max_length=16,
        choices=Kind,
        help_text="How it is drawn. OLTP vs OLAP also shows the data systems.",
    )
    title = models.CharField(max_length=120, help_text="The heading above it on the role page.")
    steps = models.TextField(
        blank=True,
        help_text="One step per line, its parts separated by “|”: ETL: name | what it does. "
        "Workflow: name (short name) | what it does | tools | what it produces. "
        "Architecture: name | what it does | tools; a line with no “|” starts a row and names "
        "it. Tools are separated by commas, as slugs or names; a heading of the role's tool "
        "list brings every tool under it. Only the tools the role lists are shown.",
    )
    loop_from = models.CharField(
        max_length=80, blank=True, help_text="Architecture: the step its feedback loop starts at."
    )
    loop_to = models.CharField(
        max_length=80,
        blank=True,
        help_text="Workflow and architecture: the step the feedback loop goes back to.",
    )
    tools = models.CharField(
        max_length=200,
        blank=True,
        help_text="Dashboard: what it is built with, as slugs or names separated by commas; "
        "the caption names those the role lists.",
    )
    kpis = models.TextField(
        blank=True,
        help_text="Dashboard: one key figure per line: label | value | change. A change that "
        "starts with − or - is shown as a fall.",
    )
    filters = models.TextField(blank=True, help_text="Dashboard: one per line: name | value.")
    trend = models.TextField(
        blank=True,
        help_text="Dashboard: revenue by month, one per line: month | thousands of dollars.",
    )
    categories = models.TextField(
        blank=True,
        help_text="Dashboard: revenue by category, one per line: category | thousands of dollars.",
    )
    channels = models.TextField(
        blank=True,
        help_text="Dashboard: visitors by channel, one per line: channel | percent; they add up "
        "to 100.",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for name, parts in self.FIELDS.get(self.kind, {}).items():
            rows = cells(getattr(self, name))
            for number, row in enumerate(rows, start=1):
                heading = self.kind == self.Kind.ARCHITECTURE and len(row) == 1
                if len(row) > len(parts) or (len(row) < 2 and not heading):
                    errors[name] = f"Line {number}: write {' | '.join(parts)}."
                elif parts[-1] == "number" and not row[-1].isdigit():
                    errors[name] = f"Line {number}: “{row[-1]}” is not a whole number."
            if errors.get(name) or name not in ("trend", "categories", "channels"):
                continue
            if len(rows) < (2 if name == "trend" else 1):
                errors[name] = "The chart needs more lines than this."
            elif name == "channels" and sum(int(row[-1]) for row in rows) != 100:
                errors[name] = "The percentages must add up to 100."
        names = {row[0] for row in cells(self.steps) if len(row) > 1}
        for name in ("loop_from", "loop_to"):
            if getattr(self, name) and getattr(self, name) not in names:
                errors[name] = "Give the name of one of the steps."
        if errors:
            raise ValidationError(errors)


def role_detail_prefetches(visible_roles=None):
    """Everything a role page shows, fetched with one query per relation. Links to other
    roles are limited to `visible_roles` (drafts stay hidden from learners)."""
    visible_roles = Role.objects.all() if visible_roles is None else visible_roles
    return [
        Prefetch("role_stages", queryset=RoleStage.objects.select_related("stage")),
        "points",
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill")),
        Prefetch(
            "role_tools",
            queryset=RoleTool.objects.select_related("tool__category").order_by(
                "source", "position"
            ),
        ),
        "levels",
        Prefetch("collaborators", queryset=visible_roles.order_by("position")),
        Prefetch(
            "aspect_values",
            queryset=AspectValue.objects.select_related("aspect").order_by("aspect__position"),
        ),
    ]
