"""Reliability of the real site under load and faults: production settings, gunicorn with the
repo's gunicorn.conf.py, a scratch database (SQLite, or PostgreSQL when DATABASE_URL is set).

    python -m benchmarks.reliability [--duration 60] [--connections 32] [--learners 20]
                                     [--writes 10] [--junk-urls 3000]
                                     [--only load|concurrency|faults|memory|...]

Five scenarios, each a function that tests/test_reliability.py also calls with small numbers:

- mixed_load: many clients at once, anonymous visitors reading pages and signed-in learners
  changing their progress and reading their roadmap. No request may fail, no "database is
  locked" anywhere, and the database must end with each learner's last acknowledged write.
- concurrent_writes: every learner changes the same few skills at the same moment, on two
  workers. No duplicate rows; each learner's final status is their last acknowledged write.
- worker_kill: a worker is SIGKILLed every two seconds while learners write. A request on the
  killed worker may fail (the learner sees an error and the write is not acknowledged), but
  no acknowledged write may be lost and the site must keep answering.
- server_kill: the whole server is SIGKILLed in the middle of writes (a crash), then started
  again: every acknowledged write is there and the site serves at once.
- junk_urls: thousands of distinct addresses nobody links to (unknown slugs, unknown query
  parameters, junk comparisons), signed in and out. The workers' memory, read from /proc,
  must grow by less than 50 MB in all: no cache may be keyed on what request data chooses.

A write is *acknowledged* when the site answered 200 and the returned step shows the new
status: that is what the learner sees. A write that got no such answer is *in doubt*: it may
or may not have been saved, so the final state may be any in-doubt write made after the last
acknowledged one, but never an older status and never a missing row.

Everything binds to 127.0.0.1 and each scenario is bounded in time. Results are printed and
written to benchmarks/results/reliability-<database>-<timestamp>.json; the exit status is 1
when any check failed.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

from benchmarks.site import (
    ROOT,
    Gunicorn,
    database_kind,
    database_statuses,
    learner_headers,
    prepare,
    scratch_database,
    status_change,
)

# The values of roadmaps.models.Status (tests/test_reliability.py checks they still match).
STATUSES = ("not_started", "learning", "done", "skipped")

# A step's current status, as the roadmap page and the htmx answer show it: the pressed one of
# its status buttons, <button ... id="status-12-done" ... aria-pressed="true">.
STEP_STATUS = re.compile(r'id="status-(\d+)-([a-z_]+)"[^>]*\baria-pressed="true"')
ROLE_LINK = re.compile(r'href="/roles/([\w-]+)/"')
LOCKED = "database is locked"
TRACEBACK = "Traceback (most recent call last)"
# Errors where the server closed or reset the connection: a killed worker, or a keep-alive
# connection the server had just closed.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)

Key = tuple[int, str, str]  # (user id, "skill" or "project", slug), as database_statuses()


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class Stats:
    """What one client thread saw; threads merge theirs at the end (no lock while running)."""

    requests: int = 0
    errors: int = 0
    locked: int = 0
    retries: int = 0
    latencies: list[float] = field(default_factory=list)
    # Seconds per kind of request: "anonymous page", "signed-in page", "status change".
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    error_kinds: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def record(self, seconds: float, kind: str) -> None:
        self.requests += 1
        self.latencies.append(seconds)
        self.by_kind[kind].append(seconds)

    def error(self, kind: str, detail: str) -> None:
        self.errors += 1
        self.error_kinds[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail}")

    def merge(self, other: "Stats") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.locked += other.locked
        self.retries += other.retries
        self.latencies += other.latencies
        for kind, seconds in other.by_kind.items():
            self.by_kind[kind] += seconds
        self.error_kinds += other.error_kinds
        self.examples += other.examples[: max(0, 10 - len(self.examples))]


def percentile(values: list[float], fraction: float) -> float | None:
    """The value below which `fraction` of the values lie, in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return round(ordered[index] * 1000, 1)


class LogWatch:
    """The gunicorn log written since the watch began: "database is locked" and tracebacks
    (the site logs every 500 with its traceback)."""

    def __init__(self, site: Gunicorn):
        self.site = site
        self.offset = site.log_path.stat().st_size if site.log_path.exists() else 0

    def scan(self) -> dict:
        try:
            with open(self.site.log_path, "rb") as log:
                log.seek(self.offset)
                text = log.read().decode(errors="replace")
        except OSError:
            text = ""
        lines = text.splitlines()
        interesting = [line for line in lines if LOCKED in line or "Error" in line]
        return {
            "locked": text.count(LOCKED),
            "tracebacks": text.count(TRACEBACK),
            "examples": interesting[:10],
        }


# --- Writes and their verification --------------------------------------------------------


class WriteLog:
    """Every status change sent, in the order each learner sent it to each step. A learner's
    writes to one step always come from one thread, one after the other, so "the last
    acknowledged write" is well defined."""

    def __init__(self):
        self.writes: dict[Key, list[tuple[str, bool]]] = defaultdict(list)
        self.failures: Counter = Counter()
        self.lock = threading.Lock()

    def add(self, key: Key, status: str, acknowledged: bool, reason: str = "") -> None:
        with self.lock:
            self.writes[key].append((status, acknowledged))
            if not acknowledged:
                self.failures[reason] += 1

    def counts(self) -> dict:
        all_writes = [w for writes in self.writes.values() for w in writes]
        acknowledged = sum(1 for _, ok in all_writes if ok)
        return {
            "writes": len(all_writes),
            "acknowledged": acknowledged,
            "unacknowledged": len(all_writes) - acknowledged,
            "unacknowledged_reasons": dict(self.failures),
        }


def acknowledged(code: int, body: bytes, step_id: int, status: str) -> bool:
    """The site answered 200 and the step it sent back shows the new status."""
    if code != 200:
        return False
    return (str(step_id), status) in STEP_STATUS.findall(body.decode(errors="replace"))


def verify_writes(log: WriteLog, found: dict[Key, list[str]]) -> dict:
    """Compare what the database (or the pages) show with what learners were told.

    For each (learner, step) with an acknowledged write, the stored status must be that write
    or an in-doubt write sent after it; anything else (an older status, no row) is a lost
    write."""
    lost = []
    checked = 0
    for key, writes in log.writes.items():
        last = max((i for i, (_, ok) in enumerate(writes) if ok), default=None)
        if last is None:
            continue  # nothing was acknowledged, so nothing can have been lost
        checked += 1
        allowed = {status for status, _ in writes[last:]}
        stored = found.get(key, [])
        if len(stored) != 1 or stored[0] not in allowed:
            lost.append(
                {"key": list(key), "acknowledged": writes[last][0], "stored": stored or None}
            )
    return {"checked": checked, "lost": len(lost), "lost_examples": lost[:10]}


def duplicates_in(found: dict[Key, list[str]]) -> list:
    return [[*key, statuses] for key, statuses in found.items() if len(statuses) > 1]


def step_keys(data: dict) -> dict[int, tuple[str, str]]:
    return {step["id"]: (step["kind"], step["slug"]) for step in data["steps"]}


def page_statuses(body: bytes, user_id: int, keys: dict[int, tuple[str, str]]):
    """{(user id, kind, slug): [status]} as a roadmap page shows them."""
    return {
        (user_id, *keys[int(step_id)]): [status]
        for step_id, status in STEP_STATUS.findall(body.decode(errors="replace"))
        if int(step_id) in keys
    }


def next_status(current: str | None, rng: random.Random) -> str:
    """A status different from the current one, so that every write changes something and a
    lost write cannot hide behind an equal value."""
    return rng.choice([s for s in STATUSES if s != current])


def keep_writing(
    site: Gunicorn,
    data: dict,
    learner: dict,
    steps: list[dict],
    log: "WriteLog",
    stop: threading.Event,
    seed: int,
    http_errors: list[str] | None = None,
) -> None:
    """One learner's status changes on random steps, one after another, until `stop` is set.
    Every answer goes to `log`; a request cut off by a dying server is logged as in doubt."""
    rng = random.Random(seed)
    told: dict[int, str] = {}
    while not stop.is_set():
        step = rng.choice(steps)
        status = next_status(told.get(step["id"]), rng)
        key = (learner["id"], step["kind"], step["slug"])
        try:
            code, body = status_change(site, learner, data["roadmap"], step["id"], status)
        except CONNECTION_ERRORS as error:
            log.add(key, status, False, type(error).__name__)
            continue
        ok = acknowledged(code, body, step["id"], status)
        log.add(key, status, ok, "" if ok else f"HTTP {code}")
        if ok:
            told[step["id"]] = status
        elif http_errors is not None:
            http_errors.append(f"POST {step['slug']} {status}: {code}")


def writable_steps(data: dict) -> list[dict]:
    """Steps the load and fault scenarios write to. The last one is kept for the race in
    concurrent_writes, so that race always creates its rows."""
    return data["steps"][:-1]


# --- A keep-alive client -------------------------------------------------------------------


class Client:
    """One keep-alive connection to the site, as a browser tab keeps one.

    When a request fails on a connection that had already carried one, before any answer,
    the server had closed it (a recycled worker, the keep-alive timeout): like browsers, the
    client retries once on a new connection and counts the retry."""

    def __init__(self, port: int, *, timeout: float = 30, keep_cookies: bool = False):
        self.port = port
        self.timeout = timeout
        self.connection: HTTPConnection | None = None
        self.reused = False
        self.retries = 0
        # Cookies the site sets, sent back from then on (an anonymous visitor's session).
        self.keep_cookies = keep_cookies
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        if self.connection:
            self.connection.close()
        self.connection = None

    def request(
        self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        payload = urllib.parse.urlencode(body).encode() if body is not None else None
        all_headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            all_headers["Cookie"] = "; ".join(filter(None, [all_headers.get("Cookie"), cookies]))
        if payload is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.reused = False
            try:
                self.connection.request(method, path, body=payload, headers=all_headers)
                response = self.connection.getresponse()
                content = response.read()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                self.close()
                if self.reused and attempt == 1:
                    self.retries += 1
                    continue
                raise
            except CONNECTION_ERRORS:
                self.close()
                raise
            self.reused = True
            for header in response.msg.get_all("Set-Cookie") or [] if self.keep_cookies else []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            return response.status, content
        raise AssertionError("unreachable")


def site_paths(site: Gunicorn, data: dict) -> list[str]:
    """Pages anonymous visitors read: the main pages, every role, some skills, comparisons."""
    code, body = site.get("/roles/")
    roles = sorted(set(ROLE_LINK.findall(body.decode(errors="replace")))) if code == 200 else []
    skills = [step["slug"] for step in data["steps"] if step["kind"] == "skill"][:8]
    paths = [
        "/",
        "/roles/",
        "/lifecycle/",
        "/skills/",
        "/roadmaps/",
        f"/roadmaps/{data['roadmap']}/",
    ]
    paths += [f"/roles/{slug}/" for slug in roles]
    paths += [f"/skills/{slug}/" for slug in skills]
    paths += [f"/compare/?roles={a}&roles={b}" for a, b in itertools.pairwise(roles)]
    return paths


# --- Scenario 1: mixed load ----------------------------------------------------------------


def mixed_load(site: Gunicorn, data: dict, duration: float, connections: int) -> dict:
    """`connections` clients for `duration` seconds: a third of them signed-in learners
    (status changes, their roadmap page, their dashboard), the rest anonymous visitors
    reading pages (and now and then marking a step, which writes their session)."""
    watch = LogWatch(site)
    paths = site_paths(site, data)
    steps = writable_steps(data)
    keys = step_keys(data)
    learners = data["learners"][: min(max(1, connections // 3), len(data["learners"]))]
    log = WriteLog()
    stale_reads: list[str] = []
    deadline = time.monotonic() + duration
    start = threading.Barrier(connections, timeout=60)
    results: list[Stats] = []

    def get(client: Client, stats: Stats, path: str, headers=None) -> bytes | None:
        began = time.monotonic()
        try:
            code, body = client.request("GET", path, headers=headers)
        except CONNECTION_ERRORS as error:
            stats.error("connection error", f"GET {path}: {error!r}")
            return None
        stats.record(time.monotonic() - began, "signed-in page" if headers else "anonymous page")
        if LOCKED.encode() in body:
            stats.locked += 1
        if code != 200:
            stats.error("5xx" if code >= 500 else "unexpected status", f"GET {path}: {code}")
            return None
        return body

    def post_status(client, stats, headers, step, status) -> tuple[bool, str]:
        path = f"/roadmaps/{data['roadmap']}/steps/{step['id']}/status/"
        began = time.monotonic()
        try:
            code, body = client.request("POST", path, body={"status": status}, headers=headers)
        except CONNECTION_ERRORS as error:
            stats.error("connection error", f"POST {path}: {error!r}")
            return False, type(error).__name__
        stats.record(time.monotonic() - began, "status change")
        if LOCKED.encode() in body:
            stats.locked += 1
        if acknowledged(code, body, step["id"], status):
            return True, ""
        kind = "5xx" if code >= 500 else "unexpected status" if code != 200 else "wrong answer"
        stats.error(
            kind,
            f"POST {path} {status}: {code}"
            + (" without the new status (see STEP_STATUS)" if code == 200 else ""),
        )
        return False, f"HTTP {code}"

    def learner_client(learner: dict, seed: int) -> None:
        rng = random.Random(seed)
        stats = Stats()
        client = Client(site.port)
        headers = {**learner_headers(learner), "HX-Request": "true"}
        page_headers = {"Cookie": headers["Cookie"]}
        # What this learner was last told about each step (None: in doubt).
        told: dict[int, str | None] = {}
        start.wait()
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.5:
                step = rng.choice(steps)
                status = next_status(told.get(step["id"]), rng)
                ok, reason = post_status(client, stats, headers, step, status)
                log.add((learner["id"], step["kind"], step["slug"]), status, ok, reason)
                told[step["id"]] = status if ok else None
            elif roll < 0.85:
                body = get(client, stats, f"/roadmaps/{data['roadmap']}/", page_headers)
                if body is not None:
                    shown = page_statuses(body, learner["id"], keys)
                    for step_id, status in told.items():
                        key = (learner["id"], *keys[step_id])
                        if status is not None and shown.get(key) != [status]:
                            stale_reads.append(f"{learner['username']} step {step_id}")
            else:
                get(client, stats, "/dashboard/", page_headers)
        stats.retries = client.retries
        client.close()
        results.append(stats)

    def visitor_client(seed: int) -> None:
        rng = random.Random(seed)
        stats = Stats()
        client = Client(site.port, keep_cookies=True)
        token = f"{seed:032x}"
        client.cookies["csrftoken"] = token
        start.wait()
        while time.monotonic() < deadline:
            if rng.random() < 0.03:
                # An anonymous visitor marks a step: progress kept in their session.
                step = rng.choice(steps)
                headers = {"X-CSRFToken": token, "HX-Request": "true"}
                post_status(client, stats, headers, step, rng.choice(STATUSES))
            else:
                get(client, stats, rng.choice(paths))
        stats.retries = client.retries
        client.close()
        results.append(stats)

    threads = [
        threading.Thread(target=learner_client, args=(learner, n), daemon=True)
        for n, learner in enumerate(learners)
    ]
    threads += [
        threading.Thread(target=visitor_client, args=(1000 + n,), daemon=True)
        for n in range(connections - len(learners))
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    elapsed = time.monotonic() - began

    stats = Stats()
    for result in results:
        stats.merge(result)
    found = database_statuses(site.env)
    writes = verify_writes(log, found)
    server_log = watch.scan()
    duplicates = duplicates_in(found)
    result = {
        "duration_s": round(elapsed, 1),
        "connections": connections,
        "signed_in_clients": len(learners),
        "pages": len(paths),
        "requests": stats.requests,
        "requests_per_s": round(stats.requests / elapsed, 1) if elapsed else 0,
        "errors": stats.errors,
        "error_kinds": dict(stats.error_kinds),
        "error_examples": stats.examples,
        "locked_responses": stats.locked,
        "keep_alive_retries": stats.retries,
        "latency_ms": {
            "p50": percentile(stats.latencies, 0.5),
            "p99": percentile(stats.latencies, 0.99),
        },
        "latency_ms_by_kind": {
            kind: {
                "requests": len(seconds),
                "p50": percentile(seconds, 0.5),
                "p99": percentile(seconds, 0.99),
            }
            for kind, seconds in sorted(stats.by_kind.items())
        },
        **log.counts(),
        "stale_reads": len(stale_reads),
        "stale_read_examples": stale_reads[:10],
        **writes,
        "duplicates": len(duplicates),
        "server_log": server_log,
        # A client that crashed or hung never hands in its numbers.
        "clients_unfinished": len(threads) - len(results),
    }
    result["checks"] = {
        "no errors": stats.errors == 0,
        "no 'database is locked'": stats.locked == 0 and server_log["locked"] == 0,
        "no tracebacks in the server log": server_log["tracebacks"] == 0,
        "no lost writes": writes["lost"] == 0,
        "no duplicate rows": not duplicates,
        "learners read their own writes": not stale_reads,
        "every client finished in time": result["clients_unfinished"] == 0,
    }
    return result


# --- Scenario 2: concurrent writes to the same skills ---------------------------------------


def concurrent_writes(
    site: Gunicorn, data: dict, learners: int = 20, writes: int = 10, hot_steps: int = 4
) -> dict:
    """`learners` learners each send `writes` status changes to the same `hot_steps` skills,
    all at once (a barrier releases every thread together). One thread per learner and step
    sends that learner's writes to that step in order; everything else runs concurrently.

    Then a race: each learner sends four different statuses to one step they have never
    touched, all at the same instant, so four requests try to create the same row. Exactly
    one row may result, holding one of the acknowledged statuses (which one is up to the
    database: the four writes have no order)."""
    watch = LogWatch(site)
    people = data["learners"][:learners]
    if len(people) < learners:
        raise ValueError(f"{learners} learners asked for, {len(people)} prepared")
    hot = [step for step in writable_steps(data) if step["kind"] == "skill"][:hot_steps]
    race_step = data["steps"][-1]
    for learner in people:
        learner_headers(learner)  # settle each learner's CSRF token before threads share it
    log = WriteLog()
    race_log = WriteLog()
    errors: Counter = Counter()
    examples: list[str] = []
    lock = threading.Lock()

    def send(learner, step, status, into: WriteLog, *, racing: bool = False) -> None:
        key = (learner["id"], step["kind"], step["slug"])
        try:
            code, body = status_change(site, learner, data["roadmap"], step["id"], status)
        except CONNECTION_ERRORS as error:
            code, body, reason = None, b"", type(error).__name__
        else:
            reason = f"HTTP {code}" if code != 200 else "200 without the new status"
        if racing:
            # The answer shows the step as the database holds it once this write is done,
            # which may already be a racing write's status: a 200 is the acknowledgement.
            ok = code == 200
        else:
            ok = code is not None and acknowledged(code, body, step["id"], status)
        into.add(key, status, ok, reason)
        if not ok:
            with lock:
                errors[reason] += 1
                if len(examples) < 10:
                    examples.append(f"{learner['username']} {step['slug']} {status}: {reason}")

    def sequence(learner, step, count, seed, barrier) -> None:
        rng = random.Random(seed)
        barrier.wait()
        current = None
        for _ in range(count):
            current = next_status(current, rng)
            send(learner, step, current, log)

    def race(learner, status, barrier) -> None:
        barrier.wait()
        send(learner, race_step, status, race_log, racing=True)

    def run(jobs) -> float:
        barrier = threading.Barrier(len(jobs), timeout=60)
        threads = [
            threading.Thread(target=target, args=(*args, barrier), daemon=True)
            for target, args in jobs
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return time.monotonic() - began

    # A learner's `writes` writes are dealt out over the hot steps: 10 over 4 is 3, 3, 2, 2.
    jobs = []
    for n, learner in enumerate(people):
        for index, step in enumerate(hot):
            count = len(range(index, writes, len(hot)))
            if count:
                jobs.append((sequence, (learner, step, count, n * 100 + index)))
    elapsed = run(jobs)
    race_elapsed = run([(race, (learner, status)) for learner in people for status in STATUSES])

    found = database_statuses(site.env)
    checked = verify_writes(log, found)
    # The race: one row per learner, holding one of the statuses the learner was told about.
    race_lost = []
    for key, sent in race_log.writes.items():
        told = {status for status, ok in sent if ok}
        stored = found.get(key, [])
        if told and (len(stored) != 1 or stored[0] not in told):
            race_lost.append({"key": list(key), "acknowledged": sorted(told), "stored": stored})
    duplicates = duplicates_in(found)
    server_log = watch.scan()
    result = {
        "learners": learners,
        "writes_per_learner": writes,
        "hot_steps": [step["slug"] for step in hot],
        "threads": len(jobs),
        "duration_s": round(elapsed, 2),
        **log.counts(),
        **checked,
        "race_writes": race_log.counts(),
        "race_duration_s": round(race_elapsed, 2),
        "race_wrong": len(race_lost),
        "race_wrong_examples": race_lost[:10],
        "duplicates": len(duplicates),
        "duplicate_examples": duplicates[:10],
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "error_examples": examples,
        "server_log": server_log,
    }
    result["checks"] = {
        "every write sent": result["writes"] == learners * writes
        and result["race_writes"]["writes"] == learners * len(STATUSES),
        "every write acknowledged": result["errors"] == 0,
        "no lost writes": checked["lost"] == 0 and not race_lost,
        "no duplicate rows": not duplicates,
        "no 'database is locked'": server_log["locked"] == 0,
        "no tracebacks in the server log": server_log["tracebacks"] == 0,
    }
    return result


# --- Scenario 3: a worker killed under load ------------------------------------------------


def worker_kill(
    site: Gunicorn, data: dict, duration: float, *, interval: float = 2.0, writers: int = 6
) -> dict:
    """Learners write (one thread each, one write after another) and a visitor reads while a
    worker is SIGKILLed every `interval` seconds. Requests that were on the killed worker may
    fail; they are counted, not retried. Every acknowledged write must be in the database,
    /healthz must answer 200 after each kill, and once the master has replaced the workers
    every request must succeed."""
    watch = LogWatch(site)
    steps = writable_steps(data)
    people = data["learners"][:writers]
    expected_workers = len(site.worker_pids())
    log = WriteLog()
    reads = Counter()
    http_errors: list[str] = []
    stop = threading.Event()

    def writer(learner, seed) -> None:
        keep_writing(site, data, learner, steps, log, stop, seed, http_errors)

    def reader() -> None:
        while not stop.is_set():
            try:
                code, _ = site.get("/roles/")
            except CONNECTION_ERRORS as error:
                reads[type(error).__name__] += 1
                continue
            reads["ok" if code == 200 else f"HTTP {code}"] += 1
            if code != 200:
                http_errors.append(f"GET /roles/: {code}")

    threads = [
        threading.Thread(target=writer, args=(learner, n), daemon=True)
        for n, learner in enumerate(people)
    ]
    threads.append(threading.Thread(target=reader, daemon=True))
    for thread in threads:
        thread.start()

    kills = []
    deadline = time.monotonic() + duration
    while True:
        time.sleep(interval)
        if time.monotonic() >= deadline:
            break
        began = time.monotonic()
        pid = site.kill_worker()
        healthy = False
        while time.monotonic() - began < 10:
            with contextlib.suppress(*CONNECTION_ERRORS):
                if site.get("/healthz", timeout=5)[0] == 200:
                    healthy = True
                    break
            time.sleep(0.05)
        kills.append(
            {
                "pid": pid,
                "healthz_200": healthy,
                "answered_after_s": round(time.monotonic() - began, 3),
            }
        )
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    # The master replaces killed workers; then every request must succeed.
    replaced = False
    wait_until = time.monotonic() + 20
    while time.monotonic() < wait_until:
        if len(site.worker_pids()) >= expected_workers:
            replaced = True
            break
        time.sleep(0.2)
    afterwards = Counter()
    learner = people[0]
    for n in range(20):
        step = steps[n % len(steps)]
        status = STATUSES[n % len(STATUSES)]
        key = (learner["id"], step["kind"], step["slug"])
        try:
            code, body = status_change(site, learner, data["roadmap"], step["id"], status)
        except CONNECTION_ERRORS as error:
            log.add(key, status, False, f"after the kills: {type(error).__name__}")
            afterwards[type(error).__name__] += 1
            continue
        ok = acknowledged(code, body, step["id"], status)
        log.add(key, status, ok, "" if ok else f"after the kills: HTTP {code}")
        try:
            ok = ok and site.get("/")[0] == 200
        except CONNECTION_ERRORS as error:
            afterwards[type(error).__name__] += 1
            continue
        afterwards["ok" if ok else "failed"] += 1

    found = database_statuses(site.env)
    checked = verify_writes(log, found)
    duplicates = duplicates_in(found)
    server_log = watch.scan()
    failed_reads = sum(n for kind, n in reads.items() if kind != "ok")
    result = {
        "duration_s": duration,
        "workers": expected_workers,
        "kills": len(kills),
        "kill_details": kills,
        "max_seconds_to_healthz": max((k["answered_after_s"] for k in kills), default=None),
        **log.counts(),
        "failed_in_flight": log.counts()["unacknowledged"] + failed_reads,
        "reads": dict(reads),
        "http_errors": len(http_errors),
        "http_error_examples": http_errors[:10],
        "workers_replaced": replaced,
        "requests_after_kills": dict(afterwards),
        **checked,
        "duplicates": len(duplicates),
        "server_log": server_log,
    }
    result["checks"] = {
        "at least one worker killed": bool(kills),
        "/healthz answered 200 after every kill": all(k["healthz_200"] for k in kills),
        "no 5xx or unexpected answers": not http_errors,
        "killed workers replaced": replaced,
        "every request after the kills succeeded": afterwards["ok"] == 20,
        "no lost writes": checked["lost"] == 0,
        "no duplicate rows": not duplicates,
        "no 'database is locked'": server_log["locked"] == 0,
        "no tracebacks in the server log": server_log["tracebacks"] == 0,
    }
    return result


# --- Scenario 4: the whole server killed ---------------------------------------------------


def server_kill(
    env: dict, data: dict, *, write_for: float = 1.5, writers: int = 6, workers: int = 2
) -> dict:
    """Learners write for `write_for` seconds, then the master and all workers are SIGKILLed
    at once, mid-write. A new server on the same database must serve at once and show every
    acknowledged write, in the database and on each learner's roadmap page."""
    steps = writable_steps(data)
    keys = step_keys(data)
    people = data["learners"][:writers]
    log = WriteLog()
    stop = threading.Event()
    site = Gunicorn(env, workers=workers).start()

    def writer(learner, seed) -> None:
        keep_writing(site, data, learner, steps, log, stop, seed)

    threads = [
        threading.Thread(target=writer, args=(learner, n), daemon=True)
        for n, learner in enumerate(people)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(write_for)
        site.kill()  # a crash: no graceful shutdown, requests cut off mid-way
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        counts = log.counts()

        began = time.monotonic()
        site.start()
        restart_s = time.monotonic() - began
        watch = LogWatch(site)
        serves = site.get("/")[0] == 200 and site.get("/healthz")[0] == 200
        # Each learner's roadmap page on the new server shows their acknowledged writes.
        on_pages: dict[Key, list[str]] = {}
        for learner in people:
            code, body, _ = site.request(
                "GET", f"/roadmaps/{data['roadmap']}/", headers=learner_headers(learner)
            )
            serves = serves and code == 200
            on_pages.update(page_statuses(body, learner["id"], keys))
        pages = verify_writes(log, on_pages)
        # And a new write works.
        learner, step = people[0], steps[0]
        code, body = status_change(site, learner, data["roadmap"], step["id"], "done")
        writes_again = acknowledged(code, body, step["id"], "done")
        if writes_again:
            log.add((learner["id"], step["kind"], step["slug"]), "done", True)
        server_log = watch.scan()
    finally:
        stop.set()
        site.stop()

    found = database_statuses(env)
    in_database = verify_writes(log, found)
    duplicates = duplicates_in(found)
    result = {
        "writers": writers,
        "wrote_for_s": write_for,
        **counts,
        "failed_in_flight": counts["unacknowledged"],
        "restart_s": round(restart_s, 2),
        "serves_after_restart": serves,
        "writes_after_restart": writes_again,
        **in_database,
        "lost_on_pages": pages["lost"],
        "duplicates": len(duplicates),
        "server_log": server_log,
    }
    result["checks"] = {
        "some writes acknowledged before the kill": counts["acknowledged"] > 0,
        "serves after the restart": serves,
        "writes after the restart": writes_again,
        "no lost writes in the database": in_database["lost"] == 0,
        "no lost writes on the pages": pages["lost"] == 0,
        "no duplicate rows": not duplicates,
        "no tracebacks after the restart": server_log["tracebacks"] == 0,
    }
    return result


# --- Scenario 5: junk addresses --------------------------------------------------------------


def worker_memory_mb(site: Gunicorn) -> float:
    """The resident memory of all the server's workers together, in MB (Linux /proc)."""
    total_kb = 0
    for pid in site.worker_pids():
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            total_kb += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    return round(total_kb / 1024, 1)


def junk_paths(site_pages: list[str], roles: list[str], count: int, seed: int = 0) -> list[str]:
    """`count` distinct addresses that no link on the site leads to, over every kind of public
    route: junk compare selections, unknown slugs, and unknown query parameters."""
    rng = random.Random(seed)
    four = "&".join(f"roles={slug}" for slug in roles[:4])
    makers = [
        lambda tag: f"/compare/?{four}&roles=zz{tag}",
        lambda tag: f"/compare/?roles={rng.choice(roles)}&roles=zz{tag}",
        lambda tag: f"/compare/?roles={roles[-1]}&roles={roles[0]}&x{tag}=1",
        lambda tag: f"{rng.choice(site_pages).partition('?')[0]}?utm_{tag}={tag}",
        lambda tag: f"/roles/zz{tag}/",
        lambda tag: f"/skills/zz{tag}/",
        lambda tag: f"/roadmaps/zz{tag}/",
        lambda tag: f"/quizzes/zz{tag}/",
        lambda tag: f"/u/zz{tag}/",
    ]
    return [makers[n % len(makers)](f"{n}{rng.getrandbits(32):x}") for n in range(count)]


def junk_urls(site: Gunicorn, data: dict, count: int, *, clients: int = 8) -> dict:
    """Warm every public page signed in and out, read the workers' memory, then request
    `count` distinct junk addresses (half of them signed in) and read it again. Caches keyed
    on what request data chooses would grow with every address; keyed on validated content
    they stay put."""
    pages = site_paths(site, data)
    roles = sorted({p.split("/")[2] for p in pages if p.startswith("/roles/") and p != "/roles/"})
    learner = data["learners"][0]
    signed_in = learner_headers(learner)
    watch = LogWatch(site)

    def visit(paths: list[str], index: int, codes: Counter) -> None:
        client = Client(site.port)
        try:
            for n, path in enumerate(paths):
                headers = signed_in if (n + index) % 2 else None
                try:
                    code, _ = client.request("GET", path, headers=headers)
                except CONNECTION_ERRORS as error:
                    codes[type(error).__name__] += 1
                    continue
                codes[code] += 1
        finally:
            client.close()

    def run(paths: list[str]) -> Counter:
        counters = [Counter() for _ in range(clients)]
        threads = [
            threading.Thread(target=visit, args=(paths[i::clients], i, counters[i]))
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(counters, Counter())

    # Every worker sees every page, signed in and out, so what they legitimately keep is there.
    run(pages * 2 * clients * len(site.worker_pids()))
    before = worker_memory_mb(site)
    started = time.monotonic()
    codes = run(junk_paths(pages, roles, count))
    duration = time.monotonic() - started
    after = worker_memory_mb(site)
    server_log = watch.scan()
    growth = round(after - before, 1)
    result = {
        "urls": count,
        "workers": len(site.worker_pids()),
        "duration_s": round(duration, 1),
        "memory_before_mb": before,
        "memory_after_mb": after,
        "growth_mb": growth,
        "answers": {str(code): n for code, n in sorted(codes.items(), key=str)},
        "server_log": server_log,
    }
    result["checks"] = {
        "workers' memory grew by less than 50 MB": growth < 50,
        "no 5xx and no dropped connection": all(
            isinstance(code, int) and code < 500 for code in codes
        ),
        "no traceback in the server log": server_log["tracebacks"] == 0,
    }
    return result


# --- The command ---------------------------------------------------------------------------

SCENARIOS = ("load", "concurrency", "worker-kill", "server-kill", "memory")
GROUPS = {"faults": ("worker-kill", "server-kill"), "all": SCENARIOS}


def kinds(counts: dict) -> str:
    """Counts in brackets after a number, e.g. " (RemoteDisconnected 3)", or nothing."""
    return " (" + ", ".join(f"{k} {n}" for k, n in counts.items()) + ")" if counts else ""


def summary(name: str, result: dict) -> list[str]:
    """A few readable lines about one scenario."""
    lines = [f"\n== {name} =="]
    if name == "load":
        lat = result["latency_ms"]
        lines += [
            f"  {result['requests']} requests in {result['duration_s']} s = "
            f"{result['requests_per_s']} req/s, {result['connections']} connections "
            f"({result['signed_in_clients']} signed in)",
            f"  latency p50 {lat['p50']} ms, p99 {lat['p99']} ms; by kind: "
            + "; ".join(
                f"{kind} ({k['requests']}) p50 {k['p50']} / p99 {k['p99']} ms"
                for kind, k in result["latency_ms_by_kind"].items()
            ),
            f"  errors {result['errors']}{kinds(result['error_kinds'])}; "
            f"'database is locked' {result['locked_responses']} in answers, "
            f"{result['server_log']['locked']} in the log; "
            f"tracebacks {result['server_log']['tracebacks']}; "
            f"keep-alive retries {result['keep_alive_retries']}",
            f"  writes {result['writes']} ({result['acknowledged']} acknowledged), "
            f"lost {result['lost']}, duplicates {result['duplicates']}, "
            f"stale reads {result['stale_reads']}",
        ]
    elif name == "concurrency":
        lines += [
            f"  {result['learners']} learners x {result['writes_per_learner']} writes on "
            f"{', '.join(result['hot_steps'])} ({result['threads']} threads) in "
            f"{result['duration_s']} s; race on one new row: "
            f"{result['race_writes']['writes']} writes in {result['race_duration_s']} s",
            f"  acknowledged {result['acknowledged']}/{result['writes']}, errors "
            f"{result['errors']}{kinds(result['error_kinds'])}",
            f"  lost {result['lost']}, race wrong {result['race_wrong']}, "
            f"duplicates {result['duplicates']}, 'database is locked' in the log "
            f"{result['server_log']['locked']}",
        ]
    elif name == "worker-kill":
        lines += [
            f"  {result['kills']} workers SIGKILLed in {result['duration_s']} s "
            f"({result['workers']} workers); /healthz answered within "
            f"{result['max_seconds_to_healthz']} s of each kill",
            f"  writes {result['writes']} ({result['acknowledged']} acknowledged); "
            f"failed in flight {result['failed_in_flight']}: writes"
            f"{kinds(result['unacknowledged_reasons'])}; reads{kinds(result['reads'])}",
            f"  lost {result['lost']}, duplicates {result['duplicates']}, requests after "
            f"the kills {result['requests_after_kills']}",
        ]
    elif name == "server-kill":
        lines += [
            f"  writes {result['writes']} ({result['acknowledged']} acknowledged) from "
            f"{result['writers']} learners, then SIGKILL; failed in flight "
            f"{result['failed_in_flight']}{kinds(result['unacknowledged_reasons'])}",
            f"  restarted in {result['restart_s']} s, serves {result['serves_after_restart']}, "
            f"lost {result['lost']} (database) / {result['lost_on_pages']} (pages), "
            f"duplicates {result['duplicates']}",
        ]
    elif name == "memory":
        lines += [
            f"  {result['urls']} junk addresses in {result['duration_s']} s on "
            f"{result['workers']} workers: memory {result['memory_before_mb']} MB -> "
            f"{result['memory_after_mb']} MB ({result['growth_mb']:+} MB); answers "
            + ", ".join(f"{code} x{n}" for code, n in result["answers"].items()),
        ]
    failed = [check for check, ok in result["checks"].items() if not ok]
    lines.append("  checks: " + ("all passed" if not failed else "FAILED: " + "; ".join(failed)))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load")
    parser.add_argument("--connections", type=int, default=32, help="clients at once")
    parser.add_argument("--learners", type=int, default=20, help="learners to create")
    parser.add_argument("--writes", type=int, default=10, help="writes per learner (concurrency)")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*SCENARIOS, *GROUPS],
        help="run only these scenarios (repeatable); faults = worker-kill and server-kill",
    )
    parser.add_argument(
        "--junk-urls", type=int, default=3000, help="distinct junk addresses (memory)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    options = parser.parse_args(argv)
    chosen = {s for name in options.only or ["all"] for s in GROUPS.get(name, (name,))}
    # Faults run for a quarter of the load's duration, at least 6 s (3 kills at 2 s).
    fault_duration = max(6.0, options.duration / 4)

    results: dict[str, dict] = {}
    started = datetime.now(UTC)
    with scratch_database() as env:
        kind = database_kind(env)
        if env["DATABASE_URL"]:
            where = "database " + urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        else:
            where = env["DJANGO_SQLITE_PATH"]
        print(f"Database: {kind} (scratch {where}); {os.cpu_count()} CPUs", flush=True)
        print(f"Preparing: migrate, content, {options.learners} learners ...", flush=True)
        data = prepare(env, learners=options.learners)
        if "load" in chosen:
            print(f"Mixed load: {options.duration:g} s, {options.connections} clients", flush=True)
            with Gunicorn(env) as site:
                results["load"] = mixed_load(site, data, options.duration, options.connections)
        if "concurrency" in chosen:
            print("Concurrent writes on 2 workers ...", flush=True)
            with Gunicorn(env, workers=2) as site:
                results["concurrency"] = concurrent_writes(
                    site, data, learners=options.learners, writes=options.writes
                )
        if "worker-kill" in chosen:
            print(f"Worker SIGKILL every 2 s for {fault_duration:g} s ...", flush=True)
            with Gunicorn(env, workers=2) as site:
                results["worker-kill"] = worker_kill(site, data, fault_duration)
        if "server-kill" in chosen:
            print("Whole-server SIGKILL and restart ...", flush=True)
            results["server-kill"] = server_kill(env, data)
        if "memory" in chosen:
            print(f"{options.junk_urls} junk addresses on the default workers ...", flush=True)
            with Gunicorn(env) as site:
                results["memory"] = junk_urls(site, data, options.junk_urls)

    lines = []
    for name, result in results.items():
        lines += summary(name, result)
    passed = all(all(r["checks"].values()) for r in results.values())
    lines.append(f"\n{kind}, {os.cpu_count()} CPUs: " + ("PASSED" if passed else "FAILED"))
    print("\n".join(lines))

    options.output.mkdir(parents=True, exist_ok=True)
    path = options.output / f"reliability-{kind}-{started:%Y%m%d-%H%M%S}.json"
    report = {
        "database": kind,
        "cpu_count": os.cpu_count(),
        "started": started.isoformat(),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "passed": passed,
        "scenarios": results,
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
