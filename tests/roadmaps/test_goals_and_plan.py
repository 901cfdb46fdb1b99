"""Goals (followed roadmaps), the study plan and the next step: the learner's loop, part one."""

import json
from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.test import Client

from core.models import ContentStatus
from roadmaps.forms import PlanForm
from roadmaps.models import (
    Follow,
    LearningPlan,
    Progress,
    Roadmap,
    RoadmapStep,
    Status,
    roadmap_prefetches,
)
from roadmaps.plan import build_plan, next_step
from roadmaps.services import SESSION_FOLLOWS, SESSION_PLAN, progress_set
from tests.conftest import PASSWORD
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = date(2026, 11, 30)


@pytest.fixture
def roadmaps():
    return build_roadmaps(build_content())


def _skill_steps(roadmap) -> list[RoadmapStep]:
    return list(
        RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False)
        .select_related("level", "skill")
        .order_by("level__id", "position")
    )


def _prefetched(roadmap):
    """The roadmap with everything the plan reads, as the content cache holds it."""
    return (
        Roadmap.objects.select_related("role")
        .prefetch_related(*roadmap_prefetches())
        .get(pk=roadmap.pk)
    )


# --- Following a roadmap ------------------------------------------------------------------


def test_following_without_javascript_saves_the_goal_and_goes_back_where_asked(
    learner_client, learner, roadmaps
):
    response = learner_client.post("/roadmaps/role-0/follow/", {"next": "/roadmaps/"})
    assert response.status_code == 302 and response["Location"] == "/roadmaps/"
    assert list(Follow.objects.filter(user=learner).values_list("roadmap", flat=True)) == [
        roadmaps[0].pk
    ]
    page = learner_client.get("/roadmaps/role-0/").content.decode()
    assert "Role 0 is now your goal" in page  # the message after the redirect
    button = select_one(page, "#follow-button-role-0")
    assert attribute(button, "aria-label") == "Stop following the Role 0 roadmap"


def test_following_twice_keeps_one_goal_and_unfollowing_keeps_progress(
    learner_client, learner, roadmaps
):
    step = _skill_steps(roadmaps[0])[0]
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    learner_client.post("/roadmaps/role-0/follow/")
    learner_client.post("/roadmaps/role-0/follow/")
    assert Follow.objects.filter(user=learner).count() == 1
    response = learner_client.post("/roadmaps/role-0/unfollow/")
    assert response.status_code == 302 and response["Location"] == "/roadmaps/role-0/"
    assert not Follow.objects.filter(user=learner).exists()
    assert Progress.objects.get(user=learner).status == Status.DONE


def test_following_with_htmx_swaps_the_control_announces_it_and_refreshes_the_goals(
    learner_client, roadmaps
):
    response = learner_client.post("/roadmaps/role-1/follow/", {"next": "/roadmaps/"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # everything comes out of band
    html = response.content.decode()
    assert "<html" not in html
    control = select_one(html, '#follow-role-1[hx-swap-oob="outerHTML"]')
    assert attribute(select_one(control, "form"), "hx-post") == "/roadmaps/role-1/unfollow/"
    assert select_one(control, "#follow-button-role-1") is not None  # focus stays on it
    assert "Role 1 is now your goal" in text(
        select_one(html, '#announcer[hx-swap-oob="innerHTML"]')
    )
    assert "goals-changed" in response["HX-Trigger"]


def test_the_roadmap_page_s_follow_button_posts_through_the_page_s_one_form(
    learner_client, learner, roadmaps
):
    html = learner_client.get("/roadmaps/role-0/").content.decode()
    button = select_one(html, "#follow-button-role-0")
    assert (attribute(button, "form"), attribute(button, "formaction")) == (
        "progress",
        "/roadmaps/role-0/follow/",
    )
    assert len(select(html, 'main input[name="csrfmiddlewaretoken"]')) == 1
    # What the page's form sends when that button is pressed, with and without htmx.
    token = attribute(select_one(html, 'main input[name="csrfmiddlewaretoken"]'), "value")
    sent = {"csrfmiddlewaretoken": token, "control": "page"}
    response = learner_client.post("/roadmaps/role-0/follow/", sent, **HTMX)
    swapped = select_one(response.content.decode(), "#follow-button-role-0")
    assert attribute(swapped, "formaction") == "/roadmaps/role-0/unfollow/"
    response = learner_client.post("/roadmaps/role-0/unfollow/", sent)
    assert response["Location"] == "/roadmaps/role-0/"
    assert not Follow.objects.filter(user=learner).exists()


def test_an_unknown_or_draft_roadmap_cannot_be_followed(learner_client, learner, roadmaps):
    roadmaps[1].status = ContentStatus.DRAFT
    roadmaps[1].save()
    assert learner_client.post("/roadmaps/no-such-role/follow/").status_code == 404
    assert learner_client.post("/roadmaps/role-1/follow/").status_code == 404
    assert not Follow.objects.exists()


def test_following_needs_a_post_with_a_csrf_token(learner, roadmaps):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.get("/roadmaps/role-0/follow/").status_code == 405
    assert client.post("/roadmaps/role-0/follow/").status_code == 403
    assert not Follow.objects.exists()


def test_a_follow_post_acts_only_for_the_learner_who_sends_it(
    learner_client, learner, other_learner, roadmaps
):
    learner_client.post("/roadmaps/role-0/follow/", {"user": other_learner.pk})
    assert not Follow.objects.filter(user=other_learner).exists()
    assert Follow.objects.filter(user=learner).count() == 1


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_follow_never_redirects_off_the_site(learner_client, roadmaps, next_url):
    response = learner_client.post("/roadmaps/role-0/follow/", {"next": next_url})
    assert response["Location"] == "/roadmaps/role-0/"


def test_visitors_follow_in_their_session_and_keep_it_when_they_sign_in(client, learner, roadmaps):
    client.post("/roadmaps/role-1/follow/")
    client.post("/roadmaps/role-0/follow/")
    client.post("/roadmaps/no-such-role/follow/")
    assert client.session[SESSION_FOLLOWS] == ["role-1", "role-0"]
    client.post("/plan/", {"hours_per_week": 6})
    client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    follows = Follow.objects.filter(user=learner).order_by("created_at", "pk")
    assert [follow.roadmap.slug for follow in follows] == ["role-1", "role-0"]
    assert LearningPlan.objects.get(user=learner).hours_per_week == 6
    assert SESSION_FOLLOWS not in client.session and SESSION_PLAN not in client.session


def test_the_roadmap_list_and_a_career_fit_result_offer_to_follow(learner_client, roadmaps):
    html = learner_client.get("/roadmaps/").content.decode()
    assert [attribute(form, "action") for form in select(html, ".follow-control form")] == [
        "/roadmaps/role-0/follow/",
        "/roadmaps/role-1/follow/",
    ]
    learner_client.post("/roadmaps/role-1/follow/")
    html = learner_client.get("/roadmaps/").content.decode()
    assert attribute(select(html, ".follow-control form")[1], "action") == (
        "/roadmaps/role-1/unfollow/"
    )


# --- The plan -----------------------------------------------------------------------------


def test_a_plan_finishes_each_level_at_the_learner_s_pace(roadmaps):
    roadmap = _prefetched(roadmaps[0])
    plan = build_plan([roadmap], {}, hours_per_week=10, target_date=None, today=TODAY)
    [roadmap_plan] = plan.roadmaps
    # Three skills and a project per level: 4 × 30 h, 4 × 45 h, 4 × 60 h.
    assert [level.total_hours for level in roadmap_plan.levels] == [120, 180, 240]
    assert [level.finish for level in roadmap_plan.levels] == [
        TODAY + timedelta(weeks=12),
        TODAY + timedelta(weeks=30),
        TODAY + timedelta(weeks=54),
    ]
    assert roadmap_plan.finish == TODAY + timedelta(weeks=54)
    assert roadmap_plan.weeks_behind is None
    assert [step.name for step in plan.this_week] == ["Roadmap skill 0"]


def test_done_and_skipped_steps_cost_nothing_and_learning_counts_half(roadmaps):
    roadmap = _prefetched(roadmaps[0])
    steps = roadmap.steps()
    statuses = {
        steps[0].target_key: Status.DONE,
        steps[1].target_key: Status.SKIPPED,
        steps[2].target_key: Status.LEARNING,
    }
    plan = build_plan([roadmap], statuses, hours_per_week=5, target_date=None, today=TODAY)
    beginner = plan.roadmaps[0].levels[0]
    assert beginner.total_hours == 120
    assert beginner.remaining_hours == 15 + 30  # half of a skill, and the project
    assert beginner.finish == TODAY + timedelta(weeks=9)


def test_a_skill_two_followed_roadmaps_share_is_planned_once(roadmaps):
    first, second = _prefetched(roadmaps[0]), _prefetched(roadmaps[1])
    plan = build_plan([first, second], {}, hours_per_week=10, target_date=None, today=TODAY)
    # The test roadmaps share every step: the second is done when the first is, and its
    # steps aren't planned a second time.
    assert plan.roadmaps[1].remaining_hours == plan.roadmaps[0].remaining_hours == 540
    assert plan.roadmaps[1].finish == plan.roadmaps[0].finish == TODAY + timedelta(weeks=54)
    steps = [step for span in plan.weeks for step in span.steps]
    assert len({step.target_key for step in steps}) == len(first.steps())
    assert plan.weeks[-1].last == 54


def test_the_plan_says_how_many_weeks_behind_a_target_date_it_is(roadmaps):
    roadmap = _prefetched(roadmaps[0])
    late = build_plan(
        [roadmap], {}, hours_per_week=10, target_date=TODAY + timedelta(weeks=50), today=TODAY
    )
    assert late.roadmaps[0].weeks_behind == 4 and not late.roadmaps[0].on_track
    early = build_plan(
        [roadmap], {}, hours_per_week=20, target_date=TODAY + timedelta(weeks=50), today=TODAY
    )
    assert early.roadmaps[0].on_track


def test_the_week_by_week_list_stays_short_however_slow_the_pace(roadmaps):
    roadmap = _prefetched(roadmaps[0])
    plan = build_plan([roadmap], {}, hours_per_week=1, target_date=None, today=TODAY)
    assert len(plan.weeks) <= 2 * len(roadmap.steps())
    first = plan.weeks[0]
    assert (first.first, first.last, [step.name for step in first.steps]) == (
        1,
        30,
        ["Roadmap skill 0"],
    )
    assert first.ends == TODAY + timedelta(weeks=30, days=-1)
    # Every week from the first to the last is in exactly one span.
    weeks = [week for span in plan.weeks for week in range(span.first, span.last + 1)]
    assert weeks == list(range(1, weeks[-1] + 1))


def test_the_plan_page_saves_a_pace_and_shows_finish_dates(learner_client, learner, roadmaps):
    learner_client.post("/roadmaps/role-0/follow/")
    response = learner_client.post("/plan/", {"hours_per_week": 20, "target_date": ""})
    assert response.status_code == 302 and response["Location"] == "/plan/"
    plan = LearningPlan.objects.get(user=learner)
    assert (plan.hours_per_week, plan.target_date) == (20, None)
    html = learner_client.get("/plan/").content.decode()
    assert "at 20 hours a week" in text(select_one(html, 'section[aria-labelledby="plan-role-0"]'))
    assert len(select(html, "ol.week-plan li")) >= 1


def test_a_status_change_moves_the_finish_date_earlier(learner_client, learner, roadmaps):
    learner_client.post("/roadmaps/role-0/follow/")
    before = learner_client.get("/plan/").context["plan"].roadmaps[0].finish
    for step in _skill_steps(roadmaps[0])[:4]:
        progress_set(user=learner, skill=step.skill, status=Status.DONE)
    after = learner_client.get("/plan/").context["plan"].roadmaps[0].finish
    assert after < before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours_per_week": 0}, "Plan at least 1 hour a week."),
        ({"hours_per_week": 81}, "80 hours a week is the most a plan can take."),
        ({"hours_per_week": "ten"}, "Enter a whole number of hours, from 1 to 80."),
        ({}, "This field is required."),
        (
            {"hours_per_week": 5, "target_date": "2001-01-01"},
            "Choose a date from today on: that one has passed.",
        ),
        ({"hours_per_week": 5, "target_date": "31/02/2027"}, "Enter a date such as 2027-06-30."),
    ],
)
def test_a_bad_plan_is_refused_with_a_message_and_the_saved_one_is_kept(
    learner_client, learner, roadmaps, data, message
):
    LearningPlan.objects.create(user=learner, hours_per_week=7)
    response = learner_client.post("/plan/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert LearningPlan.objects.get(user=learner).hours_per_week == 7
    # With htmx the form comes back in place (htmx swaps no 4xx answer).
    response = learner_client.post("/plan/", data, **HTMX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert LearningPlan.objects.get(user=learner).hours_per_week == 7


def test_a_visitor_s_plan_is_kept_in_the_session(client, roadmaps):
    client.post("/roadmaps/role-0/follow/")
    client.post("/plan/", {"hours_per_week": 40, "target_date": "2030-01-31"})
    assert client.session[SESSION_PLAN] == {"hours_per_week": 40, "target_date": "2030-01-31"}
    assert client.get("/plan/").context["plan"].hours_per_week == 40


def test_a_plan_form_accepts_the_past_only_when_merging_an_old_choice():
    assert not PlanForm({"hours_per_week": 5, "target_date": "2001-01-01"}).is_valid()
    assert PlanForm({"hours_per_week": 5, "target_date": "2001-01-01"}, allow_past=True).is_valid()


# --- The next step ------------------------------------------------------------------------


def test_the_next_step_is_the_first_open_one_whose_prerequisites_are_done(roadmaps):
    steps = _skill_steps(roadmaps[0])
    # The second skill needs the fourth: the first open step it can take is the third.
    steps[1].skill.prerequisites.add(steps[3].skill)
    roadmap = _prefetched(roadmaps[0])
    statuses = {steps[0].target_key: Status.DONE}
    assert next_step(roadmap, statuses).pk == steps[2].pk
    statuses[steps[3].target_key] = Status.SKIPPED  # known already: counts as met
    assert next_step(roadmap, statuses).pk == steps[1].pk
    everything = {step.target_key: Status.DONE for step in roadmap.steps()}
    assert next_step(roadmap, everything) is None


def test_a_followed_roadmap_shows_its_next_step_with_a_start_button(learner_client, roadmaps):
    learner_client.post("/roadmaps/role-0/follow/")
    html = learner_client.get("/roadmaps/role-0/").content.decode()
    box = select_one(html, "#next-step")
    assert attribute(box, "hx-get") == "/roadmaps/role-0/next/"
    first = _skill_steps(roadmaps[0])[0]
    start = select_one(box, "button")
    assert (attribute(start, "form"), attribute(start, "value")) == (
        "progress",
        f"{first.pk}:learning",
    )
    # The goal's box says so to the status buttons' form; a box that isn't a goal is empty.
    goal = select_one(box, 'input[name="goal"]')
    assert (attribute(goal, "form"), attribute(goal, "value")) == ("progress", "1")
    other = select_one(learner_client.get("/roadmaps/role-1/").content.decode(), "#next-step")
    assert not text(other) and not select(other, "button") and not select(other, "input")
    for each in (box, other):  # in place, it fetches what is inside it again
        assert attribute(each, "hx-trigger") == (
            "goals-changed from:body, goal-progress-changed from:body"
        )
        assert attribute(each, "hx-swap") is None


def test_the_next_step_box_fills_on_following_and_empties_on_unfollowing(learner_client, roadmaps):
    def inside():
        response = learner_client.get("/roadmaps/role-0/next/", **HTMX)
        assert response.status_code == 200 and not select(response.content, "#next-step")
        return response.content.decode()

    assert not inside().strip()
    learner_client.post("/roadmaps/role-0/follow/", **HTMX)
    assert "Your next step" in text(select_one(inside(), "section"))
    assert select(inside(), 'input[name="goal"]')
    learner_client.post("/roadmaps/role-0/unfollow/", **HTMX)
    assert not inside().strip()


def test_start_sets_the_next_step_to_learning_and_the_box_says_so(
    learner_client, learner, roadmaps
):
    learner_client.post("/roadmaps/role-0/follow/")
    first = _skill_steps(roadmaps[0])[0]
    response = learner_client.post(
        "/roadmaps/role-0/steps/status/", {"set": f"{first.pk}:learning", "goal": "1"}, **HTMX
    )
    assert json.loads(response["HX-Trigger"]) == {"goal-progress-changed": {}}
    assert Progress.objects.get(user=learner).status == Status.LEARNING
    box = learner_client.get("/roadmaps/role-0/next/", **HTMX).content.decode()
    assert "you are learning it" in text(select_one(box, "section.next-step"))
    assert not select(box, "button")


def test_start_from_the_dashboard_works_without_javascript(learner_client, learner, roadmaps):
    learner_client.post("/roadmaps/role-0/follow/")
    html = learner_client.get("/dashboard/").content.decode()
    form = select_one(html, "form.next-step")
    button = select_one(form, "button")
    response = learner_client.post(
        attribute(form, "action"), {"set": attribute(button, "value"), "next": "/dashboard/"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert Progress.objects.get(user=learner).status == Status.LEARNING


def test_the_next_step_box_is_empty_for_a_roadmap_that_is_not_a_goal(
    learner_client, learner, roadmaps
):
    html = learner_client.get("/roadmaps/role-1/").content.decode()
    box = select_one(html, "#next-step")
    assert not text(box) and "goals-changed" in attribute(box, "hx-trigger")  # fills on follow
    response = learner_client.get("/roadmaps/role-0/next/", **HTMX)
    assert response.status_code == 200 and not response.content.strip()
    # A status change without the goal's field tells no box to fetch itself again.
    step = _skill_steps(roadmaps[0])[0]
    response = learner_client.post(
        "/roadmaps/role-0/steps/status/", {"set": f"{step.pk}:done"}, **HTMX
    )
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert learner_client.get("/roadmaps/no-such-role/next/").status_code == 404
    # A forged or junk goal field only makes the sender's own (empty) box ask for itself.
    for junk in ("1", "x" * 5000, ""):
        response = learner_client.post(
            "/roadmaps/role-0/steps/status/", {"set": f"{step.pk}:learning", "goal": junk}, **HTMX
        )
        assert response.status_code == 200
        assert ("HX-Trigger" in response) == bool(junk)
    box = learner_client.get("/roadmaps/role-0/next/", **HTMX)
    assert not box.content.strip() and not Follow.objects.exists()


# --- The dashboard ------------------------------------------------------------------------


def test_the_dashboard_leads_with_the_goals_and_folds_the_other_roadmaps(
    learner_client, learner, roadmaps
):
    step = _skill_steps(roadmaps[0])[0]
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    learner_client.post("/roadmaps/role-0/follow/")
    html = learner_client.get("/dashboard/").content.decode()
    goals = select_one(html, 'section[aria-labelledby="my-goals"]')
    assert [text(h3) for h3 in select(goals, "h3")] == ["Role 0"]
    assert "Next step: Roadmap skill 1" in text(select_one(goals, "form.next-step"))
    assert "your progress also counts toward 1 other roadmap" in text(goals).lower()
    this_week = text(select_one(html, 'section[aria-labelledby="this-week"]'))
    assert "Roadmap skill 1" in this_week
    assert not select(html, "#choose-goal")


@pytest.mark.parametrize("scale", [1, 10])
def test_the_goal_pages_use_the_same_queries_with_ten_times_the_steps(
    learner_client, learner, django_assert_num_queries, scale
):
    roadmaps = build_roadmaps(build_content(), scale=scale)
    progress_set(user=learner, skill=_skill_steps(roadmaps[0])[0].skill, status=Status.DONE)
    learner_client.post("/roadmaps/role-0/follow/")
    learner_client.post("/roadmaps/role-1/follow/")
    LearningPlan.objects.create(user=learner, hours_per_week=3, target_date=TODAY)
    pages = ("/dashboard/", "/plan/", "/roadmaps/role-0/")
    for url in pages:
        learner_client.get(url)  # the content is cached from here on
    caches["learner_pages"].clear()
    # Session, user, the learner's and the content's versions, then the learner's statuses,
    # goals and pace, recent activity and quizzes on the dashboard; notes on the roadmap page.
    for url, queries in zip(pages, (8, 6, 6), strict=True):
        with django_assert_num_queries(queries):
            assert learner_client.get(url).status_code == 200
    for url in pages:  # kept for the learner: session, user and the two versions
        with django_assert_num_queries(3):
            assert learner_client.get(url).status_code == 200


def test_learners_see_only_their_own_goals_and_plan(
    learner_client, learner, other_learner, roadmaps
):
    other = Client()
    other.force_login(other_learner)
    learner_client.post("/roadmaps/role-0/follow/")
    other.post("/roadmaps/role-1/follow/")
    other.post("/plan/", {"hours_per_week": 33})
    mine = learner_client.get("/dashboard/").content.decode()
    theirs = other.get("/dashboard/").content.decode()
    assert [
        text(h3) for h3 in select(select_one(mine, 'section[aria-labelledby="my-goals"]'), "h3")
    ] == ["Role 0"]
    assert [
        text(h3) for h3 in select(select_one(theirs, 'section[aria-labelledby="my-goals"]'), "h3")
    ] == ["Role 1"]
    assert learner_client.get("/plan/").context["plan"].hours_per_week == 10
