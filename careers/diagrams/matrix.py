"""The role comparison matrix: the four core roles side by side."""

from careers.diagrams.drawing import role_color
from careers.diagrams.salaries import role_salaries
from careers.models import Role

# The comparison aspects the matrix reads (by slug), with the role's own field to fall back on.
MATRIX_ASPECTS = [("focus", "Focus"), ("tools", "Tools"), ("skills", "Skills")]
MATRIX_DAY = "typical-day"


def is_core_four(roles) -> bool:
    return len(roles) == 4 and all(role.kind == Role.Kind.CORE for role in roles)


def comparison_matrix(roles) -> dict:
    """Rows per role: focus, tools, skills, typical day (comparison aspects, falling back to
    the role's own fields) and salary range on a shared scale."""
    chart = role_salaries(roles)
    bars = {row["level"].role.pk: row for row in chart["rows"]}
    rows = []
    for role in roles:
        values = {value.aspect.slug: value for value in role.aspect_values.all()}
        fallbacks = {"focus": role.focus, "skills": role.skills_summary}
        cells = [
            {"name": name, "text": values[slug].text if slug in values else fallbacks.get(slug, "")}
            for slug, name in MATRIX_ASPECTS
        ]
        day = values.get(MATRIX_DAY)
        rows.append(
            {
                "role": role,
                "color": role_color(role),
                "cells": cells,
                "day": day.text if day else "",
                "day_name": day.aspect.name if day else "Typical day",
                "bar": bars.get(role.pk),
            }
        )
    return {"rows": rows, "ticks": chart["ticks"]}
