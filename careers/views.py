from collections.abc import Callable
from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from careers import comparison
from careers.charts import salary_scale_top
from careers.models import (
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
    Skill,
    SkillGroup,
    TeamHandoff,
    TeamMember,
    role_detail_prefetches,
)
from core.cache import cache_for_visitors, chosen_parts, content_part

# Where a comparison's shared sections leave room for a signed-in learner's gaps: a comment,
# which no escaped content can spell.
GAPS_GO_HERE = "<!--learner-gaps-->"


def _render_content(
    request: HttpRequest, template: str, name: str, build: Callable[..., dict], *args
) -> HttpResponse:
    """A page that shows content only: its context is the content part `name`, built by
    `build(viewer, *args)` once per content version (and apart for editors, who see drafts)."""
    context = content_part(request, name, lambda: build(request.user, *args))
    return render(request, template, context)


@require_safe
@cache_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    return _render_content(request, "careers/home.html", "home", _home_content)


def _home_content(viewer) -> dict:
    visible = Role.objects.visible_to(viewer)
    roles = list(visible)
    guidance = Guidance.objects.prefetch_related(Prefetch("roles", visible.only("slug", "name")))
    by_kind = {kind: list(items) for kind, items in groupby(guidance, key=lambda g: g.kind)}
    return {
        "core_roles": [role for role in roles if role.kind == Role.Kind.CORE],
        "specialized_roles": [role for role in roles if role.kind == Role.Kind.SPECIALIZED],
        "choosing_path": by_kind.get(Guidance.Kind.CHOOSING_PATH, []),
        "study_plan": by_kind.get(Guidance.Kind.STUDY_PLAN, []),
        "all_roles_require": by_kind.get(Guidance.Kind.ALL_ROLES_REQUIRE, []),
        "career_advice": by_kind.get(Guidance.Kind.CAREER_ADVICE, []),
    }


@require_safe
@cache_for_visitors
def role_list(request: HttpRequest) -> HttpResponse:
    return _render_content(request, "careers/role_list.html", "roles", _role_list_content)


def _role_list_content(viewer) -> dict:
    roles = list(Role.objects.visible_to(viewer).with_ladders())
    steps = list(ProgressionStep.objects.all())
    return {
        "core_roles": [role for role in roles if role.kind == Role.Kind.CORE],
        "specialized_roles": [role for role in roles if role.kind == Role.Kind.SPECIALIZED],
        "individual_track": [s for s in steps if s.track == ProgressionStep.Track.INDIVIDUAL],
        "management_track": [s for s in steps if s.track == ProgressionStep.Track.MANAGEMENT],
        "entry_paths": list(EntryPath.objects.all()),
    }


@require_safe
@cache_for_visitors
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_content(request, "careers/role_detail.html", f"role:{slug}", _role_content, slug)


def _role_content(viewer, slug: str) -> dict:
    visible = Role.objects.visible_to(viewer)
    role = get_object_or_404(
        visible.select_related("roadmap", "diagram").prefetch_related(
            *role_detail_prefetches(visible)
        ),
        slug=slug,
    )
    points = {kind: [] for kind in RolePoint.Kind.values}
    for point in role.points.all():
        points[point.kind].append(point)
    return {
        "role": role,
        "points": points,
        "technical_skills": _technical_skills_by_tier(role.role_skills.all()),
        "other_skills": _skills_by_group(role.role_skills.all()),
        "tools_by_source": _tools_by_source(role.role_tools.all()),
        "data_systems": list(DataSystem.objects.all()) if _shows_data_systems(role) else [],
        "other_roles": list(visible.exclude(pk=role.pk).only("slug", "name", "short_name")),
    }


def _shows_data_systems(role) -> bool:
    """Whether the role's page explains OLTP vs OLAP (its diagram says so, in the admin)."""
    return role.diagram is not None and role.diagram.kind == Diagram.Kind.DATA_SYSTEMS


def _technical_skills_by_tier(role_skills):
    tiers = {tier: [] for tier in RoleSkill.Tier}
    for link in role_skills:
        if link.group == SkillGroup.TECHNICAL and link.tier:
            tiers[RoleSkill.Tier(link.tier)].append(link)
    return [(tier.label, links) for tier, links in tiers.items() if links]


def _skills_by_group(role_skills):
    """Skills the role lists under headings other than the tiered technical ones."""
    groups: dict[str, list] = {}
    for link in role_skills:
        if link.group != SkillGroup.TECHNICAL or not link.tier:
            groups.setdefault(link.get_group_display(), []).append(link)
    return list(groups.items())


def _tools_by_source(role_tools):
    """[(source label, [(heading, [links])])] keeping the source's own order and headings."""
    sources: dict[str, dict[str, list]] = {}
    for link in role_tools:
        headings = sources.setdefault(link.get_source_display(), {})
        headings.setdefault(link.heading, []).append(link)
    return [(source, list(headings.items())) for source, headings in sources.items()]


@require_safe
@cache_for_visitors
def lifecycle(request: HttpRequest) -> HttpResponse:
    return _render_content(request, "careers/lifecycle.html", "lifecycle", _lifecycle_content)


def _lifecycle_content(viewer) -> dict:
    visible = Role.objects.visible_to(viewer)
    stages = list(
        LifecycleStage.objects.prefetch_related(
            Prefetch(
                "role_stages", RoleStage.objects.filter(role__in=visible).select_related("role")
            )
        )
    )
    role_ids = set(visible.values_list("pk", flat=True))
    members = list(TeamMember.objects.select_related("role"))
    for member in members:
        if member.role_id not in role_ids:
            member.role = None  # a draft role: learners get no link to it
    return {
        "stages": stages,
        "team_tiers": [list(row) for _, row in groupby(members, key=lambda m: m.tier)],
        "handoffs": list(TeamHandoff.objects.select_related("source", "target")),
    }


def _role_links_visible_to(user):
    return (
        RoleSkill.objects.filter(role__in=Role.objects.visible_to(user))
        .select_related("role")
        .order_by("role__position")
    )


@require_safe
@cache_for_visitors
def skill_list(request: HttpRequest) -> HttpResponse:
    return _render_content(request, "careers/skill_list.html", "skills", _skill_list_content)


def _skill_list_content(viewer) -> dict:
    skills = Skill.objects.prefetch_related(
        Prefetch("role_skills", _role_links_visible_to(viewer))
    ).order_by("group", "name")
    groups = {group: [] for group in SkillGroup}
    for skill in skills:
        groups[SkillGroup(skill.group)].append(skill)
    return {
        "groups": [(group.label, group.value, items) for group, items in groups.items() if items]
    }


@require_safe
@cache_for_visitors
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_content(
        request, "careers/skill_detail.html", f"skill:{slug}", _skill_content, slug
    )


def _skill_content(viewer, slug: str) -> dict:
    skill = get_object_or_404(
        Skill.objects.prefetch_related(Prefetch("role_skills", _role_links_visible_to(viewer))),
        slug=slug,
    )
    links = sorted(skill.role_skills.all(), key=lambda link: link.tier_rank)
    tiers = [
        (label, list(items))
        for label, items in groupby(links, key=lambda link: link.get_tier_display() or "Listed")
    ]
    return {"skill": skill, "tiers": tiers}


def _compare_query(request: HttpRequest) -> str | None:
    """The normal form of a comparison's address (known roles in the site's order, each once,
    nothing else): only pages asked for in that form are kept for visitors."""
    content = content_part(request, "compare", lambda: _compare_content(request.user))
    selection = comparison.read_selection(request.GET.getlist("roles"), content["names"])
    return selection.normal_query(list(content["names"]))


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
@cache_for_visitors(normal_query=_compare_query)
def compare(request: HttpRequest) -> HttpResponse:
    # The roles, one content part for every selection; what the address picks (the rendered
    # sections of these roles in this order) is kept apart, where it cannot push this out.
    content = content_part(request, "compare", lambda: _compare_content(request.user))
    selection = comparison.read_selection(request.GET.getlist("roles"), content["names"])
    context = {"all_roles": content["all_roles"], "selection": selection, "names": content["names"]}
    if selection.is_complete:
        roles = [content["roles"][slug] for slug in selection.slugs]
        # The order asked is kept (a quiz links its ranking): each order renders once.
        sections = content_part(
            request,
            f"comparison:{'/'.join(selection.slugs)}",
            lambda: _comparison_sections(roles, content["aspects"]),
            store=chosen_parts,
        )
        context.update(roles=roles, sections=sections)
    template = "careers/compare.html"
    # Back and Forward fetch the whole page (the form is not kept in htmx's history cache).
    if request.htmx and not request.htmx.history_restore_request:
        template += "#comparison"
    return render(request, template, context)


def _compare_content(viewer) -> dict:
    """Every role the viewer may compare, with everything the comparison shows."""
    visible = Role.objects.visible_to(viewer)
    all_roles = list(visible.only("slug", "name", "short_name", "kind", "position", "icon"))
    roles = visible.prefetch_related(*role_detail_prefetches(visible))
    return {
        "all_roles": all_roles,
        "names": {role.slug: role.name for role in all_roles},
        "roles": {role.slug: role for role in roles},
        "aspects": list(ComparisonAspect.objects.all()),
    }


def _comparison_sections(
    roles: list[Role], aspects: list[ComparisonAspect]
) -> tuple[SafeString, SafeString]:
    """The comparison's sections for these roles, rendered from content alone (without a
    request, so no user, session or CSRF token can reach them) and cut where a signed-in
    learner's gaps go: the markup before, and the markup after."""
    template = get_template("careers/compare.html#comparison-sections")
    before, after = template.render(_comparison_context(roles, aspects)).split(GAPS_GO_HERE)
    return mark_safe(before), mark_safe(after)


def _comparison_context(roles: list[Role], aspects: list[ComparisonAspect]) -> dict:
    values = [{value.aspect_id: value for value in role.aspect_values.all()} for role in roles]
    points = []
    for role in roles:
        by_kind = {kind: [] for kind in RolePoint.Kind.values}
        for point in role.points.all():
            by_kind[point.kind].append(point)
        points.append(by_kind)
    all_levels = [level for role in roles for level in role.levels.all()]
    top = salary_scale_top(all_levels)
    return {
        "roles": roles,
        "aspect_rows": [(aspect, [v.get(aspect.pk) for v in values]) for aspect in aspects],
        "points": points,
        "tool_categories": comparison.tools_by_category(roles),
        "skill_rows": comparison.skills_by_tier(roles),
        "overlap": comparison.skill_overlap(roles),
        "salary_charts": [(role, list(role.levels.all()), top) for role in roles],
    }
