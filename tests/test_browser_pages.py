"""The careers pages in a real browser: accessibility in both colour modes, small screens,
keyboard use and the colour-mode toggle."""

import pytest

from tests.browser import assert_no_axe_violations_in_light_and_dark
from tests.content import load_site_content

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/roles/",
    "/roles/data-engineer/",
    "/roles/data-analyst/",
    "/roles/data-scientist/",
    "/roles/ml-engineer/",
    "/roles/mlops-engineer/",
    "/roles/research-scientist/",
    "/roles/computer-vision-engineer/",
    "/roles/nlp-engineer/",
    "/roles/ai-product-manager/",
    "/lifecycle/",
    "/skills/",
    "/skills/sql/",
    "/accessibility/",
    "/roles/no-such-role/",
]


@pytest.fixture
def content(transactional_db):
    load_site_content()


def test_every_page_has_no_axe_violations_in_light_and_dark_mode(content, page, subtests):
    # One browser tab for every page (the content is loaded once), each page loaded once
    # and switched to the other colour mode; every other page loads in dark mode, so loading
    # in either mode is seen too.
    for number, path in enumerate(PAGES):
        with subtests.test(path=path):
            mode = "dark" if number % 2 else "light"
            page.emulate_media(color_scheme=mode)
            page.goto(path)
            assert page.locator("html").get_attribute("data-bs-theme") == mode
            assert page.locator("h1").count() == 1
            assert_no_axe_violations_in_light_and_dark(page)


def test_pages_fit_a_360_pixel_wide_phone(content, page, subtests):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in PAGES[:-1]:
        with subtests.test(path=path):
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than the screen"


def test_the_colour_mode_toggle_cycles_and_is_remembered(content, page):
    page.goto("/")
    toggle = page.get_by_role("button", name="Colour mode")
    assert toggle.is_visible()
    assert "auto" in toggle.inner_text()
    toggle.click()  # auto → light
    assert "light" in toggle.inner_text()
    toggle.click()  # light → dark
    assert page.locator("html").get_attribute("data-bs-theme") == "dark"
    page.goto("/roles/")
    assert page.locator("html").get_attribute("data-bs-theme") == "dark"
    assert "dark" in page.get_by_role("button", name="Colour mode").inner_text()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(content, page):
    page.goto("/roles/data-scientist/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_menu_opens_from_the_keyboard_on_a_phone(content, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    roles_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Roles")
    assert not roles_link.is_visible()
    toggler = page.get_by_role("button", name="Show navigation")
    assert toggler.bounding_box()["height"] >= 44
    toggler.focus()
    page.keyboard.press("Enter")
    roles_link.wait_for(state="visible")
    roles_link.click()
    assert page.url.endswith("/roles/")


def test_without_javascript_the_menu_reaches_every_section_on_a_phone(
    content, page_without_javascript
):
    page = page_without_javascript
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    assert not menu.get_by_role("button", name="Show navigation").is_visible()
    for name in ["Roles", "Compare", "Roadmaps", "Quizzes", "Lifecycle", "Skills", "Sign in"]:
        link = menu.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), name
        assert link.bounding_box()["height"] >= 44, name
    menu.get_by_role("link", name="Skills").click()
    assert page.url.endswith("/skills/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    assert page.url.endswith("/accounts/login/")


def test_the_footer_links_to_the_main_sections(content, page_without_javascript):
    page = page_without_javascript
    page.goto("/lifecycle/")
    footer = page.get_by_role("navigation", name="Site")
    for name, path in [
        ("Roles", "/roles/"),
        ("Compare roles", "/compare/"),
        ("Roadmaps", "/roadmaps/"),
        ("Quizzes", "/quizzes/"),
        ("ML lifecycle", "/lifecycle/"),
        ("Skills", "/skills/"),
        ("Study plan", "/plan/"),
    ]:
        assert footer.get_by_role("link", name=name, exact=True).get_attribute("href") == path


def test_a_learner_goes_from_the_home_page_to_a_role_and_a_skill(content, page):
    page.goto("/")
    page.get_by_role("link", name="Data Scientist", exact=True).first.click()
    page.wait_for_url("**/roles/data-scientist/")
    assert page.locator("h1").inner_text().endswith("Data Scientist")
    page.get_by_role("link", name="SQL", exact=True).first.click()
    page.wait_for_url("**/skills/sql/")
    assert page.locator("h1").inner_text() == "SQL"
    assert page.get_by_role("link", name="Data Engineer").first.is_visible()


def test_the_example_code_can_be_scrolled_from_the_keyboard(content, page):
    page.goto("/roles/ml-engineer/")
    region = page.get_by_role("region", name="Example code")
    region.focus()
    assert region.evaluate("element => element === document.activeElement")
