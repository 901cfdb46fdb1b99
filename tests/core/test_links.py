"""Content addresses are remembered, yet follow the prefix the site is served under."""

from django.urls import reverse, set_script_prefix

from core.links import content_url


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
