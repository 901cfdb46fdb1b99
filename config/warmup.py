"""The main pages rendered once by a new server process, before it takes any request.

A fresh worker compiles its templates and builds each roadmap's and role's content parts
(core.cache) on its first requests: 30–300 ms a page with the real content, ten times that
with ten times the content. Every worker gunicorn starts or recycles would make its first
learners wait for that, so gunicorn has it render the pages first (gunicorn.conf.py).
"""

import io
import logging
import sys
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.urls import reverse

from careers.models import Role
from roadmaps.models import Roadmap

logger = logging.getLogger(__name__)


def warm_up(application, *, seconds: float, between: Callable[[], None] = lambda: None) -> int:
    """GET the main pages through the WSGI `application`, as a visitor who is not signed in,
    until `seconds` have passed; `between` runs after each page (gunicorn's heartbeat). Stops
    at the first page that is not a 200. Returns how many pages were rendered."""
    deadline = time.monotonic() + seconds
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", ".")), "")
    rendered = 0
    for path in _main_pages():
        if time.monotonic() >= deadline:
            break
        status = _get(application, path, host or "localhost")
        between()
        if not status.startswith("200"):
            logger.warning("Warming up stopped at %s, which answered %s", path, status)
            break
        rendered += 1
    return rendered


def _main_pages() -> Iterator[str]:
    # The lists first: they build the parts several pages share (every roadmap with its steps,
    # the comparison). Then each roadmap, which costs the most, then each role.
    for name in ("home", "compare", "role_list", "lifecycle", "skill_list"):
        yield reverse(f"careers:{name}")
    yield reverse("roadmaps:roadmap_list")
    for roadmap in Roadmap.objects.published().select_related("role"):
        yield roadmap.get_absolute_url()
    for role in Role.objects.published():
        yield role.get_absolute_url()


def _get(application, path: str, host: str) -> str:
    """The status line of a GET of `path`, sent as the proxy in front of the site would."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        # HTTPS, so a site that redirects plain HTTP renders the page rather than a redirect.
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    status = []
    response = application(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        for _ in response:
            pass
    finally:
        if hasattr(response, "close"):
            response.close()
    return status[0]
