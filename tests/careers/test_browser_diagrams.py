"""The diagrams in a real browser: no accessibility violations in either colour mode, and no
page made wider than a 360 px phone. (The fixture fails a test on any console error, so a
diagram that broke the Content-Security-Policy would fail here too.)"""

import pytest

from roadmaps.models import Roadmap, Status
from roadmaps.services import progress_set
from tests.browser import assert_no_axe_violations_in_light_and_dark, switch_colour_mode
from tests.conftest import PASSWORD
from tests.content import load_site_content

pytestmark = pytest.mark.browser

CORE_FOUR = "roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"
DIAGRAMS = [
    ("/", ".team-diagram"),
    ("/lifecycle/", ".team-diagram"),
    ("/roles/", ".role-salaries"),
    ("/roles/data-engineer/", ".systems-diagram"),
    ("/roles/data-analyst/", ".dashboard-diagram"),
    ("/roles/data-scientist/", ".workflow-diagram"),
    ("/roles/ml-engineer/", ".architecture-diagram"),
    (f"/compare/?{CORE_FOUR}", ".role-matrix"),
    ("/roadmaps/", ".roadmaps-overview"),
    ("/roadmaps/data-scientist/", ".roadmap-timeline"),
]


@pytest.fixture
def content(transactional_db):
    load_site_content()


@pytest.fixture
def learner_with_progress(content, learner):
    steps = Roadmap.objects.get(role__slug="data-scientist").steps()
    plan = [Status.DONE, Status.DONE, Status.LEARNING, Status.SKIPPED]
    for step, status in zip(steps, plan, strict=False):
        kind = "project" if step.project_id else "skill"
        progress_set(user=learner, status=status, **{kind: step.target})
    return learner


def _sign_in(page, user):
    page.goto("/accounts/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill(user.email)
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# One tab for all of them: the content is loaded once, not once per diagram.
def test_each_diagram_has_no_axe_violations_in_light_and_dark_mode(content, page, subtests):
    for path, selector in DIAGRAMS:
        with subtests.test(path=path, diagram=selector):
            page.goto(path)
            assert page.locator(selector).count() == 1
            assert_no_axe_violations_in_light_and_dark(page, context=selector)


def test_pages_with_diagrams_fit_a_360_pixel_wide_phone(content, page, subtests):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in sorted({path for path, _ in DIAGRAMS}):
        with subtests.test(path=path):
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than the screen"


@pytest.mark.parametrize("path", ["/roadmaps/", "/roadmaps/data-scientist/"])
def test_the_timeline_with_a_learners_progress_has_no_axe_violations(
    learner_with_progress, page, path
):
    _sign_in(page, learner_with_progress)
    page.goto(path)
    timeline = page.locator(".roadmap-timeline")
    assert timeline.locator(".step-chip.status-done").count() >= 2
    assert timeline.locator(".step-chip.status-learning").count() >= 1
    assert_no_axe_violations_in_light_and_dark(page, context=".roadmap-timeline")
    page.set_viewport_size({"width": 360, "height": 740})
    for mode in ["light", "dark"]:
        switch_colour_mode(page, mode)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
