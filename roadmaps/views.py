from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap

from core.cache import content_part
from core.http import HtmxHttpRequest
from roadmaps.forms import NoteForm, RoadmapStatusForm, StatusForm
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
from roadmaps.page import RoadmapContent, level_bar, level_count, step_part
from roadmaps.services import (
    note_save,
    progress_set,
    session_progress_set,
)


def _get_roadmap(request: HttpRequest, slug: str) -> Roadmap:
    """One roadmap with all its steps, from the content cache."""
    return content_part(
        request,
        f"roadmap:{slug}",
        lambda: get_object_or_404(roadmaps_visible_to(request.user), role__slug=slug),
    )


def _get_content(request: HttpRequest, slug: str) -> RoadmapContent:
    """A roadmap page's content, rendered once per content version in each worker: a page then
    reads only the learner's own progress and notes."""
    roadmap = _get_roadmap(request, slug)
    return content_part(request, f"roadmap-page:{slug}", lambda: RoadmapContent.render(roadmap))


def _notes(request: HttpRequest) -> dict[int, str] | None:
    """The learner's note texts by skill id (a few hundred at most: one per skill); None for a
    visitor. The page picks the ones on its steps."""
    if not request.user.is_authenticated:
        return None
    return dict(Note.objects.filter(user=request.user).values_list("skill_id", "text"))


@require_safe
def roadmap_list(request: HttpRequest) -> HttpResponse:
    statuses = visitor_statuses(request)
    roadmaps = [(roadmap, roadmap.progress_for(statuses)) for roadmap in visible_roadmaps(request)]
    return render(
        request,
        "roadmaps/roadmap_list.html",
        {"roadmaps": roadmaps, "has_progress": bool(statuses), "stages": Stage},
    )


@require_safe
def roadmap_detail(request: HttpRequest, slug: str) -> HttpResponse:
    content = _get_content(request, slug)
    roadmap = content.roadmap
    statuses = visitor_statuses(request)
    context = {
        "roadmap": roadmap,
        "top": content.top,
        "content": content.fill(statuses, _notes(request)),
        "tally": roadmap.progress_for(statuses),
    }
    return render(request, "roadmaps/roadmap_detail.html", context)


def _find_step(roadmap: Roadmap, step_id: int) -> tuple[RoadmapLevel, RoadmapStep]:
    """The step with this id on this roadmap (from the prefetch), or 404."""
    for level in roadmap.levels.all():
        for step in level.steps.all():
            if step.pk == step_id:
                return level, step
    raise Http404("No such step on this roadmap.")


@require_POST
def step_status(request: HtmxHttpRequest, slug: str, step_id: int) -> HttpResponse:
    """One step's status, from its own address."""
    form = StatusForm(request.POST)
    status = Status(form.cleaned_data["status"]) if form.is_valid() else None
    return _status_change(request, slug, step_id, status)


@require_POST
def roadmap_status(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A status button of the roadmap page, which names its step: "<step id>:<status>"."""
    form = RoadmapStatusForm(request.POST)
    if not form.is_valid():
        return _status_refused(request, _get_roadmap(request, slug))
    step_id, status = form.cleaned_data["set"]
    return _status_change(request, slug, step_id, status)


def _status_refused(request: HttpRequest, roadmap: Roadmap) -> HttpResponse:
    return render(
        request,
        "roadmaps/bad_request.html",
        {"message": "That is not a status a step can have.", "back": roadmap},
        status=400,
    )


def _status_change(
    request: HtmxHttpRequest, slug: str, step_id: int, status: Status | None
) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)
    level, step = _find_step(roadmap, step_id)
    if status is None:
        return _status_refused(request, roadmap)
    kind, target_slug = step.target_key
    if request.user.is_authenticated:
        progress_set(user=request.user, status=status, **{kind: step.target})
    else:
        session_progress_set(request.session, kind=kind, slug=target_slug, status=status)
    announcement = f"{step.name}: {status.label}."
    if not request.htmx:
        messages.success(request, announcement)
        return redirect(f"{roadmap.get_absolute_url()}#step-{step.pk}")
    # Every number on the page that this status moves, out of band; nothing else to fetch.
    statuses = visitor_statuses(request)
    level_tally, tally = level.progress_for(statuses), roadmap.progress_for(statuses)
    context = {
        "changed": [
            step_part("step-status", step, status, oob=True),
            step_part("chip", step, status, oob=True),
            level_bar(level_tally, stage=level.stage, oob=True),
            level_count(level.stage, level_tally, oob=True),
        ],
        "tally": tally,
        "announcement": f"{announcement} {level.title}: {level_tally.percent_done}% done. "
        f"Roadmap: {tally.percent_done}% done.",
    }
    # Everything in the answer is out of band; the form itself stays as it is.
    return reswap(render(request, "roadmaps/roadmap_detail.html#status-changed", context), "none")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def step_note(request: HtmxHttpRequest, slug: str, step_id: int) -> HttpResponse:
    """A learner's private note on a step's skill: a page of its own without JavaScript; with
    htmx, an editor opened in the step whose Save button posts through the page's one form."""
    roadmap = _get_roadmap(request, slug)
    _, step = _find_step(roadmap, step_id)
    if step.skill_id is None:
        return render(
            request,
            "roadmaps/bad_request.html",
            {"message": "Notes are kept on skills, and this step is a project.", "back": roadmap},
            status=400,
        )
    # Named after the step: several editors can be open in the page's one form at once.
    prefix = f"note-{step.pk}"
    note = Note.objects.filter(user=request.user, skill=step.skill).first()
    form = NoteForm(prefix=prefix, initial={"text": note.text if note else ""})
    context = {"roadmap": roadmap, "step": step, "saved": ""}
    status = 200
    if request.method == "POST":
        form = NoteForm(request.POST, prefix=prefix)
        if form.is_valid():
            note = note_save(user=request.user, skill=step.skill, text=form.cleaned_data["text"])
            saved = f"{step.name}: {'Note saved.' if note else 'Note deleted.'}"
            if not request.htmx:
                messages.success(request, saved)
                return redirect(f"{roadmap.get_absolute_url()}#step-{step.pk}")
            context["saved"] = saved
        elif not request.htmx:
            status = 400
        # htmx does not swap 4xx responses: errors come back in place with a 200.
    context.update(form=form, note_max_length=NoteForm.base_fields["text"].max_length)
    if request.htmx:
        if request.method == "POST":
            return reswap(render(request, "roadmaps/step_note.html#note-saved", context), "none")
        context["autofocus"] = True  # the editor just opened: typing starts at once
        return render(request, "roadmaps/step_note.html#note-editor", context)
    return render(request, "roadmaps/step_note.html", context, status=status)


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
