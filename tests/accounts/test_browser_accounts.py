"""Accounts in a real browser: the learner's journey through signing up, the account page and
logging out and in, and every account page's accessibility in both colour modes."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches

from accounts.models import Profile
from tests.browser import assert_no_axe_violations_in_light_and_dark, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-long-learner-password"

VISITOR_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
]
LEARNER_PAGES = [
    "/accounts/profile/",
    "/accounts/delete/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/logout/",
]


@pytest.fixture(autouse=True)
def fresh_rate_limits(transactional_db):
    # allauth counts attempts in the rate-limit cache's table, which a flush leaves alone.
    caches["pages"].clear()
    cache.clear()
    yield
    caches["pages"].clear()
    cache.clear()


@pytest.fixture
def learner(transactional_db):
    return User.objects.create_user("jane", "jane@example.com", PASSWORD)


def log_in(page, email="jane@example.com", password=PASSWORD):
    sign_in(page, email, password)


def test_a_learner_signs_up_edits_their_account_logs_out_and_back_in(
    transactional_db, live_server, page
):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    main = page.get_by_role("main")
    main.get_by_label("Email").fill("new@example.com")
    # Both labels start with "Password"; crispy marks required fields with an asterisk.
    main.locator("#id_password1").fill(PASSWORD)
    main.locator("#id_password2").fill(PASSWORD)
    main.get_by_role("button", name="Sign Up").click()
    # The dashboard is built separately: the address is what this journey promises.
    page.wait_for_url("**/dashboard/")

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Account").click()
    assert page.locator("h1").inner_text() == "Your account"
    page.get_by_label("Display name").fill("New Learner")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your account settings were saved.").wait_for()
    assert page.get_by_label("Display name").input_value() == "New Learner"
    assert Profile.objects.get(user__email="new@example.com").display_name == "New Learner"

    nav.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert nav.get_by_role("link", name="Sign in").is_visible()

    log_in(page, email="new@example.com")
    assert nav.get_by_role("button", name="Sign out").is_visible()


def test_making_progress_public_shows_its_address(learner, page):
    log_in(page)
    page.goto("/accounts/profile/")
    page.get_by_label("Public profile name").fill("jane-learns")
    page.get_by_label("Make my progress public").check()
    page.get_by_role("button", name="Save").click()
    link = page.get_by_role("link", name="/u/jane-learns/")
    assert link.get_attribute("href").endswith("/u/jane-learns/")


def test_visitor_account_pages_have_no_axe_violations_in_light_and_dark_mode(
    transactional_db, page, subtests
):
    for path in VISITOR_PAGES:
        with subtests.test(path=path):
            page.goto(path)
            assert page.locator("h1").count() == 1
            assert_no_axe_violations_in_light_and_dark(page)


def test_learner_account_pages_have_no_axe_violations_in_light_and_dark_mode(
    learner, page, subtests
):
    log_in(page)  # once: none of these pages signs the learner out by being shown
    for path in LEARNER_PAGES:
        with subtests.test(path=path):
            page.goto(path)
            assert page.locator("h1").count() == 1
            assert_no_axe_violations_in_light_and_dark(page)


def test_forms_with_errors_have_no_axe_violations_in_light_and_dark_mode(learner, page):
    page.goto("/accounts/login/")
    main = page.get_by_role("main")
    main.get_by_label("Email").fill("jane@example.com")
    main.get_by_label("Password").fill("not-my-password")
    main.get_by_role("button", name="Sign In").click()
    main.get_by_text("not correct").wait_for()
    assert_no_axe_violations_in_light_and_dark(page)

    log_in(page)
    page.goto("/accounts/delete/")
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account and data").click()
    page.get_by_text("That is not your password.").wait_for()
    assert_no_axe_violations_in_light_and_dark(page)


def test_a_learner_deletes_their_account(learner, page):
    log_in(page)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and data").click()
    page.get_by_text("Your account and all your data were deleted.").wait_for()
    assert not User.objects.filter(username="jane").exists()


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_header_fits_a_phone_and_its_account_links_open_from_the_menu(learner, page, signed_in):
    if signed_in:
        log_in(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/profile/" if signed_in else "/accounts/login/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    page.get_by_role("button", name="Show navigation").click()
    nav = page.get_by_role("navigation", name="Main")
    if signed_in:
        nav.get_by_role("button", name="Sign out").wait_for(state="visible")
        assert nav.get_by_role("link", name="Account").is_visible()
    else:
        nav.get_by_role("link", name="Sign up").wait_for(state="visible")


def test_the_header_stays_on_one_line_on_wide_screens_when_signed_in(learner, page, subtests):
    log_in(page)
    for width in [992, 1024, 1200, 1280, 1920]:
        with subtests.test(width=width):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto("/accounts/profile/")
            nav = page.get_by_role("navigation", name="Main")
            brand = nav.get_by_role("link", name="ML Career Paths").bounding_box()
            assert not nav.get_by_role("button", name="Show navigation").is_visible()
            for item in [
                nav.get_by_role("link", name="Skills"),
                nav.get_by_role("link", name="Review"),
                nav.get_by_role("button", name="Sign out"),
                nav.get_by_role("button", name="Colour mode"),
            ]:
                box = item.bounding_box()
                assert box["y"] + box["height"] / 2 == pytest.approx(
                    brand["y"] + brand["height"] / 2, abs=4
                )
                assert box["height"] < 2 * brand["height"]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0
