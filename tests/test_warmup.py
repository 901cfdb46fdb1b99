"""A new server process renders the main pages before it takes requests (config/warmup.py)."""

import gc
import runpy
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections
from django.test.utils import CaptureQueriesContext

from careers.models import Role
from config import warmup
from config.settings import BASE_DIR
from config.wsgi import application
from core.cache import live_parts
from core.models import ContentVersion
from roadmaps.models import Roadmap
from tests.content import load_site_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    load_site_content()


@pytest.fixture(autouse=True)
def nothing_left_frozen():
    """Whatever a test freezes goes back to the collector: the process runs other tests."""
    yield
    gc.unfreeze()


@contextmanager
def _connection_kept():
    """As Django's test client does: the test's transaction outlives each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_warming_up_renders_every_main_page_and_a_learner_s_first_roadmap_builds_nothing(
    content, learner, client
):
    heartbeats = []
    with _connection_kept():
        rendered = warmup.warm_up(application, seconds=60, between=lambda: heartbeats.append(1))
    # The six list pages, then every roadmap and every role.
    assert rendered == 6 + Roadmap.objects.count() + Role.objects.count() == 24
    assert len(heartbeats) == rendered

    client.force_login(learner)
    first = _queries_of(client, "/roadmaps/ml-engineer/?first=1")
    live_parts.clear()  # what a worker that did not warm up does on its first request
    cold = _queries_of(client, "/roadmaps/ml-engineer/?cold=1")
    warm = _queries_of(client, "/roadmaps/ml-engineer/?warm=1")
    assert first == warm < cold


def test_warming_up_stops_when_its_time_is_up(content):
    beats = []
    with _connection_kept():
        assert warmup.warm_up(application, seconds=0, between=lambda: beats.append(1)) == 0
    assert beats == []
    assert live_parts.get("anything") is None


def test_warming_up_stops_at_the_first_page_that_is_not_a_200(content, monkeypatch, caplog):
    monkeypatch.setattr(warmup, "_main_pages", lambda: iter(["/", "/no-such-page/", "/roles/"]))
    with _connection_kept():
        assert warmup.warm_up(application, seconds=60) == 1
    assert "Warming up stopped at /no-such-page/, which answered 404" in caplog.text


def test_a_site_that_redirects_plain_http_to_https_still_warms_up(content, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = [".careers.example", "*"]
    with _connection_kept():
        assert warmup.warm_up(application, seconds=60) == 24


class _Log:
    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)

    def exception(self, message, *args):
        self.lines.append(message % args)


class _Worker:
    def __init__(self, wsgi):
        self.wsgi, self.log, self.beats = wsgi, _Log(), 0

    def notify(self):
        self.beats += 1


def _gunicorn_hook(monkeypatch, closed: list, **environ):
    """gunicorn.conf.py's hook; the connections it closes are counted, not closed, since the
    test's own transaction holds them."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("closed"))
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["post_worker_init"]


def test_a_worker_whose_warm_up_fails_still_starts_and_says_so(monkeypatch):
    def broken_site(environ, start_response):
        raise ConnectionError("the database is restarting")

    worker, closed = _Worker(broken_site), []
    _gunicorn_hook(monkeypatch, closed)(worker)  # returns: gunicorn would stop on a boot error
    assert worker.log.lines == ["Warming up failed; the worker starts cold"]
    assert closed == ["closed"]


def test_gunicorn_s_workers_warm_up_within_the_configured_seconds(content, monkeypatch):
    worker, closed = _Worker(application), []
    with _connection_kept():
        _gunicorn_hook(monkeypatch, closed, GUNICORN_WARM_UP_SECONDS="60")(worker)
    [line] = worker.log.lines
    assert line.startswith("Warmed up 24 pages in ")
    assert worker.beats == 24
    assert closed == ["closed"]  # the worker's main thread serves nothing afterwards
    assert gc.get_freeze_count() > 0  # what it built is left out of full collections

    idle, closed = _Worker(application), []
    _gunicorn_hook(monkeypatch, closed, GUNICORN_WARM_UP_SECONDS="0")(idle)
    assert idle.log.lines == [] and idle.beats == 0 and closed == []


def test_a_content_change_hands_a_warmed_up_worker_s_frozen_parts_back_to_the_collector(
    content, client
):
    with _connection_kept():
        warmup.warm_up(application, seconds=60)
    gc.freeze()  # as gunicorn.conf.py does after warming up
    assert client.get("/roles/data-scientist/").status_code == 200  # same content: kept frozen
    assert gc.get_freeze_count() > 0

    Role.objects.filter(slug="data-scientist").update(summary="Edited.")
    ContentVersion.bump()
    assert client.get("/roles/data-scientist/").status_code == 200
    assert gc.get_freeze_count() == 0
