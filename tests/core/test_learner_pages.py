"""A signed-in learner's own pages, kept for them alone (core.cache.cache_for_learner): served
only to them, never once stale after a change of theirs, of the content or of the date, and
never holding a CSRF token."""

import pickle
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from accounts.digest import unsubscribe_token
from accounts.models import Profile
from core.cache import CSRF_SLOT, cache_for_learner
from core.models import LearnerVersion
from roadmaps.models import Progress, RoadmapStep, Status
from roadmaps.services import progress_set
from tests.content import build_content, build_roadmaps
from tests.html import attribute, csrf_tokens, select, select_one, text, without_csrf_tokens

pytestmark = pytest.mark.django_db

PAGES = ("/dashboard/", "/plan/", "/roadmaps/role-0/")


@pytest.fixture
def roadmap():
    return build_roadmaps(build_content())[0]


@pytest.fixture
def step(roadmap):
    return RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()


def _kept() -> dict:
    """What this worker keeps: key -> pickled page (LocMemCache's own store)."""
    return caches["learner_pages"]._cache


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(html: str) -> str:
    return attribute(select(html, 'input[name="csrfmiddlewaretoken"]')[0], "value")


def _pressed(html: str, step) -> str:
    button = select_one(html, f'#step-status-{step.pk} button[aria-pressed="true"]')
    return attribute(button, "value").split(":")[1]


def test_every_account_has_a_version_from_its_creation(learner):
    assert LearnerVersion.current(learner.pk) == 0


def test_a_learner_s_page_is_kept_and_answered_again_from_three_queries(
    learner_client, roadmap, django_assert_num_queries
):
    for url in PAGES:
        first = learner_client.get(url)
        # Session, user, and the learner's and the content's versions in one.
        with django_assert_num_queries(3):
            again = learner_client.get(url)
        assert again.status_code == 200
        assert again.context is None  # nothing was rendered
        assert without_csrf_tokens(again.content) == without_csrf_tokens(first.content)


def test_a_kept_page_holds_a_slot_for_the_token_and_each_answer_a_working_token_of_its_own(
    learner, roadmap, step
):
    client = _signed_in(learner)
    first = client.get(roadmap.get_absolute_url()).content.decode()
    again = client.get(roadmap.get_absolute_url()).content.decode()
    (kept,) = (pickle.loads(page)[0] for page in _kept().values())
    assert CSRF_SLOT.encode() in kept and b"csrfmiddlewaretoken" in kept
    assert CSRF_SLOT not in first and CSRF_SLOT not in again
    assert _token(first) != _token(again)  # masked anew, from the same secret
    status_url = reverse("roadmaps:roadmap_status", args=[roadmap.slug])
    response = client.post(
        status_url, {"set": f"{step.pk}:done", "csrfmiddlewaretoken": _token(again)}
    )
    assert response.status_code == 302
    assert Progress.objects.get(user=learner, skill=step.skill).status == Status.DONE


def test_two_learners_interleaved_each_get_only_their_own_kept_pages(
    learner, other_learner, roadmap, step
):
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    Profile.objects.filter(user=learner).update(display_name="Ada Mine")
    Profile.objects.update_or_create(user=other_learner, defaults={"display_name": "Bo Theirs"})
    LearnerVersion.bump(learner.pk)  # the update above sends no signal, as a request's would
    clients = {"mine": _signed_in(learner), "theirs": _signed_in(other_learner)}
    pages = {}
    for _ in range(3):  # rendered, then kept, then kept again, alternating learners
        for name, client in clients.items():
            for url in PAGES:
                pages[name, url] = client.get(url).content.decode()
    url = roadmap.get_absolute_url()
    assert _pressed(pages["mine", url], step) == "done"
    assert _pressed(pages["theirs", url], step) == "not_started"
    for url in PAGES:
        assert (
            "Bo Theirs" not in pages["mine", url]
            and "learner@example.com" not in pages["theirs", url]
        )
        assert _token(pages["mine", url]) != _token(pages["theirs", url])
    assert len(_kept()) == 2 * len(PAGES)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_status_change_shows_at_once_on_every_kept_page(learner_client, roadmap, step, htmx):
    for url in PAGES:
        learner_client.get(url)  # kept
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    status_url = reverse("roadmaps:step_status", args=[roadmap.slug, step.pk])
    learner_client.post(status_url, {"status": "done"}, **headers)
    html = learner_client.get(roadmap.get_absolute_url()).content.decode()
    assert _pressed(html, step) == "done"
    dashboard = learner_client.get("/dashboard/").content.decode()
    assert step.skill.name in text(select_one(dashboard, "main"))  # its recent activity


def test_a_note_a_goal_and_a_pace_show_at_once_on_kept_pages(learner_client, roadmap, step):
    for url in PAGES:
        learner_client.get(url)
    note_url = reverse("roadmaps:step_note", args=[roadmap.slug, step.pk])
    learner_client.post(note_url, {f"note-{step.pk}-text": "My fresh note"}, HTTP_HX_REQUEST="true")
    assert "My fresh note" in learner_client.get(roadmap.get_absolute_url()).content.decode()
    learner_client.post(reverse("roadmaps:roadmap_follow", args=[roadmap.slug]))
    dashboard = learner_client.get("/dashboard/").content.decode()
    assert roadmap.role.name in text(select_one(dashboard, 'section[aria-labelledby="my-goals"]'))
    learner_client.post("/plan/", {"hours_per_week": 17})
    assert learner_client.get("/plan/").context["plan"].hours_per_week == 17


def test_a_change_made_by_someone_else_shows_at_once(learner, learner_client, roadmap, step):
    """An editor in the admin, or a command, saves the learner's rows: the signals bump."""
    learner_client.get(roadmap.get_absolute_url())
    progress = Progress.objects.create(
        user=learner, skill=step.skill, status=Status.LEARNING, updated_at=timezone.now()
    )
    assert _pressed(learner_client.get(roadmap.get_absolute_url()).content.decode(), step) == (
        "learning"
    )
    progress.delete()
    assert _pressed(learner_client.get(roadmap.get_absolute_url()).content.decode(), step) == (
        "not_started"
    )


def test_any_write_in_a_learner_s_request_bumps_their_version_and_a_read_does_not(
    learner_client, learner, roadmap, step
):
    before = LearnerVersion.current(learner.pk)
    learner_client.get(roadmap.get_absolute_url())
    learner_client.get("/dashboard/")
    assert LearnerVersion.current(learner.pk) == before
    # progress_set writes with a queryset update, which sends no signal.
    learner_client.post(
        reverse("roadmaps:step_status", args=[roadmap.slug, step.pk]), {"status": "done"}
    )
    learner_client.post(
        reverse("roadmaps:step_status", args=[roadmap.slug, step.pk]), {"status": "learning"}
    )
    assert LearnerVersion.current(learner.pk) >= before + 2


def test_a_content_edit_shows_at_once_on_a_kept_page(learner_client, roadmap, step):
    learner_client.get(roadmap.get_absolute_url())
    step.explanation = "Rewritten by an editor."
    step.save()
    html = learner_client.get(roadmap.get_absolute_url()).content.decode()
    assert "Rewritten by an editor." in text(select_one(html, f"#step-{step.pk}"))


def test_a_review_that_comes_due_overnight_shows_the_next_morning_without_any_change(
    learner_client, learner, roadmap, step, settings
):
    settings.TIME_ZONE = "UTC"
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    Progress.objects.filter(user=learner).update(review_due=date(2026, 12, 1))
    LearnerVersion.bump(learner.pk)
    with time_machine.travel(datetime(2026, 11, 30, 23, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        learner_client.get("/dashboard/")
        assert "to review" not in learner_client.get("/dashboard/").content.decode()
    with time_machine.travel(datetime(2026, 12, 1, 7, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert "1 skill to review" in learner_client.get("/dashboard/").content.decode()


def test_editors_who_may_see_drafts_are_never_served_a_kept_page(editor_client, roadmap):
    for _ in range(2):
        assert editor_client.get(roadmap.get_absolute_url()).context is not None  # rendered
    assert not _kept()


def test_query_strings_htmx_and_messages_are_answered_but_never_kept(learner_client, roadmap, step):
    url = roadmap.get_absolute_url()
    for n in range(20):  # junk addresses cannot fill the memory
        assert learner_client.get(f"{url}?junk={n}").status_code == 200
    assert learner_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    status_url = reverse("roadmaps:step_status", args=[roadmap.slug, step.pk])
    response = learner_client.post(status_url, {"status": "done"}, follow=True)
    assert f"{step.name}: Done." in response.content.decode()  # the message, on a page not kept
    assert not _kept()
    assert f"{step.name}: Done." not in learner_client.get(url).content.decode()
    assert len(_kept()) == 1


def test_an_unknown_roadmap_is_a_404_and_is_not_kept(learner_client, roadmap):
    for _ in range(2):
        assert learner_client.get("/roadmaps/no-such-role/").status_code == 404
    assert not _kept()


def test_a_worker_keeps_a_bounded_number_of_pages(learner_client, settings):
    roles = build_content(scale=3)
    roadmaps = build_roadmaps(roles)
    bounded = {**settings.CACHES}
    bounded["learner_pages"] = {**bounded["learner_pages"], "OPTIONS": {"MAX_ENTRIES": 3}}
    with override_settings(CACHES=bounded):
        for roadmap in roadmaps:
            assert learner_client.get(roadmap.get_absolute_url()).status_code == 200
        assert len(roadmaps) > 3 and 0 < len(_kept()) <= 3


def test_signing_out_and_in_as_someone_else_never_shows_the_first_learner_s_page(
    client, learner, other_learner, roadmap, step
):
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    client.force_login(learner)
    client.get(roadmap.get_absolute_url())
    client.post("/accounts/logout/")
    client.force_login(other_learner)
    html = client.get(roadmap.get_absolute_url()).content.decode()
    assert _pressed(html, step) == "not_started"


def test_unsubscribing_from_a_signed_out_browser_outdates_the_learner_s_kept_pages(client, learner):
    Profile.objects.update_or_create(user=learner, defaults={"weekly_digest": True})
    before = LearnerVersion.current(learner.pk)
    client.post(f"/accounts/digest/unsubscribe/{unsubscribe_token(learner)}/")
    assert not Profile.objects.get(user=learner).weekly_digest
    assert LearnerVersion.current(learner.pk) > before


def _request(rf, user):
    request = rf.get("/somewhere/")
    request.user, request.session, request.htmx = user, SessionStore(), HtmxDetails(request)
    return request


def test_a_kept_page_keeps_the_headers_its_view_set_and_only_a_200_is_kept(
    rf, learner, other_learner
):
    @cache_for_learner
    def view(request, status=200):
        response = render(request, "404.html", status=status)  # a page with the layout
        response["X-Written-By"] = "the view"
        return response

    first = view(_request(rf, learner))
    again = view(_request(rf, learner))
    assert again["X-Written-By"] == "the view" and len(_kept()) == 1
    tokens = [csrf_tokens(page.content)[0] for page in (first, again)]
    assert CSRF_SLOT not in tokens and tokens[0] != tokens[1]
    assert without_csrf_tokens(first.content) == without_csrf_tokens(again.content)
    refused = view(_request(rf, other_learner), 404)
    assert refused.status_code == 404 and len(_kept()) == 1
    assert CSRF_SLOT.encode() not in refused.content


def test_a_status_change_bumps_the_version_once_in_the_same_transaction_as_its_write(
    learner_client, learner, roadmap, step, django_assert_num_queries
):
    progress_set(user=learner, skill=step.skill, status=Status.LEARNING)
    before = LearnerVersion.current(learner.pk)
    status_url = reverse("roadmaps:step_status", args=[roadmap.slug, step.pk])
    with django_assert_num_queries(99, exact=False) as queries:
        learner_client.post(status_url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert LearnerVersion.current(learner.pk) == before + 1  # not again by the middleware
    sql = [query["sql"] for query in queries.captured_queries]
    (bump,) = [n for n, statement in enumerate(sql) if "learnerversion" in statement.lower()]
    if connection.vendor == "postgresql":  # the same statement
        assert 'UPDATE "roadmaps_progress"' in sql[bump]
    else:
        # The statuses the answer shows are read before the transaction ends.
        assert 'UPDATE "roadmaps_progress"' in sql[bump - 1]
        assert [s.split()[0] for s in sql[bump + 1 : bump + 3]] == ["SELECT", "RELEASE"]


def test_a_write_bumped_with_a_read_that_finds_no_row_still_says_it_changed_and_whose_it_was(
    learner, other_learner, step
):
    progress_set(user=learner, skill=step.skill, status=Status.LEARNING)
    before = LearnerVersion.current(learner.pk)
    table = connection.ops.quote_name(Progress._meta.db_table)
    update = f"UPDATE {table} SET status = %s WHERE user_id = %s AND skill_id = %s"
    nobody = (f"SELECT status FROM {table} WHERE user_id = %s", [other_learner.pk])
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        changed = LearnerVersion.bump_with(
            learner.pk, update, ["done", learner.pk, step.skill_id], then=nobody
        )
    assert changed == (True, [])
    assert LearnerVersion.current(learner.pk) == before + 1
    # The middleware that bumps after unbumped writes knows this learner's was bumped.
    bumps = {LearnerVersion.bumped_by(sql, params) for sql, params in statements} - {None}
    assert bumps == {learner.pk}
    nothing = LearnerVersion.bump_with(learner.pk, update, ["done", learner.pk, -1], then=nobody)
    assert nothing == (False, [])
    assert LearnerVersion.current(learner.pk) == before + 1


def test_a_write_that_bumped_its_own_learner_s_version_last_is_not_bumped_again(
    learner_client, learner, roadmap
):
    before = LearnerVersion.current(learner.pk)
    learner_client.post(reverse("roadmaps:roadmap_follow", args=[roadmap.slug]))  # a signal bumps
    assert LearnerVersion.current(learner.pk) == before + 1
    learner_client.post("/plan/", {"hours_per_week": 12})  # and another change: once more
    assert LearnerVersion.current(learner.pk) == before + 2
