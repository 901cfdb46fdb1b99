"""The site's own look, as markup: the logo, the home page's three steps, the "on this page"
navigation of long pages (a role, a comparison, the skill catalogue) and the comparison's
folding sections. (How they behave in a browser: test_browser_page_layout.py.)"""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.content import build_content, load_site_content
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

CORE = "/compare/?roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"


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


def _on_this_page_targets(html: str) -> list[str]:
    links = select(html, "nav.on-this-page a")
    assert links
    return [attribute(link, "href") for link in links]


def test_every_on_this_page_link_of_a_role_page_leads_to_a_section_of_it(client):
    load_site_content()
    for slug in (
        "data-engineer",
        "data-scientist",
        "nlp-engineer",
    ):  # data systems, a diagram, none
        html = client.get(f"/roles/{slug}/").content.decode()
        for target in _on_this_page_targets(html):
            assert target.startswith("#")
            assert len(select(html, target)) == 1, f"{slug}: no section {target}"


def test_the_comparison_has_an_on_this_page_nav_whose_links_lead_to_its_sections(client):
    load_site_content()
    html = client.get(CORE).content.decode()
    targets = _on_this_page_targets(html)
    assert targets[:2] == ["#at-a-glance", "#aspects"]
    for target in targets:
        assert len(select(html, target)) == 1, f"no section {target}"


def test_the_skill_catalogue_s_group_nav_stays_in_view_and_leads_to_its_groups(client):
    build_content()
    html = client.get("/skills/").content.decode()
    for target in _on_this_page_targets(html):
        assert len(select(html, f"h2{target}")) == 1


def test_fewer_than_two_roles_show_no_on_this_page_nav(client):
    build_content()
    assert not select(client.get("/compare/?roles=role-0").content, "nav.on-this-page")


def test_the_comparison_s_long_sections_fold_the_reference_tables_closed(client):
    build_content(scale=2)
    query = "roles=role-0&roles=role-1&roles=role-2"
    for html in (
        client.get(f"/compare/?{query}").content.decode(),
        client.get(f"/compare/?{query}", HTTP_HX_REQUEST="true").content.decode(),
    ):
        folds = {
            attribute(section, "id"): select_one(section, "details.fold")
            for section in select(html, "section")
            if select(section, "details.fold")
        }
        assert list(folds) == ["aspects", "skills-by-tier", "tools-by-category", "salaries"]
        opened = [name for name, fold in folds.items() if attribute(fold, "open") is not None]
        assert opened == ["aspects"]
        for fold in folds.values():
            select_one(fold, "summary h2")  # the heading is the switch
        # Skill overlap is short: it stays open, outside any fold.
        assert not select(select_one(html, "section#overlap"), "details")
