"""The caches: pages for visitors and the content parts of signed-in pages follow every content
change at once, never carry one learner's data to another, and are chosen by content, never by
the address a visitor types (junk query strings, unknown slugs and junk comparisons are answered
but not kept)."""

import itertools
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from careers.models import Role
from core.cache import chosen_parts, live_parts, one_content_change
from core.models import ContentStatus, ContentVersion
from roadmaps.models import RoadmapStep, Status
from roadmaps.services import progress_set
from tests.content import (
    admin_change,
    admin_form_data,
    build_content,
    build_roadmaps,
    load_site_content,
)
from tests.html import attribute, select, select_one

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def roles():
    roles = build_content(scale=2)  # four roles: role-0 … role-3
    build_roadmaps(roles)
    return roles


def kept_pages() -> int:
    return len(caches["pages"]._cache)  # LocMemCache, as tests run without REDIS_URL


def kept_parts() -> int:
    return len(live_parts._parts)


# --- What is kept is chosen by content -----------------------------------------------------


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


def kept_comparisons() -> int:
    return len(chosen_parts._parts)


def test_a_comparison_in_any_order_renders_its_sections_once_per_content_version(
    client, learner, roles, django_assert_max_num_queries
):
    signed_in = Client()
    signed_in.force_login(learner)
    first = client.get("/compare/?roles=role-2&roles=role-0").content.decode()
    with django_assert_max_num_queries(1):  # the content version; nothing else is built
        again = client.get("/compare/?roles=role-2&roles=role-0").content.decode()
    assert signed_in.get("/compare/?roles=role-2&roles=role-0").status_code == 200
    assert kept_comparisons() == 1
    assert CSRF_HEADER.sub("", again) == CSRF_HEADER.sub("", first)  # a token per answer
    assert first.index("Role 2 vs Role 0") > 0

    client.get("/compare/?roles=role-0&roles=role-2")  # another order is another comparison
    assert kept_comparisons() == 2

    role = roles[2]
    role.name = "Renamed role"
    role.save()
    html = signed_in.get("/compare/?roles=role-2&roles=role-0").content.decode()
    assert "Renamed role vs Role 0" in html
    assert kept_comparisons() == 1  # the old version's sections are let go


def test_comparisons_the_address_chooses_never_push_out_the_parts_every_page_needs(
    client, roles, monkeypatch
):
    monkeypatch.setattr(chosen_parts, "size", 3)
    client.get("/compare/")
    parts = set(live_parts._parts)

    for first, second in itertools.permutations(["role-0", "role-1", "role-2", "role-3"], 2):
        assert client.get(f"/compare/?roles={first}&roles={second}&x=1").status_code == 200

    assert kept_comparisons() == 3
    assert set(live_parts._parts) == parts


def test_learners_share_a_comparison_s_sections_but_each_sees_only_their_own_gap(
    client, learner, other_learner, roles
):
    mine, theirs = Client(), Client()
    mine.force_login(learner)
    theirs.force_login(other_learner)
    skills = [link.skill for link in roles[0].role_skills.all()]
    progress_set(user=learner, skill=skills[0], status=Status.DONE)
    for skill in skills[1:3]:
        progress_set(user=other_learner, skill=skill, status=Status.DONE)
    url = "/compare/?roles=role-0&roles=role-1"

    pages = []
    for _ in range(2):  # interleaved, so any shared state would show on the other's page
        for viewer in (mine, theirs, client):
            pages.append(viewer.get(url).content.decode())
    gap = f"{roles[0].short_name}:</strong> {{}} of 8 skills done"
    for my_page, their_page, visitor_page in (pages[:3], pages[3:]):
        assert gap.format(1) in my_page and gap.format(2) not in my_page
        assert gap.format(2) in their_page and gap.format(1) not in their_page
        assert "Your gap" not in visitor_page
        my_token = CSRF_HEADER.search(my_page)[1]
        assert my_token not in their_page and my_token not in visitor_page

    (sections,) = chosen_parts._parts.values()
    shared = "".join(sections)
    assert "Your gap" not in shared and "csrf" not in shared.lower()
    assert learner.email not in shared and other_learner.email not in shared


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


# --- Cached pages follow content changes --------------------------------------------------


def test_visitors_pages_are_cached_and_cost_one_query(client, django_assert_num_queries):
    role = build_content()[0]
    first = client.get(role.get_absolute_url())
    with django_assert_num_queries(1):  # the content version
        again = client.get(role.get_absolute_url())
    assert again.content == first.content


def test_an_admin_edit_shows_at_once_on_cached_pages(editor_client):
    visitor = Client()
    role = build_content()[0]
    assert "Old summary" not in visitor.get("/roles/").content.decode()
    admin_change(editor_client, role, summary="Old summary")
    assert "Old summary" in visitor.get("/roles/").content.decode()
    admin_change(editor_client, role, summary="New summary")
    html = visitor.get("/roles/").content.decode()
    assert "New summary" in html and "Old summary" not in html


def test_a_revert_shows_at_once_on_cached_pages(editor_client):
    visitor = Client()
    role = build_content()[0]
    admin_change(editor_client, role, summary="Before")
    admin_change(editor_client, role, summary="After")
    assert "After" in visitor.get(role.get_absolute_url()).content.decode()
    first = Version.objects.get_for_object(role).order_by("pk").first()
    url = reverse("admin:careers_role_revision", args=[role.pk, first.pk])
    editor_client.post(url, admin_form_data(editor_client.get(url)))
    assert "Before" in visitor.get(role.get_absolute_url()).content.decode()


def test_a_deletion_shows_at_once_on_cached_pages(editor_client):
    visitor = Client()
    role = build_content()[1]
    assert visitor.get(role.get_absolute_url()).status_code == 200
    editor_client.post(reverse("admin:careers_role_delete", args=[role.pk]), {"post": "yes"})
    assert visitor.get(role.get_absolute_url()).status_code == 404
    assert role.get_absolute_url() not in visitor.get("/roles/").content.decode()


@pytest.mark.slow
def test_reloading_content_refreshes_cached_pages(client):
    load_site_content()
    assert "Edited" not in client.get("/roles/data-analyst/").content.decode()
    Role.objects.filter(slug="data-analyst").update(overview="Edited")  # no signal
    call_command("load_content", force=True, verbosity=0)
    html = client.get("/roles/data-analyst/").content.decode()
    assert "Edited" not in html and "Data Analysts interpret data" in html


def test_many_saves_in_one_content_change_bump_the_version_once(client):
    role = build_content()[0]
    assert "Batched" not in client.get(role.get_absolute_url()).content.decode()
    before = ContentVersion.current()
    with one_content_change():
        for n in range(5):
            role.summary = f"Batched {n}"
            role.save()
        assert ContentVersion.current() == before
    assert ContentVersion.current() == before + 1
    assert "Batched 4" in client.get(role.get_absolute_url()).content.decode()


def test_signed_in_learners_share_the_cached_content_but_not_the_page(
    learner, other_learner, django_assert_num_queries
):
    role = build_content()[0]
    first, second = Client(), Client()
    first.force_login(learner)
    second.force_login(other_learner)
    before = first.get(role.get_absolute_url())
    # Session, user and content version (the role's content parts come from the cache), and
    # the learner's progress for the menu's review count.
    with django_assert_num_queries(4):
        after = second.get(role.get_absolute_url())
    assert after.context["role"] == role
    assert before.content.decode().count(role.name) == after.content.decode().count(role.name)
    # Each learner's own header (and CSRF token) is rendered for them.
    assert before.cookies["csrftoken"].value != after.cookies["csrftoken"].value


def test_an_admin_edit_shows_at_once_to_signed_in_learners(editor_client, learner):
    signed_in = Client()
    signed_in.force_login(learner)
    roadmap = build_roadmaps(build_content())[0]
    step = roadmap.levels.first().steps.first()
    for url in (roadmap.role.get_absolute_url(), roadmap.get_absolute_url(), "/roadmaps/"):
        assert signed_in.get(url).status_code == 200  # now cached
    admin_change(editor_client, roadmap.role, name="Renamed role")
    admin_change(editor_client, step, title="Renamed step", explanation="A fresh explanation.")
    assert "Renamed role" in signed_in.get(roadmap.role.get_absolute_url()).content.decode()
    html = signed_in.get(roadmap.get_absolute_url()).content.decode()
    assert "Renamed step" in html and "A fresh explanation." in html
    assert "Renamed role" in signed_in.get("/roadmaps/").content.decode()


def test_content_an_editor_previews_never_reaches_a_learner_through_the_cache(
    editor_client, learner
):
    signed_in = Client()
    signed_in.force_login(learner)
    roadmap = build_roadmaps(build_content())[0]
    admin_change(editor_client, roadmap, status=ContentStatus.DRAFT)
    for url in (roadmap.get_absolute_url(), roadmap.role.get_absolute_url(), "/roadmaps/"):
        assert editor_client.get(url).status_code == 200  # the editor's preview, cached
    assert signed_in.get(roadmap.get_absolute_url()).status_code == 404
    assert roadmap.get_absolute_url() not in signed_in.get("/roadmaps/").content.decode()


def test_signed_in_learners_never_get_a_cached_page(learner_client, client):
    role = build_content()[0]
    Client().get(role.get_absolute_url())  # cached for visitors
    html = learner_client.get(role.get_absolute_url()).content.decode()
    assert "Sign out" in html


def test_cached_step_markup_never_shows_one_learner_another_learners_status_or_token(
    learner_client, other_learner
):
    roadmap = build_roadmaps(build_content())[0]
    step = RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()
    status_url = reverse("roadmaps:step_status", args=[roadmap.slug, step.pk])
    learner_client.post(status_url, {"status": "done"})
    mine = learner_client.get(roadmap.get_absolute_url()).content.decode()
    other_client = Client()
    other_client.force_login(other_learner)
    theirs = other_client.get(roadmap.get_absolute_url()).content.decode()
    mine_done = select_one(mine, f"button#status-{step.pk}-done")
    theirs_done = select_one(theirs, f"button#status-{step.pk}-done")
    assert attribute(mine_done, "aria-pressed") == "true"
    assert attribute(theirs_done, "aria-pressed") == "false"
    theirs_pressed = select_one(theirs, f'#step-status-{step.pk} [aria-pressed="true"]')
    assert attribute(theirs_pressed, "value") == f"{step.pk}:not_started"
    token = 'input[name="csrfmiddlewaretoken"]'
    mine_tokens = {attribute(field, "value") for field in select(mine, token)}
    assert mine_tokens and not mine_tokens & {attribute(f, "value") for f in select(theirs, token)}


def test_a_worker_keeps_content_parts_of_the_current_content_version_only(learner_client):
    roles = build_content()
    learner_client.get(roles[0].get_absolute_url())
    learner_client.get(roles[1].get_absolute_url())
    before = set(live_parts._parts)

    roles[0].save()  # an edit: a new content version
    learner_client.get(roles[0].get_absolute_url())

    assert before and not before & set(live_parts._parts)  # no stale copy left behind
    assert len(live_parts._parts) == 1
