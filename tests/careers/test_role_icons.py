"""Role icons are the site's own SVG symbols, drawn in the text colour, so they show on a
machine without an emoji font; editors choose one per role from the sprite's names."""

import importlib
import json
import re
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.templatetags.static import static

from careers.models import Role, RoleIcon
from tests.content import REAL_ROLE_SLUGS as ROLE_SLUGS  # in display order
from tests.html import attribute, select

SVG = "{http://www.w3.org/2000/svg}"
# Emoji and the pictographs keyboards offer as emoji (⚙ U+2699 among them), and the variation
# selector that asks for the emoji form. The site's own marks (✓, arrows) lie outside these.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\ufe0f]")
CORE_FOUR = "roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"
PUBLIC_PAGES = [
    "/",
    "/roles/",
    *(f"/roles/{slug}/" for slug in ROLE_SLUGS),
    "/lifecycle/",
    f"/compare/?{CORE_FOUR}",
    "/roadmaps/",
    *(f"/roadmaps/{slug}/" for slug in ROLE_SLUGS),
]


def _sprite_symbols() -> dict[str, ElementTree.Element]:
    tree = ElementTree.parse(finders.find("img/role-icons.svg"))
    return {symbol.get("id"): symbol for symbol in tree.getroot().iter(f"{SVG}symbol")}


def _render(source: str, **context) -> str:
    return Template("{% load careers_tags %}" + source).render(Context(context))


def test_the_sprite_has_a_symbol_for_every_icon_an_editor_can_choose_and_no_other():
    assert set(_sprite_symbols()) == set(RoleIcon.values)


def test_every_symbol_is_drawn_in_the_text_colour_on_the_same_grid():
    for name, symbol in _sprite_symbols().items():
        assert symbol.get("viewBox") == "0 0 24 24", name
        colours = {
            element.get(attr)
            for element in symbol.iter()
            for attr in ("fill", "stroke")
            if element.get(attr) is not None
        }
        assert colours <= {"none", "currentColor"}, name
        assert "style" not in {attr for element in symbol.iter() for attr in element.attrib}


def test_every_role_in_the_content_files_has_an_icon_from_the_sprite():
    content = json.loads((settings.BASE_DIR / "fixtures" / "careers.json").read_text())
    icons = {
        row["fields"]["slug"]: row["fields"]["icon"]
        for row in content
        if row["model"] == "careers.role"
    }
    assert sorted(icons) == sorted(ROLE_SLUGS)
    assert set(icons.values()) <= set(_sprite_symbols())
    assert len(set(icons.values())) == len(icons), "each role has its own icon"


def test_the_icon_tag_draws_the_sprites_symbol_as_decoration():
    html = _render('{% role_icon "gear" %}')
    (svg,) = select(html, "svg.role-icon")
    assert attribute(svg, "aria-hidden") == "true"
    assert attribute(svg, "focusable") == "false"
    assert (attribute(svg, "width"), attribute(svg, "height")) == ("1em", "1em")
    assert attribute(select(svg, "use")[0], "href") == static("img/role-icons.svg") + "#gear"


def test_the_icon_tag_draws_nothing_for_a_blank_or_unknown_icon():
    assert _render('{% role_icon "" %}') == ""
    assert _render('{% role_icon "🏗️" %}') == ""


@pytest.mark.django_db
def test_the_migration_turns_each_roles_emoji_into_the_sites_icon():
    migration = importlib.import_module("careers.migrations.0010_role_icon_choices")
    emoji = {"one": "🏗️", "two": "⚙", "three": "🔬", "four": "🦄", "five": ""}
    for slug, icon in emoji.items():
        Role.objects.create(slug=slug, name=slug, short_name=slug, summary="s", icon=icon)
    migration.emoji_to_icons(apps, None)
    icons = dict(Role.objects.values_list("slug", "icon"))
    assert icons == {
        "one": "database",
        "two": "gear",
        "three": "microscope",
        "four": "",
        "five": "",
    }
    migration.icons_to_emoji(apps, None)
    assert Role.objects.get(slug="one").icon == "🏗️"


def test_the_role_admin_offers_the_sprites_icons_as_choices():
    field = Role._meta.get_field("icon")
    assert field.editable and field.blank
    assert [value for value, _ in field.choices] == RoleIcon.values


def test_no_public_page_shows_an_emoji_and_every_role_icon_comes_from_the_sprite(
    site_content, client
):
    sprite = static("img/role-icons.svg")
    icons = dict(Role.objects.values_list("slug", "icon"))
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not EMOJI.findall(html), (path, EMOJI.findall(html))
        uses = [attribute(use, "href") for use in select(html, "svg.role-icon use")]
        assert uses or path.startswith("/roadmaps/"), path  # a roadmap's page names one role
        assert {href.partition("#")[0] for href in uses} <= {sprite}, path
        assert {href.partition("#")[2] for href in uses} <= set(RoleIcon.values), path
    home = client.get("/").content.decode()
    for slug, icon in icons.items():
        card = select(home, f"article.role-{slug}")[0]
        assert attribute(select(card, "svg.role-icon use")[0], "href") == f"{sprite}#{icon}"
