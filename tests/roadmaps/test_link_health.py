"""Learning resources' links: `check_links` asks each address (a local server here, never the
internet), records what it answered, and learners see a broken link as text with a note."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.models import ContentVersion
from roadmaps.models import LinkStatus, Resource
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 5  # far beyond the timeout below, which leaves a loaded machine time for the rest


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def reply(self, status, headers=(), body_bytes=0):
        # No longer in flight once answering: the client may start its next check as soon as
        # the answer arrives, before this thread would get back to count itself out.
        self.leave()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body_bytes is None:  # an endless body: sent until the client hangs up
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            self.server.sent_endlessly = 0
            try:
                while self.server.sent_endlessly < 200 * 1024 * 1024:
                    self.wfile.write(b"x" * 65536)
                    self.server.sent_endlessly += 65536
            except OSError:
                pass
            self.close_connection = True
            return
        self.send_header("Content-Length", "0")
        self.end_headers()

    def answer(self):
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path, self.headers["User-Agent"]))
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        self.counted_out = False
        try:
            self.route()
        finally:
            self.leave()

    def leave(self):
        if not self.counted_out:
            with self.server.lock:
                self.server.in_flight -= 1
            self.counted_out = True

    def route(self):
        head = self.command == "HEAD"
        path = self.path.split("?")[0]
        if path == "/ok":
            self.reply(200)
        elif path == "/missing":
            self.reply(404)
        elif path == "/error":
            self.reply(500)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.reply(200)
        elif path == "/wait":
            time.sleep(0.2)
            self.reply(200)
        elif path == "/moved":
            self.reply(301, [("Location", "/ok")])
        elif path == "/moved-with-endless-body":
            self.reply(302, [("Location", "/ok")], body_bytes=None)
        elif path == "/loop":
            self.reply(302, [("Location", "/loop")])
        elif path == "/no-head":
            self.reply(405 if head else 200)
        elif path == "/endless":
            self.reply(405) if head else self.reply(200, body_bytes=None)
        elif path == "/busy":
            self.reply(429)
        else:
            self.reply(404)


@pytest.fixture
def site():
    """A web server on this machine, answering as the paths in `Handler.route` say."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.requests, server.in_flight, server.most_in_flight = [], 0, 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def resources(site):
    """The test content's resources, every one pointing at the local server."""
    roadmaps = build_roadmaps(build_content())
    Resource.objects.update(url=f"{site.url}/ok")
    return roadmaps


def point(resource: Resource, url: str) -> Resource:
    Resource.objects.filter(pk=resource.pk).update(url=url)
    resource.refresh_from_db()
    return resource


def check_links(*args: str) -> str:
    out = StringIO()
    call_command("check_links", "--allow-private-addresses", *args, stdout=out)
    return out.getvalue()


def test_it_records_working_and_broken_links_with_what_went_wrong(site, resources):
    paths = ["/ok", "/missing", "/error", "/slow", "/moved", "/loop", "/no-head"]
    Resource.objects.all().delete()
    step = resources[0].levels.first().steps.first()
    for position, path in enumerate(paths):
        Resource.objects.create(step=step, position=position, title=path, url=site.url + path)
    started = time.monotonic()
    output = check_links("--timeout", "2")
    assert time.monotonic() - started < SLOW_SECONDS  # the slow one was given up on
    found = {r.title: (r.link_status, r.link_problem) for r in Resource.objects.all()}
    assert found == {
        "/ok": (LinkStatus.OK, ""),
        "/missing": (LinkStatus.BROKEN, "404 Not Found"),
        "/error": (LinkStatus.BROKEN, "500 Internal Server Error"),
        "/slow": (LinkStatus.BROKEN, "timed out"),
        "/moved": (LinkStatus.OK, ""),
        "/loop": (LinkStatus.BROKEN, "too many redirects"),
        "/no-head": (LinkStatus.OK, ""),
    }
    for resource in Resource.objects.all():
        assert resource.link_checked_url == resource.url
        assert timezone.now() - resource.link_checked_at < timedelta(minutes=1)
    assert "Checked 7 links" in output and "3 ok, 4 broken" in output
    assert f"Broken: /missing <{site.url}/missing>: 404 Not Found" in output


def test_it_asks_with_head_and_falls_back_to_get_when_head_is_refused(site, resources):
    resource = point(Resource.objects.first(), f"{site.url}/no-head")
    Resource.objects.exclude(pk=resource.pk).delete()
    check_links()
    assert [(method, path) for method, path, _ in site.requests] == [
        ("HEAD", "/no-head"),
        ("GET", "/no-head"),
    ]
    user_agent = site.requests[0][2]
    assert user_agent.startswith("MLCareerPaths-LinkChecker/")


def test_it_never_reads_a_body_not_even_an_endless_one_or_a_redirect_s(site, resources):
    first, second = Resource.objects.all()[:2]
    point(first, f"{site.url}/endless")
    point(second, f"{site.url}/moved-with-endless-body")
    Resource.objects.exclude(pk__in=[first.pk, second.pk]).delete()
    started = time.monotonic()
    check_links("--timeout", "5")
    assert time.monotonic() - started < 2
    assert set(Resource.objects.values_list("link_status", flat=True)) == {LinkStatus.OK}


def test_it_checks_each_address_once_and_no_more_than_the_concurrency_at_a_time(site, resources):
    for n, resource in enumerate(Resource.objects.all()):
        point(resource, f"{site.url}/wait?{n % 6}")  # six addresses, shared by several
    assert Resource.objects.count() > 6
    check_links("--concurrency", "2")
    assert len(site.requests) == 6
    assert site.most_in_flight == 2
    assert not Resource.objects.exclude(link_status=LinkStatus.OK).exists()


def test_it_refuses_addresses_on_this_machine_unless_allowed(site, resources):
    first, second = Resource.objects.all()[:2]
    point(first, f"{site.url}/ok")
    point(second, f"http://localhost:{site.server_port}/ok")
    Resource.objects.exclude(pk__in=[first.pk, second.pk]).delete()
    call_command("check_links", stdout=StringIO())
    assert site.requests == []
    for resource in Resource.objects.all():
        assert resource.link_status == LinkStatus.BROKEN
        assert resource.link_problem == "private address, not checked"


def test_a_rate_limited_link_keeps_what_the_last_check_found(site, resources):
    resource = Resource.objects.first()
    check_links()
    point(resource, f"{site.url}/busy")
    output = check_links()
    resource.refresh_from_db()
    assert resource.link_status == LinkStatus.OK and resource.link_problem == ""
    assert "1 could not tell" in output


def test_stale_days_rechecks_only_links_not_checked_lately_or_whose_address_changed(
    site, resources
):
    check_links()
    _recent, old, changed, *_others = Resource.objects.order_by("pk")
    Resource.objects.filter(pk=old.pk).update(link_checked_at=timezone.now() - timedelta(days=8))
    point(changed, f"{site.url}/ok?new")
    site.requests.clear()
    output = check_links("--stale-days", "7")
    assert sorted(path for _, path, _ in site.requests) == ["/ok", "/ok?new"]
    assert "Checked 2 links" in output


def test_a_roadmap_page_shows_a_link_found_broken_as_text_with_a_note(
    site, resources, client, learner_client
):
    roadmap = resources[0]
    resource = Resource.objects.filter(step__level__roadmap=roadmap).first()
    check_links()
    url = roadmap.get_absolute_url()
    for viewer in (client, learner_client):  # fill the visitors' page cache and content parts
        html = viewer.get(url).content.decode()
        assert select(html, f'#step-{resource.step_id} .resource-list a[href="{site.url}/ok"]')
    # The page gets no word of this (no signal): the address went bad on the web.
    Resource.objects.filter(pk=resource.pk).update(url=f"{site.url}/missing")
    version = ContentVersion.current()
    check_links()
    assert ContentVersion.current() == version + 1
    for viewer in (client, learner_client):
        html = viewer.get(url).content.decode()
        assert not select(html, f"#step-{resource.step_id} .resource-list a")
        item = select_one(html, f"#step-{resource.step_id} .resource-list li")
        assert text(item).startswith(f"{resource.title} (link may be broken)")


def test_a_run_that_changes_nothing_learners_see_keeps_the_content_version(site, resources):
    check_links()
    version = ContentVersion.current()
    check_links()
    assert ContentVersion.current() == version


def test_a_link_whose_address_changed_after_a_check_is_linked_again(site, resources):
    resource = point(Resource.objects.first(), f"{site.url}/missing")
    check_links()
    assert Resource.objects.broken().get() == resource
    resource.url = f"{site.url}/fixed"
    resource.save()
    assert not Resource.objects.broken().exists()
    assert resource.link_url == f"{site.url}/fixed"


def test_the_command_refuses_options_out_of_range(resources):
    for args in (["--concurrency", "0"], ["--timeout", "0"], ["--stale-days", "-1"]):
        with pytest.raises(CommandError):
            call_command("check_links", *args)


def test_link_checks_are_not_written_to_the_content_files(site, resources, tmp_path):
    check_links()
    call_command("export_content", output=tmp_path, verbosity=0)
    rows = json.loads((tmp_path / "roadmaps.json").read_text())
    fields = next(row["fields"] for row in rows if row["model"] == "roadmaps.resource")
    assert "url" in fields and not any(name.startswith("link_") for name in fields)


# --- The admin ------------------------------------------------------------------------------


def test_editors_list_broken_and_stale_links_with_what_went_wrong(site, resources, editor_client):
    broken, stale, *working = Resource.objects.order_by("pk")
    point(broken, f"{site.url}/missing")
    check_links()
    Resource.objects.filter(pk=stale.pk).update(link_checked_at=timezone.now() - timedelta(days=31))
    changelist = reverse("admin:roadmaps_resource_changelist")

    html = editor_client.get(changelist, {"link": "broken"}).content.decode()
    rows = select(html, "#result_list tbody tr")
    assert len(rows) == 1
    assert "Broken: 404 Not Found (checked" in text(rows[0])
    assert select(rows[0], f'a[href="{site.url}/missing"]')

    html = editor_client.get(changelist, {"link": "stale"}).content.decode()
    assert [text(select_one(row, "th")) for row in select(html, "#result_list tbody tr")] == [
        stale.title
    ]
    html = editor_client.get(changelist).content.decode()
    assert len(select(html, "#result_list tbody tr")) == len(working) + 2
    assert "Working (checked" in text(select_one(html, "#result_list"))


def test_an_editor_sees_a_link_s_health_on_its_step_and_cannot_set_it(
    site, resources, editor_client
):
    resource = point(Resource.objects.first(), f"{site.url}/missing")
    check_links()
    url = reverse("admin:roadmaps_roadmapstep_change", args=[resource.step_id])
    html = editor_client.get(url).content.decode()
    assert "Broken: 404 Not Found" in text(select_one(html, "#resources-group"))
    assert not [name for e in select(html, "[name]") if "link_" in (name := attribute(e, "name"))]
    page = reverse("admin:roadmaps_resource_change", args=[resource.pk])
    html = editor_client.get(page).content.decode()
    assert "Broken: 404 Not Found" in text(select_one(html, ".field-link_health"))
    assert not select(html, '[name="link_status"]') and not select(html, '[name="link_problem"]')
    assert attribute(select_one(html, 'input[name="url"]'), "value") == f"{site.url}/missing"
