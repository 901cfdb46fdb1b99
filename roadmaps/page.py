"""A roadmap page in two passes: its content, rendered once per content version for every
viewer, and then one learner's state filled into the slots it leaves.

Why not `{% cache %}`: a learner's state sits inside every step (its status, its chip, its
note), so cached fragments would have to be cut at each of them, and the template's safety
would rest on where each cut falls. Here the shared part is rendered without a request, so no
user, session or CSRF token can reach it, and the learner's part is a dictionary of slot values.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType, SimpleNamespace

from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from roadmaps.models import Proficiency, Roadmap, Status, Tally
from roadmaps.plan import hours_left

TEMPLATE = "roadmaps/roadmap_content.html"
SLOT = re.compile(r"<!--slot:([\w:-]+)-->")
# Runs of whitespace with a line break render as one space: keep one character of them.
LINE_BREAKS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class RoadmapContent:
    """The roadmap's markup split at its slots, and the content-only markup of every slot that
    depends on a status alone (a step's status control or chip, for each status). Immutable:
    one instance serves every request of a worker until the content changes."""

    roadmap: Roadmap
    top: SafeString  # breadcrumb, title and introduction
    segments: tuple[str, ...]  # text, slot name, text, slot name, …, text
    parts: MappingProxyType  # (kind, step id, status) -> markup

    @classmethod
    def render(cls, roadmap: Roadmap) -> "RoadmapContent":
        html = LINE_BREAKS.sub("\n", render_to_string(TEMPLATE, {"roadmap": roadmap}))
        note_link = get_template(f"{TEMPLATE}#note-link")
        parts = {}
        for step in roadmap.steps():
            for status in Status:
                parts["status", step.pk, status] = step_part("step-status", step, status)
                parts["chip", step.pk, status] = step_part("chip", step, status)
            if step.skill_id:
                parts["note", step.pk, None] = note_link.render({"step": step})
        top = get_template(f"{TEMPLATE}#page-top").render({"roadmap": roadmap})
        return cls(roadmap, top, tuple(SLOT.split(html)), MappingProxyType(parts))

    def status_of(self, step, statuses: dict) -> Status:
        return Status(statuses.get(step.target_key, Status.NOT_STARTED))

    def fill(self, statuses: dict, notes: dict | None, states: dict | None = None) -> SafeString:
        """The page's content for one learner: `statuses` as `visitor_statuses` gives them,
        `notes` (their texts) by skill id (None for a visitor, who keeps no notes), and
        `states` as `learner_states` gives them, for the evidence beside each skill's status."""
        states = states or {}
        values = {}
        for level in self.roadmap.levels.all():
            tally = level.progress_for(statuses)
            values[f"level:{level.stage}"] = level_bar(tally, level_hours_left(level, statuses))
            values[f"count:{level.stage}"] = level_count(level.stage, tally)
            for step in level.steps.all():
                status = self.status_of(step, statuses)
                values[f"status:{step.pk}"] = self.parts["status", step.pk, status]
                values[f"chip:{step.pk}"] = self.parts["chip", step.pk, status]
                if step.skill_id:
                    values[f"note:{step.pk}"] = self.note(step, notes)
                    values[f"evidence:{step.pk}"] = evidence(states.get(step.target_key))
        # Segments alternate: text, slot name, text, slot name, …, text.
        return mark_safe(
            "".join(values[part] if i % 2 else part for i, part in enumerate(self.segments))
        )

    def note(self, step, notes: dict | None) -> str:
        if notes is None:
            return ""
        text = notes.get(step.skill_id)
        if text is None:
            return self.parts["note", step.pk, None]
        return note_shown(step, text)


def evidence(state) -> str:
    """What a learner's quiz answers and reviews say about a skill, beside its status: nothing
    until there is something to say. Compact: a page may show it on every step."""
    if state is None:
        return ""
    assessed = state.proficiency != Proficiency.NOT_ASSESSED
    if not assessed and not state.needs_refresh:
        return ""
    return format_html(
        '<p class="evidence {}">{}{}</p>',
        state.proficiency,
        f"Quizzes: {Proficiency(state.proficiency).label.lower()}" if assessed else "",
        mark_safe("<b>Refresh</b>") if state.needs_refresh else "",
    )


def step_part(partial: str, step, status: Status, *, oob: bool = False) -> SafeString:
    """A step's status control or timeline chip for one status, from content alone: the
    page keeps one of each per status, a status change renders the one it swaps in."""
    context = {"step": step, "status": status, "oob": oob, "statuses": Status.choices}
    return get_template(f"{TEMPLATE}#{partial}").render(context)


@lru_cache(maxsize=4096)
def swapped_part(partial: str, step_id: int, step_name: str, status: Status) -> SafeString:
    """What a status change swaps in for a step, out of band: its status control or its chip.
    The markup is a function of these arguments alone, so it is remembered rather than
    rendered on every change; the bound keeps it under 3 MB whatever the content."""
    return step_part(partial, SimpleNamespace(pk=step_id, name=step_name), status, oob=True)


@lru_cache(maxsize=4096)
def progress_bar(tally: Tally) -> SafeString:
    """A learner's progress on some steps: the text says it all, the bar is decoration. Kept
    compact, and built in Python: pages show up to forty of them, every status change two.
    A function of the four numbers of a tally alone, so it is remembered (38 µs to build,
    under 0.5 KB each: the bound keeps it under 2 MB)."""
    # Widths in percent of the bar, whose height CSS sets: no viewBox to scale or send.
    bars = []
    if tally.percent_done:
        bars.append(
            format_html('<rect class="done" width="{}%" height="100%"/>', tally.percent_done)
        )
    if tally.percent_skipped:
        x = format_html(' x="{}%"', tally.percent_done) if tally.percent_done else ""
        bars.append(
            format_html(
                '<rect class="skipped"{} width="{}%" height="100%"/>', x, tally.percent_skipped
            )
        )
    details = [
        f", {tally.skipped} skipped" if tally.skipped else "",
        f", {tally.learning} in progress" if tally.learning else "",
    ]
    return format_html(
        '<svg class="progress-svg" aria-hidden="true">{}</svg>\n'
        "<p><strong>{}% done</strong> — {} of {} steps{}</p>",
        mark_safe("".join(bars)),
        tally.percent_done,
        tally.done,
        tally.total,
        "".join(details),
    )


def level_hours_left(level, statuses: dict) -> int:
    return math.ceil(sum(hours_left(step, statuses) for step in level.steps.all()))


def level_bar(tally, hours: int, *, stage: str = "", oob: bool = False) -> str:
    """A level's progress, and the study time it still takes (docs/plan.md)."""
    left = format_html('<p class="hours-left">About {} hours left</p>', hours) if hours else ""
    html = progress_bar(tally) + left
    if not oob:
        return html
    return format_html(
        '<div id="level-progress-{}" hx-swap-oob="innerHTML">{}</div>', stage, mark_safe(html)
    )


def level_count(stage: str, tally, *, oob: bool = False) -> str:
    if oob:
        return format_html(
            '<span id="count-{}" hx-swap-oob="innerHTML">{} of {} done</span>',
            stage,
            tally.done,
            tally.total,
        )
    return format_html(
        '<span id="count-{}" class="timeline-tally">{} of {} done</span>',
        stage,
        tally.done,
        tally.total,
    )


def note_shown(step, text: str) -> str:
    """A saved note on the roadmap page, with the link that edits it (in the step's note box:
    the steps' list names that target for every link in it)."""
    return format_html(
        '<p class="note-text">{}</p><a href="steps/{}/note/" hx-get="steps/{}/note/">'
        "Edit my note</a>",
        text,
        step.pk,
        step.pk,
    )
