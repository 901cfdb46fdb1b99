"""Addresses are remembered, yet follow the prefix the site is served under."""

import pytest
from django.urls import reverse, set_script_prefix

from core.links import content_url
from tests.html import attribute, select, select_one


def test_a_remembered_address_is_the_one_reverse_gives():
    assert content_url("careers:role_detail", "data-scientist") == reverse(
        "careers:role_detail", args=["data-scientist"]
    )


def test_an_address_remembered_at_one_prefix_is_not_served_at_another():
    try:
        set_script_prefix("/")
        at_root = content_url("careers:skill_detail", "sql")
        set_script_prefix("/careers/")
        under_prefix = content_url("careers:skill_detail", "sql")
    finally:
        set_script_prefix("/")
    assert at_root == "/skills/sql/"
    assert under_prefix == "/careers/skills/sql/"


@pytest.mark.django_db
def test_the_menu_and_footer_links_follow_the_prefix_the_site_is_served_under(client):
    at_root = client.get("/accessibility/").content.decode()
    try:  # as the WSGI handler sets it from SCRIPT_NAME, which the test client does not
        set_script_prefix("/careers/")
        under_prefix = client.get("/accessibility/", SCRIPT_NAME="/careers").content.decode()
    finally:
        set_script_prefix("/")
    for html, prefix in ((at_root, ""), (under_prefix, "/careers")):
        footer = select_one(html, "footer nav")
        links = [attribute(a, "href") for a in select(footer, "a")]
        assert f"{prefix}/roadmaps/" in links and f"{prefix}/accessibility/" in links
        assert attribute(select_one(html, "header a.navbar-brand"), "href") == f"{prefix}/"
        menu = [attribute(a, "href") for a in select(html, 'nav[aria-label="Main"] a')]
        assert f"{prefix}/roadmaps/" in menu and f"{prefix}/skills/" in menu
