"""The roadmaps a viewer may see, and a learner's progress across them: shared by the roadmap
pages, the public progress page and the learner's dashboard."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone

from core.cache import content_part
from roadmaps.models import (
    Follow,
    LearningPlan,
    Progress,
    ProgressState,
    Roadmap,
    roadmap_prefetches,
)
from roadmaps.plan import Plan, build_plan
from roadmaps.services import SESSION_PLAN, session_follows, session_progress


def roadmaps_visible_to(viewer):
    """Roadmaps the viewer may see (editors also see drafts), with everything pages show."""
    return (
        Roadmap.objects.visible_to(viewer)
        .select_related("role")
        .prefetch_related(*roadmap_prefetches())
    )


def visible_roadmaps(request: HttpRequest) -> list[Roadmap]:
    """The roadmaps this viewer may see, with all their steps, from the content cache."""
    return content_part(request, "roadmaps", lambda: list(roadmaps_visible_to(request.user)))


def learner_states(request: HttpRequest) -> dict[tuple[str, str], ProgressState]:
    """The visitor's statuses with their evidence (proficiency, review): from the database when
    signed in, in one query per request (the page and the menu's review count share it), else
    from the session. A view that writes progress reads this after writing."""
    if not hasattr(request, "_learner_states"):
        if request.user.is_authenticated:
            states = Progress.objects.states_of(request.user)
        else:
            stored = session_progress(request.session).items()
            states = {key: ProgressState(status) for key, (status, _) in stored}
        request._learner_states = states
    return request._learner_states


def visitor_statuses(request: HttpRequest) -> dict[tuple[str, str], str]:
    """The visitor's statuses (see `learner_states`)."""
    return {key: state.status for key, state in learner_states(request).items()}


def reviews_due(request: HttpRequest) -> int:
    """How many of the signed-in learner's skills are due for review today."""
    if not request.user.is_authenticated:
        return 0
    today = timezone.localdate()
    return sum(
        1
        for (kind, _), state in learner_states(request).items()
        if kind == "skill"
        and state.status == "done"
        and state.review_due is not None
        and state.review_due <= today
    )


def progress_overview(user, request: HttpRequest) -> dict:
    """`user`'s progress on the roadmaps the viewer (who sent `request`) may see."""
    statuses = Progress.objects.for_user(user).statuses()
    roadmaps = [(roadmap, roadmap.progress_for(statuses)) for roadmap in visible_roadmaps(request)]
    return {
        "started": [(roadmap, tally) for roadmap, tally in roadmaps if tally.started],
        "statuses": statuses,
    }


def followed_slugs(request: HttpRequest) -> list[str]:
    """The viewer's goals, by roadmap slug, in the order followed: one query when signed in."""
    if request.user.is_authenticated:
        return Follow.slugs_of(request.user)
    return session_follows(request.session)


def followed_roadmaps(request: HttpRequest, slugs: list[str] | None = None) -> list[Roadmap]:
    """The roadmaps the viewer follows and may still see, in the order followed."""
    slugs = followed_slugs(request) if slugs is None else slugs
    by_slug = {roadmap.slug: roadmap for roadmap in visible_roadmaps(request)}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def learning_pace(request: HttpRequest) -> tuple[int, date | None]:
    """(hours a week, target date or None): the learner's choice, else 10 hours a week, the
    pace the effort estimates assume."""
    default = LearningPlan._meta.get_field("hours_per_week").default
    if request.user.is_authenticated:
        return LearningPlan.pace_of(request.user) or (default, None)
    stored = request.session.get(SESSION_PLAN) or {}
    target = stored.get("target_date")
    return stored.get("hours_per_week", default), date.fromisoformat(target) if target else None


def learner_plan(
    request: HttpRequest, statuses: dict, roadmaps: list[Roadmap], pace: tuple | None = None
) -> Plan:
    """The plan for these roadmaps at the learner's pace (read unless given)."""
    hours_per_week, target_date = pace or learning_pace(request)
    return build_plan(
        roadmaps,
        statuses,
        hours_per_week=hours_per_week,
        target_date=target_date,
        today=timezone.localdate(),
    )
