import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from careers.models import Role
from tests.conftest import PASSWORD
from tests.content import admin_form_data, build_content

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    model
    for model in apps.get_app_config("careers").get_models()
    if model.__name__ != "ContentVersion"
]


def test_every_content_model_is_registered_in_the_admin():
    unregistered = [model for model in CONTENT_MODELS if not admin.site.is_registered(model)]
    # Through rows (role ↔ stage, skill, tool, aspect) are edited inline on their parents.
    inline_only = {"RoleStage", "RolePoint", "RoleSkill", "RoleTool", "AspectValue", "TeamHandoff"}
    assert {model.__name__ for model in unregistered} <= inline_only


@pytest.mark.parametrize("model", [m for m in CONTENT_MODELS if admin.site.is_registered(m)])
def test_every_changelist_and_change_form_loads(admin_client, model):
    build_content()
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "x"}).status_code == 200
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    assert admin_client.get(add).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_the_content_editors_group_can_change_content_but_not_users_or_learner_data():
    group = Group.objects.get(name="Content editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_role", "add_skill", "delete_tool", "change_careerlevel"} <= codenames
    assert {"change_roadmap", "add_roadmapstep", "change_resource"} <= codenames
    learner_data = {"view_progress", "change_progress", "view_note", "view_profile", "view_user"}
    assert not codenames & learner_data
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"careers", "roadmaps", "quizzes"}


def test_an_editor_can_log_in_and_edit_a_role(client, editor):
    role = build_content()[0]
    assert client.login(username="editor", password=PASSWORD)
    url = reverse("admin:careers_role_change", args=[role.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page)
    data["summary"] = "Builds the data platform"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    role.refresh_from_db()
    assert role.summary == "Builds the data platform"


def test_an_editor_cannot_see_or_change_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_an_editor_is_not_a_superuser(editor):
    assert not editor.is_superuser


def test_learners_without_staff_status_cannot_reach_the_admin(client):
    User.objects.create_user("learner", "l@example.com", "a-long-learner-password")
    client.login(username="learner", password="a-long-learner-password")
    response = client.get(reverse("admin:careers_role_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_admin_refuses_a_salary_range_whose_minimum_exceeds_its_maximum(admin_client):
    role = build_content()[0]
    level = role.levels.first()
    url = reverse("admin:careers_careerlevel_change", args=[level.pk])
    response = admin_client.post(
        url,
        {
            "role": role.pk,
            "position": level.position,
            "title": level.title,
            "salary_min": 200_000,
            "salary_max": 100_000,
        },
    )
    assert response.status_code == 200
    assert "The minimum salary cannot be above the maximum." in response.content.decode()
    level.refresh_from_db()
    assert level.salary_min != 200_000


def test_the_role_admin_links_to_the_public_page(admin_client):
    role = build_content()[0]
    html = admin_client.get(reverse("admin:careers_role_change", args=[role.pk])).content.decode()
    assert "View on site" in html
    assert Role.objects.get(pk=role.pk).get_absolute_url() == "/roles/role-0/"
