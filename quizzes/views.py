from urllib.parse import urlencode
from uuid import UUID

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from careers.models import Skill
from core.http import HtmxHttpRequest
from core.models import ContentStatus
from quizzes import health
from quizzes.forms import AnswerForm, SelfCheckForm
from quizzes.models import HISTORY_PAGE_SIZE, Answer, Quiz, Sitting
from quizzes.results import fit_result, knowledge_result
from quizzes.review import (
    due_reviews,
    review_outcomes,
    review_start,
    self_check,
    skills_with_questions,
)
from quizzes.scopes import Scope, ScopeRefused, scope_choices, scope_label, scope_resolve
from quizzes.services import (
    ALREADY_ANSWERED,
    TOO_MANY_FROM_ADDRESS,
    AnswerRefused,
    SittingRefused,
    answer_record,
    session_sitting_ids,
    sitting_start,
)
from roadmaps.models import Stage
from roadmaps.overview import followed_slugs, visible_roadmaps

PAGE = "quizzes/sitting_detail.html"


def _visitor_sittings(request: HttpRequest):
    """The visitor's own sittings, and nobody else's: by account when signed in, else by the
    ids this browser's session holds."""
    sittings = Sitting.objects.select_related("quiz")
    if not Quiz.shows_drafts_to(request.user):
        sittings = sittings.filter(quiz__status=ContentStatus.PUBLISHED)
    if request.user.is_authenticated:
        return sittings.filter(user=request.user)
    return sittings.filter(user__isnull=True, pk__in=session_sitting_ids(request.session))


def _get_sitting(request: HttpRequest, slug: str, sitting_id: UUID) -> Sitting:
    return get_object_or_404(_visitor_sittings(request), quiz__slug=slug, pk=sitting_id)


def _get_quiz(request: HttpRequest, slug: str) -> Quiz:
    quizzes = Quiz.objects.visible_to(request.user).annotate(question_count=Count("questions"))
    return get_object_or_404(quizzes, slug=slug)


@require_safe
def quiz_list(request: HttpRequest) -> HttpResponse:
    quizzes = Quiz.objects.visible_to(request.user).annotate(question_count=Count("questions"))
    unfinished = {
        s.quiz_id: s for s in _visitor_sittings(request).unfinished().order_by("created_at")
    }
    return render(
        request,
        "quizzes/quiz_list.html",
        {"quizzes": [(quiz, unfinished.get(quiz.pk)) for quiz in quizzes]},
    )


@require_safe
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz(request, slug)
    mine = list(_visitor_sittings(request).filter(quiz=quiz).with_scores()[:6])
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "per_sitting": min(quiz.questions_per_sitting, quiz.question_count),
            "unfinished": next((s for s in mine if not s.is_finished), None),
            "finished": [s for s in mine if s.is_finished][:5],
            "scopes": scope_choices(quiz, request.user),
        },
    )


@require_POST
def sitting_create(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz(request, slug)
    # Each visitor without cookies is a new session: only their address bounds the rows.
    if not request.user.is_authenticated and not ratelimit.consume(request, action="quiz_start"):
        return _refuse(request, None, TOO_MANY_FROM_ADDRESS, quiz=quiz, status=429)
    scope = None
    if request.POST.get("scope"):
        try:
            scope = scope_resolve(request.POST["scope"], quiz=quiz, user=request.user)
        except ScopeRefused as refusal:
            return _refuse(request, None, str(refusal), quiz=quiz)
        if not scope.question_count:
            return _refuse(request, None, _no_questions(scope), quiz=quiz)
    if quiz.question_count:
        try:
            sitting = sitting_start(
                quiz=quiz, user=request.user, session=request.session, scope=scope
            )
        except SittingRefused as refusal:
            return _refuse(request, None, str(refusal), quiz=quiz, status=429)
        if sitting.question_ids:
            return redirect(sitting)
        sitting.delete()  # none of the questions can be answered yet
    return _refuse(request, None, "This quiz has no questions yet.", quiz=quiz)


def _no_questions(scope: Scope) -> str:
    return f"No questions test {scope.label} yet. Try the quiz's general mix instead."


@require_safe
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    """The start of a knowledge quiz on one skill or roadmap level (`?scope=`), which skill
    pages and roadmap levels link to: what it covers, and the button that starts it."""
    quiz = _get_quiz(request, slug)
    if not request.GET.get("scope"):
        return redirect(quiz)
    try:
        scope = scope_resolve(request.GET["scope"], quiz=quiz, user=request.user)
    except ScopeRefused as refusal:
        return _refuse(request, None, str(refusal), quiz=quiz)
    unfinished = (
        _visitor_sittings(request)
        .unfinished()
        .filter(quiz=quiz, scope=scope.value)
        .with_scores()
        .order_by("-created_at", "-pk")  # one answer even when two share a time
        .first()
    )
    context = {
        "quiz": quiz,
        "scope": scope,
        "per_sitting": min(quiz.questions_per_sitting, scope.question_count),
        "unfinished": unfinished,
        "no_questions": _no_questions(scope),
    }
    return render(request, "quizzes/quiz_start.html", context)


def _step_context(sitting: Sitting, state, **extra) -> dict:
    """What the quiz step shows: the current question, or feedback on an answered one."""
    context = {"sitting": sitting, "quiz": sitting.quiz, "state": state, **extra}
    context["scope_label"] = scope_label(sitting.scope)
    if state.current is not None:
        context["choices"] = sitting.choices_for(state.current)
    shown = state.shown
    if shown is not None:
        answer = state.answers[shown.pk]
        context["feedback"] = {
            "question": shown,
            "answer": answer,
            "number": list(state.answers).index(shown.pk) + 1,
            "chosen": [c for c in sitting.choices_for(shown) if c.pk in answer.choice_ids],
            "correct": [c for c in sitting.choices_for(shown) if c.is_correct],
        }
    return context


@require_safe
def sitting_detail(request: HtmxHttpRequest, slug: str, sitting_id: UUID) -> HttpResponse:
    sitting = _get_sitting(request, slug, sitting_id)
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        after = None
    state = sitting.state(also=after if sitting.quiz.is_knowledge else None)
    if state.current is None and state.shown is None:
        return redirect(sitting.get_result_url())
    context = _step_context(sitting, state, focus=request.htmx)
    return render(request, PAGE + ("#quiz-step" if request.htmx else ""), context)


def _refuse(
    request: HtmxHttpRequest, sitting: Sitting | None, message: str, *, quiz=None, status=400
) -> HttpResponse:
    """A clear answer to a post that cannot count. htmx does not swap 4xx responses, so an
    htmx request gets the message in place of the quiz step, with a 200."""
    context = {"message": message, "sitting": sitting, "quiz": quiz or sitting.quiz}
    if request.htmx:
        return render(request, "quizzes/bad_request.html#problem", {**context, "focus": True})
    return render(request, "quizzes/bad_request.html", context, status=status)


@require_POST
def sitting_answer(request: HtmxHttpRequest, slug: str, sitting_id: UUID) -> HttpResponse:
    sitting = _get_sitting(request, slug, sitting_id)
    if sitting.is_finished:
        return _refuse(request, sitting, "This sitting is finished, so its score is final.")
    state = sitting.state()
    try:
        posted = int(request.POST.get("question", ""))
    except ValueError:
        posted = None
    if posted in state.answers:
        return _refuse(request, sitting, ALREADY_ANSWERED)
    question = state.current
    if question is None or posted != question.pk:
        return _refuse(request, sitting, "That question is not the one this sitting is on.")
    form = AnswerForm(
        request.POST, choices=sitting.choices_for(question), multiple=question.is_multiple
    )
    if not form.is_valid():
        if form.has_error("choice", "required"):
            context = _step_context(sitting, state, error=form.errors["choice"][0], focus=True)
            if request.htmx:
                return render(request, PAGE + "#quiz-step", context)
            return render(request, PAGE, context, status=400)
        message = next(iter(form.errors.values()))[0]
        return _refuse(request, sitting, message)
    try:
        answer = answer_record(
            sitting=sitting,
            question=question,
            choice_ids=form.cleaned_data["choice"],
            last=state.remaining == 1,
        )
    except AnswerRefused as refusal:
        return _refuse(request, sitting, str(refusal))
    if not sitting.quiz.is_knowledge:
        return _next_fit_step(request, sitting, state, answer)
    if not request.htmx:
        return redirect(f"{sitting.get_absolute_url()}?after={question.pk}#feedback")
    state.answers[question.pk] = answer
    state.remaining -= 1
    state.shown, state.current = question, state.following
    context = _step_context(sitting, state, focus=True)
    verdict = "Right." if answer.is_correct else "Not quite."
    context["announcement"] = f"{verdict} {question.explanation}"
    return render(request, PAGE + "#answered", context)


def _next_fit_step(request: HtmxHttpRequest, sitting: Sitting, state, answer: Answer):
    """The career-fit quiz has no right or wrong: straight on to the next question."""
    if sitting.is_finished:
        if request.htmx:
            return HttpResponseClientRedirect(sitting.get_result_url())
        return redirect(sitting.get_result_url())
    if not request.htmx:
        return redirect(sitting)
    state.answers[answer.question_id] = answer
    state.remaining -= 1
    state.current = state.following
    context = _step_context(sitting, state, focus=True)
    context["announcement"] = f"Answer saved. Question {state.number} of {state.total}."
    return render(request, PAGE + "#answered", context)


@require_safe
def sitting_result(request: HttpRequest, slug: str, sitting_id: UUID) -> HttpResponse:
    sitting = _get_sitting(request, slug, sitting_id)
    # (A sitting whose remaining questions were all deleted has a result too.)
    if not sitting.is_finished and sitting.state().current is not None:
        return redirect(sitting)
    context = {"sitting": sitting, "quiz": sitting.quiz, "scope_label": scope_label(sitting.scope)}
    if sitting.quiz.is_knowledge:
        context["result"] = knowledge_result(sitting)
        context["reviewed"] = review_outcomes(sitting)
        return render(request, "quizzes/sitting_result.html", context)
    fits = fit_result(sitting, request.user)
    top = [fit.role for fit in fits[:3]]
    first = top[0]
    context.update(
        {
            "fits": fits,
            "top": top,
            "compare_url": reverse("careers:compare")
            + "?"
            + urlencode({"roles": [role.slug for role in top]}, doseq=True),
            "roadmap_url": reverse("roadmaps:roadmap_detail", args=[first.slug]),
            "stages": Stage,
            "goals": _goals(request, top),
        }
    )
    return render(request, "quizzes/sitting_result.html", context)


def _goals(request: HttpRequest, roles) -> list[tuple]:
    """(roadmap, followed or not) for each of these roles that has a roadmap the viewer sees."""
    roadmaps = {roadmap.slug: roadmap for roadmap in visible_roadmaps(request)}
    followed = followed_slugs(request)
    return [(roadmaps[role.slug], role.slug in followed) for role in roles if role.slug in roadmaps]


@login_required
@require_safe
def sitting_history(request: HttpRequest) -> HttpResponse:
    """Every sitting the learner took, a page at a time, newest first."""
    paginator = Paginator(Sitting.objects.history_for(request.user), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "quizzes/sitting_history.html", {"page": page})


@staff_member_required
@require_safe
def content_health(request: HttpRequest) -> HttpResponse:
    """For editors: drafts, content due for review, broken links and thin skills, each
    linking to its change page; only the kinds of content they may view."""
    sections = health.content_health(request.user)
    if not sections:
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Content health", "sections": sections}
    return render(request, "admin/content_health.html", context)


@login_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    """The skills due for spaced review, oldest first, and the way to review them."""
    return _review_page(request)


def _review_page(request: HttpRequest, problem: str = "", status: int = 200) -> HttpResponse:
    due = list(due_reviews(request.user))
    with_questions = skills_with_questions([progress.skill_id for progress in due])
    context = {
        "due": [(progress, progress.skill_id in with_questions) for progress in due],
        "can_start": bool(with_questions),
        "intervals": settings.REVIEW_INTERVALS_DAYS,
        "problem": problem,
    }
    return render(request, "quizzes/review.html", context, status=status)


@login_required
@require_POST
def review_begin(request: HttpRequest) -> HttpResponse:
    sitting = review_start(user=request.user)
    if sitting is None:
        messages.info(request, "Nothing with quiz questions is due for review right now.")
        return redirect("quizzes:review")
    return redirect(sitting)


@login_required
@require_POST
def review_check(request: HttpRequest) -> HttpResponse:
    """A self-check for a due skill no question tests: "I still know this" or "I need to
    revisit it"."""
    form = SelfCheckForm(request.POST)
    if not form.is_valid():
        return _review_refused(request, "Choose a skill due for review and how well you know it.")
    skill = Skill.objects.filter(slug=form.cleaned_data["skill"]).first()
    still_known = form.cleaned_data["result"] == "known"
    if skill is None or not self_check(user=request.user, skill=skill, still_known=still_known):
        return _review_refused(request, "That skill isn't due for review.")
    if still_known:
        messages.success(request, f"{skill.name}: reviewed. It comes up again later.")
    else:
        messages.info(request, f"{skill.name}: marked to refresh. It comes up again in a few days.")
    return redirect("quizzes:review")


def _review_refused(request: HttpRequest, message: str) -> HttpResponse:
    return _review_page(request, problem=message, status=400)
