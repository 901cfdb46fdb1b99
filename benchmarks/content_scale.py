"""Multiply the real content, so benchmarks can show how page cost grows with content.

`multiply_content(10)` leaves ten times as much of everything the role, compare, home and
roadmap pages render:

- every published role gets `factor - 1` clones ("Data Scientist (copy 3)", slug
  `data-scientist-copy-3`) with their own stage links, points, career levels, aspect values,
  collaborators, guidance links, and skill and tool links to cloned skills and tools;
- the skill, tool and project catalogues are cloned the same number of times, so every clone
  links to its own copies, as a real new role would bring new skills;
- each clone gets a roadmap with cloned levels, steps (on the cloned skills and projects) and
  resources;
- and with `grow_pages`, so the measured pages themselves carry `factor` times their lists,
  every original role also links to its clones' skills, tools and points, and every original
  roadmap gets its clones' steps (with resources) appended to its levels: a roadmap page then
  shows ten times the steps, which is a bigger page rather than a bigger site.

Rows are written with bulk_create, which sends no signals, so the content version is bumped
once at the end, as `load_content` does. Everything runs in one transaction.
"""

from collections import defaultdict
from typing import TypeVar

from django.db import models, transaction

from careers.models import (
    AspectValue,
    CareerLevel,
    Guidance,
    Role,
    RolePoint,
    RoleSkill,
    RoleStage,
    RoleTool,
    Skill,
    Tool,
)
from core.models import ContentVersion
from roadmaps.models import Project, Resource, Roadmap, RoadmapLevel, RoadmapStep

M = TypeVar("M", bound=models.Model)
# The largest value a PositiveSmallIntegerField (positions) holds on every database.
MAX_POSITION = 32767


def copy_slug(slug: str, n: int) -> str:
    return f"{slug}-copy-{n}"


def copy_name(name: str, n: int, max_length: int) -> str:
    """ "Name (copy n)", shortened to fit the field; names stay unique because n does."""
    suffix = f" (copy {n})"
    return name[: max_length - len(suffix)] + suffix


def clone(obj: M, **changes) -> M:
    """An unsaved copy of `obj` with the given field values (attribute names, e.g. role_id)."""
    fields = type(obj)._meta.concrete_fields
    values = {f.attname: getattr(obj, f.attname) for f in fields if not f.primary_key}
    values.update(changes)
    return type(obj)(**values)


def create(model: type[M], objects: list[M]) -> list[M]:
    """bulk_create that guarantees primary keys are set: children are linked to them."""
    created = model.objects.bulk_create(objects, batch_size=500)
    if any(obj.pk is None for obj in created):
        raise RuntimeError(f"The database did not return primary keys for {model.__name__}.")
    return created


def max_length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


def position_stride(rows) -> int:
    """How far apart appended copies start, so their positions never collide."""
    return max((row.position for row in rows), default=0) + 1


def clone_catalogue(originals: list[M], n: int) -> dict[int, M]:
    """Copy n of every row of a slug-and-name model: {original id: copy}."""
    if not originals:
        return {}
    model = type(originals[0])
    limit = max_length(model, "name")
    copies = [
        clone(obj, slug=copy_slug(obj.slug, n), name=copy_name(obj.name, n, limit))
        for obj in originals
    ]
    create(model, copies)
    return {obj.pk: copy for obj, copy in zip(originals, copies, strict=True)}


def multiply_content(factor: int, *, grow_pages: bool = False) -> None:
    """Make the loaded content `factor` times as large (see the module docstring)."""
    if factor < 2:
        return
    with transaction.atomic():
        _multiply(factor, grow_pages=grow_pages)
        ContentVersion.bump()


def _multiply(factor: int, *, grow_pages: bool) -> None:
    roles = list(Role.objects.published().order_by("position"))
    role_ids = [role.pk for role in roles]
    copies = range(1, factor)
    role_stride = max(role.position for role in roles) + 1
    if role_stride * factor > MAX_POSITION:
        raise ValueError(f"A factor of {factor} would overflow role positions.")

    # The catalogues as loaded, read before any copy is added to them.
    all_skills, all_tools = list(Skill.objects.all()), list(Tool.objects.all())
    all_projects = list(Project.objects.all())
    skills = {n: clone_catalogue(all_skills, n) for n in copies}
    tools = {n: clone_catalogue(all_tools, n) for n in copies}
    projects = {n: clone_catalogue(all_projects, n) for n in copies}

    # The role clones, after all the originals in the site's order.
    name_limit = max_length(Role, "name")
    short_limit = max_length(Role, "short_name")
    clones: dict[int, dict[int, Role]] = {}
    for n in copies:
        clones[n] = {
            role.pk: clone(
                role,
                slug=copy_slug(role.slug, n),
                name=copy_name(role.name, n, name_limit),
                short_name=copy_name(role.short_name, n, short_limit),
                position=role.position + n * role_stride,
            )
            for role in roles
        }
        create(Role, list(clones[n].values()))

    def cloned_role(n: int, role_id: int) -> int:
        return clones[n][role_id].pk

    # What every clone carries, one bulk insert per model.
    stages = list(RoleStage.objects.filter(role_id__in=role_ids))
    levels = list(CareerLevel.objects.filter(role_id__in=role_ids))
    values = list(AspectValue.objects.filter(role_id__in=role_ids))
    create(RoleStage, [clone(s, role_id=cloned_role(n, s.role_id)) for n in copies for s in stages])
    create(
        CareerLevel, [clone(c, role_id=cloned_role(n, c.role_id)) for n in copies for c in levels]
    )
    create(
        AspectValue, [clone(v, role_id=cloned_role(n, v.role_id)) for n in copies for v in values]
    )

    points = list(RolePoint.objects.filter(role_id__in=role_ids))
    role_skills = list(RoleSkill.objects.filter(role_id__in=role_ids))
    role_tools = list(RoleTool.objects.filter(role_id__in=role_ids))
    create(RolePoint, [clone(p, role_id=cloned_role(n, p.role_id)) for n in copies for p in points])
    create(
        RoleSkill,
        [
            clone(link, role_id=cloned_role(n, link.role_id), skill_id=skills[n][link.skill_id].pk)
            for n in copies
            for link in role_skills
        ],
    )
    create(
        RoleTool,
        [
            clone(link, role_id=cloned_role(n, link.role_id), tool_id=tools[n][link.tool_id].pk)
            for n in copies
            for link in role_tools
        ],
    )

    # Clones collaborate with the same-numbered clones of their originals' collaborators
    # (or the original itself, for a collaborator that is a draft and was not cloned).
    Collaboration = Role.collaborators.through
    collaborations = list(Collaboration.objects.filter(from_role_id__in=role_ids))
    Collaboration.objects.bulk_create(
        Collaboration(
            from_role_id=cloned_role(n, c.from_role_id),
            to_role_id=clones[n][c.to_role_id].pk if c.to_role_id in clones[n] else c.to_role_id,
        )
        for n in copies
        for c in collaborations
    )
    GuidanceRole = Guidance.roles.through
    hints = list(GuidanceRole.objects.filter(role_id__in=role_ids))
    GuidanceRole.objects.bulk_create(
        GuidanceRole(guidance_id=h.guidance_id, role_id=cloned_role(n, h.role_id))
        for n in copies
        for h in hints
    )

    _multiply_roadmaps(roles, clones, skills, projects, grow_pages=grow_pages)
    if not grow_pages:
        return

    # The measured role pages carry `factor` times their lists: each original links to its
    # clones' skills and tools and repeats its points, after its own.
    skill_stride, tool_stride = position_stride(role_skills), position_stride(role_tools)
    point_stride = position_stride(points)
    create(
        RoleSkill,
        [
            clone(
                link,
                skill_id=skills[n][link.skill_id].pk,
                position=link.position + n * skill_stride,
            )
            for n in copies
            for link in role_skills
        ],
    )
    create(
        RoleTool,
        [
            clone(link, tool_id=tools[n][link.tool_id].pk, position=link.position + n * tool_stride)
            for n in copies
            for link in role_tools
        ],
    )
    create(
        RolePoint,
        [clone(p, position=p.position + n * point_stride) for n in copies for p in points],
    )


def _clone_steps(pairs: list[tuple[RoadmapStep, RoadmapStep]]) -> None:
    """Insert the new steps of (original, copy) pairs, then copies of the originals'
    resources on them."""
    create(RoadmapStep, [copy for _, copy in pairs])
    resources = defaultdict(list)
    for resource in Resource.objects.filter(step_id__in=[original.pk for original, _ in pairs]):
        resources[resource.step_id].append(resource)
    create(
        Resource,
        [
            clone(resource, step_id=copy.pk)
            for original, copy in pairs
            for resource in resources[original.pk]
        ],
    )


def _multiply_roadmaps(
    roles: list[Role],
    clones: dict[int, dict[int, Role]],
    skills: dict[int, dict[int, Skill]],
    projects: dict[int, dict[int, Project]],
    *,
    grow_pages: bool,
) -> None:
    roadmaps = list(
        Roadmap.objects.filter(role__in=roles).prefetch_related("levels__steps").order_by("pk")
    )
    title_limit = max_length(RoadmapStep, "title")

    def step_copy(step: RoadmapStep, n: int, **changes) -> RoadmapStep:
        target = (
            {"skill_id": skills[n][step.skill_id].pk}
            if step.skill_id
            else {"project_id": projects[n][step.project_id].pk}
        )
        title = copy_name(step.title, n, title_limit) if step.title else ""
        return clone(step, title=title, **target, **changes)

    # A roadmap for every clone, with the same levels and steps on the cloned catalogue.
    new_roadmaps = {
        (n, roadmap.pk): clone(roadmap, role_id=clones[n][roadmap.role_id].pk)
        for n in clones
        for roadmap in roadmaps
    }
    create(Roadmap, list(new_roadmaps.values()))
    new_levels = {
        (n, level.pk): clone(level, roadmap_id=new_roadmaps[n, roadmap.pk].pk)
        for n in clones
        for roadmap in roadmaps
        for level in roadmap.levels.all()
    }
    create(RoadmapLevel, list(new_levels.values()))
    _clone_steps(
        [
            (step, step_copy(step, n, level_id=new_levels[n, level.pk].pk))
            for n in clones
            for roadmap in roadmaps
            for level in roadmap.levels.all()
            for step in level.steps.all()
        ]
    )

    if not grow_pages:
        return
    # The original roadmaps get their clones' steps appended to each level.
    appended = []
    for roadmap in roadmaps:
        for level in roadmap.levels.all():
            steps = list(level.steps.all())
            stride = position_stride(steps)
            if stride * len(clones) + stride > MAX_POSITION:
                raise ValueError("Too many copies for the step positions.")
            appended += [
                (step, step_copy(step, n, position=step.position + n * stride))
                for n in clones
                for step in steps
            ]
    _clone_steps(appended)
