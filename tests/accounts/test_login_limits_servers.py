"""Login limits on the real site: gunicorn with five workers and the production settings on a
scratch database, without Redis. The counters are shared by every worker and every server, a
limit counts the client's address behind the proxy (and cannot be dodged without one), and
forwarded headers are believed only from the proxy the settings name.

These tests start servers in subprocesses and never touch pytest-django's test database.
"""

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from copy import deepcopy

import pytest

from benchmarks.site import Gunicorn, learner_headers, scratch_database

pytestmark = [pytest.mark.slow, pytest.mark.reliability, pytest.mark.xdist_group("servers")]

LEARNER_PASSWORD = "x" * 24  # benchmarks/prepare.py gives every learner this one
# Each answer's worker in the log, so a test can tell how many workers answered.
ACCESS_LOG = {"GUNICORN_ACCESS_LOG": "-", "GUNICORN_CMD_ARGS": "--access-logformat '%(p)s %(U)s'"}


@pytest.fixture(scope="session")
def limits_database(prepared_site):
    """A copy of the prepared database of its own: these tests lock accounts out."""
    env, data = prepared_site
    with scratch_database(copy_of=env) as copy:
        yield copy, deepcopy(data)


@pytest.fixture(scope="session")
def behind_proxy(limits_database):
    """As docs/deploy.md runs it behind nginx: one trusted proxy, five workers."""
    env = {**limits_database[0], **ACCESS_LOG, "DJANGO_TRUSTED_PROXY_COUNT": "1"}
    with Gunicorn(env, workers=5) as server:
        yield server


@pytest.fixture(scope="session")
def without_proxy(limits_database):
    """A second server on the same database, configured as if nothing were in front of it."""
    env = {**limits_database[0], "DJANGO_BEHIND_HTTPS_PROXY": "false"}
    with Gunicorn(env, workers=2) as server:
        yield server


def post(site: Gunicorn, path: str, fields: dict, headers: dict | None = None):
    token = secrets.token_hex(16)
    csrf = {"Cookie": f"csrftoken={token}", "X-CSRFToken": token}
    return site.request("POST", path, body=fields, headers={**csrf, **(headers or {})})


def log_in(site: Gunicorn, email: str, password: str, client: str | None = None) -> str:
    """One login attempt: "in", "wrong" (the password was checked) or "refused"."""
    headers = {"X-Forwarded-For": client} if client else {}
    status, body, _ = post(
        site, "/accounts/login/", {"login": email, "password": password}, headers
    )
    if status == 302:
        return "in"
    if status == 200 and b"not correct" in body:
        return "wrong"
    assert status == 429 or b"Too many failed login attempts" in body, (status, body[:300])
    return "refused"


def at_once(attempts: list[tuple], site: Gunicorn) -> list[str]:
    """Every attempt (email, password, client), eight at a time on fresh connections."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda attempt: log_in(site, *attempt), attempts))


def workers_that_answered(site: Gunicorn, path: str) -> set[str]:
    return set(re.findall(rf"^<(\d+)> {re.escape(path)}$", site.log(lines=100_000), re.M))


def test_the_sixth_wrong_password_for_one_account_is_refused_whichever_worker_answers(
    behind_proxy,
):
    # From forty addresses, so only the account's own limit (5 per 5 minutes) applies.
    attempts = [("learner0@example.com", "wrong-password", f"198.51.100.{n}") for n in range(40)]

    outcomes = at_once(attempts, behind_proxy)

    assert outcomes.count("wrong") == 5, outcomes
    assert outcomes.count("refused") == 35, outcomes
    assert len(workers_that_answered(behind_proxy, "/accounts/login/")) >= 3
    # The right password is refused too until the window has passed.
    assert log_in(behind_proxy, "learner0@example.com", LEARNER_PASSWORD, "192.0.2.1") == "refused"


def test_one_address_gets_ten_failed_logins_a_minute_and_other_clients_still_log_in(
    behind_proxy,
):
    attacker = "203.0.113.50"
    attempts = [(f"nobody{n}@example.com", "guess", attacker) for n in range(40)]

    outcomes = at_once(attempts, behind_proxy)

    assert outcomes.count("wrong") == 10, outcomes
    assert outcomes.count("refused") == 30, outcomes
    assert log_in(behind_proxy, "nobody@example.com", "guess", attacker) == "refused"
    # Behind nginx every request comes from 127.0.0.1; another client is not locked out.
    assert log_in(behind_proxy, "learner1@example.com", LEARNER_PASSWORD, "198.51.100.200") == "in"


def test_the_sixth_wrong_password_on_the_delete_page_is_refused_whichever_worker_answers(
    limits_database, behind_proxy
):
    learner = limits_database[1]["learners"][3]

    def delete(n: int) -> int:
        headers = {**learner_headers(learner), "X-Forwarded-For": f"198.51.100.{n}"}
        status, _, _ = behind_proxy.request(
            "POST", "/accounts/delete/", body={"password": "wrong-password"}, headers=headers
        )
        return status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(delete, range(40)))

    assert statuses.count(400) == 5, statuses  # checked: "That is not your password."
    assert statuses.count(429) == 35, statuses
    assert len(workers_that_answered(behind_proxy, "/accounts/delete/")) >= 3


def test_servers_sharing_the_database_share_the_counters(behind_proxy, without_proxy):
    for n in range(5):
        client = f"198.51.100.{100 + n}"
        assert log_in(behind_proxy, "learner2@example.com", "wrong-password", client) == "wrong"

    assert log_in(without_proxy, "learner2@example.com", LEARNER_PASSWORD) == "refused"


def test_without_a_trusted_proxy_a_forged_x_forwarded_for_does_not_dodge_the_limit(
    without_proxy,
):
    outcomes = [
        log_in(without_proxy, f"forger{n}@example.com", "guess", f"192.0.2.{n}") for n in range(12)
    ]

    assert outcomes.count("wrong") <= 10, outcomes
    assert outcomes[-2:] == ["refused", "refused"], outcomes


def test_without_the_proxy_setting_plain_http_claiming_https_gets_no_hsts_and_stays_http(
    behind_proxy, without_proxy
):
    claims_https = {"X-Forwarded-Proto": "https"}

    _, _, headers = without_proxy.request("GET", "/roles/", headers=claims_https)
    assert "Strict-Transport-Security" not in headers
    # Plain HTTP: Django's CSRF check asks no Referer of it (it would of HTTPS).
    reset = {"email": "nobody@example.com"}
    assert post(without_proxy, "/accounts/password/reset/", reset, claims_https)[0] == 302

    # Behind the proxy the same claim is believed.
    _, _, headers = behind_proxy.request("GET", "/roles/", headers=claims_https)
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert post(behind_proxy, "/accounts/password/reset/", reset, claims_https)[0] == 403
