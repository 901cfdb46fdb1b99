"""A role's admin pages: the role itself, and its longer lists each on a page of its own,
small enough to load fast and cheap however much content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.admin import ROLE_PARTS
from careers.models import Role, RoleSkill
from tests.content import admin_form_data, build_content, load_site_content
from tests.html import select, select_one, text

pytestmark = pytest.mark.django_db

FORM_INPUTS = ["input", "select", "textarea"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _pages(role) -> list[str]:
    return [reverse("admin:careers_role_change", args=[role.pk])] + [
        reverse("admin:careers_role_part", args=[role.pk, section]) for section in ROLE_PARTS
    ]


@pytest.mark.parametrize("scale", [1, 10])
def test_the_role_pages_answer_with_a_constant_number_of_queries(editor_client, scale):
    role = build_content(scale=scale)[0]
    main, *sections = [_queries(editor_client, url) for url in _pages(role)]
    # The same budgets at 1× and 10× content: nothing is fetched once per row.
    assert main <= 18
    assert max(sections) <= 14


@pytest.mark.slow
def test_the_role_page_stays_small_with_the_real_content(editor_client):
    load_site_content()
    for role in Role.objects.all():
        for url in _pages(role):
            response = editor_client.get(url)
            inputs = sum(len(select(response.content, tag)) for tag in FORM_INPUTS)
            assert inputs <= 150, (url, inputs)
            assert len(response.content) <= 100 * 1024, (url, len(response.content))


def test_the_role_page_links_to_each_of_its_parts_with_their_sizes(editor_client):
    role = build_content()[0]
    html = editor_client.get(reverse("admin:careers_role_change", args=[role.pk])).content
    skills = reverse("admin:careers_role_part", args=[role.pk, "skills"])
    link = select_one(html, f'nav.content-parts a[href="{skills}"]')
    assert text(link) == f"Skills ({role.role_skills.count()})"


def test_an_editor_changes_one_skill_of_a_role_on_its_skills_page(editor_client):
    role = build_content()[0]
    url = reverse("admin:careers_role_part", args=[role.pk, "skills"])
    data = admin_form_data(editor_client.get(url))
    link = role.role_skills.order_by("pk").first()
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("role_skills-") and key.endswith("-id") and value == link.pk
    )
    data[f"role_skills-{index}-detail"] = "expert level"
    data["_save"] = "Save"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert response["Location"] == reverse("admin:careers_role_change", args=[role.pk])
    assert RoleSkill.objects.get(pk=link.pk).detail == "expert level"
    role.refresh_from_db()
    assert role.summary == "Does thing 0"  # the role's own fields are not on that page


def test_an_unknown_part_of_a_role_is_not_found(editor_client):
    role = build_content()[0]
    url = reverse("admin:careers_role_part", args=[role.pk, "nothing"])
    assert editor_client.get(url).status_code == 404
