"""Login limits, in process: where allauth keeps its counters, whose address a limit counts
behind a proxy, the admin's login and the account-deletion form. test_login_limits_servers.py
runs the same limits on the real multi-worker gunicorn."""

import pytest
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings

from tests.conftest import PASSWORD as EDITOR_PASSWORD
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-learner-password"


@pytest.fixture
def learner():
    return User.objects.create_user("jane", "jane@example.com", PASSWORD)


def log_in(client, email="jane@example.com", password=PASSWORD, **headers):
    return client.post("/accounts/login/", {"login": email, "password": password}, headers=headers)


def refused(response) -> bool:
    return "Too many failed login attempts" in response.content.decode()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Where the counters live ---------------------------------------------------------------


def test_allauth_counts_attempts_in_the_shared_cache_not_the_page_cache():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.9")
    [rate] = get_rates(app="allauth.account", action="login")
    key = get_cache_key(request, app="allauth.account", action="login", rate=rate)

    assert ratelimit.consume(request, action="login")

    assert cache.get(key)
    assert caches["pages"].get(key) is None


def test_without_redis_the_shared_cache_is_a_database_table_every_worker_reads(settings):
    if "RedisCache" in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("REDIS_URL is set: Redis holds the counters")
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.CACHES["pages"]["BACKEND"].endswith("LocMemCache")
    cache.set("probe", 1)  # fails if the migration did not create the table
    assert cache.get("probe") == 1


# --- Whose address a limit counts ----------------------------------------------------------


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_failed_logins_from_one_client_do_not_lock_out_another(client, learner):
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(12):
        log_in(client, email=f"someone{n}@example.com", password="guess", **attacker)
    assert refused(log_in(client, email="someone-else@example.com", **attacker))

    # nginx appends the address it saw to whatever the client claimed.
    response = log_in(client, **{"X-Forwarded-For": "203.0.113.7, 198.51.100.2"})
    assert response.status_code == 302
    assert logged_in(client)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_a_trusted_proxy_is_counted_under_its_own_address(client, learner):
    for n in range(12):
        short = {"X-Forwarded-For": "203.0.113.7"}
        response = log_in(client, email=f"someone{n}@example.com", password="guess", **short)
        assert response.status_code in {200, 429}  # never a server error
    response = log_in(client, email="other@example.com", **{"X-Forwarded-For": "203.0.113.7"})
    assert refused(response)  # all twelve counted under 127.0.0.1, which reached the site
    assert log_in(client, **{"X-Forwarded-For": "198.51.100.2, 203.0.113.7"}).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored_so_it_cannot_dodge_the_limit(
    client, learner
):
    for n in range(10):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        log_in(client, email=f"someone{n}@example.com", password="guess", **forged)

    response = log_in(client, **{"X-Forwarded-For": "192.0.2.200"})
    assert refused(response)
    assert not logged_in(client)


def test_a_proxy_count_below_zero_is_refused():
    result = manage("check", DJANGO_TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


# --- The admin's login ---------------------------------------------------------------------


def test_the_admin_login_sends_visitors_to_the_rate_limited_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_password_posted_to_the_admin_login_is_never_checked(client, editor):
    response = client.post("/admin/login/", {"username": "editor", "password": EDITOR_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not logged_in(client)


def test_the_admin_login_counts_with_the_site_s_login_limits(client, editor):
    for _ in range(5):
        log_in(client, email="editor@example.com", password="guess")
    response = log_in(client, email="editor@example.com", password=EDITOR_PASSWORD)
    assert refused(response)
    assert client.get("/admin/").status_code == 302


def test_an_editor_logs_in_on_the_site_and_lands_in_the_admin(client, editor):
    login_page = client.get("/admin/login/", follow=True).redirect_chain[-1][0]
    response = client.post(login_page, {"login": "editor@example.com", "password": EDITOR_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- The account-deletion form -------------------------------------------------------------


def test_wrong_passwords_on_the_delete_page_count_as_failed_logins(client, learner):
    client.force_login(learner)
    for _ in range(5):
        assert client.post("/accounts/delete/", {"password": "guess"}).status_code == 400
    response = client.post("/accounts/delete/", {"password": "guess"})
    assert response.status_code == 429
    assert User.objects.filter(pk=learner.pk).exists()

    # The same account's login is now limited too, as after five failed logins.
    client.logout()
    assert refused(log_in(client))


def test_the_right_password_on_the_delete_page_still_deletes_the_account(client, learner):
    client.force_login(learner)
    client.post("/accounts/delete/", {"password": "guess"})
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
