"""An editor's round trip in a real browser: admin edit, publish, public page."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from careers.models import Role
from core.models import ContentStatus
from tests.content import load_site_content

pytestmark = pytest.mark.browser

PASSWORD = "an-editors-long-password"


@pytest.fixture
def editor(transactional_db):
    load_site_content()
    user = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
    # Another browser test's flush empties the tables the data migrations filled; Django
    # recreates the permissions, so only the group needs making again.
    group, _ = Group.objects.get_or_create(name="Content editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="careers"))
    user.groups.add(group)
    return user


def test_an_editor_edits_a_salary_publishes_and_the_public_page_changes(
    editor, browser, live_server, page
):
    Role.objects.filter(slug="nlp-engineer").update(status=ContentStatus.DRAFT)
    visitor = browser.new_context(base_url=live_server.url).new_page()
    assert visitor.goto("/roles/nlp-engineer/").status == 404

    # The admin's login sends editors to the site's own login page (config/urls.py).
    page.goto("/admin/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill("editor@example.com")
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Roles").first.click()
    page.get_by_role("link", name="NLP Engineer", exact=True).click()
    page.locator("#id_levels-0-salary_max").fill("240000")
    page.locator("#id_status").select_option("published")
    page.locator("#id_last_reviewed").fill("2026-11-23")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()

    response = visitor.goto("/roles/nlp-engineer/")
    assert response.status == 200
    html = visitor.content()
    assert "$110k–$240k" in html
    assert "Last reviewed" in html and "Draft preview." not in html
    visitor.context.close()
