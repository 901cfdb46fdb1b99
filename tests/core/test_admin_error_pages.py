"""Error pages under /admin/ look like the admin, with its header and a way back to its home
page; the public site keeps its own. /favicon.ico answers on every page."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db


def assert_admin_page(html: str) -> None:
    assert text(select_one(html, "#site-name a")) == "ML Career Paths — content"
    assert select(html, 'link[href="/static/admin/css/base.css"]')
    assert select_one(html, '.breadcrumbs a[href="/admin/"]')
    assert select(html, '#content-main a[href="/admin/"]')


def test_an_editor_who_opens_a_change_page_without_permission_gets_the_admin_s_403_page(
    editor_client, editor
):
    response = editor_client.get(reverse("admin:auth_user_change", args=[editor.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert_admin_page(html)
    assert "permission" in text(select_one(html, "h1"))
    assert select(html, "#user-tools")  # still signed in, with the admin's own links


def test_a_page_the_permission_refuses_outside_the_admin_s_own_urls_looks_like_the_admin(
    client, django_user_model
):
    staff = django_user_model.objects.create_user("staff", "staff@example.com", "x", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("learner_statistics"))
    assert response.status_code == 403
    assert_admin_page(response.content.decode())


def test_an_unknown_admin_address_gets_the_admin_s_404_page(editor_client):
    response = editor_client.get("/admin/careers/no-such-thing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_admin_page(html)
    assert text(select_one(html, "h1")) == "Page not found"


def test_the_public_site_keeps_its_own_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert not select(html, "#site-name")
    assert text(select_one(html, "main h1")) == "Page not found"
    assert select(html, 'main a[href="/roles/"]')


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_admin_pages_name_the_site_s_icon_so_browsers_need_not_ask_for_favicon_ico(
    editor_client,
):
    for url in (reverse("admin:index"), reverse("admin:careers_skill_changelist"), "/admin/x/"):
        html = editor_client.get(url).content.decode()
        icon = select_one(html, 'head link[rel="icon"]')
        assert attribute(icon, "href") == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
