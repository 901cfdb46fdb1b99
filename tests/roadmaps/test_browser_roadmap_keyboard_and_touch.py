"""A roadmap page from the keyboard and on a touch screen: a skip link to the steps, a focus
indicator that can be seen in both colour modes, and controls big enough for a finger."""

import pytest

from tests.content import load_site_content

pytestmark = pytest.mark.browser

ROADMAP = "/roadmaps/data-scientist/"

# WCAG's relative luminance and contrast ratio of two computed `rgb(…)` colours.
CONTRAST = """([first, second]) => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


@pytest.fixture
def content(transactional_db):
    load_site_content()


def _tabs_to_first_step(page) -> int:
    first = page.locator("fieldset.step-status button").first
    for presses in range(1, 200):
        page.keyboard.press("Tab")
        if first.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError("Tab never reached the first step")


def test_the_skip_link_to_the_steps_is_among_the_first_tab_stops_and_moves_focus_there(
    content, page
):
    page.goto(ROADMAP)
    skip = page.get_by_role("link", name="Skip to the steps")
    for _ in range(3):
        page.keyboard.press("Tab")
        if skip.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("The skip link to the steps is not among the first three stops")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "steps"
    assert _tabs_to_first_step(page) <= 3


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_focused_status_button_has_a_visible_outline_in_both_colour_modes(
    content, page, page_dark, mode
):
    tab = page if mode == "light" else page_dark
    tab.goto(ROADMAP)
    assert tab.locator("html").get_attribute("data-bs-theme") == mode
    button = tab.locator("fieldset.step-status button").first
    button.focus()
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")  # a keyboard focus, so :focus-visible applies
    style = button.evaluate(
        """element => {
          const style = getComputedStyle(element);
          return {width: parseFloat(style.outlineWidth), outline: style.outlineColor,
                  outlineStyle: style.outlineStyle,
                  page: getComputedStyle(document.body).backgroundColor};
        }"""
    )
    assert style["outlineStyle"] != "none"
    assert style["width"] >= 2
    assert tab.evaluate(CONTRAST, [style["outline"], style["page"]]) >= 3


def test_every_button_on_a_roadmap_page_is_a_touch_target_on_a_phone(content, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ROADMAP)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('main button, main .btn, main .nav-link')]
          .filter((element) => element.offsetParent !== null)
          .map((element) => {
            const box = element.getBoundingClientRect();
            return [element.textContent.trim().slice(0, 30), box.width, box.height];
          })"""
    )
    assert sizes
    small = [size for size in sizes if size[1] < 44 or size[2] < 44]
    assert not small, small
