"""Caching that is refreshed whenever content changes.

Visitors who are not signed in get whole pages from the cache. Signed-in learners get the
content parts of a page (what every viewer sees: a role and its skills, a roadmap's steps) from
memory, so only their own state (progress, notes, the header) is computed per request.

Everything is keyed by the content version (a database counter), so a change made through the
admin, a revert, or a content reload shows at once on every worker and every server, whatever
cache backend they share or don't. A learner's own pages are kept for them alone, keyed by
their version too (`cache_for_learner`).
"""

import gc
import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from core.content import CONTENT_MODELS, LEARNER_MODELS
from core.models import ContentVersion, LearnerVersion, can_preview_drafts

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
                # A warmed-up worker froze the parts it built (gunicorn.conf.py): unfrozen,
                # the old ones can be collected.
                gc.unfreeze()
            self._parts[key] = part
            while len(self._parts) > self.size:
                self._parts.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self.version = None


live_parts = _LiveParts(size=settings.CONTENT_PARTS_PER_PROCESS)
# Parts whose name the address chooses among many (a comparison's roles, in the order asked).
chosen_parts = _LiveParts(size=settings.COMPARISONS_PER_PROCESS)


def _parts_prefix(request) -> str:
    """What every content part of this request is keyed by, worked out once per request: a
    roadmap page looks up a hundred parts."""
    if not hasattr(request, "_content_parts_prefix"):
        drafts = int(can_preview_drafts(request.user))
        request._content_parts_prefix = f"{content_version(request)}:{drafts}"
    return request._content_parts_prefix


def content_part(
    request, name: str, build: Callable[[], T], *, store: _LiveParts = live_parts
) -> T:
    """What `build` returns (model instances with their prefetched relations, lists, dicts),
    built once per content version in each worker process.

    Editors see drafts, so they get parts of their own. `name` must say everything the part
    depends on besides the content (a slug, the compared roles). When `build` raises (Http404),
    nothing is kept. Parts the address chooses among many go in `store=chosen_parts`, where
    they cannot push out the parts every page needs."""
    key = f"{_parts_prefix(request)}:{name}"
    part = store.get(key)
    if part is None:
        part = build()
        store.set(key, part, version=content_version(request))
    return part


def _has_messages(request) -> bool:
    return bool(request.COOKIES.get("messages") or request.session.get("_messages"))


def _is_personal(request) -> bool:
    """Pages for signed-in learners, or carrying a one-off message, are never shared."""
    return request.user.is_authenticated or _has_messages(request)


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


# --- A learner's own pages ------------------------------------------------------------------

# What a learner's kept page has where its CSRF token goes; each request writes its own in.
# Random per process: no content or learner's text can hold it by chance or on purpose.
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"
# Statements that change nothing; anything else a request runs counts as a change.
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def connect_learner_signals() -> None:
    """A learner's row saved or deleted anywhere (the admin, a command, a request made by
    someone else) bumps that learner's version."""
    for label, field in LEARNER_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue

        def changed(sender, instance, raw=False, field=field, created=False, **kwargs):
            user_id = getattr(instance, field)
            if raw or user_id is None:
                return
            if created and sender is get_user_model():
                LearnerVersion.objects.create(user_id=user_id)
            else:
                LearnerVersion.bump(user_id)

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"learner-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"learner-d-{label}")


def learner_changes(get_response):
    """Middleware: a request that wrote anything to the database, for a signed-in learner,
    bumps their version as it ends. Whatever code wrote it (a queryset update sends no
    signal), none of their pages kept before outlives a change they made. A view that bumped
    the version itself after its last write, in the same transaction, is not bumped again."""

    def middleware(request):
        writes = []  # per statement that wrote: the learner whose version it bumped, or None

        def watch(execute, sql, params, many, context):
            if not sql.lstrip()[:9].upper().startswith(_READS):
                writes.append(None if many else LearnerVersion.bumped_by(sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            response = get_response(request)
        if writes and request.user.is_authenticated and _unbumped(writes, request.user.pk):
            LearnerVersion.bump(request.user.pk)
        return response

    return middleware


def _unbumped(writes: list, user_id: int) -> bool:
    """Whether a write came after the last bump of this learner's version."""
    for bumped in reversed(writes):
        if bumped == user_id:
            return False
        if bumped is None:
            return True
    return False


def _learner_page_key(request, version: int) -> str:
    user = request.user
    address = hashlib.sha256(request.path.encode()).hexdigest()
    # date_joined tells apart an account made again under a deleted one's id.
    parts = [user.pk, int(user.date_joined.timestamp()), version, content_version(request)]
    return ":".join(map(str, ["learner", *parts, timezone.localdate(), address]))


def cache_for_learner(view):
    """Keep a signed-in learner's page in this worker's memory until their data, the content
    or the date changes: it is kept under their id, their version, the content version, today
    and the path, so it is served to them alone and never once stale.

    Only a plain GET is kept (no query string, no htmx, no message to show); editors, who may
    see drafts, are never served from it. The page is rendered with a slot for the CSRF token,
    which every answer fills with the request's own, so a kept page holds none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if (
            request.method not in ("GET", "HEAD")
            or not user.is_authenticated
            or user.is_staff
            or request.META.get("QUERY_STRING")
            or request.htmx
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        version, request._content_version = LearnerVersion.current_with_content(user.pk)
        if version is None:  # an account older than versions: its changes bump one from now
            LearnerVersion.start(user.pk)
            return view(request, *args, **kwargs)
        key = _learner_page_key(request, version)
        kept = caches["learner_pages"].get(key)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content, headers=headers)
        else:
            token_was_used = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
            request.csrf_slot = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.csrf_slot = False
            if response.streaming:
                return response
            # A page that used the real token (rotated at sign-in, or asked for by code) or
            # set a cookie is this request's own: it is answered, not kept.
            token_was_used = token_was_used or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code == 200 and not token_was_used and not response.cookies:
                kept = (response.content, dict(response.items()))
                caches["learner_pages"].set(key, kept)
        response.content = response.content.replace(CSRF_SLOT.encode(), get_token(request).encode())
        return response

    return wrapper
