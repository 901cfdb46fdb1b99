"""The diagrams a role page shows: the ETL between OLTP and OLAP, a sample dashboard, a
workflow, a system architecture. What they say (steps, labels, sample numbers) is the role's
`Diagram`, which editors keep in the admin; the tools named are the role's own, so an editor's
change to either shows up."""

import re

from django.utils.text import slugify

from careers.diagrams.drawing import (
    DONUT_RADIUS,
    TRANSACTION_CELLS,
    axis_top,
    bar_chart,
    donut,
    line_chart,
)
from careers.models import Diagram, cells, items_in, spelling_key

# A key figure's change that starts with a minus sign is a fall.
FALL = ("−", "-")
# "Exploratory data analysis (EDA)": a name with its short name.
SHORT_NAME = re.compile(r"(?P<name>.*?)\s*\((?P<short>[^()]+)\)")


def rows_of(text: str, width: int) -> list[list[str]]:
    """The lines of a `Diagram` text field as `width` cells each, missing ones empty."""
    return [(row + [""] * width)[:width] for row in cells(text)]


def tools_named(role, names) -> list:
    """The role's tools among `names`, in that order, without repeats (from the prefetched
    `role_tools`). A name is a tool's slug or name in any spelling, or a heading of the role's
    tool list, which brings every tool under it."""
    tools: dict[str, object] = {}
    headings: dict[str, list] = {}
    for link in role.role_tools.all():
        for key in (link.tool.slug, link.tool.name):
            tools.setdefault(spelling_key(key), link.tool)
        headings.setdefault(spelling_key(link.heading), []).append(link.tool)
    picked = {}
    for name in names:
        key = spelling_key(name)
        for tool in [*headings.get(key, []), *([tools[key]] if key in tools else [])]:
            picked.setdefault(tool.pk, tool)
    return list(picked.values())


def data_systems(systems, diagram: Diagram | None) -> dict:
    """The first system (OLTP) feeds the others (OLAP) through the diagram's ETL steps."""
    systems = list(systems)
    return {
        "source": systems[0] if systems else None,
        "rest": systems[1:],
        "etl": [tuple(row) for row in rows_of(diagram.steps, 2)] if diagram else [],
        "cells": TRANSACTION_CELLS,
    }


def dashboard(role, diagram: Diagram) -> dict:
    """A sample dashboard: key figures, a trend, a bar chart, a donut and its filters."""
    trend = [(month, int(number)) for month, number in rows_of(diagram.trend, 2)]
    revenue = [number for _, number in trend]
    categories = [(name, int(number)) for name, number in rows_of(diagram.categories, 2)]
    return {
        "kpis": [
            {"label": label, "value": value, "change": change, "up": not change.startswith(FALL)}
            for label, value, change in rows_of(diagram.kpis, 3)
        ],
        "line": line_chart([m for m, _ in trend], revenue, top=axis_top(revenue))
        if len(trend) > 1
        else None,
        "revenue": trend,
        "bars": bar_chart(categories) if categories else None,
        "donut": donut([(name, int(share)) for name, share in rows_of(diagram.channels, 2)]),
        "radius": DONUT_RADIUS,
        "filters": [tuple(row) for row in rows_of(diagram.filters, 2)],
        "tools": tools_named(role, items_in(diagram.tools)),
    }


def workflow(role, diagram: Diagram) -> dict:
    """Stages top to bottom, each with the role's tools for it and what it produces."""
    stages = []
    for name, does, tools, produces in rows_of(diagram.steps, 4):
        short = SHORT_NAME.fullmatch(name)
        stages.append(
            {
                "name": short["name"] if short else name,
                "short": short["short"] if short else "",
                "does": does,
                "tool_list": tools_named(role, items_in(tools)),
                "artifacts": items_in(produces),
            }
        )
    return {"stages": stages, "loop_to": diagram.loop_to}


def architecture(role, diagram: Diagram) -> dict:
    """Rows of numbered components (a line of the steps with no "|" starts a row), each with
    the role's tools for it, and the feedback loop."""
    rows: list[dict] = []
    number = 0
    for row in cells(diagram.steps):
        if len(row) == 1:
            rows.append({"name": row[0], "components": []})
            continue
        if not rows:
            rows.append({"name": "", "components": []})
        name, does, tools = [*row, "", ""][:3]
        number += 1
        rows[-1]["components"].append(
            {
                # Its CSS class, which colours it (diagrams.css).
                "slug": slugify(name),
                "name": name,
                "does": does,
                "number": number,
                "tool_list": tools_named(role, items_in(tools)),
            }
        )
    return {
        "rows": [row for row in rows if row["components"]],
        "retrain_from": diagram.loop_from,
        "retrain_to": diagram.loop_to,
    }


BUILDERS = {
    Diagram.Kind.DASHBOARD: dashboard,
    Diagram.Kind.WORKFLOW: workflow,
    Diagram.Kind.ARCHITECTURE: architecture,
}


def role_diagram(role) -> dict | None:
    """The diagram a role page shows beside its responsibilities, if it has one. (OLTP vs
    OLAP has a section of its own, with the data systems.) The role's `diagram` is fetched
    with it."""
    diagram = role.diagram if role is not None else None
    if diagram is None or diagram.kind not in BUILDERS:
        return None
    build = BUILDERS[diagram.kind]
    return {"kind": diagram.kind, "title": diagram.title, "role": role, **build(role, diagram)}
