"""The settings module, run the way a self-hoster runs it: as a fresh process, or (to read what
it computes from an environment) apart from the settings already loaded."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "careers.example.com",
    "DJANGO_SSL_REDIRECT": "true",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_HSTS_PRELOAD": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY"), ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without_a_secret_key_or_hosts(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_a_short_secret_key_is_refused_in_production():
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "50 or more characters" in result.stderr


def test_an_unclear_boolean_is_refused_rather_than_guessed():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_the_local_defaults_need_no_configuration():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific settings; this run uses " + connection.vendor)
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        # The test database lives in memory, where WAL is unavailable; the setting is what
        # a real file database gets.
        assert cursor.fetchone()[0] in ("wal", "memory")


def _database_options(monkeypatch, **env: str) -> dict:
    """The OPTIONS the settings module gives the default database with this environment, read
    by running the module apart from the loaded settings (no connection is made)."""
    monkeypatch.delenv("DJANGO_DB_PREPARED_STATEMENTS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(REPO_ROOT / "config" / "settings.py"))
    return settings["DATABASES"]["default"].get("OPTIONS")


def test_postgresql_binds_on_the_server_so_repeated_statements_are_prepared(monkeypatch):
    url = "postgres://careers:pw@db.internal:5432/careers"
    options = _database_options(monkeypatch, DATABASE_URL=url)
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler_and_url_options_are_kept(
    monkeypatch,
):
    url = "postgres://careers:pw@db.internal:5432/careers?sslmode=require"
    assert _database_options(monkeypatch, DATABASE_URL=url) == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "sslmode": "require",
    }
    off = _database_options(monkeypatch, DATABASE_URL=url, DJANGO_DB_PREPARED_STATEMENTS="false")
    assert off == {"sslmode": "require"}


def test_a_learner_s_statuses_read_on_every_request_are_a_prepared_statement(db):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from roadmaps.models import Progress

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-specific settings; this run uses " + connection.vendor)
    learner = get_user_model().objects.create_user("prepared", password="x" * 12)
    for _ in range(6):  # psycopg prepares a statement the fifth time it runs
        Progress.objects.states_of(learner)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "roadmaps_progress"%'],
        )
        assert cursor.fetchone()[0] == 1
