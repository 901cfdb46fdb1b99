"""The roadmaps a viewer may see, and a learner's progress across them: shared by the roadmap
pages, the public progress page and the learner's dashboard."""

from django.http import HttpRequest

from core.cache import content_part
from roadmaps.models import Progress, Roadmap, roadmap_prefetches
from roadmaps.services import session_progress


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


def visitor_statuses(request: HttpRequest) -> dict[tuple[str, str], str]:
    """The visitor's statuses: from the database when signed in (one query), else from the
    session."""
    if request.user.is_authenticated:
        return Progress.objects.for_user(request.user).statuses()
    return {key: status for key, (status, _) in session_progress(request.session).items()}


def progress_overview(user, request: HttpRequest) -> dict:
    """`user`'s progress on the roadmaps the viewer (who sent `request`) may see."""
    statuses = Progress.objects.for_user(user).statuses()
    roadmaps = [(roadmap, roadmap.progress_for(statuses)) for roadmap in visible_roadmaps(request)]
    return {
        "started": [(roadmap, tally) for roadmap, tally in roadmaps if tally.started],
        "statuses": statuses,
    }


def where_to_continue(latest: Progress | None, started) -> str | None:
    """The roadmap step for the learner's most recent change, on a roadmap they started."""
    if latest is None:
        return None
    for roadmap, _ in started:
        for step in roadmap.steps():
            if step.target_key == latest.target_key:
                return f"{roadmap.get_absolute_url()}#step-{step.pk}"
    return None
