import json
import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from accounts.digest import BadUnsubscribeToken, digest_stop, unsubscribe_user_id
from accounts.export import account_export, account_export_csv
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.imports import (
    MAX_BYTES,
    SESSION_KEY,
    ImportRefused,
    import_plan,
    import_read,
    import_resolve,
    too_big,
)
from accounts.models import Profile
from accounts.services import UsernameTaken, account_import, profile_update
from core.cache import cache_for_learner
from quizzes.models import HISTORY_PAGE_SIZE, Sitting
from roadmaps.models import Note, Progress, Status
from roadmaps.overview import (
    followed_roadmaps,
    learner_plan,
    learner_states,
    visible_roadmaps,
    visitor_statuses,
)

EXPORT_FILENAME = "ml-career-paths-export"
RECENT_ACTIVITY = 8


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.for_user(request.user)
    # Worked out before the form sees the post: a refused post leaves the saved choice.
    public_url = None
    if profile.progress_is_public:
        public_url = request.build_absolute_uri(
            reverse("roadmaps:public_progress", args=[request.user.get_username()])
        )
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            try:
                profile_update(
                    profile=profile,
                    username=form.cleaned_data["username"],
                    display_name=form.cleaned_data["display_name"],
                    progress_is_public=form.cleaned_data["progress_is_public"],
                    weekly_digest=form.cleaned_data["weekly_digest"],
                )
            except UsernameTaken as refusal:
                form.add_error("username", str(refusal))
            else:
                messages.success(request, "Your account settings were saved.")
                return redirect("accounts:profile")
        status = 400
    else:
        form = ProfileForm(instance=profile)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": profile, "public_url": public_url},
        status=status,
    )


@never_cache
@login_required
@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    data = account_export(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.json"'
    return response


@never_cache
@login_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    data = account_export(request.user)
    response = HttpResponse(account_export_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}.csv"'
    return response


# The upload and the form around it: a larger post is refused before its body is read.
IMPORT_POST_LIMIT = MAX_BYTES + 64 * 1024
PREVIEW_GONE = "That preview is no longer waiting to be imported: choose the file again."


# The size is checked before anything reads the body, so CSRF (which reads the form) is
# checked after it, by `_import`; a refusal here changes nothing and needs no token.
@login_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def import_data(request: HttpRequest) -> HttpResponse:
    """Read an export back in: upload it (a preview of what it adds or changes, kept in the
    session), then confirm (applied all at once) or cancel."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > IMPORT_POST_LIMIT:
            return _import_page(request, problem=too_big(), status=413)
    return _import(request)


@csrf_protect
def _import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _import_page(request)
    if "cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, "Nothing was imported.")
        return redirect("accounts:profile")
    if "confirm" in request.POST:
        return _import_confirm(request)
    try:
        document = import_read(request.FILES.get("file"))
        plan = import_plan(user=request.user, document=document, resolved=import_resolve(document))
    except ImportRefused as refusal:
        return _import_page(request, problem=str(refusal), status=400)
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "user": request.user.pk,
        "token": token,
        "document": document,
    }
    return _import_page(request, preview=plan.preview, token=token)


def _import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not isinstance(pending, dict)
        or pending.get("user") != request.user.pk
        or not constant_time_compare(pending.get("token", ""), token)
    ):
        return _import_page(request, problem=PREVIEW_GONE, status=400)
    try:
        done = account_import(user=request.user, document=pending["document"])
    except ImportRefused as refusal:
        return _import_page(request, problem=str(refusal), status=400)
    del request.session[SESSION_KEY]
    messages.success(request, _imported(done))
    return redirect("accounts:profile")


def _imported(done) -> str:
    parts = [
        (done.statuses_added.count + done.statuses_changed.count, "status", "statuses"),
        (done.notes_added.count + done.notes_changed.count, "note", "notes"),
        (done.follows_added.count, "goal", "goals"),
        (done.sittings_added.count, "quiz", "quizzes"),
    ]
    said = [f"{count} {one if count == 1 else many}" for count, one, many in parts if count]
    if done.plan:
        said.append("your plan")
    if done.weekly_digest is not None:
        said.append("your weekly email choice")
    if not said:
        return "Your account already had everything in that file: nothing was changed."
    return f"Imported {', '.join(said[:-1])}{' and ' if len(said) > 1 else ''}{said[-1]}."


def _import_page(request, *, problem="", preview=None, token="", status=200) -> HttpResponse:
    context = {"problem": problem, "preview": preview, "token": token, "max_mb": MAX_BYTES >> 20}
    return render(request, "accounts/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, request=request)
        if form.is_valid():
            with transaction.atomic():
                user.delete()  # cascades to progress, notes, the profile and email addresses
            logout(request)
            messages.success(request, "Your account and all your data were deleted.")
            return redirect("careers:home")
        status = 429 if form.has_error("password", "rate_limited") else 400
    else:
        form = AccountDeleteForm(request=request)
    counts = {
        "progress": Progress.objects.for_user(user).count(),
        "notes": Note.objects.filter(user=user).count(),
    }
    return render(request, "accounts/delete.html", {"form": form, "counts": counts}, status=status)


# Mail clients send RFC 8058's one-click unsubscribe as a POST with no CSRF token (nor the
# learner's cookies). Exempting this view is safe: the signed token in the address, not the
# browser's session, says whose digest to stop, and stopping it is all a post can do.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The digest's unsubscribe link, no login needed: a page with a button (so a link
    scanner's GET changes nothing), and the post that stops the digest."""
    status = 200
    try:
        user_id = unsubscribe_user_id(token)
    except BadUnsubscribeToken:
        state, status = "invalid", 400
    else:
        user = get_user_model().objects.filter(pk=user_id).select_related("profile").first()
        profile = getattr(user, "profile", None)
        if user is None:
            state, status = "no_account", 404
        elif request.method == "POST":
            digest_stop(user_id=user.pk)
            state = "unsubscribed"
        elif profile and profile.weekly_digest:
            state = "subscribed"
        else:
            state = "not_subscribed"
    response = render(request, "accounts/digest_unsubscribe.html", {"state": state}, status=status)
    response["X-Robots-Tag"] = "noindex"  # an address that holds a token
    return response


@login_required
@require_safe
@cache_for_learner
def dashboard(request: HttpRequest) -> HttpResponse:
    """Built around the learner's goals: each followed roadmap with its progress, next step and
    finish date, this week's plan, recent activity; the rest folded away."""
    statuses = visitor_statuses(request)
    states = learner_states(request)  # the same query, kept on the request
    followed = followed_roadmaps(request)
    plan = learner_plan(request, statuses, followed)
    goals = {roadmap.slug for roadmap in followed}
    others = [
        (roadmap, roadmap.progress_for(statuses))
        for roadmap in visible_roadmaps(request)
        if roadmap.slug not in goals
    ]
    recent = [
        (skill or project, Status(status).label.lower(), updated_at)
        for skill, project, status, updated_at in Progress.objects.for_user(request.user)
        .started()
        .order_by("-updated_at", "-pk")
        .values_list("skill__name", "project__name", "status", "updated_at")[:RECENT_ACTIVITY]
    ]
    history = list(Sitting.objects.history_for(request.user)[: HISTORY_PAGE_SIZE + 1])
    today = timezone.localdate()
    due = sorted(
        (state.review_due, slug)
        for (kind, slug), state in states.items()
        if kind == "skill" and state.status == Status.DONE and state.review_due
        if state.review_due <= today
    )
    if due:
        names = {
            step.skill.slug: step.skill.name
            for roadmap in visible_roadmaps(request)
            for step in roadmap.steps()
            if step.skill_id
        }
        due = [(when, names.get(slug, slug)) for when, slug in due]
    return render(
        request,
        "accounts/dashboard.html",
        {
            "reviews_due_names": [name for _, name in due],
            "plan": plan,
            "statuses": statuses,
            "goals": [(goal, goal.roadmap.progress_for(statuses)) for goal in plan.roadmaps],
            "also_counts": [(roadmap, tally) for roadmap, tally in others if tally.started],
            "suggested": [roadmap for roadmap, _ in others if roadmap.role.is_core][:4],
            "recent": recent,
            "quiz_history": history[:HISTORY_PAGE_SIZE],
            "more_quiz_history": len(history) > HISTORY_PAGE_SIZE,
        },
    )
