"""Run the real site for benchmarks and reliability checks: production settings, the repo's
gunicorn.conf.py, a scratch database, 127.0.0.1 only.

    with scratch_database() as env:
        data = prepare(env, learners=20)
        with Gunicorn(env) as site:
            status, body = site.get("/healthz")

SQLite by default (a file in a temporary directory). When DATABASE_URL is set the scratch
database is a new PostgreSQL database on that server, dropped afterwards.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_kind(env: dict) -> str:
    return "postgresql" if env.get("DATABASE_URL") else "sqlite"


@contextlib.contextmanager
def scratch_database(
    *, database_url: str | None = None, copy_of: dict | None = None
) -> Iterator[dict]:
    """The environment of a production-mode site on a database of its own.

    `database_url` (default: $DATABASE_URL) names a PostgreSQL server to create the database
    on; without one the site uses SQLite.

    `copy_of`, the environment of another scratch database, starts this one as a copy of it
    (preparing a database takes seconds, a copy a fraction of one). The copy keeps that
    site's secret key, which signed its sessions, and its collected static files, so the
    other database must outlive it."""
    database_url = database_url if database_url is not None else os.environ.get("DATABASE_URL")
    if copy_of is not None and bool(copy_of["DATABASE_URL"]) != bool(database_url):
        raise ValueError("A copy goes on the same kind of database as the original.")
    scratch = Path(tempfile.mkdtemp(prefix="mlcareers-site-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(scratch / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # As docs/deploy.md sets it up behind nginx; clients here speak plain HTTP.
        "DJANGO_BEHIND_HTTPS_PROXY": "true",
        "SCRATCH_DIR": str(scratch),
    }
    if copy_of is not None:
        env["DJANGO_SECRET_KEY"] = copy_of["DJANGO_SECRET_KEY"]
        env["DJANGO_STATIC_ROOT"] = copy_of["DJANGO_STATIC_ROOT"]
    dropped = None
    if database_url:
        parts = urllib.parse.urlsplit(database_url)
        name = f"mlcareers_site_{secrets.token_hex(4)}"
        template = urllib.parse.urlsplit(copy_of["DATABASE_URL"]).path[1:] if copy_of else None
        create_database(database_url, name, template=template)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
        dropped = (database_url, name)
    else:
        env["DATABASE_URL"] = ""
        env["DJANGO_SQLITE_PATH"] = str(scratch / "db.sqlite3")
        if copy_of is not None:
            # SQLite's backup API: a consistent copy, whatever its write-ahead log holds.
            source = sqlite3.connect(copy_of["DJANGO_SQLITE_PATH"])
            target = sqlite3.connect(env["DJANGO_SQLITE_PATH"])
            with contextlib.closing(source), contextlib.closing(target):
                source.backup(target)
    try:
        yield env
    finally:
        if dropped:
            drop_database(*dropped)
        shutil.rmtree(scratch, ignore_errors=True)


def create_database(
    server_url: str, name: str, *, template: str | None = None, patience: float = 30.0
) -> None:
    """Create a scratch database, empty or as a copy of `template`.

    PostgreSQL copies a database only while nothing else is connected to it; it asks an
    autovacuum worker there to stop, which takes moments."""
    import psycopg

    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    deadline = time.monotonic() + patience
    while True:
        try:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(statement)
            return
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def drop_database(server_url: str, name: str, *, patience: float = 30.0) -> None:
    """Drop a scratch database, waiting out the autovacuum worker a busy one attracts.

    `WITH (FORCE)` ends the site's own connections, but PostgreSQL before 18 refuses to end an
    autovacuum worker for a role without `pg_signal_backend`; the worker finishes in moments."""
    import psycopg

    deadline = time.monotonic() + patience
    while True:
        try:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _run_env(env: dict) -> dict:
    merged = {**os.environ, **env}
    if not env.get("DATABASE_URL"):
        merged.pop("DATABASE_URL", None)
    return merged


def prepare(env: dict, *, learners: int = 0, scale: int = 1, grow_pages: bool = False) -> dict:
    """Migrate, load content (times `scale`), collect static files, create learners."""
    command = [sys.executable, "-m", "benchmarks.prepare", "--collectstatic"]
    command += ["--learners", str(learners), "--scale", str(scale)]
    if grow_pages:
        command.append("--grow-pages")
    result = subprocess.run(
        command, cwd=ROOT, env=_run_env(env), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"Preparing the database failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)


def learner_headers(learner: dict) -> dict:
    """Headers of a signed-in learner's browser, CSRF token included (the cookie and header
    carry the same secret, as Django's own JavaScript recipe does)."""
    token = learner.setdefault("csrf", secrets.token_hex(16))
    return {
        "Cookie": f"sessionid={learner['session']}; csrftoken={token}",
        "X-CSRFToken": token,
    }


class Gunicorn:
    """gunicorn with the repo's config, bound to 127.0.0.1 on a free port."""

    def __init__(self, env: dict, *, port: int | None = None, workers: int | None = None):
        self.env = dict(env)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if workers is not None:
            self.env["GUNICORN_WORKERS"] = str(workers)
        self.env.setdefault("GUNICORN_ACCESS_LOG", "")
        scratch = Path(env.get("SCRATCH_DIR") or tempfile.mkdtemp(prefix="mlcareers-site-"))
        self.log_path = scratch / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "Gunicorn":
        self.env["PORT"] = str(self.port)
        self.env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=_run_env(self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            with contextlib.suppress(OSError):
                if self.get("/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"The site did not answer on {self.url} in {timeout} s:\n{self.log()}")

    def log(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc (Linux)."""
        assert self.process
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the out-of-memory killer would; the master replaces it."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a crash or a power cut."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        headers: dict | None = None,
        timeout: float = 10,
    ) -> tuple[int, bytes, dict]:
        """One request on a fresh connection: (status, body, headers); redirects not followed."""
        connection = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = urllib.parse.urlencode(body).encode() if body is not None else None
            all_headers = {"Host": "127.0.0.1", **(headers or {})}
            if payload is not None:
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> tuple[int, bytes]:
        status, body, _ = self.request("GET", path, **kwargs)
        return status, body


def status_change(site: Gunicorn, learner: dict, roadmap: str, step_id: int, status: str):
    """The htmx status change a learner's click sends; returns (http status, body)."""
    headers = {**learner_headers(learner), "HX-Request": "true"}
    path = f"/roadmaps/{roadmap}/steps/{step_id}/status/"
    code, body, _ = site.request("POST", path, body={"status": status}, headers=headers)
    return code, body


def database_statuses(env: dict) -> dict[tuple[int, str, str], list[str]]:
    """Every Progress row, read straight from the site's database in a subprocess:
    {(user id, kind, slug): [status, ...]} — a list, so duplicates would show."""
    script = (
        "import json, django; django.setup()\n"
        "from roadmaps.models import Progress\n"
        "rows = Progress.objects.select_related('skill', 'project')\n"
        "print(json.dumps([[p.user_id, *p.target_key, p.status] for p in rows]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_run_env(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-4000:])
    found: dict[tuple[int, str, str], list[str]] = {}
    for user_id, kind, slug, status in json.loads(result.stdout):
        found.setdefault((user_id, kind, slug), []).append(status)
    return found
