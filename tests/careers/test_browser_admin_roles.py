"""A role's admin pages in a real browser, as a content editor sees them."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from careers.admin import ROLE_PARTS
from careers.models import Role
from tests.content import load_site_content

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(transactional_db, page):
    load_site_content()
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


def test_no_role_page_scrolls_sideways_at_1280_pixels(editor_page):
    role = Role.objects.get(slug="data-engineer")
    urls = [reverse("admin:careers_role_change", args=[role.pk])] + [
        reverse("admin:careers_role_part", args=[role.pk, section]) for section in ROLE_PARTS
    ]
    for url in urls:
        editor_page.goto(url)
        width = editor_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, (url, width)


def test_an_editor_changes_a_skill_on_the_roles_skills_page(editor_page):
    role = Role.objects.get(slug="nlp-engineer")
    editor_page.goto(reverse("admin:careers_role_change", args=[role.pk]))
    editor_page.locator("nav.content-parts").get_by_role("link", name="Skills").click()
    editor_page.locator("#id_role_skills-0-detail").fill("expert level")
    editor_page.get_by_role("button", name="Save", exact=True).click()
    editor_page.get_by_text("was changed successfully").wait_for()
    assert editor_page.url.endswith(reverse("admin:careers_role_change", args=[role.pk]))
    assert role.role_skills.filter(detail="expert level").count() == 1
