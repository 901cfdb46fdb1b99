from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, trigger_client_event

from core.cache import cache_for_learner, content_part
from core.http import HtmxHttpRequest
from roadmaps.forms import NoteForm, PlanForm, RoadmapStatusForm, StatusForm
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
    followed_roadmaps,
    followed_slugs,
    learner_plan,
    learner_states,
    learning_pace,
    progress_overview,
    roadmaps_visible_to,
    visible_roadmaps,
    visitor_statuses,
)
from roadmaps.page import (
    RoadmapContent,
    level_bar,
    level_count,
    level_hours_left,
    swapped_part,
)
from roadmaps.plan import next_step
from roadmaps.services import (
    follow,
    note_save,
    plan_save,
    progress_set,
    session_follow,
    session_plan_save,
    session_progress_set,
    session_unfollow,
    unfollow,
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
    context = {
        "roadmaps": roadmaps,
        "has_progress": bool(statuses),
        "stages": Stage,
        "followed": followed_slugs(request),
    }
    return render(request, "roadmaps/roadmap_list.html", context)


@require_safe
@cache_for_learner
def roadmap_detail(request: HttpRequest, slug: str) -> HttpResponse:
    content = _get_content(request, slug)
    roadmap = content.roadmap
    statuses = visitor_statuses(request)
    following = roadmap.slug in followed_slugs(request)
    context = {
        "roadmap": roadmap,
        "top": content.top,
        "content": content.fill(statuses, _notes(request), learner_states(request)),
        "tally": roadmap.progress_for(statuses),
        "following": following,
        "next": next_step(roadmap, statuses) if following else None,
        "statuses": statuses,
    }
    return render(request, "roadmaps/roadmap_detail.html", context)


@require_safe
def roadmap_next_step(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """What is inside a roadmap's next-step box: the goal's next step, fetched again by the
    page after a follow or unfollow and after each status change while it is a goal; nothing
    when it is not."""
    roadmap = _get_roadmap(request, slug)
    context = {"roadmap": roadmap, "following": roadmap.slug in followed_slugs(request)}
    if context["following"]:  # else the box empties
        statuses = visitor_statuses(request)
        context.update(next=next_step(roadmap, statuses), statuses=statuses)
    return render(request, "roadmaps/roadmap_detail.html#next-step", context)


def _next_url(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to: a path on this site, else `fallback`."""
    url = request.POST.get("next", "")
    safe = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else fallback


@require_POST
def roadmap_follow(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Make the roadmap the learner's goal (kept in the session until they sign up)."""
    return _follow_change(request, slug, following=True)


@require_POST
def roadmap_unfollow(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Stop following; progress on the roadmap's steps is kept."""
    return _follow_change(request, slug, following=False)


def _follow_change(request: HtmxHttpRequest, slug: str, *, following: bool) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)  # unknown or draft: 404, nothing saved
    if request.user.is_authenticated:
        (follow if following else unfollow)(user=request.user, roadmap=roadmap)
    else:
        (session_follow if following else session_unfollow)(request.session, roadmap.slug)
    name = roadmap.role.name
    announcement = (
        f"{name} is now your goal: it leads your dashboard and your plan."
        if following
        else f"You no longer follow the {name} roadmap. Your progress on it is kept."
    )
    if not request.htmx:
        messages.success(request, announcement)
        return redirect(_next_url(request, roadmap.get_absolute_url()))
    context = {
        "roadmap": roadmap,
        "following": following,
        "announcement": announcement,
        # The roadmap page's button belongs to the page's form: it comes back the same way.
        "in_page_form": request.POST.get("control") == "page",
    }
    response = render(request, "roadmaps/follow.html#follow-changed", context)
    return trigger_client_event(reswap(response, "none"), "goals-changed")


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
    return _status_change(request, slug, step_id, status, goal=form.cleaned_data["goal"])


def _status_refused(request: HttpRequest, roadmap: Roadmap) -> HttpResponse:
    return render(
        request,
        "roadmaps/bad_request.html",
        {"message": "That is not a status a step can have.", "back": roadmap},
        status=400,
    )


def _status_change(
    request: HtmxHttpRequest, slug: str, step_id: int, status: Status | None, *, goal: bool = False
) -> HttpResponse:
    roadmap = _get_roadmap(request, slug)
    level, step = _find_step(roadmap, step_id)
    if status is None:
        return _status_refused(request, roadmap)
    kind, target_slug = step.target_key
    if request.user.is_authenticated:
        statuses = progress_set(user=request.user, status=status, **{kind: step.target})
    else:
        session_progress_set(request.session, kind=kind, slug=target_slug, status=status)
        statuses = visitor_statuses(request)
    announcement = f"{step.name}: {status.label}."
    if not request.htmx:
        messages.success(request, announcement)
        return redirect(_next_url(request, f"{roadmap.get_absolute_url()}#step-{step.pk}"))
    # Every number on the page that this status moves, out of band; nothing else to fetch.
    level_tally, tally = level.progress_for(statuses), roadmap.progress_for(statuses)
    context = {
        "changed": [
            swapped_part("step-status", step.pk, step.name, status),
            swapped_part("chip", step.pk, step.name, status),
            level_bar(level_tally, level_hours_left(level, statuses), stage=level.stage, oob=True),
            level_count(level.stage, level_tally, oob=True),
        ],
        "tally": tally,
        # Focus stays on the pressed button, in the step's named group: the step goes without
        # saying, which keeps the answer within 1.5 KB.
        "announcement": f"{status.label}. {level.title}: {level_tally.percent_done}% done. "
        f"Roadmap: {tally.percent_done}% done.",
    }
    # Everything in the answer is out of band; the form itself stays as it is. A goal's next
    # step may have moved: its box, which said it is a goal, hears so and asks for it again.
    # Rendered without the request: none of it needs the context processors' values.
    changed = get_template("roadmaps/roadmap_detail.html#status-changed").render(context)
    response = reswap(HttpResponse(changed), "none")
    return trigger_client_event(response, "goal-progress-changed") if goal else response


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


@require_http_methods(["GET", "HEAD", "POST"])
@cache_for_learner
def plan(request: HtmxHttpRequest) -> HttpResponse:
    """The learner's pace and what it means: finish dates, on track or not, week by week."""
    pace = learning_pace(request)
    form = PlanForm(initial={"hours_per_week": pace[0], "target_date": pace[1]})
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            pace = form.cleaned_data["hours_per_week"], form.cleaned_data["target_date"]
            if request.user.is_authenticated:
                plan_save(user=request.user, **form.cleaned_data)
            else:
                session_plan_save(request.session, **form.cleaned_data)
            if not request.htmx:
                messages.success(request, "Plan saved.")
                return redirect("plan")
        elif not request.htmx:
            status = 400
        # htmx does not swap 4xx responses: errors come back in place with a 200.
    statuses = visitor_statuses(request)
    context = {
        "form": form,
        "plan": learner_plan(request, statuses, followed_roadmaps(request), pace),
        "statuses": statuses,
        "saved": request.method == "POST" and form.is_valid(),
    }
    if request.htmx:
        return render(request, "roadmaps/plan.html#plan-body", context)
    return render(request, "roadmaps/plan.html", context, status=status)


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
