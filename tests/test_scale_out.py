"""Two servers, one PostgreSQL database and one Redis: the site scaled out as docs/deploy.md
describes. A learner signed in on one server is signed in on the other and sees the same
progress, and a page one server cached is served by the other.

Only meaningful on PostgreSQL: skipped without DATABASE_URL (the SQLite run of .ci/run),
and failing, never skipping, when DATABASE_URL is set but redis-server is missing.
"""

import hashlib
import html
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from copy import deepcopy
from http.client import HTTPConnection
from http.cookies import SimpleCookie

import pytest

from benchmarks.reliability import STEP_STATUS
from benchmarks.site import ROOT, Gunicorn, free_port, scratch_database

# One group: xdist runs these modules in one worker, so their servers never compete for the
# same cores with each other.
pytestmark = [pytest.mark.slow, pytest.mark.reliability, pytest.mark.xdist_group("servers")]

EMAIL = "learner0@example.com"
PASSWORD = "x" * 24  # what benchmarks/prepare.py gives its learners
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Session scope: xdist may run other modules' tests in between, which would set a module
# fixture up again (a fresh database and servers, a quarter of a minute each time).
@pytest.fixture(scope="session")
def redis_port():
    """A redis-server of the module's own on a free port of 127.0.0.1, nothing kept on disk."""
    if not os.environ.get("DATABASE_URL"):
        pytest.skip("needs PostgreSQL (the PostgreSQL run of .ci/run)")
    executable = shutil.which("redis-server")
    if not executable:
        pytest.fail(
            "DATABASE_URL is set but redis-server is not installed: the scale-out tests need "
            "it (apt-get install redis-server; .ci/run installs it).",
            pytrace=False,
        )
    import redis

    port = free_port()
    directory = tempfile.mkdtemp(prefix="mlcareers-redis-")
    command = [executable, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", directory]
    process = subprocess.Popen(
        command, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"redis-server did not start on port {port}", pytrace=False)
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


# Session scope: xdist may run other modules' tests in between, which would set a module
# fixture up again (a fresh database and servers, a quarter of a minute each time).
@pytest.fixture(scope="session")
def redis_client(redis_port):
    import redis

    return redis.Redis(host="127.0.0.1", port=redis_port)


# Session scope: xdist may run other modules' tests in between, which would set a module
# fixture up again (a fresh database and servers, a quarter of a minute each time).
@pytest.fixture(scope="session")
def deployment(redis_port, prepared_site):
    """A copy of the prepared PostgreSQL database and two servers sharing it and the Redis
    cache."""
    prepared, data = prepared_site
    with scratch_database(copy_of=prepared) as env:
        data = deepcopy(data)
        env = {**env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
        with Gunicorn(env, workers=1) as first, Gunicorn(env, workers=1) as second:
            yield env, data, first, second


class Browser:
    """Just enough of a browser: keeps its cookies and sends them back to whichever server
    it talks to. The production settings mark cookies Secure; this browser sends them over
    plain HTTP to 127.0.0.1 anyway, as there is no TLS in front of these servers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, site, method, path, *, form=None, headers=None):
        """(status, text, response headers) from `site`; redirects not followed."""
        connection = HTTPConnection("127.0.0.1", site.port, timeout=20)
        try:
            all_headers = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form).encode()
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text, response.msg
        finally:
            connection.close()

    def sign_in(self, site) -> None:
        """The login form, filled in and sent like a person would."""
        status, page, _ = self.request(site, "GET", "/accounts/login/")
        assert status == 200
        token = html.unescape(CSRF_FIELD.search(page).group(1))
        form = {"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD}
        status, page, headers = self.request(site, "POST", "/accounts/login/", form=form)
        assert status == 302, f"login answered {status}:\n{page[:2000]}"
        assert headers["Location"].endswith("/dashboard/")
        assert "sessionid" in self.cookies

    def set_status(self, site, roadmap: str, step_id: int, status: str) -> int:
        """A click on a status button: the htmx POST, the CSRF token from the cookie."""
        headers = {"HX-Request": "true", "X-CSRFToken": self.cookies["csrftoken"]}
        path = f"/roadmaps/{roadmap}/steps/{step_id}/status/"
        return self.request(site, "POST", path, form={"status": status}, headers=headers)[0]

    def statuses(self, site, roadmap: str) -> dict[int, str]:
        status, page, _ = self.request(site, "GET", f"/roadmaps/{roadmap}/")
        assert status == 200
        return {int(step): value for step, value in STEP_STATUS.findall(page)}


def page_keys(redis_client, path: str) -> list[bytes]:
    """The Redis keys of the cached page for `path` (any content version)."""
    digest = hashlib.sha256(path.encode()).hexdigest().encode()
    return [key for key in redis_client.keys("*page:*") if key.endswith(digest)]


def test_a_learner_signed_in_on_one_server_is_signed_in_on_the_other(deployment):
    _, _, first, second = deployment
    browser = Browser()
    browser.sign_in(first)

    status, page, _ = browser.request(second, "GET", "/dashboard/")

    assert status == 200
    assert "learner0" in page
    # And a stranger without the cookie is sent to the login page.
    assert Browser().request(second, "GET", "/dashboard/")[0] == 302


def test_progress_saved_through_one_server_shows_on_the_other(deployment):
    _, data, first, second = deployment
    step, other = data["steps"][-1]["id"], data["steps"][-2]["id"]
    browser = Browser()
    browser.sign_in(first)

    assert browser.set_status(first, data["roadmap"], step, "done") == 200
    assert browser.statuses(second, data["roadmap"])[step] == "done"
    assert browser.set_status(second, data["roadmap"], other, "skipped") == 200
    assert browser.statuses(first, data["roadmap"])[other] == "skipped"


def test_a_page_one_server_cached_is_served_by_the_other_from_redis(deployment, redis_client):
    _, _, first, second = deployment
    status, page, _ = Browser().request(first, "GET", "/lifecycle/")
    assert status == 200
    keys = page_keys(redis_client, "/lifecycle/")
    assert keys, f"no cached page in Redis: {redis_client.keys('*')[:20]}"

    # Replace the cached page behind the servers' backs (Django's Redis cache pickles what
    # it stores): the second server can only answer with this if it reads the shared cache.
    marker = b"<p>served from the cache the first server filled</p>"
    for key in keys:
        redis_client.set(key, pickle.dumps(marker), keepttl=True)
    status, page, _ = Browser().request(second, "GET", "/lifecycle/")

    assert status == 200
    assert page == marker.decode()


def test_a_content_edit_shows_at_once_on_both_servers_whatever_they_cached(deployment):
    env, _, first, second = deployment
    visitor = Browser()
    for site in (first, second):
        assert visitor.request(site, "GET", "/roles/")[0] == 200  # cached now, in Redis

    # An editor renames a role (the ORM save the admin makes, from a third process).
    script = (
        "import django; django.setup()\n"
        "from careers.models import Role\n"
        "role = Role.objects.get(slug='data-scientist')\n"
        "role.name = 'Data Scientist (renamed)'\n"
        "role.save()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, **env}, check=True)

    for site in (first, second):
        status, page, _ = visitor.request(site, "GET", "/roles/")
        assert status == 200
        assert "Data Scientist (renamed)" in page
