from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.cache import content_part
from core.http import HtmxHttpRequest
from roadmaps.forms import NoteForm, StatusForm
from roadmaps.models import (
    LearnerStatistics,
    Note,
    Roadmap,
    RoadmapLevel,
    RoadmapStep,
    Stage,
    Status,
)
from roadmaps.overview import (
    progress_overview,
    roadmaps_visible_to,
    visible_roadmaps,
    visitor_statuses,
)
from roadmaps.services import (
    note_save,
    progress_set,
    session_progress_set,
)


def _get_roadmap(request: HttpRequest, slug: str) -> Roadmap:
    """One roadmap with all its steps, from the content cache: the page then reads only the
    learner's own progress and notes."""
    return content_part(
        request,
        f"roadmap:{slug}",
        lambda: get_object_or_404(roadmaps_visible_to(request.user), role__slug=slug),
    )


@require_safe
def roadmap_list(request: HttpRequest) -> HttpResponse:
    statuses = visitor_statuses(request)
    roadmaps = [(roadmap, roadmap.progress_for(statuses)) for roadmap in visible_roadmaps(request)]
    return render(
        request,
        "roadmaps/roadmap_list.html",
        {"roadmaps": roadmaps, "has_progress": bool(statuses), "stages": Stage},
    )


def _roadmap_context(request: HttpRequest, roadmap: Roadmap) -> dict:
    statuses = visitor_statuses(request)
    notes = {}
    if request.user.is_authenticated:
        notes = {
            note.skill_id: note
            for note in Note.objects.filter(
                user=request.user, skill__roadmap_steps__level__roadmap=roadmap
            )
        }
    levels = []
    for level in roadmap.levels.all():
        steps = [
            {
                "step": step,
                "status": Status(statuses.get(step.target_key, Status.NOT_STARTED)),
                "note": notes.get(step.skill_id),
            }
            for step in level.steps.all()
        ]
        levels.append({"level": level, "steps": steps, "tally": level.progress_for(statuses)})
    return {
        "roadmap": roadmap,
        "levels": levels,
        "tally": roadmap.progress_for(statuses),
        "statuses": Status,
        "note_max_length": NoteForm.base_fields["text"].max_length,
    }


@require_safe
def roadmap_detail(request: HttpRequest, slug: str) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)
    return render(request, "roadmaps/roadmap_detail.html", _roadmap_context(request, roadmap))


def _find_step(roadmap: Roadmap, step_id: int) -> tuple[RoadmapLevel, RoadmapStep]:
    """The step with this id on this roadmap (from the prefetch), or 404."""
    for level in roadmap.levels.all():
        for step in level.steps.all():
            if step.pk == step_id:
                return level, step
    raise Http404("No such step on this roadmap.")


@require_POST
def step_status(request: HtmxHttpRequest, slug: str, step_id: int) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)
    level, step = _find_step(roadmap, step_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "roadmaps/bad_request.html",
            {"message": "That is not a status a step can have.", "back": roadmap},
            status=400,
        )
    status = Status(form.cleaned_data["status"])
    kind, target_slug = step.target_key
    if request.user.is_authenticated:
        progress_set(user=request.user, status=status, **{kind: step.target})
    else:
        session_progress_set(request.session, kind=kind, slug=target_slug, status=status)
    announcement = f"{step.name}: {status.label}."
    if not request.htmx:
        messages.success(request, announcement)
        return redirect(f"{roadmap.get_absolute_url()}#step-{step.pk}")
    # The partial shows the step, its level's tally and the roadmap's: nothing else to fetch.
    statuses = visitor_statuses(request)
    level_tally, tally = level.progress_for(statuses), roadmap.progress_for(statuses)
    context = {
        "roadmap": roadmap,
        "statuses": Status,
        "changed": {"step": step, "status": status},
        "changed_level": {"level": level, "tally": level_tally},
        "tally": tally,
        "announcement": f"{announcement} {level.title}: {level_tally.percent_done}% done. "
        f"Roadmap: {tally.percent_done}% done.",
    }
    return render(request, "roadmaps/roadmap_detail.html#status-changed", context)


@login_required
@require_POST
def step_note(request: HtmxHttpRequest, slug: str, step_id: int) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)
    _, step = _find_step(roadmap, step_id)
    if step.skill_id is None:
        return render(
            request,
            "roadmaps/bad_request.html",
            {"message": "Notes are kept on skills, and this step is a project.", "back": roadmap},
            status=400,
        )
    form = NoteForm(request.POST)
    if form.is_valid():
        note = note_save(user=request.user, skill=step.skill, text=form.cleaned_data["text"])
        saved = "Note saved." if note else "Note deleted."
        if not request.htmx:
            messages.success(request, f"{step.name}: {saved}")
            return redirect(f"{roadmap.get_absolute_url()}#step-{step.pk}")
        context = {"entry": {"step": step, "note": note}, "roadmap": roadmap, "saved": saved}
    else:
        if not request.htmx:
            return render(
                request,
                "roadmaps/bad_request.html",
                {"message": " ".join(form.errors["text"]), "back": roadmap},
                status=400,
            )
        # htmx does not swap 4xx responses: show the error in place with a 200.
        context = {"entry": {"step": step, "note": None}, "roadmap": roadmap, "form": form}
    context["note_max_length"] = NoteForm.base_fields["text"].max_length
    return render(request, "roadmaps/roadmap_detail.html#note", context)


@require_safe
def public_progress(request: HttpRequest, username: str) -> HttpResponse:
    learner = get_object_or_404(
        get_user_model().objects.select_related("profile"),
        username=username,
        profile__progress_is_public=True,
    )
    return render(
        request,
        "roadmaps/public_progress.html",
        {"learner": learner, **progress_overview(learner, request)},
    )


@staff_member_required
@permission_required("roadmaps.view_learner_statistics", raise_exception=True)
@require_safe
def learner_statistics(request: HttpRequest) -> HttpResponse:
    """Totals across learners for editors; never one learner's rows. Accounts are counted
    here; progress, which runs to millions of rows, as `count_learners` last counted it."""
    learners = get_user_model().objects.filter(is_staff=False)
    month_ago = timezone.now() - timedelta(days=30)
    return render(
        request,
        "admin/learner_statistics.html",
        {
            **admin.site.each_context(request),
            "title": "Learner statistics",
            "totals": learners.aggregate(
                learners=Count("pk"),
                new_this_month=Count("pk", filter=Q(date_joined__gte=month_ago)),
            ),
            "counted": LearnerStatistics.objects.order_by("-counted_at").first(),
        },
    )
