"""The editors' new admin pages in a real browser: content health, the links list, and the
admin's own error pages pass axe, and none asks for a missing icon."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from tests.browser import assert_no_axe_violations
from tests.quizzes.test_content_health import build_health_content

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(transactional_db, page, live_server):
    build_health_content()
    user = User.objects.create_user("editor", "editor@example.com", "x" * 24, is_staff=True)
    # Another browser test's flush empties the group the data migrations made.
    group, _ = Group.objects.get_or_create(name="Content editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["careers", "roadmaps", "quizzes"])
    )
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def test_the_content_health_page_and_the_links_list_pass_axe(editor_page):
    editor_page.goto(reverse("admin:index"))
    editor_page.get_by_role("link", name="Content health").click()
    editor_page.get_by_role("heading", name="Content health", level=1).wait_for()
    assert_no_axe_violations(editor_page)
    editor_page.locator("#broken-links").get_by_role("link").first.click()
    editor_page.get_by_text("Broken: 404 Not Found").wait_for()
    editor_page.goto(reverse("admin:roadmaps_resource_changelist") + "?link=broken")
    assert editor_page.locator("#result_list tbody tr").count() == 3
    assert_no_axe_violations(editor_page)


def test_the_admin_s_403_and_404_pages_pass_axe(editor_page):
    response = editor_page.goto(reverse("admin:auth_user_changelist"))
    assert response.status == 403
    assert_no_axe_violations(editor_page)
    response = editor_page.goto("/admin/roadmaps/no-such-page/")
    assert response.status == 404
    assert_no_axe_violations(editor_page)
    editor_page.get_by_role("link", name="Back to the admin’s home page").click()
    editor_page.wait_for_url("**/admin/")


def test_no_admin_page_asks_for_a_missing_icon(editor_page):
    failed = []
    editor_page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    editor_page.goto(reverse("admin:index"))
    editor_page.goto(reverse("content_health"))
    assert editor_page.request.get("/favicon.ico").status == 200
    assert failed == []
