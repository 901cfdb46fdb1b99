"""Writes that span the User and the learner's Profile, and importing a learner's export."""

from datetime import date

from django.db import IntegrityError, transaction

from accounts.forms import USERNAME_TAKEN
from accounts.imports import ImportRefused, Preview, Resolved, import_plan, import_resolve, moment
from accounts.models import Profile
from quizzes.models import Answer, Sitting
from roadmaps.models import Follow, LearningPlan, Note, Progress


class UsernameTaken(Exception):
    """Another account took the public profile name after the form checked it."""


def profile_update(
    *,
    profile: Profile,
    username: str,
    display_name: str,
    progress_is_public: bool,
    weekly_digest: bool,
) -> Profile:
    """Save the account page: the public name on the User, the rest on the Profile, all or
    nothing. When another learner claimed the name since the form's check (two posts at
    once), the database refuses it, nothing is saved, and UsernameTaken is raised."""
    user = profile.user
    saved_username = user.username
    user.username = username
    profile.display_name = display_name
    profile.progress_is_public = progress_is_public
    profile.weekly_digest = weekly_digest
    try:
        with transaction.atomic():
            user.save(update_fields=["username"])
            profile.save(update_fields=["display_name", "progress_is_public", "weekly_digest"])
    except IntegrityError:
        user.username = saved_username
        raise UsernameTaken(USERNAME_TAKEN) from None
    return profile


def account_import(*, user, document: dict) -> Preview:
    """Import a learner's export (read by `accounts.imports.import_read`) into their account,
    all or nothing: the content it names is looked up again and the account's rows compared
    again, so what changed since the preview counts. For each status, note and the plan the
    newer change wins, as when a visitor's progress joins their account; proficiency and the
    review schedule come with their status; goals, quiz sittings and their answers the account
    lacks are added as they were, recomputing nothing. Returns what was done."""
    try:
        with transaction.atomic():
            resolved = import_resolve(document)
            plan = import_plan(user=user, document=document, resolved=resolved)
            _import_progress(user, plan.progress)
            _import_notes(user, plan.notes)
            Follow.objects.bulk_create(
                Follow(user=user, roadmap=roadmap, created_at=moment(row["followed_at"]))
                for row, roadmap in plan.follows
            )
            if plan.plan is not None:
                _import_plan(user, plan.plan)
            if plan.weekly_digest is not None:
                Profile.objects.for_user(user)
                Profile.objects.filter(user=user).update(weekly_digest=plan.weekly_digest)
            _import_sittings(user, plan.sittings, resolved)
    except IntegrityError:
        # Another tab wrote a status, note or goal at the same moment: nothing was imported.
        raise ImportRefused(
            "Your data changed while it was being imported, so nothing was imported. Try again."
        ) from None
    return plan.preview


BATCH = 500


def _import_progress(user, rows: list[tuple]) -> None:
    fields = ["status", "updated_at", "proficiency", "review_stage", "review_due", "needs_refresh"]
    added, changed = [], []
    for row, target, current in rows:
        values = {
            "status": row["status"],
            "updated_at": moment(row["updated_at"]),
            "proficiency": row["proficiency"],
            "review_stage": row["review_stage"],
            "review_due": date.fromisoformat(row["review_due"]) if row["review_due"] else None,
            "needs_refresh": row["needs_refresh"],
        }
        if current is None:
            added.append(Progress(user=user, **{row["kind"]: target}, **values))
        else:
            for name, value in values.items():
                setattr(current, name, value)
            changed.append(current)
    Progress.objects.bulk_create(added, batch_size=BATCH)
    Progress.objects.bulk_update(changed, fields, batch_size=BATCH)


def _import_notes(user, rows: list[tuple]) -> None:
    notes, added = [], []
    for row, skill, current in rows:
        note = current or Note(user=user, skill=skill)
        note.text, note.imported_at = row["text"], moment(row["updated_at"])
        notes.append(note)
        if current is None:
            added.append(note)
    Note.objects.bulk_create(added, batch_size=BATCH)
    # A note's time is when it was written, not when it was imported (which `auto_now` sets).
    for note in notes:
        note.updated_at = note.imported_at
    Note.objects.bulk_update(notes, ["text", "updated_at"], batch_size=BATCH)


def _import_plan(user, row: dict) -> None:
    LearningPlan.objects.update_or_create(
        user=user,
        defaults={
            "hours_per_week": row["hours_per_week"],
            "target_date": date.fromisoformat(row["target_date"]) if row["target_date"] else None,
        },
    )
    LearningPlan.objects.filter(user=user).update(updated_at=moment(row["updated_at"]))


def _import_sittings(user, rows: list[tuple], resolved: Resolved) -> None:
    """Each sitting with its drawn questions, the order their choices were shown in and its
    answers, by the ids their natural keys have here; the times it was started and answered
    are the file's (`auto_now_add` sets them on insert, so they are written after)."""
    sittings, answers = [], []
    for row, quiz in rows:
        question_id = {
            position: resolved.questions[(quiz.slug, position)] for position in _positions(row)
        }
        sitting = Sitting(
            quiz=quiz,
            user=user,
            scope=row["scope"],
            question_ids=[question_id[entry["question"]] for entry in row["drawn"]],
            choice_order={
                str(question_id[entry["question"]]): [
                    resolved.choices[(question_id[entry["question"]], position)]
                    for position in entry["choice_order"]
                ]
                for entry in row["drawn"]
            },
            finished_at=moment(row["finished_at"]) if row["finished_at"] else None,
        )
        sitting.imported_created_at = moment(row["started_at"])
        sittings.append(sitting)
        for entry in row["answers"]:
            question = question_id[entry["question"]]
            answer = Answer(
                sitting=sitting,
                question_id=question,
                choice_ids=sorted(resolved.choices[(question, c)] for c in entry["choices"]),
                is_correct=entry["is_correct"],
            )
            answer.imported_answered_at = moment(entry["answered_at"])
            answers.append(answer)
    Sitting.objects.bulk_create(sittings, batch_size=BATCH)
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    for sitting in sittings:
        sitting.created_at = sitting.imported_created_at
    for answer in answers:
        answer.answered_at = answer.imported_answered_at
    Sitting.objects.bulk_update(sittings, ["created_at"], batch_size=BATCH)
    Answer.objects.bulk_update(answers, ["answered_at"], batch_size=BATCH)


def _positions(row: dict) -> set[int]:
    return {entry["question"] for entry in row["drawn"]}
