"""Every roadmap on one timeline (the roadmap list): beginner → intermediate → advanced, the
skills at each stage, each role's branch, and the visitor's progress coloured in. Computed from
prefetched roadmaps; drawn by `templates/diagrams/roadmaps_timeline.html`. A single roadmap's
timeline is part of its page's content (`templates/roadmaps/roadmap_content.html`)."""

from careers.diagrams import role_color
from roadmaps.models import Stage, Status


def _chip(step, status) -> dict:
    status = Status(status)
    return {"step": step, "status": status}


def roadmaps_timeline(roadmaps, statuses: dict) -> list[dict]:
    """All roadmaps on one timeline: per stage, the steps every roadmap shares, then each
    role's own branch. `roadmaps` have their levels and steps prefetched."""
    roadmaps = list(roadmaps)
    stages = []
    for stage in Stage:
        levels = [
            (roadmap, level)
            for roadmap in roadmaps
            for level in roadmap.levels.all()
            if level.stage == stage
        ]
        if not levels:
            continue
        common = None
        for _, level in levels:
            keys = {s.target_key for s in level.steps.all() if not s.is_specialization}
            common = keys if common is None else common & keys
        first = levels[0][1]
        shared = [
            _chip(step, statuses.get(step.target_key, Status.NOT_STARTED))
            for step in first.steps.all()
            if not step.is_specialization and step.target_key in common
        ]
        branches = []
        for roadmap, level in levels:
            steps = [
                _chip(step, statuses.get(step.target_key, Status.NOT_STARTED))
                for step in level.steps.all()
                if step.is_specialization or step.target_key not in common
            ]
            if steps:
                branches.append(
                    {"roadmap": roadmap, "color": role_color(roadmap.role), "steps": steps}
                )
        stages.append({"stage": stage, "level": first, "shared": shared, "branches": branches})
    return stages
