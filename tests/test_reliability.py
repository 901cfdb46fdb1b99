"""The real site under load and faults, in miniature: gunicorn with the production settings on
a scratch database (SQLite, or PostgreSQL in the CI's second run), driven over HTTP by the
scenarios of benchmarks/reliability.py with small numbers.

These tests start servers in subprocesses and never touch pytest-django's test database.
They take about a minute; `make test-fast` (-m "not slow") leaves them out.
"""

import os
import re
import time
from copy import deepcopy
from http.client import HTTPConnection
from pathlib import Path

import pytest

from benchmarks import reliability
from benchmarks.site import Gunicorn, scratch_database

# One group: xdist runs these modules in one worker, so their servers never compete for the
# same cores with each other.
pytestmark = [pytest.mark.slow, pytest.mark.reliability, pytest.mark.xdist_group("servers")]


# Session scope: xdist may run other modules' tests in between, which would set a module
# fixture up again (a fresh database and servers, a quarter of a minute each time).
@pytest.fixture(scope="session")
def prepared(prepared_site):
    """One copy of the prepared database (content and 20 learners) for the module: its
    scenarios share it."""
    env, data = prepared_site
    with scratch_database(copy_of=env) as copy:
        yield copy, deepcopy(data)


# Session scope: xdist may run other modules' tests in between, which would set a module
# fixture up again (a fresh database and servers, a quarter of a minute each time).
@pytest.fixture(scope="session")
def site(prepared):
    """The site on two workers, so that writes really race between processes."""
    env, _ = prepared
    with Gunicorn(env, workers=2) as server:
        yield server


def failed_checks(result: dict) -> list[str]:
    return [check for check, ok in result["checks"].items() if not ok]


def explain(name: str, result: dict) -> str:
    """The scenario's summary and all its numbers, for a failing assertion."""
    return "\n".join([*reliability.summary(name, result), repr(result)])


def test_the_benchmark_writes_exactly_the_statuses_the_site_knows():
    from roadmaps.models import Status

    assert set(reliability.STATUSES) == set(Status.values)


def test_the_write_check_calls_an_older_status_a_missing_row_or_a_duplicate_a_lost_write():
    log = reliability.WriteLog()
    sql, python, other = (1, "skill", "sql"), (1, "skill", "python"), (2, "skill", "sql")
    log.add(sql, "learning", True)
    log.add(sql, "done", True)
    log.add(python, "done", True)
    log.add(python, "skipped", False, "RemoteDisconnected")  # in doubt: done or skipped
    log.add(other, "done", True)
    good = {sql: ["done"], python: ["skipped"], other: ["done"]}

    assert reliability.verify_writes(log, good) == {"checked": 3, "lost": 0, "lost_examples": []}
    assert reliability.verify_writes(log, {**good, sql: ["learning"]})["lost"] == 1
    assert reliability.verify_writes(log, {sql: ["done"], python: ["done"]})["lost"] == 1
    assert reliability.verify_writes(log, {**good, other: ["done", "done"]})["lost"] == 1
    assert reliability.duplicates_in({**good, other: ["done", "done"]}) == [
        [2, "skill", "sql", ["done", "done"]]
    ]


def test_sixteen_clients_reading_and_writing_for_five_seconds_see_no_error_and_no_locked_database(
    prepared, site
):
    _, data = prepared
    result = reliability.mixed_load(site, data, duration=5, connections=16)

    assert result["requests"] > 50, explain("load", result)
    assert result["acknowledged"] > 0, explain("load", result)
    assert result["errors"] == 0, explain("load", result)
    assert result["locked_responses"] == 0, explain("load", result)
    assert result["server_log"]["locked"] == 0, explain("load", result)
    assert not failed_checks(result), explain("load", result)


def test_twenty_learners_writing_the_same_skills_at_once_keep_one_row_each_holding_their_last_write(
    prepared, site
):
    _, data = prepared
    assert len(site.worker_pids()) == 2
    result = reliability.concurrent_writes(site, data, learners=20, writes=10)

    assert result["writes"] == 200, explain("concurrency", result)
    assert result["acknowledged"] == 200, explain("concurrency", result)
    assert result["lost"] == 0, explain("concurrency", result)
    assert result["race_wrong"] == 0, explain("concurrency", result)
    assert result["duplicates"] == 0, explain("concurrency", result)
    assert not failed_checks(result), explain("concurrency", result)


def test_killing_a_worker_under_load_loses_no_acknowledged_write_and_the_site_keeps_answering(
    prepared, site
):
    _, data = prepared
    result = reliability.worker_kill(site, data, duration=4.5, interval=1.5)

    assert result["kills"] >= 2, explain("worker-kill", result)
    assert result["acknowledged"] > 0, explain("worker-kill", result)
    assert result["lost"] == 0, explain("worker-kill", result)
    assert result["requests_after_kills"] == {"ok": 20}, explain("worker-kill", result)
    assert not failed_checks(result), explain("worker-kill", result)


def test_a_crashed_server_restarts_at_once_with_every_acknowledged_write(prepared):
    env, data = prepared
    result = reliability.server_kill(env, data, write_for=1.5)

    assert result["acknowledged"] > 0, explain("server-kill", result)
    assert result["serves_after_restart"], explain("server-kill", result)
    assert result["lost"] == 0, explain("server-kill", result)
    assert result["lost_on_pages"] == 0, explain("server-kill", result)
    assert not failed_checks(result), explain("server-kill", result)


def test_the_production_server_sends_static_files_hashed_compressed_and_cached_for_good(site):
    status, page = site.get("/roles/data-scientist/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the role page links the hashed stylesheet"
    for encoding in ("br", "gzip"):
        code, _, headers = site.request(
            "GET", stylesheet.group(1).decode(), headers={"Accept-Encoding": encoding}
        )
        assert code == 200
        assert headers["Content-Encoding"] == encoding
        assert "immutable" in headers["Cache-Control"]
        assert "max-age=315360000" in headers["Cache-Control"]


def test_the_production_server_sends_the_security_headers(site):
    # Behind the documented nginx, which says the visitor came over HTTPS.
    code, _, headers = site.request("GET", "/roles/", headers={"X-Forwarded-Proto": "https"})
    assert code == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def _connections_held_by_each_worker(site: Gunicorn) -> list[int]:
    """How many open TCP connections to the site each worker holds, read from /proc."""
    port = f":{site.port:04X}"
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(port) and fields[3] == "01":  # local address, ESTABLISHED
                established.add(f"socket:[{fields[9]}]")
    held = []
    for pid in site.worker_pids():
        descriptors = Path(f"/proc/{pid}/fd").iterdir()
        held.append(sum(os.readlink(fd) in established for fd in descriptors))
    return held


def test_a_client_s_sixteen_kept_alive_connections_spread_over_the_workers(site):
    # All sixteen used to stay with whichever worker accepted them, which had one core for them.
    connections = [HTTPConnection("127.0.0.1", site.port, timeout=10) for _ in range(16)]
    try:
        for connection in connections:
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        statuses = []
        for connection in connections:
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        held = _connections_held_by_each_worker(site)
    finally:
        for connection in connections:
            connection.close()
    assert statuses == [200] * 16
    assert len(held) == 2 and max(held) <= 8, held  # four per thread, two threads per worker


def test_each_worker_renders_the_main_pages_before_it_takes_requests(site):
    # The site answers once its first worker is ready; the other may still be warming up.
    deadline = time.monotonic() + 20
    while True:
        log = site.log_path.read_text(errors="replace")
        warmed = re.findall(r"Warmed up (\d+) pages in ([\d.]+) s", log)
        if len(warmed) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(warmed) >= 2, site.log()
    # Every page, unless the worker spent its whole budget first (5 s: a slow or busy machine).
    assert all(int(pages) == 24 or float(took) >= 5 for pages, took in warmed), warmed
    assert all(int(pages) > 0 for pages, _ in warmed), warmed


def test_three_thousand_junk_addresses_signed_in_and_out_grow_the_workers_by_less_than_50_mb(
    prepared, site
):
    _, data = prepared
    result = reliability.junk_urls(site, data, count=3000)

    assert result["answers"].keys() <= {"200", "404"}, explain("memory", result)
    assert result["growth_mb"] < 50, explain("memory", result)
    assert not failed_checks(result), explain("memory", result)
