"""Inclusion tags that draw the site's diagrams (templates in `templates/diagrams/`).

Each tag takes what the page already has in its context; where a page lacks something (the team
on the home page, the visitor's statuses on the roadmap list) the tag runs a fixed, small number
of queries, never one per row.
"""

from itertools import groupby

from django import template

from careers.diagrams import illustrations, matrix, role_color, salaries, team
from careers.models import TeamHandoff, TeamMember

register = template.Library()

# The class that gives a role its colour, as in the diagrams: `class="{{ role|role_color }}"`.
register.filter("role_color", role_color)


@register.inclusion_tag("diagrams/team_structure.html", takes_context=True)
def team_structure(context):
    """The ML team chart. Uses the lifecycle page's `team_tiers` and `handoffs`, else two
    queries."""
    tiers = context.get("team_tiers")
    handoffs = context.get("handoffs")
    if tiers is None:
        members = TeamMember.objects.select_related("role")
        tiers = [list(row) for _, row in groupby(members, key=lambda member: member.tier)]
    if handoffs is None:
        handoffs = TeamHandoff.objects.select_related("source", "target")
    return {"rows": team.team_structure(tiers, handoffs)}


@register.inclusion_tag("careers/includes/salary_chart.html")
def role_salaries(*role_lists):
    roles = [role for roles in role_lists for role in roles]
    return {
        **salaries.role_salaries(roles),
        "caption": f"Salary ranges of all {len(roles)} roles, from the lowest entry level "
        "to the highest senior level",
        "show_role": True,
    }


@register.inclusion_tag("diagrams/data_systems.html")
def data_systems(systems, diagram):
    return illustrations.data_systems(systems, diagram)


@register.inclusion_tag("diagrams/role_diagram.html")
def role_diagram(role):
    return {"diagram": illustrations.role_diagram(role)}


@register.inclusion_tag("diagrams/comparison_matrix.html")
def comparison_matrix(roles):
    """The matrix of the four core roles; nothing for any other selection."""
    if not roles or not matrix.is_core_four(roles):
        return {"matrix": None}
    return {"matrix": matrix.comparison_matrix(roles)}
