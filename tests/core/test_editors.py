"""The editors' workflow: permissions, history and revert, drafts, validation, content files."""

import json
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from careers.models import CareerLevel, Role, Skill, Tool
from core.content import CONTENT_FILES
from core.models import ContentStatus
from roadmaps.models import Note, Progress, Roadmap, RoadmapStep, Status
from roadmaps.services import progress_set
from tests.content import (
    admin_change,
    admin_form_data,
    build_content,
    build_roadmaps,
    load_site_content,
)

pytestmark = pytest.mark.django_db

EDITOR_PASSWORD = "an-editors-long-password"


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    ["role", "skill", "tool", "careerlevel", "diagram", "roadmap", "roadmapstep", "resource"],
)
def test_editors_can_add_change_and_delete_content(editor, model):
    app = "roadmaps" if model.startswith(("roadmap", "resource")) else "careers"
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"{app}.{action}_{model}")


@pytest.mark.parametrize(
    "permission",
    [
        "auth.view_user",
        "auth.change_user",
        "auth.change_group",
        "auth.change_permission",
        "roadmaps.view_progress",
        "roadmaps.view_note",
        "accounts.view_profile",
    ],
)
def test_editors_cannot_see_users_learners_rows_or_permissions(editor, permission):
    assert not editor.has_perm(permission)


def test_editors_see_learners_aggregate_numbers_and_nothing_personal(
    editor_client, learner, other_learner
):
    roadmap = build_roadmaps(build_content())[0]
    step = RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    progress_set(user=other_learner, skill=step.skill, status=Status.LEARNING)
    call_command("count_learners")
    html = editor_client.get(reverse("learner_statistics")).content.decode()
    assert "Learner statistics" in html
    assert "learner@example.com" not in html and "other@example.com" not in html
    row = html.split(step.skill.name + "</td>")[1].split("</tr>")[0]
    assert "<td>1</td><td>1</td>" in row  # one done, one learning
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("learner_statistics") in index


def test_learner_statistics_never_count_progress_while_the_page_waits(
    editor_client, learner, django_assert_max_num_queries
):
    skill = build_content()[0].role_skills.first().skill
    progress_set(user=learner, skill=skill, status=Status.DONE)
    html = editor_client.get(reverse("learner_statistics")).content.decode()
    assert "not been counted yet" in html
    call_command("count_learners")
    # Accounts are counted on the page, progress is read from the last count: the same
    # few queries however many learners and progress rows there are.
    with django_assert_max_num_queries(8):
        html = editor_client.get(reverse("learner_statistics")).content.decode()
    assert "Progress as counted at" in html


def test_staff_without_the_permission_cannot_see_learner_statistics(client):
    staff = User.objects.create_user("staff", "s@example.com", EDITOR_PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("learner_statistics")).status_code == 403


def test_learners_cannot_see_learner_statistics(learner_client):
    response = learner_client.get(reverse("learner_statistics"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editors_cannot_open_the_users_or_profiles_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:accounts_profile_changelist")).status_code == 403


# --- History and revert -------------------------------------------------------------------


def test_every_admin_change_is_recorded_with_who_and_when(editor_client, editor):
    role = build_content()[0]
    response = admin_change(editor_client, role, summary="First edit")
    assert response.status_code == 302
    versions = Version.objects.get_for_object(role)
    assert versions.count() == 1
    assert versions[0].revision.user == editor
    history = editor_client.get(reverse("admin:careers_role_history", args=[role.pk]))
    assert history.status_code == 200
    assert "First edit" in history.content.decode() or "Changed" in history.content.decode()


def test_an_editor_reverts_a_role_to_an_earlier_version_inlines_included(editor_client):
    role = build_content()[0]
    admin_change(editor_client, role, summary="Version one")
    level = role.levels.get(position=0)
    data = admin_form_data(editor_client.get(reverse("admin:careers_role_change", args=[role.pk])))
    data["summary"] = "Version two"
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("levels-") and key.endswith("-id") and value == level.pk
    )
    data[f"levels-{index}-salary_max"] = 99_000
    assert (
        editor_client.post(reverse("admin:careers_role_change", args=[role.pk]), data).status_code
        == 302
    )
    role.refresh_from_db()
    assert role.summary == "Version two"
    assert role.levels.get(position=0).salary_max == 99_000

    first = Version.objects.get_for_object(role).order_by("pk").first()
    url = reverse("admin:careers_role_revision", args=[role.pk, first.pk])
    response = editor_client.post(url, admin_form_data(editor_client.get(url)))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.summary == "Version one"
    assert role.levels.get(position=0).salary_max == 90_000


def test_a_deleted_skill_can_be_recovered(editor_client):
    skill = Skill.objects.create(slug="lonely", name="Lonely skill")
    admin_change(editor_client, skill, description="Kept in history")
    editor_client.post(reverse("admin:careers_skill_delete", args=[skill.pk]), {"post": "yes"})
    assert not Skill.objects.filter(slug="lonely").exists()
    version = Version.objects.get_deleted(Skill).get()
    url = reverse("admin:careers_skill_recover", args=[version.pk])
    response = editor_client.post(url, admin_form_data(editor_client.get(url)))
    assert response.status_code == 302
    assert Skill.objects.get(slug="lonely").description == "Kept in history"


# --- Drafts and review dates --------------------------------------------------------------


def test_a_draft_role_is_invisible_to_learners(client, learner_client):
    roles = build_content()
    Role.objects.filter(pk=roles[1].pk).update(status=ContentStatus.DRAFT)
    for visitor in (client, learner_client):
        assert visitor.get(roles[1].get_absolute_url()).status_code == 404
        for page in ["/", "/roles/", "/lifecycle/", "/skills/", "/skills/skill-0/"]:
            assert roles[1].get_absolute_url() not in visitor.get(page).content.decode(), page
        html = visitor.get("/compare/?roles=role-0&roles=role-1").content.decode()
        assert "“role-1”" in html  # named as unknown, not compared


def test_editors_preview_a_draft_with_a_banner(editor_client):
    roles = build_content()
    Role.objects.filter(pk=roles[1].pk).update(status=ContentStatus.DRAFT)
    response = editor_client.get(roles[1].get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview." in response.content.decode()
    assert "Draft preview." not in editor_client.get(roles[0].get_absolute_url()).content.decode()


def test_a_draft_roadmap_is_invisible_to_learners_and_previewed_by_editors(editor_client):
    client = Client()  # the `client` fixture is the editor's, signed in
    roadmaps = build_roadmaps(build_content())
    Roadmap.objects.filter(pk=roadmaps[0].pk).update(status=ContentStatus.DRAFT)
    assert client.get(roadmaps[0].get_absolute_url()).status_code == 404
    assert roadmaps[0].get_absolute_url() not in client.get("/roadmaps/").content.decode()
    preview = editor_client.get(roadmaps[0].get_absolute_url())
    assert preview.status_code == 200 and "Draft preview." in preview.content.decode()


def test_the_roadmap_of_a_draft_role_is_hidden_too(client):
    roadmaps = build_roadmaps(build_content())
    Role.objects.filter(pk=roadmaps[0].role_id).update(status=ContentStatus.DRAFT)
    assert client.get(roadmaps[0].get_absolute_url()).status_code == 404


def test_role_and_roadmap_pages_show_when_they_were_last_reviewed(client):
    roadmaps = build_roadmaps(build_content())
    Role.objects.filter(pk=roadmaps[0].role_id).update(last_reviewed=date(2026, 11, 2))
    Roadmap.objects.filter(pk=roadmaps[0].pk).update(last_reviewed=date(2026, 10, 1))
    assert "Last reviewed" in client.get("/roles/role-0/").content.decode()
    assert "2 November 2026" in client.get("/roles/role-0/").content.decode()
    assert "1 October 2026" in client.get(roadmaps[0].get_absolute_url()).content.decode()


# --- Validation ---------------------------------------------------------------------------


def test_a_salary_range_whose_minimum_exceeds_its_maximum_is_refused(editor_client):
    role = build_content()[0]
    level = role.levels.first()
    response = admin_change(editor_client, level, salary_min=200_000, salary_max=100_000)
    assert response.status_code == 200
    assert "The minimum salary cannot be above the maximum." in response.content.decode()
    assert CareerLevel.objects.get(pk=level.pk).salary_min != 200_000


def test_a_roadmap_with_an_empty_level_cannot_be_published(editor_client):
    roadmap = build_roadmaps(build_content())[0]
    Roadmap.objects.filter(pk=roadmap.pk).update(status=ContentStatus.DRAFT)
    roadmap.levels.get(stage="advanced").steps.all().delete()
    response = admin_change(editor_client, roadmap, status=ContentStatus.PUBLISHED)
    assert response.status_code == 200
    assert "Add steps to Level advanced before publishing" in response.content.decode()
    assert Roadmap.objects.get(pk=roadmap.pk).status == ContentStatus.DRAFT


def test_a_skill_under_another_spelling_is_refused(editor_client):
    Skill.objects.create(slug="scikit-learn", name="Scikit-learn")
    response = editor_client.post(
        reverse("admin:careers_skill_add"),
        {"name": "scikit learn", "slug": "scikit-learn-2", "group": "technical"},
    )
    assert response.status_code == 200
    assert "“Scikit-learn” already exists" in response.content.decode()
    assert Skill.objects.count() == 1


def test_a_tool_under_another_spelling_is_refused():
    build_content()
    tool = Tool(slug="tool-zero", name="TOOL-0", category=Tool.objects.first().category)
    with pytest.raises(ValidationError):
        tool.full_clean()


# --- Content as files ---------------------------------------------------------------------


def _content_snapshot(folder) -> dict:
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


@pytest.mark.slow
def test_export_then_load_into_an_empty_database_gives_identical_content(tmp_path):
    load_site_content()
    call_command("export_content", output=tmp_path / "first", verbosity=0)
    # Empty the content, dependants first.
    for name in reversed(CONTENT_FILES):
        for label in reversed(CONTENT_FILES[name]):
            apps.get_model(label).objects.all().delete()
    assert not Role.objects.exists()
    for name in CONTENT_FILES:
        call_command("loaddata", tmp_path / "first" / name, verbosity=0)
    call_command("export_content", output=tmp_path / "second", verbosity=0)
    assert _content_snapshot(tmp_path / "first") == _content_snapshot(tmp_path / "second")


@pytest.mark.slow
def test_the_committed_fixtures_are_what_export_writes(tmp_path):
    load_site_content()
    call_command("export_content", output=tmp_path, verbosity=0)
    committed = settings.BASE_DIR / "fixtures"
    for path in tmp_path.glob("*.json"):
        assert json.loads(path.read_text()) == json.loads((committed / path.name).read_text())
        # Byte for byte too, so exporting after an edit in the admin diffs as just that edit.
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name


@pytest.mark.slow
def test_loading_exported_content_leaves_learners_progress_and_notes_alone(tmp_path, learner):
    load_site_content()
    sql = Skill.objects.get(slug="sql")
    progress_set(user=learner, skill=sql, status=Status.DONE)
    Note.objects.create(user=learner, skill=sql, text="mine")
    call_command("export_content", output=tmp_path, verbosity=0)
    for path in sorted(tmp_path.glob("*.json")):
        call_command("loaddata", path, verbosity=0)
    assert Progress.objects.get(user=learner).status == Status.DONE
    assert Note.objects.get(user=learner).text == "mine"
