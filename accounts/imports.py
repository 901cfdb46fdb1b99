"""Reading a learner's JSON export back in: check the file, say what importing it would add or
change, and (accounts/services.py `account_import`) apply it.

A file is read whole into a plain, normalised document (only what an import uses, checked
field by field) before anything is looked up or written, so a file that is not an export, is
too big, too deep or too long, or names content this site doesn't have is refused with a clear
message and changes nothing. The document is JSON-serialisable: it waits in the learner's
session between the preview and their confirmation.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.dateparse import parse_date, parse_datetime

from accounts.export import EXPORT_VERSION
from accounts.models import Profile
from careers.models import Skill
from quizzes.models import Choice, Question, Quiz, Sitting
from roadmaps.forms import PlanForm
from roadmaps.models import (
    NOTE_MAX_LENGTH,
    Follow,
    LearningPlan,
    Note,
    Proficiency,
    Progress,
    Project,
    Roadmap,
    Status,
)
from roadmaps.services import MAX_FOLLOWS

# What one import may hold. An export is far smaller: a learner has a row per skill or project
# they marked (a few hundred at most), a note per skill, and up to 50 quizzes started a day.
MAX_BYTES = 2 * 1024 * 1024
MAX_PROGRESS = 5_000
MAX_NOTES = 5_000
MAX_SITTINGS = 1_000
MAX_QUESTIONS_PER_SITTING = 200
# How many unknown names a refusal lists.
MAX_LISTED = 10

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# A sitting's scope as this site writes them ("", "skill:sql", "level:ml-engineer:beginner",
# "review:sql,python"): short, and made of characters that cannot surprise a lookup or a page.
SCOPE = re.compile(r"[-a-zA-Z0-9_:,]{0,300}")
SESSION_KEY = "account_import"

NOT_AN_EXPORT = (
    "That file is not an export from ML Career Paths: choose the JSON file that “Download as "
    "JSON” on this page saves."
)


class ImportRefused(Exception):
    """A file that cannot be imported; the message is for the learner. Nothing was changed."""


# --- Reading the file ---------------------------------------------------------------------


def import_read(uploaded: UploadedFile | None) -> dict:
    """The normalised document of an uploaded export, or ImportRefused. The size is checked
    before the file is read."""
    if uploaded is None:
        raise ImportRefused("Choose your export file (the JSON download) first.")
    if uploaded.size is None or uploaded.size > MAX_BYTES:
        raise ImportRefused(too_big())
    raw = uploaded.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused(too_big())
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ImportRefused(NOT_AN_EXPORT) from None
    return document_from(data)


def too_big() -> str:
    return f"That file is over {MAX_BYTES // (1024 * 1024)} MB, more than any export holds."


def document_from(data) -> dict:
    """The parts of an export an import uses, each checked; ImportRefused for anything else."""
    if not isinstance(data, dict) or "progress" not in data:
        raise ImportRefused(NOT_AN_EXPORT)
    if "version" not in data:
        raise ImportRefused(
            "That export was made before exports carried a version, and lacks what an import "
            "needs (the review schedule and your answers). Export your data again and import "
            "the new file."
        )
    if data["version"] != EXPORT_VERSION or isinstance(data["version"], bool):
        version = str(data["version"])[:20]
        raise ImportRefused(
            f"That export's version ({version}) is not one this site can read (it reads version "
            f"{EXPORT_VERSION}). Export your data again from the site it came from, or from "
            "this one, and import the new file."
        )
    read = _Reader()
    account = read.dict(data, "account", required=False) or {}
    plan = read.dict(data, "plan", required=False)
    return {
        "version": EXPORT_VERSION,
        "progress": read.each(data, "progress", MAX_PROGRESS, read.progress),
        "notes": read.each(data, "notes", MAX_NOTES, read.note),
        "follows": read.each(data, "follows", MAX_FOLLOWS, read.follow),
        "plan": read.plan(plan) if plan is not None else None,
        "weekly_digest": read.bool(account, "weekly_digest")
        if "weekly_digest" in account
        else None,
        "quiz_history": read.each(data, "quiz_history", MAX_SITTINGS, read.sitting),
    }


class _Reader:
    """Checks one field at a time; the first problem refuses the file, saying where it is."""

    def fail(self, where: str, problem: str):
        raise ImportRefused(f"That export can't be imported: {where} {problem}.")

    def dict(self, data: dict, key: str, *, required: bool = True) -> dict | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            self.fail(f"“{key}”", "is not what an export holds there")
        return value

    def each(self, data: dict, key: str, limit: int, read) -> list:
        items = data.get(key, [])
        if not isinstance(items, list):
            self.fail(f"“{key}”", "is not a list")
        if len(items) > limit:
            self.fail(f"“{key}”", f"has {len(items)} entries; an import takes at most {limit}")
        rows = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                self.fail(f"{key} entry {index}", "is not what an export holds there")
            rows.append(read(item, f"{key} entry {index}"))
        keys = [self.identity(key, row) for row in rows]
        if len(set(keys)) != len(keys):
            self.fail(f"“{key}”", "names the same thing twice")
        return rows

    @staticmethod
    def identity(key: str, row: dict):
        return {
            "progress": lambda: (row["kind"], row["slug"]),
            "notes": lambda: row["skill"],
            "follows": lambda: row["roadmap"],
            "quiz_history": lambda: (row["quiz"], row["started_at"]),
        }[key]()

    # Fields.

    def slug(self, item: dict, key: str, where: str) -> str:
        value = item.get(key)
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            self.fail(f"{where}", f"has no valid “{key}”")
        return value

    def choice(self, item: dict, key: str, where: str, choices: list[str]) -> str:
        value = item.get(key)
        if value not in choices:
            self.fail(f"{where}", f"has an unknown “{key}”")
        return value

    def bool(self, item: dict, key: str, where: str = "the account") -> bool:
        value = item.get(key)
        if not isinstance(value, bool):
            self.fail(where, f"has no valid “{key}” (true or false)")
        return value

    def int(self, item: dict, key: str, where: str, low: int, high: int) -> int:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"has no valid “{key}” (a whole number from {low} to {high})")
        return value

    def moment(self, item: dict, key: str, where: str, *, required: bool = True) -> str | None:
        """An ISO date and time, as the export writes them (UTC when it names no zone)."""
        value = item.get(key)
        if value is None and not required:
            return None
        try:
            parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:  # well formed, but no such time
            parsed = None
        if parsed is None:
            self.fail(where, f"has no valid “{key}” (a date and time)")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.isoformat()

    def day(self, item: dict, key: str, where: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        try:
            parsed = parse_date(value) if isinstance(value, str) and len(value) <= 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(where, f"has no valid “{key}” (a date such as 2027-06-30)")
        return parsed.isoformat()

    def positions(self, value, where: str, what: str) -> list[int]:
        if not isinstance(value, list) or len(value) > 100:
            self.fail(where, f"has no valid {what}")
        for position in value:
            if isinstance(position, bool) or not isinstance(position, int) or position < 0:
                self.fail(where, f"has no valid {what}")
        return value

    def question(self, value, where: str) -> tuple[str, int]:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], str)
            or not SLUG.fullmatch(value[0])
            or isinstance(value[1], bool)
            or not isinstance(value[1], int)
            or not 0 <= value[1] <= 32767
        ):
            self.fail(where, "has no valid “question” (its quiz and position)")
        return value[0], value[1]

    # Records.

    def progress(self, item: dict, where: str) -> dict:
        return {
            "kind": self.choice(item, "kind", where, ["skill", "project"]),
            "slug": self.slug(item, "slug", where),
            "status": self.choice(item, "status", where, Status.values),
            "updated_at": self.moment(item, "updated_at", where),
            "proficiency": self.choice(item, "proficiency", where, Proficiency.values),
            "review_stage": self.int(item, "review_stage", where, 0, 100),
            "review_due": self.day(item, "review_due", where),
            "needs_refresh": self.bool(item, "needs_refresh", where),
        }

    def note(self, item: dict, where: str) -> dict:
        skill = self.slug(item, "skill", where)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip() or "\x00" in text:
            self.fail(where, "has no text")
        if len(text.strip()) > NOTE_MAX_LENGTH:
            self.fail(
                f"the note on “{skill}”",
                f"is {len(text.strip())} characters long; notes can be at most {NOTE_MAX_LENGTH}",
            )
        return {
            "skill": skill,
            "text": text.strip(),
            "updated_at": self.moment(item, "updated_at", where),
        }

    def follow(self, item: dict, where: str) -> dict:
        return {
            "roadmap": self.slug(item, "roadmap", where),
            "followed_at": self.moment(item, "followed_at", where),
        }

    def plan(self, item: dict) -> dict:
        if not isinstance(item.get("target_date"), str | None):
            self.fail("the plan", "has no valid “target_date” (a date such as 2027-06-30)")
        form = PlanForm(
            {
                "hours_per_week": item.get("hours_per_week"),
                "target_date": item.get("target_date") or "",
            },
            allow_past=True,
        )
        if not isinstance(item.get("hours_per_week"), int) or not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            self.fail(
                "the plan", f"is not one this site can keep ({' '.join(errors) or 'no hours'})"
            )
        target = form.cleaned_data["target_date"]
        return {
            "hours_per_week": form.cleaned_data["hours_per_week"],
            "target_date": target.isoformat() if target else None,
            "updated_at": self.moment(item, "updated_at", "the plan"),
        }

    def sitting(self, item: dict, where: str) -> dict:
        quiz = self.slug(item, "quiz", where)
        scope = item.get("scope", "")
        if not isinstance(scope, str) or not SCOPE.fullmatch(scope):
            self.fail(where, "has no valid “scope”")
        drawn = item.get("drawn", [])
        answers = item.get("answers", [])
        if not isinstance(drawn, list) or len(drawn) > MAX_QUESTIONS_PER_SITTING:
            self.fail(where, "has no valid “drawn” questions")
        if not isinstance(answers, list) or len(answers) > len(drawn):
            self.fail(where, "has more answers than questions")
        questions, seen = [], set()
        for entry in drawn:
            if not isinstance(entry, dict):
                self.fail(where, "has no valid “drawn” questions")
            question = self.question(entry.get("question"), where)
            if question[0] != quiz or question[1] in seen:
                self.fail(where, "draws a question of another quiz, or one twice")
            seen.add(question[1])
            order = self.positions(entry.get("choice_order", []), where, "choice order")
            questions.append({"question": question[1], "choice_order": order})
        answered, rows = set(), []
        for entry in answers:
            if not isinstance(entry, dict):
                self.fail(where, "has no valid answers")
            question = self.question(entry.get("question"), where)
            if question[0] != quiz or question[1] not in seen or question[1] in answered:
                self.fail(where, "answers a question it did not draw, or one twice")
            answered.add(question[1])
            choices = self.positions(entry.get("choices"), where, "answer")
            if not choices:
                self.fail(where, "has an answer with no choice")
            rows.append(
                {
                    "question": question[1],
                    "choices": sorted(set(choices)),
                    "is_correct": self.bool(entry, "is_correct", where),
                    "answered_at": self.moment(entry, "answered_at", where),
                }
            )
        return {
            "quiz": quiz,
            "scope": scope,
            "started_at": self.moment(item, "started_at", where),
            "finished_at": self.moment(item, "finished_at", where, required=False),
            "drawn": questions,
            "answers": rows,
        }


# --- Naming content -----------------------------------------------------------------------


@dataclass
class Resolved:
    """The content a document names, looked up by natural key."""

    skills: dict[str, Skill]
    projects: dict[str, Project]
    roadmaps: dict[str, Roadmap]
    quizzes: dict[str, Quiz]
    questions: dict[tuple[str, int], int]  # (quiz slug, position) -> id
    choices: dict[tuple[int, int], int]  # (question id, position) -> id


def import_resolve(document: dict) -> Resolved:
    """Look up everything the document names, in six queries; ImportRefused listing (up to
    MAX_LISTED of) the skills, projects, roadmaps, quizzes, questions and choices this site
    doesn't have."""
    wanted_skills = {row["slug"] for row in document["progress"] if row["kind"] == "skill"}
    wanted_skills |= {note["skill"] for note in document["notes"]}
    wanted_projects = {row["slug"] for row in document["progress"] if row["kind"] == "project"}
    wanted_roadmaps = {follow["roadmap"] for follow in document["follows"]}
    history = document["quiz_history"]
    wanted_quizzes = {sitting["quiz"] for sitting in history}
    resolved = Resolved(
        skills=Skill.objects.in_bulk(wanted_skills, field_name="slug"),
        projects=Project.objects.in_bulk(wanted_projects, field_name="slug"),
        roadmaps={
            roadmap.slug: roadmap
            for roadmap in Roadmap.objects.filter(role__slug__in=wanted_roadmaps).select_related(
                "role"
            )
        },
        quizzes=Quiz.objects.in_bulk(wanted_quizzes, field_name="slug"),
        questions={
            (slug, position): pk
            for pk, slug, position in Question.objects.filter(
                quiz__slug__in=wanted_quizzes
            ).values_list("pk", "quiz__slug", "position")
        },
        choices={},
    )
    resolved.choices = {
        (question_id, position): pk
        for pk, question_id, position in Choice.objects.filter(
            question__quiz__slug__in=wanted_quizzes
        ).values_list("pk", "question_id", "position")
    }
    unknown = [f"skill “{slug}”" for slug in sorted(wanted_skills - set(resolved.skills))]
    unknown += [f"project “{slug}”" for slug in sorted(wanted_projects - set(resolved.projects))]
    unknown += [f"roadmap “{slug}”" for slug in sorted(wanted_roadmaps - set(resolved.roadmaps))]
    unknown += [f"quiz “{slug}”" for slug in sorted(wanted_quizzes - set(resolved.quizzes))]
    unknown += _unknown_questions(history, resolved)
    if unknown:
        listed = ", ".join(unknown[:MAX_LISTED])
        more = f", and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
        raise ImportRefused(
            "That export names content this site doesn't have, so nothing was imported: "
            f"{listed}{more}."
        )
    return resolved


def _unknown_questions(history: list[dict], resolved: Resolved) -> list[str]:
    unknown: dict[str, None] = {}  # in the file's order, each once
    for sitting in history:
        quiz = sitting["quiz"]
        if quiz not in resolved.quizzes:
            continue
        uses = [(row["question"], row["choice_order"]) for row in sitting["drawn"]]
        uses += [(row["question"], row["choices"]) for row in sitting["answers"]]
        for position, choices in uses:
            question = resolved.questions.get((quiz, position))
            if question is None:
                unknown[f"question {position} of the quiz “{quiz}”"] = None
                continue
            for choice in choices:
                if (question, choice) not in resolved.choices:
                    unknown[f"choice {choice} of question {position} of the quiz “{quiz}”"] = None
    return list(unknown)


# --- What importing would do --------------------------------------------------------------

# How many items of each kind the preview names; it counts the rest.
PREVIEW_LISTED = 25


@dataclass
class Change:
    """Some items of one kind the import adds, changes or leaves, by name."""

    names: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.names) < PREVIEW_LISTED:
            self.names.append(name)

    @property
    def more(self) -> int:
        return self.count - len(self.names)


@dataclass
class Preview:
    statuses_added: Change = field(default_factory=Change)
    statuses_changed: Change = field(default_factory=Change)
    statuses_kept: Change = field(default_factory=Change)  # the account's are newer
    reviews: Change = field(default_factory=Change)  # schedules that come with the statuses
    notes_added: Change = field(default_factory=Change)
    notes_changed: Change = field(default_factory=Change)
    notes_kept: Change = field(default_factory=Change)
    follows_added: Change = field(default_factory=Change)
    plan: str = ""  # what happens to the plan, in words; "" when nothing
    weekly_digest: bool | None = None  # the new choice, when it changes
    sittings_added: Change = field(default_factory=Change)
    sittings_kept: int = 0  # already in the account

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.statuses_added.count
            or self.statuses_changed.count
            or self.notes_added.count
            or self.notes_changed.count
            or self.follows_added.count
            or self.plan
            or self.weekly_digest is not None
            or self.sittings_added.count
        )


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def import_plan(*, user, document: dict, resolved: Resolved) -> "ImportPlan":
    """What importing the document into the user's account does, worked out against what the
    account holds now with the session merge's rule: for each status, note and the plan, the
    newer change wins; goals and quiz sittings the account lacks are added."""
    plan = ImportPlan(preview=Preview())
    preview = plan.preview
    existing = {
        row.target_key: row
        for row in Progress.objects.for_user(user).select_related("skill", "project")
    }
    for row in document["progress"]:
        target = (resolved.skills if row["kind"] == "skill" else resolved.projects)[row["slug"]]
        current = existing.get((row["kind"], row["slug"]))
        label = f"{target.name}: {Status(row['status']).label}"
        if current is not None and current.updated_at >= moment(row["updated_at"]):
            preview.statuses_kept.add(f"{target.name}: {current.get_status_display()}")
            continue
        if current is None:
            preview.statuses_added.add(label)
        elif current.status != row["status"]:
            preview.statuses_changed.add(
                f"{target.name}: {current.get_status_display()} → {Status(row['status']).label}"
            )
        else:
            preview.statuses_changed.add(f"{target.name}: {Status(row['status']).label} (newer)")
        if row["review_due"] or row["review_stage"] or row["needs_refresh"]:
            due = date.fromisoformat(row["review_due"]) if row["review_due"] else None
            preview.reviews.add(
                f"{target.name}: {'refresh, ' if row['needs_refresh'] else ''}"
                + (f"review due {_day(due)}" if due else "no review due")
            )
        plan.progress.append((row, target, current))
    notes = {note.skill_id: note for note in Note.objects.filter(user=user)}
    for row in document["notes"]:
        skill = resolved.skills[row["skill"]]
        current = notes.get(skill.pk)
        if current is None:
            preview.notes_added.add(skill.name)
        elif current.updated_at >= moment(row["updated_at"]) or current.text == row["text"]:
            preview.notes_kept.add(skill.name)
            continue
        else:
            preview.notes_changed.add(skill.name)
        plan.notes.append((row, skill, current))
    followed = set(Follow.objects.filter(user=user).values_list("roadmap_id", flat=True))
    for row in document["follows"]:
        roadmap = resolved.roadmaps[row["roadmap"]]
        if roadmap.pk not in followed:
            preview.follows_added.add(roadmap.role.name)
            plan.follows.append((row, roadmap))
    _plan_the_plan(plan, user, document["plan"])
    digest = document["weekly_digest"]
    if digest is not None and digest != _digest_choice(user):
        preview.weekly_digest = plan.weekly_digest = digest
    kept = set(
        Sitting.objects.filter(user=user, quiz__in=resolved.quizzes.values()).values_list(
            "quiz__slug", "created_at"
        )
    )
    for row in document["quiz_history"]:
        if (row["quiz"], moment(row["started_at"])) in kept:
            preview.sittings_kept += 1
            continue
        quiz = resolved.quizzes[row["quiz"]]
        preview.sittings_added.add(f"{quiz.title}, {_day(moment(row['started_at']))}")
        plan.sittings.append((row, quiz))
    return plan


def _digest_choice(user) -> bool:
    """(Without creating the profile: a preview writes nothing.)"""
    choice = Profile.objects.filter(user=user).values_list("weekly_digest", flat=True).first()
    return bool(choice)


def _plan_the_plan(plan: "ImportPlan", user, row: dict | None) -> None:
    if row is None:
        return
    current = LearningPlan.objects.filter(user=user).first()
    pace = f"{row['hours_per_week']} hours a week"
    if row["target_date"]:
        pace += f" until {_day(date.fromisoformat(row['target_date']))}"
    if current is None:
        plan.preview.plan = f"Set: {pace}"
    elif (current.hours_per_week, _iso(current.target_date)) == (
        row["hours_per_week"],
        row["target_date"],
    ):
        return
    elif current.updated_at >= moment(row["updated_at"]):
        return  # the account's plan is newer
    else:
        plan.preview.plan = f"Changed to {pace}"
    plan.plan = row


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class ImportPlan:
    """The writes an import makes, with the preview that describes them."""

    preview: Preview
    progress: list[tuple] = field(default_factory=list)  # (row, skill or project, current)
    notes: list[tuple] = field(default_factory=list)  # (row, skill, current note)
    follows: list[tuple] = field(default_factory=list)  # (row, roadmap)
    plan: dict | None = None
    weekly_digest: bool | None = None
    sittings: list[tuple] = field(default_factory=list)  # (row, quiz)
