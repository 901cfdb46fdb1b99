"""The benchmark harness's scratch databases: a copy starts with what the original held and
keeps its writes to itself, and one on PostgreSQL is dropped even while a process of another
role (as an autovacuum worker is) still holds a connection to it.

The dropping is only meaningful on PostgreSQL, and it needs the server's own `postgres`
account to play that other role (the PostgreSQL run of .ci/run has both)."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time
import urllib.parse

import psycopg
import pytest

from benchmarks.site import scratch_database

pytestmark = pytest.mark.slow


def _execute(env: dict, *statements: str) -> list:
    """Run SQL on a scratch database; the last statement's rows."""
    if env["DATABASE_URL"]:
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            for statement in statements:
                cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []
    with contextlib.closing(sqlite3.connect(env["DJANGO_SQLITE_PATH"])) as connection:
        for statement in statements:
            cursor = connection.execute(statement)
        connection.commit()
        return cursor.fetchall()


def test_a_copy_starts_with_what_the_original_held_and_keeps_its_writes_to_itself():
    with scratch_database() as original:
        _execute(original, "CREATE TABLE t (n integer)", "INSERT INTO t VALUES (1)")
        with scratch_database(copy_of=original) as copy:
            _execute(copy, "INSERT INTO t VALUES (2)")

            assert _execute(copy, "SELECT n FROM t ORDER BY n") == [(1,), (2,)]
            assert _execute(original, "SELECT n FROM t ORDER BY n") == [(1,)]
            # Sessions the original's site signed are good on the copy's, and its collected
            # static files are served.
            assert copy["DJANGO_SECRET_KEY"] == original["DJANGO_SECRET_KEY"]
            assert copy["DJANGO_STATIC_ROOT"] == original["DJANGO_STATIC_ROOT"]


@pytest.fixture
def server_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL (the PostgreSQL run of .ci/run)")
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs root to connect as the server's postgres account")
    return url


def test_a_scratch_database_is_dropped_once_another_roles_connection_ends(server_url):
    port = str(urllib.parse.urlsplit(server_url).port or 5432)
    with scratch_database(database_url=server_url) as env:
        name = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        holder = subprocess.Popen(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                "psql",
                "-p",
                port,
                "-d",
                name,
                "-qc",
                "select pg_sleep(2)",
            ],
            cwd="/",
            stdout=subprocess.DEVNULL,
        )
        waited = 0.0
        while waited < 10 and not _connected(server_url, name):
            time.sleep(0.1)
            waited += 0.1
        assert _connected(server_url, name), "the other role's connection never arrived"
    holder.wait(timeout=10)
    with psycopg.connect(server_url) as check:
        left = check.execute("select count(*) from pg_database where datname = %s", [name])
        assert left.fetchone()[0] == 0


def _connected(server_url: str, name: str) -> bool:
    with psycopg.connect(server_url) as check:
        rows = check.execute("select count(*) from pg_stat_activity where datname = %s", [name])
        return rows.fetchone()[0] > 0
