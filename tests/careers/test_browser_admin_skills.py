"""A skill's prerequisites in the admin, in a real browser, as a content editor sets them."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from careers.models import Skill
from tests.browser import assert_no_axe_violations

pytestmark = pytest.mark.browser

# axe's stylesheet preload adds a <style> element, which the site's CSP refuses (a console
# error that is axe's, not the page's); only the css-orientation-lock rule needs it.
AXE_OPTIONS = {"preload": False}


@pytest.fixture
def editor_page(transactional_db, page):
    user = User.objects.create_user("editor", "editor@example.com", "x" * 24, is_staff=True)
    group, _ = Group.objects.get_or_create(name="Content editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="careers"))
    user.groups.add(group)
    page.goto("/admin/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill("editor@example.com")
    main.get_by_label("Password").fill("x" * 24)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    return page


def test_an_editor_picks_prerequisites_and_is_told_when_they_would_form_a_cycle(editor_page):
    python = Skill.objects.create(slug="python", name="Python basics")
    advanced = Skill.objects.create(slug="advanced-python", name="Advanced Python")
    Skill.objects.create(slug="sql", name="SQL basics")

    editor_page.goto(reverse("admin:careers_skill_change", args=[advanced.pk]))
    editor_page.get_by_label("Prerequisites").select_option(label="Python basics")
    editor_page.get_by_role("button", name="Save", exact=True).click()
    editor_page.get_by_text("was changed successfully").wait_for()
    assert list(advanced.prerequisites.all()) == [python]
    # The chosen prerequisite shows when the page opens again, and the page passes axe.
    editor_page.goto(reverse("admin:careers_skill_change", args=[advanced.pk]))
    prerequisites = editor_page.get_by_label("Prerequisites")
    assert prerequisites.evaluate("s => [...s.selectedOptions].map(o => o.text)") == [
        "Python basics"
    ]
    assert_no_axe_violations(editor_page, options=AXE_OPTIONS)

    editor_page.goto(reverse("admin:careers_skill_change", args=[python.pk]))
    editor_page.get_by_label("Prerequisites").select_option(label="Advanced Python")
    editor_page.get_by_role("button", name="Save", exact=True).click()
    editor_page.get_by_text(
        "Python basics can’t require Advanced Python: Advanced Python already requires "
        "Python basics (Advanced Python → Python basics)."
    ).wait_for()
    assert not python.prerequisites.exists()
