"""Writes that span models: recording progress, for signed-in learners and anonymous ones."""

from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from careers.models import Skill
from roadmaps.models import Note, Progress, Project, Status

# Anonymous progress lives in the session as {"skill:sql": ["done", "2026-11-23T14:00:00+00:00"]}.
# Slugs, not ids: they are the content's stable keys.
SESSION_KEY = "anonymous_progress"


def progress_set(
    *,
    user,
    status: Status,
    skill: Skill | None = None,
    project: Project | None = None,
    at: datetime | None = None,
) -> None:
    """Record a learner's status for a skill or a project. The last write wins; the database
    constraint makes a second row for the same thing impossible even under concurrent posts."""
    at = at or timezone.now()
    rows = Progress.objects.filter(user=user, skill=skill, project=project)
    # One UPDATE when the row exists (the usual case: a learner changes a status); a first
    # status inserts, and the loser of two racing first inserts updates the winner's row.
    if rows.update(status=status, updated_at=at):
        return
    try:
        with transaction.atomic():
            Progress.objects.create(
                user=user, skill=skill, project=project, status=status, updated_at=at
            )
    except IntegrityError:
        rows.update(status=status, updated_at=at)


def session_progress(session: SessionBase) -> dict[tuple[str, str], tuple[str, datetime]]:
    """An anonymous visitor's progress: {(kind, slug): (status, when)}."""
    stored = session.get(SESSION_KEY, {})
    result = {}
    for key, (status, when) in stored.items():
        kind, _, slug = key.partition(":")
        result[(kind, slug)] = (status, datetime.fromisoformat(when))
    return result


def session_progress_set(
    session: SessionBase, *, kind: str, slug: str, status: Status, at: datetime | None = None
) -> None:
    stored = dict(session.get(SESSION_KEY, {}))
    stored[f"{kind}:{slug}"] = [status, (at or timezone.now()).isoformat()]
    session[SESSION_KEY] = stored


def progress_merge_from_session(*, session: SessionBase, user) -> int:
    """Move an anonymous visitor's progress into their account when they sign up or log in.

    The newer of the two statuses wins; nothing is duplicated. Entries for content that no
    longer exists are dropped. Returns how many statuses were written."""
    entries = session_progress(session)
    if not entries:
        return 0
    skills = Skill.objects.in_bulk([s for k, s in entries if k == "skill"], field_name="slug")
    projects = Project.objects.in_bulk([s for k, s in entries if k == "project"], field_name="slug")
    existing = {
        p.target_key: p for p in Progress.objects.for_user(user).select_related("skill", "project")
    }
    written = 0
    for (kind, slug), (status, when) in entries.items():
        target = (skills if kind == "skill" else projects).get(slug)
        if target is None or status not in Status.values:
            continue
        current = existing.get((kind, slug))
        if current is not None and current.updated_at >= when:
            continue
        progress_set(user=user, status=Status(status), at=when, **{kind: target})
        written += 1
    del session[SESSION_KEY]
    return written


def note_save(*, user, skill: Skill, text: str) -> Note | None:
    """Save a learner's note on a skill; an empty note deletes it."""
    text = text.strip()
    if not text:
        Note.objects.filter(user=user, skill=skill).delete()
        return None
    note, _ = Note.objects.update_or_create(user=user, skill=skill, defaults={"text": text})
    return note
