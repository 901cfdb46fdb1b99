"""Content for tests: the site's real content (`load_site_content`), and small amounts built
here, scaled by a factor so query-count tests can compare a page with one and ten times the
content."""

from itertools import pairwise

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from reversion.models import Revision

from careers.models import (
    AspectValue,
    CareerLevel,
    ComparisonAspect,
    DataSystem,
    Diagram,
    EntryPath,
    Guidance,
    LifecycleStage,
    ProgressionStep,
    Role,
    RolePoint,
    RoleSkill,
    RoleStage,
    RoleTool,
    Skill,
    SkillGroup,
    TeamHandoff,
    TeamMember,
    Tool,
    ToolCategory,
)
from core.cache import one_content_change
from core.content import CONTENT_FILES, CONTENT_MODELS
from core.models import ContentVersion

# The nine roles of the real content (fixtures/), in the site's order.
REAL_ROLE_SLUGS = [
    "data-engineer",
    "data-analyst",
    "data-scientist",
    "ml-engineer",
    "mlops-engineer",
    "research-scientist",
    "computer-vision-engineer",
    "nlp-engineer",
    "ai-product-manager",
]


@one_content_change()
def build_content(scale: int = 1) -> list[Role]:
    """Two roles per scale step, each with every kind of content, sharing skills and tools."""
    stages = [
        LifecycleStage.objects.create(number=n, slug=f"stage-{n}", name=f"Stage {n}")
        for n in range(1, 4 * scale + 1)
    ]
    category = ToolCategory.objects.create(slug="category", name="Category")
    tools = [
        Tool.objects.create(slug=f"tool-{n}", name=f"Tool {n}", category=category)
        for n in range(3 * scale)
    ]
    skills = [
        Skill.objects.create(slug=f"skill-{n}", name=f"Skill {n}", group=SkillGroup.TECHNICAL)
        for n in range(4 * scale)
    ]
    aspects = [
        ComparisonAspect.objects.create(slug=f"aspect-{n}", name=f"Aspect {n}", position=n)
        for n in range(3 * scale)
    ]
    roles = []
    for n in range(2 * scale):
        role = Role.objects.create(
            slug=f"role-{n}",
            name=f"Role {n}",
            short_name=f"R{n}",
            kind=Role.Kind.CORE if n % 2 == 0 else Role.Kind.SPECIALIZED,
            position=n,
            summary=f"Does thing {n}",
            overview="An overview.",
            example_code="def work():\n    return 42\n",
            progression_notes="Junior\nSenior",
        )
        roles.append(role)
        for i, stage in enumerate(stages[:2]):
            RoleStage.objects.create(role=role, stage=stage, label="Reporting" if i else "")
        for i, kind in enumerate(RolePoint.Kind.values * scale):
            RolePoint.objects.create(role=role, kind=kind, position=i, title="T", text=f"Point {i}")
        for i, skill in enumerate(skills):
            RoleSkill.objects.create(
                role=role,
                skill=skill,
                tier=[*RoleSkill.Tier.values, ""][i % 4],
                group=SkillGroup.TECHNICAL if i % 4 != 3 else SkillGroup.SOFT,
                position=i,
            )
        for i, tool in enumerate(tools):
            RoleTool.objects.create(role=role, tool=tool, heading=f"Heading {i % 2}", position=i)
            RoleTool.objects.create(
                role=role, tool=tool, heading="Other", source="notes", position=i
            )
        for i in range(4 * scale):
            CareerLevel.objects.create(
                role=role,
                position=i,
                title=f"Level {i}",
                years_min=i,
                years_max=i + 2 if i < 3 else None,
                salary_min=50_000 + i * 10_000,
                salary_max=90_000 + i * 20_000,
                salary_open_ended=i == 3,
            )
        for aspect in aspects:
            AspectValue.objects.create(aspect=aspect, role=role, text=f"{aspect.name} of {role}")
    for role in roles:
        role.collaborators.set([other for other in roles if other != role][:3])
    roles[1].diagram = Diagram.objects.create(
        slug="diagram-0",
        kind=Diagram.Kind.WORKFLOW,
        title="Diagram 0",
        steps="Stage 0 (S0) | Does 0 | Tool 0, Heading 1 | Thing 0\nStage 1 | Does 1 | | ",
        loop_to="Stage 0",
    )
    roles[1].save(update_fields=["diagram"])
    for n in range(2 * scale):
        DataSystem.objects.create(
            slug=f"system-{n}",
            position=n,
            abbreviation=f"S{n}",
            name=f"System {n}",
            purpose="Purpose",
            examples="One\nTwo",
            characteristics="Fast\nSmall",
            example_databases="PostgreSQL",
        )
        EntryPath.objects.create(
            slug=f"path-{n}", position=n, name=f"Path {n}", steps="Learn\nApply"
        )
        for track in ProgressionStep.Track.values:
            ProgressionStep.objects.create(
                track=track, position=n, years=f"Year {n}", title="Step", description="Grow"
            )
        for kind in Guidance.Kind.values:
            hint = Guidance.objects.create(kind=kind, position=n, title=f"Hint {n}", text="A\nB")
            hint.roles.set(roles[:2])
    members = [
        TeamMember.objects.create(
            slug=f"member-{n}",
            name=f"Member {n}",
            role=roles[n % len(roles)],
            responsibility="Work",
            tier=n // 2 + 1,
            position=n,
        )
        for n in range(3 * scale)
    ]
    for source, target in pairwise(members):
        TeamHandoff.objects.create(source=source, target=target, what="Things")
    return roles


@one_content_change()
def build_roadmaps(roles: list[Role], scale: int = 1) -> list:
    """A roadmap per role, three levels each; every roadmap shares the same skills, as the
    real ones share the foundation, plus one project per level."""
    from roadmaps.models import Project, Resource, Roadmap, RoadmapLevel, RoadmapStep, Stage

    skills = [
        Skill.objects.create(slug=f"roadmap-skill-{n}", name=f"Roadmap skill {n}")
        for n in range(3 * 3 * scale)
    ]
    projects = [Project.objects.create(slug=f"project-{n}", name=f"Project {n}") for n in range(3)]
    roadmaps = []
    for role in roles:
        roadmap = Roadmap.objects.create(role=role, intro=f"Become a {role.name}.")
        roadmaps.append(roadmap)
        for index, stage in enumerate(Stage.values):
            level = RoadmapLevel.objects.create(
                roadmap=roadmap, stage=stage, title=f"Level {stage}", duration="0–6 months"
            )
            level_skills = skills[index * 3 * scale : (index + 1) * 3 * scale]
            for position, skill in enumerate(level_skills):
                step = RoadmapStep.objects.create(
                    level=level, position=position, skill=skill, explanation="Learn it."
                )
                Resource.objects.create(
                    step=step, position=1, title="Docs", url="https://example.com/docs"
                )
            RoadmapStep.objects.create(
                level=level, position=99, project=projects[index], title=f"Build {index}"
            )
    return roadmaps


def admin_form_data(response) -> dict:
    """The POST data an admin change form would send back unchanged, inlines included."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = (
            [v.pk if hasattr(v, "pk") else v for v in value]
            if isinstance(value, list | tuple)
            else value
        )
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    return data


def admin_change(client, obj, **changes):
    """Save `obj` through its admin change form, as an editor would, with `changes` made."""
    from django.urls import reverse

    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# The real content's rows, kept by the first test in this process that loads it.
_site_content_rows: list[tuple[type, list]] | None = None


def _content_models() -> list[type]:
    """Content models in loading order (foreign keys first), then their many-to-many tables."""
    models = [apps.get_model(label) for label in CONTENT_MODELS]
    through = [
        field.remote_field.through
        for model in models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    return models + through


def load_site_content() -> None:
    """The real content (fixtures/), as `load_content` leaves the database, without the first
    version of every object it records for editors' history (half its time; the history's
    own tests run `load_content`).

    Browser tests empty the database after each test, so each loads the content again. The
    first load in a test process reads the files; later ones insert the same rows in bulk,
    which is many times faster than deserialising the fixtures again."""
    global _site_content_rows
    if _site_content_rows is None:
        for name in CONTENT_FILES:
            call_command("loaddata", settings.BASE_DIR / "fixtures" / name, verbosity=0)
        ContentVersion.bump()
        _site_content_rows = [
            (model, list(model._base_manager.order_by("pk"))) for model in _content_models()
        ]
        return
    for model, rows in _site_content_rows:
        model._base_manager.bulk_create(rows)
    # Rows came with their ids: move PostgreSQL's sequences past them, as loaddata does.
    statements = connection.ops.sequence_reset_sql(no_style(), _content_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    ContentVersion.bump()


def empty_site_content() -> None:
    """Delete every content row (the many-to-many links first, then each model after what
    points at it), so a module that loaded the real content leaves an empty database: their
    saved versions too, which would otherwise read as deleted content to later tests."""
    for model in reversed(_content_models()):
        model._base_manager.all().delete()
    Revision.objects.all().delete()
