"""Layout in a real browser at a phone's 390 px and a desktop's 1280 px: the footer at the foot
of a short page, nothing wider than the phone, the role tables and a learner's level bars lined
up, checkboxes and radio buttons big enough for a finger, and axe clean in both colour modes."""

import pytest

from accounts.models import Profile
from roadmaps.models import Roadmap, Status
from roadmaps.services import progress_set
from tests.browser import assert_no_axe_violations_in_light_and_dark
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Each checkbox or radio button with its label: the box's size and the label's height.
TARGETS = """() => [...document.querySelectorAll("main .form-check")].map((check) => {
  const box = check.querySelector("input").getBoundingClientRect();
  const label = check.querySelector("label").getBoundingClientRect();
  return {name: label.width && check.textContent.trim(), box: box.width, label: label.height};
})"""


@pytest.fixture
def learner_with_public_progress(site_content, learner):
    Profile.objects.update_or_create(user=learner, defaults={"progress_is_public": True})
    steps = Roadmap.objects.get(role__slug="data-scientist").steps()
    for step, status in zip(steps, [Status.DONE, Status.DONE, Status.SKIPPED], strict=False):
        kind = "project" if step.project_id else "skill"
        progress_set(user=learner, status=status, **{kind: step.target})
    return learner


def _sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill(user.email)
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _assert_big_targets(page) -> None:
    targets = page.evaluate(TARGETS)
    assert targets, f"no checkbox or radio button on {page.url}"
    for target in targets:
        assert target["label"] >= 44, target
        assert target["box"] >= 20, target  # 1.25em, not Bootstrap's 16px


def _lefts(page, selector: str) -> list[int]:
    return page.locator(selector).evaluate_all(
        "elements => elements.map(e => Math.round(e.getBoundingClientRect().left))"
    )


def test_on_a_phone_nothing_is_wider_than_the_screen_and_every_choice_is_a_big_target(
    site_content, page
):
    page.set_viewport_size(PHONE)
    page.goto("/roles/data-scientist/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    code = page.locator(".code-example")
    assert code.evaluate("box => box.scrollWidth > box.clientWidth")  # it scrolls, not the page

    page.goto("/roles/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    core, specialized = (_lefts(page, f"table.role-table >> nth={n} >> thead th") for n in (0, 1))
    assert core == specialized

    page.goto("/compare/")
    _assert_big_targets(page)
    page.goto("/quizzes/career-fit/")
    page.locator("#start").click()
    page.wait_for_url("**/sittings/**")
    _assert_big_targets(page)


def test_on_a_desktop_the_role_tables_line_up_and_a_short_page_keeps_its_footer_down(
    site_content, page
):
    page.set_viewport_size(DESKTOP)
    page.goto("/roles/")
    core, specialized = (_lefts(page, f"table.role-table >> nth={n} >> thead th") for n in (0, 1))
    assert core == specialized

    page.goto("/accounts/password/reset/")
    footer = page.locator("body > footer").bounding_box()
    assert footer["y"] + footer["height"] == pytest.approx(DESKTOP["height"], abs=1)
    assert page.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"]


def test_a_learners_level_bars_start_at_one_edge_and_the_current_status_shows_without_js(
    learner_with_public_progress, page_without_javascript
):
    page = page_without_javascript
    _sign_in(page, learner_with_public_progress)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto("/u/learner/")
        labels = page.locator(".level-progress li > span")
        assert labels.count() >= 3  # three levels on each roadmap started
        bars = _lefts(page, ".level-progress svg")
        assert len(set(bars)) == 1, f"at {viewport['width']}px the bars start at {set(bars)}"
        heights = labels.evaluate_all("spans => spans.map(s => s.getBoundingClientRect().height)")
        assert max(heights) < 1.5 * min(heights), "a level's name wraps"  # one line each

    page.set_viewport_size(PHONE)
    page.goto("/accounts/profile/")
    _assert_big_targets(page)

    page.goto("/roadmaps/data-scientist/")
    first_step = page.locator(".roadmap-step").first
    # Announced as "Done", pressed: the tick drawn before it is not read out as well.
    assert first_step.get_by_role("button", pressed=True).count() == 1
    assert first_step.get_by_role("button", name="Done", exact=True, pressed=True).count() == 1
    weights = first_step.locator("fieldset button").evaluate_all(
        "buttons => buttons.map(b => getComputedStyle(b).fontWeight)"
    )
    assert weights == ["400", "400", "600", "400"]  # seen as current without JavaScript


def test_the_pages_these_fixes_touch_have_no_axe_violations_in_light_and_dark(
    learner_with_public_progress, page
):
    _sign_in(page, learner_with_public_progress)
    for path in [
        "/lifecycle/",
        "/roles/",
        "/compare/?roles=data-engineer&roles=data-scientist",
        "/u/learner/",
        "/accounts/profile/",
    ]:
        page.goto(path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_no_axe_violations_in_light_and_dark(page)
