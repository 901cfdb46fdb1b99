"""Everything a learner has on the site, in one document they can download (JSON or CSV)."""

import csv
import io
from collections.abc import Iterator

from django.utils import timezone

from accounts.models import Profile
from core.spreadsheet import csv_cell
from quizzes.models import Sitting
from roadmaps.models import Follow, LearningPlan, Note, Progress

CSV_COLUMNS = [
    "record_type",
    "slug",
    "name",
    "status",
    "note_text",
    "updated_at",
    "email",
    "progress_is_public",
    "date_joined",
    "weekly_digest",
    "hours_per_week",
    "target_date",
]


def account_export(user) -> dict:
    """The learner's account, progress, notes, goals, plan and quiz history, in six queries
    whatever their size."""
    profile = Profile.objects.for_user(user)
    follows = Follow.objects.filter(user=user).values_list(
        "roadmap__role__slug", "roadmap__role__name", "created_at"
    )
    plan = LearningPlan.objects.filter(user=user).first()
    progress = Progress.objects.for_user(user).select_related("skill", "project")
    notes = Note.objects.filter(user=user).select_related("skill").order_by("skill__slug")
    sittings = Sitting.objects.history_for(user).order_by("created_at")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "username": user.get_username(),
            "display_name": profile.display_name,
            "progress_is_public": profile.progress_is_public,
            "weekly_digest": profile.weekly_digest,
            "date_joined": user.date_joined.isoformat(),
        },
        # The learner's goals, in the order followed; the plan is null until they set one.
        "follows": [
            {"roadmap": slug, "roadmap_name": name, "followed_at": created_at.isoformat()}
            for slug, name, created_at in follows
        ],
        "plan": {
            "hours_per_week": plan.hours_per_week,
            "target_date": plan.target_date.isoformat() if plan.target_date else None,
        }
        if plan
        else None,
        # Sorted here: databases disagree on where the other kind's NULL slugs go.
        "progress": sorted(
            (
                {
                    "kind": "project" if entry.project_id else "skill",
                    "slug": (entry.project or entry.skill).slug,
                    "name": (entry.project or entry.skill).name,
                    "status": entry.status,
                    "updated_at": entry.updated_at.isoformat(),
                }
                for entry in progress
            ),
            key=lambda entry: (entry["kind"], entry["slug"]),
        ),
        "notes": [
            {
                "skill": note.skill.slug,
                "skill_name": note.skill.name,
                "text": note.text,
                "updated_at": note.updated_at.isoformat(),
            }
            for note in notes
        ],
        "quiz_history": [
            {
                "quiz": sitting.quiz.slug,
                "quiz_title": sitting.quiz.title,
                "started_at": sitting.created_at.isoformat(),
                "finished_at": sitting.finished_at.isoformat() if sitting.finished_at else None,
                "questions": sitting.total,
                "answered": sitting.answered,
                # A career-fit quiz has no right answers, so no score.
                "score": sitting.correct if sitting.quiz.is_knowledge else None,
            }
            for sitting in sittings
        ],
    }


def account_export_csv(data: dict) -> str:
    """One table: a row for the account (with the plan), then one per progress entry, note,
    followed roadmap and quiz sitting."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(
        {column: csv_cell(value) for column, value in row.items()} for row in _csv_rows(data)
    )
    return out.getvalue()


def _csv_rows(data: dict) -> Iterator[dict[str, str]]:
    account = data["account"]
    plan = data["plan"] or {}
    yield {
        "record_type": "account",
        "slug": account["username"],
        "name": account["display_name"],
        "email": account["email"],
        "progress_is_public": "true" if account["progress_is_public"] else "false",
        "date_joined": account["date_joined"],
        "weekly_digest": "true" if account["weekly_digest"] else "false",
        "hours_per_week": str(plan.get("hours_per_week", "")),
        "target_date": plan.get("target_date") or "",
    }
    for entry in data["progress"]:
        yield {
            "record_type": f"{entry['kind']}_progress",
            "slug": entry["slug"],
            "name": entry["name"],
            "status": entry["status"],
            "updated_at": entry["updated_at"],
        }
    for note in data["notes"]:
        yield {
            "record_type": "note",
            "slug": note["skill"],
            "name": note["skill_name"],
            "note_text": note["text"],
            "updated_at": note["updated_at"],
        }
    for follow in data["follows"]:
        yield {
            "record_type": "follow",
            "slug": follow["roadmap"],
            "name": follow["roadmap_name"],
            "updated_at": follow["followed_at"],
        }
    for sitting in data["quiz_history"]:
        finished = sitting["finished_at"] is not None
        if not finished:
            status = f"in progress ({sitting['answered']} of {sitting['questions']} answered)"
        elif sitting["score"] is None:
            status = "finished"
        else:
            status = f"{sitting['score']} of {sitting['questions']}"
        yield {
            "record_type": "quiz_sitting",
            "slug": sitting["quiz"],
            "name": sitting["quiz_title"],
            "status": status,
            "updated_at": sitting["finished_at"] or sitting["started_at"],
        }
