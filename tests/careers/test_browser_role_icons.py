"""The role icons in a real browser: the sprite loads under the site's CSP (the page fixture
fails on any console error) and every icon is drawn, in both colour modes."""

import pytest

pytestmark = pytest.mark.browser

# Each icon's own box and the box of the shape it draws from the sprite: a <use> whose symbol
# did not load keeps its 1em box but has an empty shape.
ICON_SIZES = """selector => Array.from(document.querySelectorAll(selector), svg => {
    const box = svg.getBoundingClientRect();
    const shape = svg.querySelector("use").getBBox();
    return [box.width, box.height, shape.width, shape.height];
})"""


def test_every_role_icon_on_the_home_page_is_drawn_with_a_size(site_content, page, page_dark):
    selector = ".role-card svg.role-icon, .team-diagram svg.role-icon"
    for tab in (page, page_dark):
        tab.goto("/")
        assert tab.locator(".role-card svg.role-icon").count() == 9
        assert tab.locator(".team-diagram svg.role-icon").count() >= 7
        tab.wait_for_function(
            f"Array.from(document.querySelectorAll({selector!r}))"
            ".every(svg => svg.querySelector('use').getBBox().width > 0)"
        )
        for width, height, shape_width, shape_height in tab.evaluate(ICON_SIZES, selector):
            assert width >= 10 and height >= 10
            assert shape_width > 0 and shape_height > 0
        # Drawn in the text colour, so the icon follows the colour mode.
        colours = tab.evaluate(
            """() => { const svg = document.querySelector(".role-card svg.role-icon");
            return [getComputedStyle(svg).color, getComputedStyle(svg.closest("h3")).color]; }"""
        )
        assert colours[0] == colours[1]
