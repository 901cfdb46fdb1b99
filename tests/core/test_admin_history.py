"""History in the admin: the loaded content is its first version, the newest version is
listed first, and a form saved without edits records no change."""

import pytest
import reversion
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision, Version

from careers.models import Role
from core.content import CONTENT_MODELS
from core.management.commands.load_content import LOADED_COMMENT, record_loaded_versions
from tests.content import admin_form_data, build_content, load_site_content
from tests.html import attribute, select

pytestmark = pytest.mark.django_db


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@pytest.mark.slow
def test_loading_the_content_records_a_version_of_every_object_it_can_undo_to(editor_client):
    call_command("load_content", verbosity=0)
    role = Role.objects.get(slug="data-scientist")
    loaded = Version.objects.get_for_object(role)
    assert [v.revision.comment for v in loaded] == ["Loaded from the content files."]
    level = role.levels.first()
    assert {v.revision.comment for v in Version.objects.get_for_object(level)} == {
        "Loaded from the content files."
    }

    # An editor changes the role's salary, then undoes it from the role's history.
    url = reverse("admin:careers_role_change", args=[role.pk])
    data = admin_form_data(editor_client.get(url))
    data["levels-0-salary_max"] = 999_000
    assert editor_client.post(url, data).status_code == 302
    assert role.levels.get(pk=level.pk).salary_max == 999_000
    first = Version.objects.get_for_object(role).order_by("pk").first()
    revert = reverse("admin:careers_role_revision", args=[role.pk, first.pk])
    assert editor_client.post(revert, admin_form_data(editor_client.get(revert))).status_code == 302
    assert role.levels.get(pk=level.pk).salary_max == level.salary_max


def _revisions() -> list[tuple]:
    """Every revision's comment, user and versions, oldest first."""
    return [
        (
            revision.comment,
            revision.user_id,
            sorted(
                (v.content_type_id, v.object_id, v.db, v.format, v.serialized_data, v.object_repr)
                for v in revision.version_set.all()
            ),
        )
        for revision in Revision.objects.order_by("pk").prefetch_related("version_set")
    ]


@pytest.mark.slow
def test_the_loaded_versions_are_those_reversion_records_one_object_at_a_time():
    # load_content writes them in bulk; each revision must hold what reversion's own
    # create_revision() around add_to_revision(obj) would, inlines followed included.
    load_site_content()
    record_loaded_versions()
    recorded = _revisions()
    loaded = [
        list(model._base_manager.all())
        for model in map(apps.get_model, CONTENT_MODELS)
        if reversion.is_registered(model)
    ]
    assert len(recorded) == sum(map(len, loaded))

    # Reversion's own way for the first three and the last object of every model (for the
    # whole content it takes seconds), compared with their revisions in the same order.
    Revision.objects.all().delete()
    compared, position = [], 0
    for objects in loaded:
        for index in sorted({*range(min(3, len(objects))), len(objects) - 1}):
            with reversion.create_revision():
                reversion.set_comment(LOADED_COMMENT)
                reversion.add_to_revision(objects[index])
            compared.append(recorded[position + index])
        position += len(objects)
    assert _revisions() == compared


def test_history_lists_the_newest_version_first(editor_client):
    role = build_content()[0]
    url = _change_url(role)
    for summary in ("First", "Second"):
        data = admin_form_data(editor_client.get(url))
        data["summary"] = summary
        editor_client.post(url, data)
    history = editor_client.get(reverse("admin:careers_role_history", args=[role.pk]))
    prefix = reverse("admin:careers_role_history", args=[role.pk])
    listed = [
        int(attribute(link, "href").removeprefix(prefix).strip("/"))
        for link in select(history.content, "#change-history a")
        if attribute(link, "href").startswith(prefix)
    ]
    assert len(listed) == 2 and listed == sorted(listed, reverse=True)


def test_saving_a_form_without_edits_records_no_change(editor_client):
    role = build_content()[0]
    Role.objects.filter(pk=role.pk).update(
        example_code="def work():\n    return 42\n", progression_notes="Junior\nSenior\n"
    )
    url = _change_url(role)
    data = admin_form_data(editor_client.get(url))
    # Browsers send text areas back with CRLF line endings.
    for name in ("example_code", "progression_notes", "overview"):
        data[name] = data[name].replace("\n", "\r\n")
    assert editor_client.post(url, data).status_code == 302
    version = Version.objects.get_for_object(role).first()
    assert version.revision.comment in ("No fields changed.", "")
    role.refresh_from_db()
    assert role.example_code == "def work():\n    return 42\n"
