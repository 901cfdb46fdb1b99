"""A content editor's day in a real browser, as the editors' issue accepts it: change a role's
salary and one of its skills, see both public, undo to the loaded version from History and
see the original again, then bulk-import three tools with one bad row, fix it and import."""

import time

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from reversion.models import Version

from careers.models import Role, Tool
from core.management.commands.load_content import record_loaded_versions
from tests.content import load_site_content

pytestmark = pytest.mark.browser

PASSWORD = "an-editors-long-password"


@pytest.fixture
def editor(transactional_db):
    load_site_content()
    # A later load in this process copies the rows without load_content's first versions.
    if not Version.objects.exists():
        record_loaded_versions()
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
    # Another browser test's flush empties the tables the data migrations filled; Django
    # recreates the permissions, so only the group needs making again.
    group, _ = Group.objects.get_or_create(name="Content editors")
    labels = ["careers", "roadmaps", "quizzes"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=labels))
    user.groups.add(group)
    assert not user.is_superuser
    return user


def tools_csv(third_slug: str) -> dict:
    rows = (
        "slug,name,category,description\n"
        "feast,Feast,mlops-platforms,A feature store\n"
        "evidently,Evidently,monitoring,Watches models for drift\n"
        f"{third_slug},Great Expectations,data-analysis,Tests data\n"
    )
    return {"name": "tools.csv", "mimeType": "text/csv", "buffer": rows.encode()}


def test_an_editor_edits_a_role_undoes_it_from_history_and_imports_tools(
    editor, browser, live_server, page
):
    visitor = browser.new_context(base_url=live_server.url).new_page()
    public = visitor.goto("/roles/data-scientist/")
    assert "$80k–$110k" in visitor.content() and "(expert level)" in visitor.content()

    page.goto("/admin/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill("editor@example.com")
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")

    # The role's salary, on its own page.
    page.get_by_role("link", name="Roles").first.click()
    page.get_by_role("link", name="Data Scientist", exact=True).click()
    page.locator("#id_levels-0-salary_max").fill("125000")
    started = time.perf_counter()
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name="Save and continue editing").click()
    saved_ms = (time.perf_counter() - started) * 1000
    page.get_by_text("was changed successfully").wait_for()
    shown_ms = (time.perf_counter() - started) * 1000

    # One of its skills, on the role's skills page.
    page.locator("nav.content-parts").get_by_role("link", name="Skills").click()
    python = page.locator("tr.form-row").filter(
        has=page.locator('.select2-selection__rendered[title="Python"]')
    )
    python.locator("input[name$='-detail']").fill("production-grade")
    started = time.perf_counter()
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name="Save", exact=True).click()
    skills_saved_ms = (time.perf_counter() - started) * 1000
    page.get_by_text("was changed successfully").wait_for()
    # No timing assertion: a figure to quote (the save's answer, then the next page shown).
    print(
        f"\nrole save (salary): answered in {saved_ms:.0f} ms, page shown after {shown_ms:.0f} ms;"
        f" skills page save: answered in {skills_saved_ms:.0f} ms"
    )

    visitor.goto("/roles/data-scientist/")
    html = visitor.content()
    assert "$80k–$125k" in html and "(production-grade)" in html

    # Undo both: the role's history, oldest version (as loaded), Save.
    role = Role.objects.get(slug="data-scientist")
    page.goto(reverse("admin:careers_role_history", args=[role.pk]))
    history = page.locator("#change-history")
    loaded = history.locator("tr").filter(has_text="Loaded from the content files.")
    loaded.get_by_role("link").first.click()
    page.get_by_role("heading", name="Revert Data Scientist").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()

    visitor.goto("/roles/data-scientist/")
    html = visitor.content()
    assert "$80k–$110k" in html and "(expert level)" in html
    assert "$80k–$125k" not in html and "(production-grade)" not in html

    # Three tools from a spreadsheet; the third row's slug is not a slug.
    page.goto(reverse("admin:careers_tool_changelist"))
    page.locator("ul.object-tools").get_by_role("link", name="Import").click()
    page.get_by_label("File to import").set_input_files(tools_csv("great expectations!"))
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("heading", name="Nothing was imported: fix 1 row").wait_for()
    problem = page.locator("table.import-errors td ul.errorlist li").first.inner_text()
    assert problem.startswith("slug:") and "valid “slug”" in problem
    assert not page.get_by_role("button", name="Confirm import").count()
    assert not Tool.objects.filter(slug__in=["feast", "evidently"]).exists()

    # Fixed, previewed, confirmed.
    page.get_by_label("File to import").set_input_files(tools_csv("great-expectations"))
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert page.locator("table.import-preview td.import-type").all_inner_texts() == ["New"] * 3
    page.get_by_role("button", name="Confirm import").click()
    page.get_by_text("Import finished: 3 new, 0 updated, 0 deleted and 0 skipped tools.").wait_for()
    assert set(
        Tool.objects.filter(slug__in=["feast", "evidently", "great-expectations"]).values_list(
            "category__slug", flat=True
        )
    ) == {"mlops-platforms", "monitoring", "data-analysis"}
    assert public.status == 200
    visitor.context.close()
