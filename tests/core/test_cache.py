"""What the caches keep is chosen by content, never by the address a visitor types: junk
query strings, unknown slugs and junk comparisons are answered but not kept."""

import pytest
from django.core.cache import caches

from core.cache import live_parts
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roles():
    roles = build_content(scale=2)  # four roles: role-0 … role-3
    build_roadmaps(roles)
    return roles


def kept_pages() -> int:
    return len(caches["pages"]._cache)  # LocMemCache, as tests run without REDIS_URL


def kept_parts() -> int:
    return len(live_parts._parts)


def test_a_comparison_in_its_normal_form_is_kept_once_for_visitors(client, roles):
    first = client.get("/compare/?roles=role-0&roles=role-1")
    pages = kept_pages()
    again = client.get("/compare/?roles=role-0&roles=role-1")

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert pages == 1
    assert kept_pages() == 1


def test_junk_comparisons_are_answered_but_grow_no_cache(client, roles):
    client.get("/compare/?roles=role-0&roles=role-1&roles=role-2&roles=role-3")
    pages, parts = kept_pages(), kept_parts()

    for n in range(30):
        response = client.get(
            f"/compare/?roles=role-0&roles=role-1&roles=role-2&roles=role-3&roles=zz{n}"
        )
        assert response.status_code == 200
        assert f"zz{n}" in response.content.decode()  # named as unknown
    for n in range(10):
        assert client.get(f"/compare/?roles=role-1&roles=role-0&x{n}=1").status_code == 200
        assert client.get(f"/compare/?roles=role-0&roles=zz{n}", **HTMX).status_code == 200

    assert (kept_pages(), kept_parts()) == (pages, parts)


def test_a_comparison_asked_in_another_order_keeps_that_order_without_being_kept(client, roles):
    client.get("/compare/?roles=role-0&roles=role-2")
    pages = kept_pages()

    html = client.get("/compare/?roles=role-2&roles=role-0").content.decode()

    assert html.index("Role 2 vs Role 0") > 0
    assert kept_pages() == pages


def test_signed_in_junk_comparisons_keep_no_new_content_part(learner_client, roles):
    learner_client.get("/compare/?roles=role-0&roles=role-1")
    parts = kept_parts()

    for n in range(30):
        response = learner_client.get(f"/compare/?roles=role-0&roles=role-1&roles=zz{n}")
        assert response.status_code == 200

    assert kept_parts() == parts


@pytest.mark.parametrize(
    "page", ["/", "/roles/", "/roles/role-0/", "/lifecycle/", "/skills/", "/skills/skill-0/"]
)
def test_unknown_query_parameters_are_answered_but_not_kept(client, roles, page):
    clean = client.get(page)
    pages = kept_pages()

    for n in range(10):
        response = client.get(f"{page}?utm_source={n}&junk{n}=x")
        assert response.status_code == 200
        assert response.content.count(b"<h1") == 1

    assert clean.status_code == 200
    assert kept_pages() == pages == 1


@pytest.mark.parametrize(
    "page", ["/roles/zz-{n}/", "/skills/zz-{n}/", "/roadmaps/zz-{n}/", "/quizzes/zz-{n}/"]
)
def test_unknown_slugs_keep_nothing_signed_in_or_out(client, learner, roles, page):
    for n in range(10):
        assert client.get(page.format(n=n)).status_code == 404
    client.force_login(learner)
    for n in range(10):
        assert client.get(page.format(n=n)).status_code == 404

    assert kept_pages() == 0
    assert kept_parts() == 0


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/roles/",
        "/roles/role-0/",
        "/lifecycle/",
        "/skills/",
        "/skills/skill-0/",
        "/compare/?roles=role-0&roles=role-1",
        "/roadmaps/",
        "/roadmaps/role-0/",
        "/quizzes/",
        "/healthz",
        "/accounts/login/",
    ],
)
def test_every_page_answers_head_as_it_answers_get(client, roles, page):
    response = client.head(page)

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "page",
    ["/dashboard/", "/accounts/profile/", "/accounts/export.json", "/accounts/export.csv"],
)
def test_a_learners_pages_answer_head(learner_client, roles, page):
    assert learner_client.head(page).status_code == 200
