"""The comparison page in a real browser: htmx swaps the comparison and keeps the address
shareable; the page is accessible in both colour modes and usable on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_no_axe_violations_in_light_and_dark
from tests.content import load_site_content

pytestmark = pytest.mark.browser

CORE = "/compare/?roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"


@pytest.fixture
def content(transactional_db):
    load_site_content()


def test_ticking_roles_swaps_the_comparison_and_the_address_can_be_shared(content, page):
    page.goto("/compare/")
    assert "Choose at least two roles" in page.locator("#comparison").inner_text()
    page.get_by_role("checkbox", name="Data Scientist").check()
    page.get_by_role("checkbox", name="Machine Learning Engineer").check()
    caption = page.locator("#comparison caption").first
    caption.wait_for()
    assert "Data Scientist vs Machine Learning Engineer" in caption.inner_text()
    page.wait_for_url("**/compare/?roles=data-scientist&roles=ml-engineer")
    # The checkbox keeps focus: only the comparison was replaced.
    assert page.evaluate("document.activeElement.id") == "pick-ml-engineer"
    page.get_by_role("checkbox", name="NLP Engineer").check()
    page.wait_for_url("**roles=nlp-engineer")
    assert "vs NLP Engineer" in page.locator("#comparison caption").first.inner_text()
    shared = page.url
    page.reload()
    assert page.url == shared
    assert "Data Scientist vs Machine Learning Engineer vs NLP Engineer" in (
        page.locator("#comparison caption").first.inner_text()
    )
    assert page.get_by_role("checkbox", name="NLP Engineer").is_checked()


def test_the_back_button_returns_to_the_previous_comparison(content, page):
    page.goto("/compare/?roles=data-scientist&roles=ml-engineer")
    page.get_by_role("checkbox", name="Data Engineer").check()
    page.wait_for_url("**roles=data-engineer**")
    page.go_back()
    page.wait_for_url("**/compare/?roles=data-scientist&roles=ml-engineer")
    _wait_for_caption(page, "Data Scientist vs Machine Learning Engineer")


def test_without_javascript_the_picker_submits_a_get_form(content, page_without_javascript):
    page = page_without_javascript
    page.goto("/compare/")
    page.get_by_role("checkbox", name="Data Analyst").check()
    page.get_by_role("checkbox", name="Data Engineer").check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**roles=data-engineer&roles=data-analyst")
    assert "Data Engineer vs Data Analyst" in page.locator("#comparison caption").first.inner_text()


def test_the_comparison_has_no_axe_violations_in_light_and_dark_mode(content, page):
    page.goto(CORE)
    assert_no_axe_violations_in_light_and_dark(page)


def test_on_a_phone_the_table_scrolls_inside_the_page(content, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(CORE)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    region = page.locator(".comparison-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")


def _ticked(page) -> list[str]:
    return page.eval_on_selector_all(
        ".compare-picker input[name=roles]:checked", "boxes => boxes.map(box => box.value)"
    )


def _caption(page) -> str:
    return page.locator("#comparison caption").first.inner_text()


def _wait_for_caption(page, roles: str) -> None:
    """Back and Forward fetch the page, so the table follows the address a moment later."""
    expect(page.locator("#comparison caption").first).to_have_text(f"{roles}, aspect by aspect")


def test_back_and_forward_keep_the_ticked_boxes_the_table_and_the_address_in_step(content, page):
    """The page fixture fails the test on any console error, such as a CSP violation."""
    page.goto("/compare/?roles=data-scientist&roles=ml-engineer")
    page.get_by_role("checkbox", name="Data Engineer").check()
    page.wait_for_url("**/compare/?roles=data-engineer&roles=data-scientist&roles=ml-engineer")
    page.get_by_role("checkbox", name="NLP Engineer").check()
    page.wait_for_url("**roles=nlp-engineer")
    three = "Data Engineer vs Data Scientist vs Machine Learning Engineer"
    assert _caption(page).startswith(three + " vs NLP Engineer")

    page.go_back()
    page.wait_for_url("**/compare/?roles=data-engineer&roles=data-scientist&roles=ml-engineer")
    _wait_for_caption(page, three)
    assert _ticked(page) == ["data-engineer", "data-scientist", "ml-engineer"]

    page.go_back()
    page.wait_for_url("**/compare/?roles=data-scientist&roles=ml-engineer")
    _wait_for_caption(page, "Data Scientist vs Machine Learning Engineer")
    assert _ticked(page) == ["data-scientist", "ml-engineer"]

    page.go_forward()
    page.wait_for_url("**/compare/?roles=data-engineer&roles=data-scientist&roles=ml-engineer")
    _wait_for_caption(page, three)
    assert _ticked(page) == ["data-engineer", "data-scientist", "ml-engineer"]

    # Ticking one more adds it to the comparison shown, and htmx still drives the form.
    page.get_by_role("checkbox", name="Data Analyst").check()
    page.wait_for_url(
        "**/compare/?roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"
    )
    _wait_for_caption(
        page, "Data Engineer vs Data Analyst vs Data Scientist vs Machine Learning Engineer"
    )
    assert _ticked(page) == ["data-engineer", "data-analyst", "data-scientist", "ml-engineer"]
    assert page.evaluate("document.activeElement.id") == "pick-data-analyst"
    page.evaluate("0")
    assert page.console_errors == []
