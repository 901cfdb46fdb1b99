import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from accounts.digest import BadUnsubscribeToken, digest_stop, unsubscribe_user_id
from accounts.export import account_export, account_export_csv
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.models import Profile
from accounts.services import UsernameTaken, profile_update
from quizzes.models import HISTORY_PAGE_SIZE, Sitting
from roadmaps.models import Note, Progress
from roadmaps.overview import (
    followed_roadmaps,
    learner_plan,
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
def dashboard(request: HttpRequest) -> HttpResponse:
    """Built around the learner's goals: each followed roadmap with its progress, next step and
    finish date, this week's plan, recent activity; the rest folded away."""
    statuses = visitor_statuses(request)
    followed = followed_roadmaps(request)
    plan = learner_plan(request, statuses, followed)
    goals = {roadmap.slug for roadmap in followed}
    others = [
        (roadmap, roadmap.progress_for(statuses))
        for roadmap in visible_roadmaps(request)
        if roadmap.slug not in goals
    ]
    recent = (
        Progress.objects.for_user(request.user)
        .started()
        .select_related("skill", "project")
        .order_by("-updated_at")[:RECENT_ACTIVITY]
    )
    history = list(Sitting.objects.history_for(request.user)[: HISTORY_PAGE_SIZE + 1])
    return render(
        request,
        "accounts/dashboard.html",
        {
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
