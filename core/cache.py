"""Caching that is refreshed whenever content changes.

Visitors who are not signed in get whole pages from the cache. Signed-in learners get the
content parts of a page (what every viewer sees: a role and its skills, a roadmap's steps) from
memory, so only their own state (progress, notes, the header) is computed per request.

Everything is keyed by the content version (a database counter), so a change made through the
admin, a revert, or a content reload shows at once on every worker and every server, whatever
cache backend they share or don't.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from core.content import CONTENT_MODELS
from core.models import ContentVersion, can_preview_drafts

T = TypeVar("T")

_changes_batched = ContextVar("content_changes_batched", default=False)


def content_changed(sender, raw=False, **kwargs) -> None:
    # loaddata saves "raw" rows one by one; load_content bumps once when it is done.
    if not raw and not _changes_batched.get():
        ContentVersion.bump()


@contextmanager
def one_content_change():
    """Save many content rows, then bump the content version once rather than once per row.

    Updating one row thousands of times in a single transaction gets slower with each update
    on PostgreSQL (every update leaves a row version behind that the next one walks past)."""
    token = _changes_batched.set(True)
    try:
        yield
    finally:
        _changes_batched.reset(token)
    ContentVersion.bump()


def connect_content_signals() -> None:
    for label in CONTENT_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:  # an app that is not installed
            continue
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-del-{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                content_changed, sender=field.remote_field.through, dispatch_uid=f"m2m-{field}"
            )


def content_version(request) -> int:
    """The content version, read once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = ContentVersion.current()
    return request._content_version


class _LiveParts:
    """Content parts as live objects, kept in this process: unpickling a roadmap with all its
    steps from a shared cache costs more than the queries it saves. Each worker builds a part
    once per content version and keeps only the parts of the version it saw last, so edits
    never pile up stale copies; beyond `size` the least recently used are dropped too.

    Parts are shared by the worker's threads, so views treat them as read-only."""

    def __init__(self, size: int):
        self.size = size
        self.version: int | None = None
        self._parts: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            part = self._parts.get(key)
            if part is not None:
                self._parts.move_to_end(key)
            return part

    def set(self, key: str, part, *, version: int) -> None:
        with self._lock:
            if version != self.version:  # content changed (or was restored): start afresh
                self._parts.clear()
                self.version = version
            self._parts[key] = part
            while len(self._parts) > self.size:
                self._parts.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self.version = None


live_parts = _LiveParts(size=settings.CONTENT_PARTS_PER_PROCESS)


def _parts_prefix(request) -> str:
    """What every content part of this request is keyed by, worked out once per request: a
    roadmap page looks up a hundred parts."""
    if not hasattr(request, "_content_parts_prefix"):
        drafts = int(can_preview_drafts(request.user))
        request._content_parts_prefix = f"{content_version(request)}:{drafts}"
    return request._content_parts_prefix


def content_part(request, name: str, build: Callable[[], T]) -> T:
    """What `build` returns (model instances with their prefetched relations, lists, dicts),
    built once per content version in each worker process.

    Editors see drafts, so they get parts of their own. `name` must say everything the part
    depends on besides the content (a slug, the compared roles). When `build` raises (Http404),
    nothing is kept."""
    key = f"{_parts_prefix(request)}:{name}"
    part = live_parts.get(key)
    if part is None:
        part = build()
        live_parts.set(key, part, version=content_version(request))
    return part


def _is_personal(request) -> bool:
    """Pages for signed-in learners, or carrying a one-off message, are never shared."""
    if request.user.is_authenticated or request.COOKIES.get("messages"):
        return True
    return bool(request.session.get("_messages"))


def _no_query(request) -> str:
    return ""


def cache_for_visitors(view=None, *, normal_query: Callable[[object], str | None] = _no_query):
    """Serve the same page to every visitor who is not signed in, until content changes.

    The page is kept under its path (which the URL patterns and a 200 answer have validated)
    and the normal form of its query string: `normal_query(request)` works it out from
    validated input ("" when the page reads none), or returns None. Only a request whose query
    string is exactly that normal form is kept, so no address can choose a new cache entry."""
    if view is None:
        return lambda view: cache_for_visitors(view, normal_query=normal_query)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _is_personal(request):
            return view(request, *args, **kwargs)
        query = normal_query(request)
        if query is None or query != request.META.get("QUERY_STRING", ""):
            return view(request, *args, **kwargs)
        address = request.path + (f"?{query}" if query else "")
        address = hashlib.sha256(address.encode()).hexdigest()
        # An htmx request gets a partial, except htmx restoring history, which gets the page.
        partial = bool(request.htmx) and not request.htmx.history_restore_request
        key = f"page:{content_version(request)}:{int(partial)}:{address}"
        cached = caches["pages"].get(key)
        if cached is not None:
            return HttpResponse(cached)
        # The layout leaves out the CSRF token for htmx on shared pages (they post nothing);
        # a page that still used a token is one visitor's, so it is not kept.
        request.is_shared_page = True
        response = view(request, *args, **kwargs)
        used_csrf_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        if response.status_code == 200 and not response.streaming and not used_csrf_token:
            caches["pages"].set(key, response.content, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper
