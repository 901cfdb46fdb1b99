"""Every role's salary range on one scale."""

from dataclasses import dataclass

from careers.charts import salary_bars
from careers.diagrams.drawing import role_color


@dataclass
class RoleRange:
    """A role's whole salary range, shaped like a career level for `salary_bars`."""

    role: object
    salary_min: int
    salary_max: int
    salary_open_ended: bool

    @property
    def salary_label(self) -> str:
        return self.role.salary_range_label


def role_salaries(roles) -> dict:
    """One bar per role, from its lowest to its highest salary, all on one scale."""
    ranges = []
    for role in roles:
        salary_range = role.salary_range()
        if salary_range:
            ranges.append(RoleRange(role, *salary_range))
    chart = salary_bars(ranges)
    for row in chart["rows"]:
        row["color"] = role_color(row["level"].role)
    return chart
