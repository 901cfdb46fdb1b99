from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from careers.models import Skill
from core.models import LearnerVersion
from roadmaps.models import (
    Note,
    Progress,
    ProgressQuerySet,
    RoadmapLevel,
    RoadmapStep,
    Status,
    Tally,
)
from roadmaps.services import (
    SESSION_KEY,
    progress_merge_from_session,
    progress_set,
    session_progress_set,
)
from tests.content import build_content, build_roadmaps, load_site_content
from tests.html import attribute, classes, select, select_one, text, without_csrf_tokens

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmaps():
    return build_roadmaps(build_content())


def _kind(step: RoadmapStep) -> str:
    return "project" if step.project_id else "skill"


def _status_url(step: RoadmapStep) -> str:
    return f"/roadmaps/{step.level.roadmap.role.slug}/steps/{step.pk}/status/"


def _first_skill_step(roadmap) -> RoadmapStep:
    return RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()


def _first_project_step(roadmap) -> RoadmapStep:
    return RoadmapStep.objects.filter(level__roadmap=roadmap, project__isnull=False).first()


def _shown_status(html: str, step: RoadmapStep) -> str:
    """The status a page shows for a step: the value of its pressed button."""
    [pressed] = select(html, f'#step-status-{step.pk} button[aria-pressed="true"]')
    return attribute(pressed, "value").split(":")[1]


# --- Pages --------------------------------------------------------------------------------


def test_the_roadmap_list_shows_every_roadmap(client, roadmaps):
    html = client.get("/roadmaps/").content.decode()
    for roadmap in roadmaps:
        assert roadmap.get_absolute_url() in html
    assert "% done" not in html  # no progress yet, no bars


def test_the_roadmap_list_shows_my_percentage_once_i_have_progress(
    learner_client, learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    html = learner_client.get("/roadmaps/").content.decode()
    assert "8% done" in html  # 1 of 12 steps


def test_a_roadmap_shows_its_levels_steps_resources_and_status_controls(client, roadmaps):
    html = client.get(roadmaps[0].get_absolute_url()).content.decode()
    assert len(select(html, "section.roadmap-level")) == 3
    assert "Roadmap skill 0" in html and "Build 0" in html
    assert "https://example.com/docs" in html and "Free" in html
    step = _first_skill_step(roadmaps[0])
    buttons = select(html, f"fieldset#step-status-{step.pk} button")
    assert [attribute(button, "value") for button in buttons] == [
        f"{step.pk}:{status}" for status in Status.values
    ]
    # One form holds every button, so the page carries one CSRF token, not one per step.
    [form] = select(html, "form#progress")
    assert attribute(form, "hx-post") == "/roadmaps/role-0/steps/status/"
    assert html.count("csrfmiddlewaretoken") == 1


def test_an_unknown_roadmap_is_a_404(client, roadmaps):
    assert client.get("/roadmaps/no-such-role/").status_code == 404


# Session, user, the learner's and the content's versions, then the roadmap, levels, steps,
# resources and prerequisites, which are cached for every later learner until content changes,
# then the learner's progress, notes and goals.
QUERIES_SIGNED_IN = 11
QUERIES_SIGNED_IN_CONTENT_CACHED = 6
# The learner's page kept for them: session, user, the learner's and the content's versions.
QUERIES_SIGNED_IN_PAGE_KEPT = 3


@pytest.mark.parametrize("scale", [1, 10])
def test_the_roadmap_page_uses_the_same_queries_with_ten_times_the_steps(
    learner_client, learner, other_learner, django_assert_num_queries, scale
):
    roadmap = build_roadmaps(build_content(), scale=scale)[0]
    progress_set(user=learner, skill=_first_skill_step(roadmap).skill, status=Status.DONE)
    with django_assert_num_queries(QUERIES_SIGNED_IN):
        first = learner_client.get(roadmap.get_absolute_url())
    other_client = Client()
    other_client.force_login(other_learner)
    with django_assert_num_queries(QUERIES_SIGNED_IN_CONTENT_CACHED):
        second = other_client.get(roadmap.get_absolute_url())
    assert first.status_code == second.status_code == 200
    # The cached content still shows each learner their own progress.
    assert first.context["tally"].done == 1
    assert second.context["tally"].done == 0
    with django_assert_num_queries(QUERIES_SIGNED_IN_PAGE_KEPT):
        again = learner_client.get(roadmap.get_absolute_url())
    assert without_csrf_tokens(again.content) == without_csrf_tokens(first.content)


@pytest.mark.parametrize("scale", [1, 10])
def test_the_dashboard_uses_the_same_queries_with_ten_times_the_steps(
    learner_client, learner, django_assert_num_queries, scale
):
    roadmap = build_roadmaps(build_content(), scale=scale)[0]
    progress_set(user=learner, skill=_first_skill_step(roadmap).skill, status=Status.LEARNING)
    # Session, user, the learner's and the content's versions, the roadmaps' content (5), the
    # learner's statuses, goals, pace, recent activity and quizzes.
    with django_assert_num_queries(13):
        response = learner_client.get("/dashboard/")
    assert response.status_code == 200
    caches["learner_pages"].clear()
    with django_assert_num_queries(8):  # the roadmaps' content now comes from the cache
        response = learner_client.get("/dashboard/")
    assert response.status_code == 200
    with django_assert_num_queries(QUERIES_SIGNED_IN_PAGE_KEPT):  # and the page was kept
        assert learner_client.get("/dashboard/").status_code == 200


# --- Changing a step's status -------------------------------------------------------------


def test_marking_a_step_done_without_javascript_redirects_back_to_the_step(
    learner_client, learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    response = learner_client.post(_status_url(step), {"status": "done"})
    assert response.status_code == 302
    assert response["Location"] == f"/roadmaps/role-0/#step-{step.pk}"
    assert Progress.objects.get(user=learner, skill=step.skill).status == Status.DONE
    page = learner_client.get(response["Location"]).content.decode()
    assert f"{step.name}: Done." in page  # the message after the redirect


def test_marking_a_step_with_htmx_returns_its_status_and_out_of_band_progress_bars(
    learner_client, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    response = learner_client.post(_status_url(step), {"status": "done"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    # Only the status control is swapped: a note being typed in the same step stays as it is.
    assert "<textarea" not in html
    assert len(response.content) <= 1536
    assert _shown_status(html, step) == "done"
    # Every number the status moves comes along, out of band: the step's chip on the
    # timeline, its level's count and bar, the roadmap's bar, and the announcement.
    assert "status-done" in classes(select_one(html, f'#chip-{step.pk}[hx-swap-oob="true"]'))
    assert text(select_one(html, '#count-beginner[hx-swap-oob="innerHTML"]')) == "1 of 4 done"
    assert "25% done" in text(select_one(html, '#level-progress-beginner[hx-swap-oob="innerHTML"]'))
    assert "8% done" in text(select_one(html, '#roadmap-progress[hx-swap-oob="innerHTML"]'))
    # Focus stays on the pressed button, whose group names the step: the news is the numbers.
    assert ">Done. Level beginner: 25% done. Roadmap: 8% done.<" in html
    assert [text(button) for button in select(html, 'button[aria-pressed="true"]')] == ["Done"]


def test_the_page_s_one_status_form_marks_the_step_its_button_names(
    learner_client, learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    url = "/roadmaps/role-0/steps/status/"
    response = learner_client.post(url, {"set": f"{step.pk}:learning"})
    assert response.status_code == 302
    assert response["Location"] == f"/roadmaps/role-0/#step-{step.pk}"
    assert Progress.objects.get(user=learner, skill=step.skill).status == Status.LEARNING
    htmx = learner_client.post(url, {"set": f"{step.pk}:done"}, **HTMX)
    assert _shown_status(htmx.content.decode(), step) == "done"


@pytest.mark.parametrize(
    ("value", "code"),
    [("1:done", 404), ("abc:done", 400), ("{step}:finished", 400), ("{step}", 400), ("", 400)],
)
def test_the_page_s_status_form_refuses_junk_and_steps_of_other_roadmaps(
    learner_client, learner, roadmaps, value, code
):
    other = _first_skill_step(roadmaps[1])
    step = _first_skill_step(roadmaps[0])
    value = value.replace("1:", f"{other.pk}:", 1) if value == "1:done" else value
    response = learner_client.post(
        "/roadmaps/role-0/steps/status/", {"set": value.format(step=step.pk)}
    )
    assert response.status_code == code
    assert not Progress.objects.filter(user=learner).exists()


def test_a_skill_done_on_one_roadmap_shows_done_on_every_roadmap_that_has_it(
    learner_client, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    learner_client.post(_status_url(step), {"status": "done"})
    other_step = RoadmapStep.objects.get(level__roadmap=roadmaps[1], skill=step.skill)
    html = learner_client.get(roadmaps[1].get_absolute_url()).content.decode()
    assert _shown_status(html, other_step) == "done"


def test_projects_have_progress_too(learner_client, learner, roadmaps):
    project_step = RoadmapStep.objects.filter(level__roadmap=roadmaps[0], project__isnull=False)[0]
    learner_client.post(_status_url(project_step), {"status": "learning"})
    assert Progress.objects.get(user=learner, project=project_step.project).status == "learning"


def test_an_unknown_status_is_refused_with_a_message_and_nothing_changes(
    learner_client, learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    response = learner_client.post(_status_url(step), {"status": "mastered"})
    assert response.status_code == 400
    assert "not a status" in response.content.decode()
    assert Progress.objects.get(user=learner, skill=step.skill).status == Status.DONE


def test_a_step_from_another_roadmap_is_a_404(learner_client, roadmaps):
    step = _first_skill_step(roadmaps[1])
    response = learner_client.post(
        f"/roadmaps/{roadmaps[0].role.slug}/steps/{step.pk}/status/", {"status": "done"}
    )
    assert response.status_code == 404


def test_a_status_change_needs_a_post(learner_client, roadmaps):
    assert learner_client.get(_status_url(_first_skill_step(roadmaps[0]))).status_code == 405


def test_a_status_change_without_a_csrf_token_is_refused(learner, roadmaps):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(_status_url(_first_skill_step(roadmaps[0])), {"status": "done"})
    assert response.status_code == 403
    assert not Progress.objects.exists()


def test_the_last_write_wins_and_never_duplicates_rows(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    for status in ["learning", "done", "done", "skipped"]:
        learner_client.post(_status_url(step), {"status": status})
    progress = Progress.objects.filter(user=learner, skill=step.skill)
    assert progress.count() == 1
    assert progress.get().status == Status.SKIPPED


def test_the_database_refuses_a_second_progress_row_for_the_same_skill(learner, roadmaps):
    skill = _first_skill_step(roadmaps[0]).skill
    Progress.objects.create(user=learner, skill=skill, status="done", updated_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(
            user=learner, skill=skill, status="learning", updated_at=timezone.now()
        )


def test_changing_a_recorded_status_is_one_update_with_the_version_bump_and_the_statuses_read(
    learner, roadmaps, django_assert_max_num_queries
):
    skill = _first_skill_step(roadmaps[0]).skill
    project = _first_project_step(roadmaps[0]).project
    progress_set(user=learner, skill=skill, status=Status.LEARNING)
    progress_set(user=learner, project=project, status=Status.SKIPPED)
    version = LearnerVersion.current(learner.pk)
    with django_assert_max_num_queries(5) as queries:
        statuses = progress_set(user=learner, skill=skill, status=Status.DONE)
    assert statuses == {("skill", skill.slug): "done", ("project", project.slug): "skipped"}
    assert statuses == Progress.objects.for_user(learner).statuses()
    assert LearnerVersion.current(learner.pk) == version + 1
    sql = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "postgresql":  # one statement: one round trip, one commit
        assert len(sql) == 1 and sql[0].startswith('WITH changed AS (UPDATE "roadmaps_progress"')
    else:  # one transaction
        assert [statement.split()[0] for statement in sql] == [
            "SAVEPOINT",
            "UPDATE",
            "UPDATE",
            "SELECT",
            "RELEASE",
        ]


def test_the_statuses_a_change_returns_are_the_learner_s_own_after_it_whatever_ids_collide(
    learner, other_learner, roadmaps
):
    # A project and a skill with the same id: changing one must not show as the other.
    skill = _first_skill_step(roadmaps[0]).skill
    project = _first_project_step(roadmaps[0]).project
    twin = Skill.objects.filter(pk=project.pk).first() or Skill.objects.create(
        name="Twin", slug="twin", pk=project.pk
    )
    progress_set(user=learner, skill=twin, status=Status.LEARNING)
    progress_set(user=other_learner, skill=skill, status=Status.LEARNING)
    first = progress_set(user=learner, project=project, status=Status.LEARNING)  # inserts
    changed = progress_set(user=learner, project=project, status=Status.DONE)  # updates
    assert first == {("skill", twin.slug): "learning", ("project", project.slug): "learning"}
    assert changed == {("skill", twin.slug): "learning", ("project", project.slug): "done"}
    assert changed == Progress.objects.for_user(learner).statuses()
    assert progress_set(user=other_learner, skill=skill, status=Status.SKIPPED) == {
        ("skill", skill.slug): "skipped"
    }


def test_a_first_status_that_loses_a_race_to_another_tab_updates_the_winner_s_row(
    learner, roadmaps, monkeypatch
):
    skill = _first_skill_step(roadmaps[0]).skill
    change_status = ProgressQuerySet.change_status

    def another_tab_inserts_first(queryset, **change):
        # The other tab's first status lands between this one's update and its insert.
        monkeypatch.setattr(ProgressQuerySet, "change_status", change_status)
        Progress.objects.create(
            user=learner, skill=skill, status="learning", updated_at=change["at"]
        )
        return None

    monkeypatch.setattr(ProgressQuerySet, "change_status", another_tab_inserts_first)
    progress_set(user=learner, skill=skill, status=Status.DONE)
    progress = Progress.objects.get(user=learner)
    assert progress.status == Status.DONE and progress.review_due is not None


def test_a_status_change_writes_only_the_learner_s_own_row_for_that_step(
    learner, other_learner, roadmaps
):
    skill_step, project_step = _first_skill_step(roadmaps[0]), _first_project_step(roadmaps[0])
    other_skill = Skill.objects.exclude(pk=skill_step.skill_id).first()
    for user in (learner, other_learner):
        progress_set(user=user, skill=skill_step.skill, status=Status.LEARNING)
        progress_set(user=user, skill=other_skill, status=Status.LEARNING)
        progress_set(user=user, project=project_step.project, status=Status.LEARNING)
    at = datetime(2026, 11, 30, 23, 30, 15, 123456, tzinfo=ZoneInfo("UTC"))
    progress_set(user=learner, skill=skill_step.skill, status=Status.DONE, at=at)
    progress_set(user=learner, project=project_step.project, status=Status.SKIPPED, at=at)

    mine = {p.target_key: p for p in Progress.objects.filter(user=learner)}
    assert mine[("skill", skill_step.skill.slug)].status == Status.DONE
    assert mine[("skill", skill_step.skill.slug)].updated_at == at  # to the microsecond, in UTC
    assert mine[("skill", other_skill.slug)].status == Status.LEARNING
    assert mine[("project", project_step.project.slug)].status == Status.SKIPPED
    assert mine[("project", project_step.project.slug)].review_due is None  # projects: no reviews
    others = Progress.objects.filter(user=other_learner).values_list("status", flat=True)
    assert set(others) == {Status.LEARNING}


def test_changing_a_status_the_learner_never_recorded_writes_nothing(learner, roadmaps):
    skill = _first_skill_step(roadmaps[0]).skill
    version = LearnerVersion.current(learner.pk)
    changed = Progress.objects.change_status(
        user_id=learner.pk, skill_id=skill.pk, status="done", at=timezone.now(), review_due=None
    )
    assert changed is None
    assert LearnerVersion.current(learner.pk) == version  # progress_set inserts, then bumps
    assert not Progress.objects.exists()


def test_a_status_is_changed_for_a_skill_or_a_project_and_nothing_else(learner, roadmaps):
    with pytest.raises(TypeError):
        Progress.objects.change_status(
            user_id=learner.pk, status="done", at=timezone.now(), review_due=None, user_id__gt=0
        )


# --- Anonymous progress -------------------------------------------------------------------


class _AnyTime:
    """Equal to any ISO timestamp string."""

    def __eq__(self, other):
        return isinstance(other, str) and "T" in other


ANY_TIME = _AnyTime()


def test_anonymous_visitors_progress_is_kept_in_their_session(client, roadmaps):
    step = _first_skill_step(roadmaps[0])
    client.post(_status_url(step), {"status": "learning"})
    assert not Progress.objects.exists()
    assert client.session[SESSION_KEY] == {f"skill:{step.skill.slug}": ["learning", ANY_TIME]}
    html = client.get(roadmaps[1].get_absolute_url()).content.decode()
    assert "1 in progress" in html


def test_session_progress_merges_into_the_account_and_the_newer_status_wins(rf, learner, roadmaps):
    from django.contrib.sessions.backends.db import SessionStore

    older, newer = RoadmapStep.objects.filter(skill__isnull=False)[:2]
    progress_set(user=learner, skill=older.skill, status=Status.DONE)  # newer than the session's
    session = SessionStore()
    past = timezone.now() - timezone.timedelta(days=1)
    session_progress_set(session, kind="skill", slug=older.skill.slug, status="learning", at=past)
    session_progress_set(session, kind="skill", slug=newer.skill.slug, status="skipped")
    session_progress_set(session, kind="skill", slug="deleted-skill", status="done")
    assert progress_merge_from_session(session=session, user=learner) == 1
    assert Progress.objects.get(user=learner, skill=older.skill).status == Status.DONE
    assert Progress.objects.get(user=learner, skill=newer.skill).status == Status.SKIPPED
    assert Progress.objects.filter(user=learner).count() == 2
    assert SESSION_KEY not in session


# --- Notes --------------------------------------------------------------------------------


def _note_url(step):
    return f"/roadmaps/{step.level.roadmap.role.slug}/steps/{step.pk}/note/"


def _note_field(step: RoadmapStep) -> str:
    return f"note-{step.pk}-text"


def test_a_note_has_a_page_of_its_own_and_an_editor_that_opens_in_the_step(
    learner_client, learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    Note.objects.create(user=learner, skill=step.skill, text="<i>joins</i>")
    page = learner_client.get(_note_url(step))
    assert page.status_code == 200
    [form] = select(page.content.decode(), "main form")
    assert attribute(form, "method") == "post" and "&lt;i&gt;joins" in page.content.decode()
    editor = learner_client.get(_note_url(step), **HTMX).content.decode()
    assert "<html" not in editor and "<form" not in editor  # it sits in the page's one form
    assert attribute(select_one(editor, "textarea"), "name") == _note_field(step)
    assert attribute(select_one(editor, "button"), "formaction") == _note_url(step)
    roadmap_page = learner_client.get(roadmaps[0].get_absolute_url()).content.decode()
    assert "<i>joins</i>" in text(select_one(roadmap_page, f"#note-{step.pk}"))
    assert "&lt;i&gt;joins&lt;/i&gt;" in roadmap_page


def test_a_note_is_saved_with_htmx_and_shown_escaped(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    response = learner_client.post(
        _note_url(step), {_note_field(step): "<b>remember</b> joins"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Note saved." in html
    assert "&lt;b&gt;remember&lt;/b&gt; joins" in html
    assert Note.objects.get(user=learner, skill=step.skill).text == "<b>remember</b> joins"


def test_a_note_without_javascript_redirects_back(learner_client, roadmaps):
    step = _first_skill_step(roadmaps[0])
    response = learner_client.post(_note_url(step), {_note_field(step): "SQL joins"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#step-{step.pk}")


def test_an_oversized_note_is_refused_and_the_saved_note_kept(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    learner_client.post(_note_url(step), {_note_field(step): "keep me"})
    response = learner_client.post(_note_url(step), {_note_field(step): "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    htmx = learner_client.post(_note_url(step), {_note_field(step): "x" * 2001}, **HTMX)
    assert htmx.status_code == 200 and "at most 2000 characters" in htmx.content.decode()
    assert Note.objects.get(user=learner, skill=step.skill).text == "keep me"


def test_an_empty_note_deletes_it(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    learner_client.post(_note_url(step), {_note_field(step): "temporary"})
    learner_client.post(_note_url(step), {_note_field(step): "   "})
    assert not Note.objects.filter(user=learner).exists()


def test_notes_need_an_account(client, roadmaps):
    response = client.post(
        _note_url(_first_skill_step(roadmaps[0])),
        {_note_field(_first_skill_step(roadmaps[0])): "hi"},
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_learner_never_sees_another_learners_notes_or_progress(
    learner_client, other_learner, roadmaps
):
    step = _first_skill_step(roadmaps[0])
    progress_set(user=other_learner, skill=step.skill, status=Status.DONE)
    Note.objects.create(user=other_learner, skill=step.skill, text="other's secret")
    html = learner_client.get(roadmaps[0].get_absolute_url()).content.decode()
    assert "other's secret" not in html
    assert "0% done" in html


# --- Dashboard and public progress --------------------------------------------------------


def test_the_dashboard_needs_an_account(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_without_a_goal_suggests_the_quiz_and_folds_started_roadmaps(
    learner_client, learner, roadmaps
):
    first, second = RoadmapStep.objects.filter(level__roadmap=roadmaps[0], skill__isnull=False)[:2]
    progress_set(user=learner, skill=first.skill, status=Status.DONE)
    progress_set(user=learner, skill=second.skill, status=Status.LEARNING)
    html = learner_client.get("/dashboard/").content.decode()
    assert text(select_one(html, "#choose-goal")) == "Choose your goal"
    assert select_one(html, 'a[href="/quizzes/career-fit/"]') is not None
    # Started roadmaps are listed once, folded, rather than as bars.
    folded = text(select_one(html, "details"))
    assert "Role 0" in folded and "Role 1" in folded  # the shared skill started both
    assert not select(html, ".progress-svg")
    recent = text(select_one(html, 'section[aria-labelledby="recent-activity"]'))
    assert f"{second.skill.name}: learning" in recent and f"{first.skill.name}: done" in recent


def test_a_public_progress_page_exists_only_when_the_learner_opts_in(client, learner, roadmaps):
    from accounts.models import Profile

    assert client.get("/u/learner/").status_code == 404
    Profile.objects.update_or_create(user=learner, defaults={"progress_is_public": True})
    progress_set(user=learner, skill=_first_skill_step(roadmaps[0]).skill, status=Status.DONE)
    response = client.get("/u/learner/")
    assert response.status_code == 200
    assert "Role 0" in response.content.decode()
    assert client.get("/u/nobody/").status_code == 404


# --- Content edits keep progress ----------------------------------------------------------


def test_renaming_a_skill_keeps_progress(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    Skill.objects.filter(pk=step.skill_id).update(name="Renamed skill")
    html = learner_client.get(roadmaps[0].get_absolute_url()).content.decode()
    assert "Renamed skill" in html and "8% done" in html


def test_moving_a_step_to_another_level_keeps_progress(learner_client, learner, roadmaps):
    step = _first_skill_step(roadmaps[0])
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    advanced = roadmaps[0].levels.get(stage="advanced")
    RoadmapStep.objects.filter(pk=step.pk).update(level=advanced, position=50)
    html = learner_client.get(roadmaps[0].get_absolute_url()).content.decode()
    assert select(html, f"#level-advanced #step-{step.pk}")
    assert "8% done" in html


def test_the_tally_counts_skipped_as_handled_but_reports_it_apart():
    tally = Tally(total=10, done=3, skipped=2, learning=1)
    assert (tally.percent_done, tally.percent_skipped, tally.percent_handled) == (30, 20, 50)
    assert Tally(total=0, done=0, skipped=0, learning=0).percent_done == 0


def test_moving_a_step_to_another_roadmap_keeps_progress(learner_client, learner, roadmaps):
    step = RoadmapStep.objects.filter(level__roadmap=roadmaps[0], project__isnull=False).first()
    progress_set(user=learner, project=step.project, status=Status.DONE)
    RoadmapStep.objects.filter(level__roadmap=roadmaps[1], project=step.project).delete()
    target = roadmaps[1].levels.get(stage="beginner")
    RoadmapStep.objects.filter(pk=step.pk).update(level=target, position=77)
    html = learner_client.get(roadmaps[1].get_absolute_url()).content.decode()
    assert _shown_status(html, step) == "done"


@pytest.mark.slow
def test_reloading_the_content_never_touches_progress_or_notes(learner):
    load_site_content()
    sql = Skill.objects.get(slug="sql")
    progress_set(user=learner, skill=sql, status=Status.DONE)
    Note.objects.create(user=learner, skill=sql, text="keep")
    Skill.objects.filter(pk=sql.pk).update(name="SQL (edited)")
    call_command("load_content", force=True, verbosity=0)
    progress = Progress.objects.get(user=learner)
    assert (progress.skill_id, progress.status) == (sql.pk, Status.DONE)
    assert Note.objects.get(user=learner).text == "keep"
    assert Skill.objects.get(pk=sql.pk).name == "SQL"  # the file's version came back


@pytest.mark.slow
def test_every_status_change_response_on_the_real_content_is_at_most_1500_bytes(
    learner_client, learner
):
    load_site_content()
    # The longest answers: every bar already counts steps done and in progress, and
    # "Skipped" adds a bar segment and a third count to both bars.
    started = set()
    for level in RoadmapLevel.objects.prefetch_related("steps__skill", "steps__project"):
        first, second, *_ = level.steps.all()
        progress_set(user=learner, status=Status.LEARNING, **{_kind(first): first.target})
        progress_set(user=learner, status=Status.DONE, **{_kind(second): second.target})
        started |= {first.pk, second.pk}
    sizes = {}
    steps = RoadmapStep.objects.select_related("level__roadmap__role", "skill", "project")
    for step in steps.exclude(pk__in=started):
        response = learner_client.post(_status_url(step), {"status": "skipped"}, **HTMX)
        assert response.status_code == 200
        sizes[step.pk] = len(response.content)
    assert len(sizes) > 190
    assert max(sizes.values()) <= 1500, max(sizes.items(), key=lambda item: item[1])
