"""Links in account emails use the site's configured address (DJANGO_SITE_URL), never the
Host header of the request that caused them."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings

from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-learner-password"


@pytest.fixture
def learner():
    return User.objects.create_user("jane", "jane@example.com", PASSWORD)


def reset_link(client, **headers) -> str:
    response = client.post("/accounts/password/reset/", {"email": "jane@example.com"}, **headers)
    assert response.status_code == 302
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)[0]


@override_settings(SITE_URL="https://careers.example.com")
def test_the_reset_link_uses_the_configured_site_address_whatever_the_host_header(client, learner):
    link = reset_link(client, HTTP_HOST="localhost:6666")

    assert link.startswith("https://careers.example.com/accounts/password/reset/key/")
    message = mail.outbox[-1]
    assert "localhost" not in message.body
    assert "careers.example.com" in message.body  # the site's name in the greeting

    # The link works.
    response = client.get(link.removeprefix("https://careers.example.com"))
    assert response.status_code == 302


@override_settings(SITE_URL="https://careers.example.com")
def test_the_link_for_an_unknown_address_uses_the_configured_site_address_too(client):
    client.post(
        "/accounts/password/reset/", {"email": "nobody@example.com"}, HTTP_HOST="localhost:6666"
    )
    assert "https://careers.example.com/accounts/signup/" in mail.outbox[-1].body
    assert "localhost" not in mail.outbox[-1].body


def test_locally_without_a_site_address_links_follow_the_request(client, learner, settings):
    settings.SITE_URL = ""
    assert reset_link(client, HTTP_HOST="localhost:8000").startswith("http://localhost:8000/")


def test_in_production_the_site_address_defaults_to_https_and_the_first_allowed_host():
    hosts = {"DJANGO_ALLOWED_HOSTS": "careers.example.com,www.example.com"}
    script = "from django.conf import settings; print(settings.SITE_URL)"
    result = manage("shell", "-c", script, **{**PRODUCTION, **hosts})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "https://careers.example.com"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": ".example.com"}, "DJANGO_SITE_URL must be set"),
        ({"DJANGO_SITE_URL": "careers.example.com"}, "DJANGO_SITE_URL must be a scheme and host"),
        ({"DJANGO_SITE_URL": "https://example.com/x"}, "DJANGO_SITE_URL must be a scheme and host"),
    ],
)
def test_a_site_address_that_cannot_make_links_is_refused_in_production(env, message):
    result = manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert message in result.stderr
