"""Visitors read where facts come from in their own words: one Sources note names the two
course documents (the career paths overview and the role guide), facts where they differ are
labelled with those names, and the site's own groupings say "grouped by this site". The team's
shorthand for the documents ("the chapter", "the study notes") appears nowhere they can read."""

import json
import re

import pytest
from django.conf import settings

from careers.models import RoleStage, Source
from tests.content import build_content
from tests.html import select_one, text

# The team's names for the two documents and for its own choices, in any learner-facing text.
INTERNAL_WORDING = re.compile(
    r"study notes (?:list|give|put|state|say)|role study notes|the study notes|the notes\b"
    r"|\bchapter(?:'s|’s)?\b|site(?:'s|’s) mapping|according to the (?:study )?notes"
    r"|lifecycle overview|list them",
    re.IGNORECASE,
)
CONTENT_FILES = ["careers.json", "roadmaps.json", "quizzes.json"]
ROLE_SLUGS = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer", "mlops-engineer"]
CORE_FOUR = "roles=data-engineer&roles=data-analyst&roles=data-scientist&roles=ml-engineer"
PUBLIC_PAGES = [
    "/",
    "/roles/",
    *(f"/roles/{slug}/" for slug in ROLE_SLUGS),
    "/lifecycle/",
    "/skills/",
    f"/compare/?{CORE_FOUR}",
    "/roadmaps/",
    *(f"/roadmaps/{slug}/" for slug in ROLE_SLUGS),
    "/quizzes/",
    "/quizzes/knowledge/",
    "/quizzes/career-fit/",
]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_the_content_files_never_use_the_teams_names_for_the_sources(name):
    rows = json.loads((settings.BASE_DIR / "fixtures" / name).read_text())
    found = [
        text_
        for row in rows
        for field, value in row["fields"].items()
        if field != "source"  # the stored value, never shown; its label is the visitors' name
        for text_ in _strings(value)
        if INTERNAL_WORDING.search(text_)
    ]
    assert not found


def test_the_sources_are_labelled_with_the_names_the_footer_explains():
    assert Source.NOTES.label == "Role guide"
    assert Source.CHAPTER.label == "Career paths overview"


@pytest.mark.django_db
def test_the_footer_names_both_course_documents_once(client):
    build_content()
    html = client.get("/").content.decode()
    sources = text(select_one(html, "footer #sources"))
    assert html.count('id="sources"') == 1
    assert "career paths overview (“Career Paths and Job Roles in Machine Learning”)" in sources
    assert "role guide (study notes on the four core roles" in sources
    assert "grouped by this site" in sources


@pytest.mark.django_db
def test_a_stage_the_site_assigned_says_it_is_grouped_by_this_site(client):
    roles = build_content()
    RoleStage.objects.filter(role=roles[0]).update(source=Source.SITE)
    lifecycle = client.get("/lifecycle/").content.decode()
    role_page = client.get(roles[0].get_absolute_url()).content.decode()
    other_role_page = client.get(roles[1].get_absolute_url()).content.decode()
    assert "(grouped by this site)" in lifecycle
    assert "(grouped by this site)" in role_page
    assert "(grouped by this site)" not in other_role_page


def test_no_public_page_uses_the_teams_names_for_the_sources(site_content, client):
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not INTERNAL_WORDING.findall(html), (path, INTERNAL_WORDING.findall(html))
        assert html.count('id="sources"') == 1, path
    mle = client.get("/roles/ml-engineer/").content.decode()
    assert "The role guide gives monitoring to the ML engineer" in mle
    assert "Typical progression, as the role guide puts it" in mle
