"""Every response carries the security headers, cached pages and error pages included."""

import pytest
from django.test import Client

from tests.content import build_content


@pytest.fixture
def content(db):
    return build_content()


def assert_security_headers(response):
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_pages_send_every_security_header_also_when_served_from_the_cache(client, content):
    first = client.get("/roles/")
    cached = client.get("/roles/")
    assert first.status_code == cached.status_code == 200
    assert first.content == cached.content
    assert_security_headers(first)
    assert_security_headers(cached)


def test_htmx_responses_and_error_pages_send_them_too(client, content):
    role = content[0]
    swap = client.get(f"/compare/?roles={role.slug}&roles={content[1].slug}", HTTP_HX_REQUEST="1")
    missing = client.get("/roles/no-such-role/")
    assert swap.status_code == 200
    assert missing.status_code == 404
    assert_security_headers(swap)
    assert_security_headers(missing)


def test_signed_in_pages_and_redirects_send_them(learner_client, content):
    dashboard = learner_client.get("/dashboard/")
    redirect = learner_client.get("/roles")
    assert dashboard.status_code == 200
    assert redirect.status_code == 301
    assert_security_headers(dashboard)
    assert_security_headers(redirect)


def test_pages_shared_by_all_visitors_never_carry_a_visitors_csrf_token(client, content):
    first = client.get("/roles/")
    second = Client().get("/roles/")  # from the cache
    for response in (first, second):
        assert b"X-CSRFToken" not in response.content
        assert b"csrfmiddlewaretoken" not in response.content
        assert "csrftoken" not in response.cookies


def test_pages_that_post_carry_the_token_for_htmx(learner_client, content):
    signed_in = learner_client.get("/roles/")
    assert b'hx-headers=\'{"X-CSRFToken": "' in signed_in.content
    anonymous = Client().get("/roadmaps/")
    assert b'hx-headers=\'{"X-CSRFToken": "' in anonymous.content
