"""Writes that span models: recording progress, for signed-in learners and anonymous ones."""

from datetime import date, datetime

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from careers.models import Skill
from core.models import LearnerVersion
from roadmaps.forms import PlanForm
from roadmaps.models import Follow, LearningPlan, Note, Progress, Project, Roadmap, Status
from roadmaps.review import after_review, first_review, local_date

# Anonymous progress lives in the session as {"skill:sql": ["done", "2026-11-23T14:00:00+00:00"]}.
# Slugs, not ids: they are the content's stable keys.
SESSION_KEY = "anonymous_progress"
# An anonymous visitor's goals, by roadmap slug in the order followed, and their pace:
# {"hours_per_week": 6, "target_date": "2027-06-30" or None}.
SESSION_FOLLOWS = "followed_roadmaps"
SESSION_PLAN = "learning_plan"
# Nine roadmaps today; the cap keeps a forged session or a script from growing one forever.
MAX_FOLLOWS = 50


def progress_set(
    *,
    user,
    status: Status,
    skill: Skill | None = None,
    project: Project | None = None,
    at: datetime | None = None,
) -> dict[tuple[str, str], str]:
    """Record a learner's status for a skill or a project, and bump their version in the same
    transaction, so no page of theirs kept before outlives it. The last write wins; the
    database constraint makes a second row for the same thing impossible even under
    concurrent posts. Returns all the learner's statuses after it, as `statuses()` does: a
    status change shows every number it moves, and the usual change reads them in its own
    statement."""
    at = at or timezone.now()
    due = first_review(local_date(at)) if skill else None
    change = {
        "user_id": user.pk,
        "status": status,
        "at": at,
        "review_due": due,
        "skill_id": skill.pk if skill else None,
        "project_id": project.pk if project else None,
    }
    # One UPDATE when the row exists (the usual case: a learner changes a status); a first
    # status inserts, and the loser of two racing first inserts updates the winner's row.
    statuses = Progress.objects.change_status(**change)
    if statuses is not None:
        return statuses
    try:
        with transaction.atomic():
            Progress.objects.create(
                user=user,
                skill=skill,
                project=project,
                status=status,
                updated_at=at,
                review_due=due if status == Status.DONE else None,
            )
            LearnerVersion.bump(user.pk)
    except IntegrityError:
        statuses = Progress.objects.change_status(**change)
    return statuses if statuses is not None else Progress.objects.for_user(user).statuses()


def review_record(*, user, skill: Skill, passed: bool, today: date | None = None) -> bool:
    """Record a review of a skill the learner marked done: a pass moves it to the next
    interval and clears "refresh", a failure brings it back to the first and shows "refresh"
    on the roadmap; its status stays done. False when the skill isn't one they marked done."""
    today = today or local_date()
    progress = Progress.objects.filter(user=user, skill=skill, status=Status.DONE).first()
    if progress is None:
        return False
    stage, due = after_review(progress.review_stage, passed=passed, today=today)
    Progress.objects.filter(pk=progress.pk).update(
        review_stage=stage, review_due=due, needs_refresh=not passed
    )
    return True


def proficiency_set(*, user_id: int, proficiencies: dict[int, str]) -> None:
    """Record what a learner's answers show, by skill id, beside their own statuses (a skill
    they never marked gets a "not started" row to hold it)."""
    for skill_id, proficiency in proficiencies.items():
        rows = Progress.objects.filter(user_id=user_id, skill_id=skill_id)
        if rows.update(proficiency=proficiency):
            continue
        try:
            with transaction.atomic():
                Progress.objects.create(
                    user_id=user_id,
                    skill_id=skill_id,
                    status=Status.NOT_STARTED,
                    updated_at=timezone.now(),
                    proficiency=proficiency,
                )
        except IntegrityError:
            rows.update(proficiency=proficiency)


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


def follow(*, user, roadmap: Roadmap) -> None:
    """Make a roadmap one of the learner's goals; following it again changes nothing."""
    try:
        with transaction.atomic():
            Follow.objects.get_or_create(user=user, roadmap=roadmap)
    except IntegrityError:  # a second tab followed it at the same moment: it is followed
        pass


def unfollow(*, user, roadmap: Roadmap) -> None:
    """Drop a goal; the learner's progress on its steps stays."""
    Follow.objects.filter(user=user, roadmap=roadmap).delete()


def session_follows(session: SessionBase) -> list[str]:
    return [slug for slug in session.get(SESSION_FOLLOWS, []) if isinstance(slug, str)]


def session_follow(session: SessionBase, slug: str) -> None:
    follows = session_follows(session)
    if slug not in follows and len(follows) < MAX_FOLLOWS:
        session[SESSION_FOLLOWS] = [*follows, slug]


def session_unfollow(session: SessionBase, slug: str) -> None:
    session[SESSION_FOLLOWS] = [s for s in session_follows(session) if s != slug]


def plan_save(*, user, hours_per_week: int, target_date) -> None:
    LearningPlan.objects.update_or_create(
        user=user, defaults={"hours_per_week": hours_per_week, "target_date": target_date}
    )


def session_plan_save(session: SessionBase, *, hours_per_week: int, target_date) -> None:
    session[SESSION_PLAN] = {
        "hours_per_week": hours_per_week,
        "target_date": target_date.isoformat() if target_date else None,
    }


def follows_and_plan_merge_from_session(*, session: SessionBase, user) -> None:
    """Keep what a visitor chose before signing up or in: their goals join the account's
    (in the order followed), and a pace set in this browser replaces the account's, being the
    learner's latest choice. Roadmaps that no longer exist or aren't published are dropped."""
    slugs = session_follows(session)
    if slugs:
        visible = Roadmap.objects.visible_to(user).filter(role__slug__in=slugs)
        by_slug = {roadmap.slug: roadmap for roadmap in visible.select_related("role")}
        for slug in slugs:
            if slug in by_slug:
                follow(user=user, roadmap=by_slug[slug])
        del session[SESSION_FOLLOWS]
    stored = session.get(SESSION_PLAN)
    if stored:
        form = PlanForm(
            {
                "hours_per_week": stored.get("hours_per_week"),
                "target_date": stored.get("target_date"),
            },
            allow_past=True,
        )
        if form.is_valid():
            plan_save(user=user, **form.cleaned_data)
        del session[SESSION_PLAN]
