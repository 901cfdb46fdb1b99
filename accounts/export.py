"""Everything a learner has on the site, in one document they can download (JSON or CSV), and
read back in (accounts/imports.py) on this site or another."""

import csv
import io
from collections.abc import Iterator

from django.utils import timezone

from accounts.models import Profile
from core.spreadsheet import csv_cell
from quizzes.models import Answer, Choice, Question, Sitting
from roadmaps.models import Follow, LearningPlan, Note, Progress

# The JSON export's format: an import reads this version and refuses any other. Content is
# named by its natural keys (slugs; a question by its quiz's slug and its position; a choice by
# its position), never by ids, so an export can be read into another site with the same content.
EXPORT_VERSION = 1

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
    """The learner's account, progress (with proficiency and review schedule), notes, goals,
    plan and quiz history (with every answer), in nine queries whatever their size."""
    profile = Profile.objects.for_user(user)
    follows = Follow.objects.filter(user=user).values_list(
        "roadmap__role__slug", "roadmap__role__name", "created_at"
    )
    plan = LearningPlan.objects.filter(user=user).first()
    progress = Progress.objects.for_user(user).select_related("skill", "project")
    notes = Note.objects.filter(user=user).select_related("skill").order_by("skill__slug")
    sittings = list(Sitting.objects.history_for(user).order_by("created_at"))
    return {
        "version": EXPORT_VERSION,
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
            "updated_at": plan.updated_at.isoformat(),
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
                    "proficiency": entry.proficiency,
                    "review_stage": entry.review_stage,
                    "review_due": entry.review_due.isoformat() if entry.review_due else None,
                    "needs_refresh": entry.needs_refresh,
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
        "quiz_history": _quiz_history(user, sittings),
    }


def _quiz_history(user, sittings: list[Sitting]) -> list[dict]:
    """Each sitting with the questions it drew (and the order their choices were shown in)
    and every answer, by natural keys: three queries besides the sittings'."""
    quiz_ids = {sitting.quiz_id for sitting in sittings}
    questions = {
        pk: [slug, position]
        for pk, slug, position in Question.objects.filter(quiz__in=quiz_ids).values_list(
            "pk", "quiz__slug", "position"
        )
    }
    choices = dict(Choice.objects.filter(question__quiz__in=quiz_ids).values_list("pk", "position"))
    answers: dict = {}
    for answer in Answer.objects.filter(sitting__user=user).order_by("answered_at", "pk"):
        answers.setdefault(answer.sitting_id, []).append(answer)
    history = []
    for sitting in sittings:
        # Questions and choices deleted since the sitting are left out; answered questions
        # can't be deleted.
        drawn = [pk for pk in sitting.question_ids if pk in questions]
        history.append(
            {
                "quiz": sitting.quiz.slug,
                "quiz_title": sitting.quiz.title,
                "scope": sitting.scope,
                "started_at": sitting.created_at.isoformat(),
                "finished_at": sitting.finished_at.isoformat() if sitting.finished_at else None,
                "questions": sitting.total,
                "answered": sitting.answered,
                # A career-fit quiz has no right answers, so no score.
                "score": sitting.correct if sitting.quiz.is_knowledge else None,
                "drawn": [
                    {
                        "question": questions[pk],
                        "choice_order": [
                            choices[c]
                            for c in sitting.choice_order.get(str(pk), [])
                            if c in choices
                        ],
                    }
                    for pk in drawn
                ],
                "answers": [
                    {
                        "question": questions[answer.question_id],
                        "choices": sorted(choices[c] for c in answer.choice_ids if c in choices),
                        "is_correct": answer.is_correct,
                        "answered_at": answer.answered_at.isoformat(),
                    }
                    for answer in answers.get(sitting.pk, [])
                    if answer.question_id in questions
                ],
            }
        )
    return history


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
