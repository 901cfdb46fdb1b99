"""A learner's plan: the next step on a roadmap, and when each followed roadmap will be done at
their pace. Pure functions over content (from the content cache) and the learner's statuses,
so every page that shows a plan costs no query beyond reading the learner's own rows.

docs/plan.md explains the rules to learners and editors.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from roadmaps.models import Roadmap, RoadmapLevel, RoadmapStep, Status

# How much of a step's effort is left, by status: learning counts half.
REMAINING_SHARE = {Status.NOT_STARTED: 1.0, Status.LEARNING: 0.5, Status.DONE: 0.0}
HANDLED = (Status.DONE, Status.SKIPPED)


def status_of(step: RoadmapStep, statuses: dict) -> str:
    return statuses.get(step.target_key, Status.NOT_STARTED)


def hours_left(step: RoadmapStep, statuses: dict) -> float:
    """Hours still to study on a step: done and skipped cost nothing, learning counts half."""
    return step.hours * REMAINING_SHARE.get(status_of(step, statuses), 0.0)


def prerequisites_met(step: RoadmapStep, statuses: dict) -> bool:
    if step.skill_id is None:
        return True
    return all(
        statuses.get(("skill", skill.slug)) in HANDLED for skill in step.skill.prerequisites.all()
    )


def next_step(roadmap: Roadmap, statuses: dict) -> RoadmapStep | None:
    """The first step, in roadmap order, not done or skipped whose prerequisites are done (or
    skipped: the learner knows them). None when every step is handled; when prerequisites
    block every open step, the first open one, so a learner is never left without one."""
    open_steps = [step for step in roadmap.steps() if status_of(step, statuses) not in HANDLED]
    for step in open_steps:
        if prerequisites_met(step, statuses):
            return step
    return open_steps[0] if open_steps else None


@dataclass(frozen=True)
class LevelPlan:
    level: RoadmapLevel
    total_hours: int
    remaining_hours: float
    finish: date | None  # None: nothing left at this level

    @property
    def remaining_rounded(self) -> int:
        return math.ceil(self.remaining_hours)


@dataclass(frozen=True)
class RoadmapPlan:
    roadmap: Roadmap
    levels: list[LevelPlan]
    next_step: RoadmapStep | None
    finish: date | None
    weeks_behind: int | None  # against the target date; None without one

    @property
    def total_hours(self) -> int:
        return sum(level.total_hours for level in self.levels)

    @property
    def remaining_hours(self) -> int:
        return math.ceil(sum(level.remaining_hours for level in self.levels))

    @property
    def on_track(self) -> bool:
        return self.weeks_behind == 0


@dataclass
class WeekSpan:
    """Consecutive weeks that hold the same steps: "weeks 3–7: Advanced Python"."""

    first: int  # 1 is the week starting today
    last: int
    starts: date
    ends: date
    steps: list[RoadmapStep] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    hours_per_week: int
    target_date: date | None
    today: date
    roadmaps: list[RoadmapPlan]
    weeks: list[WeekSpan]

    @property
    def this_week(self) -> list[RoadmapStep]:
        return self.weeks[0].steps if self.weeks and self.weeks[0].first == 1 else []

    @property
    def finish(self) -> date | None:
        dates = [plan.finish for plan in self.roadmaps if plan.finish]
        return max(dates) if dates else None


def _date_after(today: date, hours: float, hours_per_week: int) -> date:
    """The day `hours` of study are done at this pace, counting in whole weeks from today."""
    return today + timedelta(weeks=math.ceil(hours / hours_per_week))


def build_plan(
    roadmaps: list[Roadmap],
    statuses: dict,
    *,
    hours_per_week: int,
    target_date: date | None,
    today: date,
) -> Plan:
    """The learner's plan: followed roadmaps one after another, in the order followed, each
    step in roadmap order. A step shared with an earlier roadmap is planned once, when that
    roadmap reaches it; each roadmap still counts it among its hours left."""
    studied = 0.0  # hours planned so far, from today
    done_at: dict[tuple[str, str], float] = {}  # step target -> hour its study ends
    slots: list[tuple[float, float, RoadmapStep]] = []  # (from hour, to hour, step)
    roadmap_plans = []
    for roadmap in roadmaps:
        level_plans = []
        for level in roadmap.levels.all():
            total = remaining = level_end = 0.0
            for step in level.steps.all():
                total += step.hours
                left = hours_left(step, statuses)
                if not left:
                    continue
                if step.target_key not in done_at:  # not planned yet for an earlier goal
                    slots.append((studied, studied + left, step))
                    studied += left
                    done_at[step.target_key] = studied
                remaining += left
                level_end = max(level_end, done_at[step.target_key])
            finish = _date_after(today, level_end, hours_per_week) if remaining else None
            level_plans.append(LevelPlan(level, round(total), remaining, finish))
        finishes = [plan.finish for plan in level_plans if plan.finish]
        finish = max(finishes) if finishes else None
        behind = None
        if target_date:
            late = (finish - target_date).days if finish else 0
            behind = max(0, math.ceil(late / 7))
        roadmap_plans.append(
            RoadmapPlan(roadmap, level_plans, next_step(roadmap, statuses), finish, behind)
        )
    return Plan(
        hours_per_week, target_date, today, roadmap_plans, _weeks(slots, hours_per_week, today)
    )


def _weeks(slots, hours_per_week: int, today: date) -> list[WeekSpan]:
    """Weeks in order, consecutive weeks holding the same steps joined into one span: at most
    two spans per step however slow the pace, so the list is never longer than the roadmap."""
    ranges = []
    for start, end, step in slots:
        first = int(start // hours_per_week) + 1
        ranges.append((first, max(first, math.ceil(end / hours_per_week)), step))
    # Every range starts and ends at an edge, so between two edges the steps don't change.
    edges = sorted({first for first, _, _ in ranges} | {last + 1 for _, last, _ in ranges})
    spans = []
    for first, after in pairwise(edges):
        last = after - 1
        steps = [step for lo, hi, step in ranges if lo <= first and hi >= last]
        if steps:
            starts = today + timedelta(weeks=first - 1)
            ends = today + timedelta(weeks=last, days=-1)
            spans.append(WeekSpan(first, last, starts, ends, steps))
    return spans
