"""The admin as a content editor uses it passes axe: the index, a role's pages, a quiz's pages
and the CSV import with its preview, in light and dark mode."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from careers.admin import ROLE_PARTS
from careers.models import Role, Tool
from quizzes.models import Quiz
from tests.browser import assert_no_axe_violations, switch_colour_mode
from tests.content import load_site_content

pytestmark = pytest.mark.browser

PASSWORD = "an-editors-long-password"
# axe preloads stylesheets to read @import-ed ones (Django's forms.css imports widgets.css) by
# adding a <style> element, which the site's CSP refuses: a console error that is axe's, not
# the page's. Only the css-orientation-lock rule needs the preload.
AXE_OPTIONS = {"preload": False}
# The admin's page colour in each mode (Django's --body-bg), to tell which mode is showing.
BACKGROUNDS = {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 18, 18)"}


def sign_in(page) -> None:
    page.goto("/admin/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill("editor@example.com")
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def editor(transactional_db):
    load_site_content()
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
    # Another browser test's flush empties the tables the data migrations filled; Django
    # recreates the permissions, so only the group needs making again.
    group, _ = Group.objects.get_or_create(name="Content editors")
    labels = ["careers", "roadmaps", "quizzes"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=labels))
    user.groups.add(group)
    return user


def admin_pages() -> list[str]:
    role = Role.objects.get(slug="ml-engineer")
    quiz = Quiz.objects.get(slug="knowledge")
    return [
        reverse("admin:index"),
        reverse("admin:careers_role_change", args=[role.pk]),
        *(reverse("admin:careers_role_part", args=[role.pk, part]) for part in ROLE_PARTS),
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        reverse("admin:quizzes_quiz_part", args=[quiz.pk, "questions"]),
        reverse("admin:careers_tool_changelist"),
        reverse("admin:careers_tool_import"),
        reverse("admin:careers_tool_export"),
    ]


def test_the_editors_admin_pages_have_no_axe_violations_in_light_and_dark_mode(editor, page):
    sign_in(page)
    for url in admin_pages():
        response = page.goto(url)
        assert response.status == 200, url
        # Each page is loaded once: the admin's colours follow the system's mode live.
        for mode in ["light", "dark"]:
            switch_colour_mode(page, mode)
            assert (
                page.evaluate("getComputedStyle(document.body).backgroundColor")
                == (BACKGROUNDS[mode])
            )
            assert_no_axe_violations(page, options=AXE_OPTIONS)


def _upload(page, name: str, content: str) -> None:
    page.goto(reverse("admin:careers_tool_import"))
    page.get_by_label("File to import").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Submit").click()


def test_the_import_preview_and_its_refusal_have_no_axe_violations(editor, page):
    sign_in(page)
    category = Tool.objects.select_related("category").first().category.slug
    tool = Tool.objects.get(slug=Tool.objects.first().slug)
    rows = (
        "slug,name,category,description\n"
        f"{tool.slug},{tool.name},{category},Changed in a spreadsheet\n"
        f"new-tool,New tool,{category},\n"
    )
    _upload(page, "tools.csv", rows)
    page.get_by_role("heading", name="Preview").wait_for()
    assert_no_axe_violations(page, options=AXE_OPTIONS)

    _upload(page, "tools.csv", rows + "bad slug!,Bad,nowhere,\n")
    page.get_by_role("heading", name="Nothing was imported").wait_for()
    assert_no_axe_violations(page, options=AXE_OPTIONS)
