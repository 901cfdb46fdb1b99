"""Goals, the plan and the next step in a real browser: the journey from a visitor's first
follow to a signed-in learner's dashboard, with htmx and without JavaScript, and axe on the
new pages in both colour modes."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Profile
from roadmaps.models import Follow, LearningPlan, Progress, RoadmapStep, Status
from tests.browser import assert_no_axe_violations_in_light_and_dark, sign_up
from tests.browser import sign_in as browser_sign_in

pytestmark = pytest.mark.browser

EMAIL = "goals@example.com"
PASSWORD = "a-long-goals-password"
ROADMAP = "/roadmaps/data-scientist/"


def _finish_date(page) -> datetime:
    section = page.locator('section[aria-labelledby="plan-data-scientist"]').inner_text()
    found = re.search(r"Finished by (\d{1,2} \w+ \d{4})", section)
    assert found, section
    return datetime.strptime(found[1], "%d %B %Y")


def _steps(count: int) -> list[RoadmapStep]:
    return list(
        RoadmapStep.objects.filter(level__roadmap__role__slug="data-scientist").order_by(
            "level__id", "position"
        )[:count]
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_a_visitor_follows_plans_signs_up_and_keeps_it_all(
    site_content, browser, live_server, settings, javascript
):
    settings.SITE_URL = live_server.url  # the digest's links
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _journey(page, javascript=javascript)
    finally:
        context.close()


def _journey(page, *, javascript: bool):
    # A visitor makes the Data Scientist roadmap their goal.
    page.goto(ROADMAP)
    page.locator("#follow-button-data-scientist").click()
    stop = page.get_by_role("button", name="Stop following the Data Scientist roadmap")
    stop.wait_for()
    if javascript:
        assert page.locator("#announcer").inner_text().startswith("Data Scientist is now your goal")
        assert page.evaluate("document.activeElement.id") == "follow-button-data-scientist"
    page.locator("#next-step section").wait_for()  # the goal's next step, fetched on following

    # Six hours a week: the plan gives a finish date.
    page.goto("/plan/")
    page.get_by_label("Hours a week").fill("6")
    page.get_by_role("button", name="Save my plan").click()
    page.get_by_text("6 hours a week").first.wait_for()
    before = _finish_date(page)

    # Marking steps done moves the date earlier.
    page.goto(ROADMAP)
    for step in _steps(3):
        page.locator(f"#step-{step.pk}").get_by_role("button", name="Done", exact=True).click()
        if javascript:
            page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
        else:
            page.wait_for_url(f"**#step-{step.pk}")
    if javascript:  # the next-step box followed along without a reload
        page.locator("#next-step").get_by_role("link", name=_steps(4)[3].name).wait_for()
    page.goto("/plan/")
    assert _finish_date(page) < before

    # Signing up keeps the goal and the pace.
    sign_up(page, EMAIL, PASSWORD)
    assert list(Follow.objects.values_list("roadmap__role__slug", flat=True)) == ["data-scientist"]
    assert LearningPlan.objects.get().hours_per_week == 6

    # The dashboard leads with that one goal and its next step; Start works.
    goals = page.locator('section[aria-labelledby="my-goals"]')
    assert goals.locator("h3").all_inner_texts() == ["Data Scientist"]
    fourth = _steps(4)[3]
    assert fourth.name in goals.locator("form.next-step").inner_text()
    goals.get_by_role("button", name=f"Start {fourth.name}").click()
    page.wait_for_url("**/dashboard/")
    goals.get_by_text("Learning", exact=True).wait_for()
    assert Progress.objects.get(skill=fourth.skill).status == Status.LEARNING

    # The weekly digest, once asked for, brings those items; one click unsubscribes.
    page.goto("/accounts/profile/")
    page.get_by_label("Send me a weekly email").check()
    page.get_by_role("main").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    # Sent a week on, so today's steps are last week's progress.
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    call_command("send_weekly_digest", f"--today={next_week}", verbosity=0)
    call_command("send_weekly_digest", f"--today={next_week}", verbosity=0)  # no second one
    [email] = [sent for sent in mail.outbox if "List-Unsubscribe" in sent.extra_headers]
    assert email.to == [EMAIL]
    body = email.body
    assert "Data Scientist" in body and fourth.name in body
    assert "Statistics fundamentals" in body  # last week's progress
    unsubscribe = re.search(r"Stop these emails: (\S+)", body)[1]
    assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.goto(unsubscribe)
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    assert not Profile.objects.get(user__email=EMAIL).weekly_digest


def test_the_next_step_box_ends_on_the_last_change_when_its_refreshes_overlap(site_content, page):
    # The box fetches what is inside it again after each change. Slow answers make those
    # fetches overlap: the box must end on the last change, not on whichever answer came
    # back while another fetch was waiting.
    def answer_slowly(route):  # asked at once, answered late: the answer is of its moment
        response = route.fetch()
        page.wait_for_timeout(400)
        route.fulfill(response=response)

    page.route(f"**{ROADMAP}next/", answer_slowly)
    page.goto(ROADMAP)
    follow, stop = (
        page.get_by_role("button", name="Follow this roadmap: Data Scientist"),
        page.get_by_role("button", name="Stop following the Data Scientist roadmap"),
    )
    for button, then in ((follow, stop), (stop, follow), (follow, stop)):
        button.click()
        then.wait_for()
    page.locator("#next-step section").wait_for()
    for step in _steps(3):
        page.locator(f"#step-{step.pk}").get_by_role("button", name="Done", exact=True).click()
        page.locator(f'#status-{step.pk}-done[aria-pressed="true"]').wait_for()
    page.locator("#next-step").get_by_role("link", name=_steps(4)[3].name).wait_for()
    page.wait_for_timeout(1_000)  # every late answer has landed
    assert page.locator("#next-step").get_by_role("link", name=_steps(4)[3].name).is_visible()


def test_the_goal_pages_have_no_axe_violations_in_light_and_dark_mode(
    site_content, page, django_user_model
):
    page.goto("/dashboard/")  # signed out: the sign-in page
    page.goto(ROADMAP)
    page.locator("#follow-button-data-scientist").click()
    page.get_by_role("button", name="Stop following the Data Scientist roadmap").wait_for()
    assert_no_axe_violations_in_light_and_dark(page)
    page.goto("/plan/")
    page.get_by_label("Hours a week").fill("0")
    page.get_by_role("button", name="Save my plan").click()
    page.get_by_text("Plan at least 1 hour a week.").wait_for()
    assert_no_axe_violations_in_light_and_dark(page)  # with the error shown
    page.get_by_label("Hours a week").fill("12")
    page.get_by_label("Finish by (optional)").fill("2027-06-30")
    page.get_by_role("button", name="Save my plan").click()
    page.get_by_text("12 hours a week").first.wait_for()
    assert_no_axe_violations_in_light_and_dark(page)
    # The signed-in dashboard, with a goal and without one.
    django_user_model.objects.create_user("goals", EMAIL, PASSWORD)
    browser_sign_in(page, EMAIL, PASSWORD)
    assert_no_axe_violations_in_light_and_dark(page)
    page.goto(ROADMAP)
    page.get_by_role("button", name="Stop following the Data Scientist roadmap").click()
    page.get_by_role("button", name="Follow this roadmap: Data Scientist").wait_for()
    page.goto("/dashboard/")
    page.get_by_role("heading", name="Choose your goal").wait_for()
    assert_no_axe_violations_in_light_and_dark(page)
    page.goto("/roadmaps/")
    assert_no_axe_violations_in_light_and_dark(page)
