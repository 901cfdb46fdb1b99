"""Long pages in a real browser: the "on this page" navigation stays in view while the page
scrolls and keeps what it leads to uncovered; the comparison's sections fold and unfold from
the keyboard and are accessible unfolded, in both colour modes."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_no_axe_violations_in_light_and_dark
from tests.content import load_site_content

pytestmark = pytest.mark.browser

CORE = "/compare/?roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"


@pytest.fixture
def content(transactional_db):
    load_site_content()


def _assert_in_view_at_the_top(page, nav) -> dict:
    box = nav.bounding_box()
    assert 0 <= box["y"] <= 1, f"the section nav is at {box['y']}px, not at the top"
    assert nav.is_visible()
    # Nothing is drawn over it: the point at its middle belongs to it.
    covered = nav.evaluate(
        "nav => !nav.contains(document.elementFromPoint(nav.getBoundingClientRect().left + 20,"
        " nav.getBoundingClientRect().top + nav.getBoundingClientRect().height / 2))"
    )
    assert not covered
    return box


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("path", "link", "target"),
    [
        ("/roles/data-scientist/", "Career & salary", "#career"),
        (CORE, "Skill overlap", "#overlap-heading"),
        ("/skills/", "Soft skills", "#group-soft"),
    ],
)
def test_the_section_nav_stays_in_view_and_what_it_leads_to_is_not_under_it(
    content, page, width, path, link, target
):
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(reduced_motion="reduce")  # Bootstrap scrolls smoothly otherwise
    page.goto(path)
    nav = page.locator("nav.on-this-page")
    assert nav.bounding_box()["y"] > 0  # in the page's flow at first
    page.evaluate("window.scrollTo(0, 2500)")
    assert page.evaluate("window.scrollY") >= 2000
    _assert_in_view_at_the_top(page, nav)

    nav.get_by_role("link", name=link).click()
    page.wait_for_url(f"**{target.removesuffix('-heading')}")
    box = _assert_in_view_at_the_top(page, nav)
    heading = page.locator(target).bounding_box()
    assert heading["y"] >= box["y"] + box["height"], "the section's heading is under the nav"
    assert heading["y"] < 800
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_on_a_phone_the_section_nav_is_one_row_that_scrolls_sideways(content, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/roles/data-engineer/")
    links = page.get_by_role("navigation", name="On this page").get_by_role("link")
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all())}
    assert len(tops) == 1, "the links wrap onto several rows"
    row = page.locator(".on-this-page .nav")
    assert row.evaluate("row => row.scrollWidth > row.clientWidth")
    links.last.focus()  # the keyboard reaches the last one, scrolled into view
    assert row.evaluate("row => row.scrollLeft > 0")


def test_the_comparison_s_sections_fold_and_unfold_from_the_keyboard(content, page):
    page.goto(CORE)
    aspects = page.locator("#aspects details")
    skills = page.locator("#skills-by-tier details")
    tools = page.locator("#tools-by-category details")
    tools_table = page.get_by_role("table", name="Tools each role uses")
    assert aspects.evaluate("details => details.open")
    assert not skills.evaluate("details => details.open")
    expect(tools_table).to_be_hidden()

    # Tab from one closed section's heading goes straight to the next one's.
    page.locator("#skills-by-tier summary").focus()
    page.keyboard.press("Tab")
    summary = page.locator("#tools-by-category summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(tools_table).to_be_visible()
    assert tools.evaluate("details => details.open")
    page.keyboard.press(" ")
    expect(tools_table).to_be_hidden()
    page.keyboard.press("Space")
    expect(tools_table).to_be_visible()

    # The open section folds away too; a comparison swapped in by htmx folds the same way.
    page.locator("#aspects summary").focus()
    page.keyboard.press("Enter")
    assert not aspects.evaluate("details => details.open")
    page.get_by_role("checkbox", name="Data Analyst").uncheck()
    page.wait_for_url("**/compare/?roles=data-engineer&roles=data-scientist&roles=ml-engineer")
    expect(page.locator("#comparison caption").first).to_contain_text("Data Engineer vs Data")
    page.locator("#salaries summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#salaries figure").first).to_be_visible()


def test_the_comparison_unfolded_has_no_axe_violations_in_light_and_dark_mode(content, page):
    page.goto(CORE)
    page.eval_on_selector_all("details", "all => all.forEach(details => { details.open = true })")
    assert_no_axe_violations_in_light_and_dark(page)


def test_a_printed_comparison_shows_the_folded_sections_and_no_section_nav(content, page):
    page.goto(CORE)
    tools_table = page.get_by_role("table", name="Tools each role uses")
    expect(tools_table).to_be_hidden()
    page.emulate_media(media="print")
    expect(tools_table).to_be_visible()
    expect(page.get_by_role("navigation", name="On this page")).to_be_hidden()
