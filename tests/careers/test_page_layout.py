"""The site's own look, as markup: the logo and the home page's three steps."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.content import build_content
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_logo_beside_the_site_s_name(client):
    build_content()
    brand = select_one(client.get("/").content, "header a.navbar-brand")
    logo = select_one(brand, "img.brand-mark")
    assert attribute(logo, "src") == static("img/logo.svg")
    assert attribute(logo, "alt") == ""  # the name beside it says it
    assert text(brand) == "ML Career Paths"
    assert finders.find("img/logo.svg") and finders.find("img/favicon.svg")


def test_the_home_page_leads_through_three_numbered_steps_before_the_roles(client):
    build_content()
    html = client.get("/").content.decode()
    steps = select(html, "ol.journey-steps li")
    assert [text(select_one(step, "span.journey-number")) for step in steps] == ["1", "2", "3"]
    first, second, third = ([attribute(a, "href") for a in select(step, "a")] for step in steps)
    assert "/quizzes/career-fit/" in first
    assert any(href.startswith("/compare/?roles=") for href in second)
    assert "/roadmaps/" in third
    assert html.index("journey-steps") < html.index('id="core-roles"')
