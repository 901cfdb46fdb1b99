"""Comparing 2 to 4 roles side by side: reading the selection from the query string, and
lining up what the roles share and where they differ."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from careers.models import Role, RoleSkill, SkillGroup

MIN_ROLES = 2
MAX_ROLES = 4
# Longer values cannot be slugs; cut them before they reach messages or the database.
MAX_SLUG_LENGTH = 60
MAX_VALUES_READ = 50


@dataclass
class Selection:
    slugs: list[str]
    unknown: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return len(self.slugs) >= MIN_ROLES

    def normal_query(self, site_order: list[str]) -> str | None:
        """The query string that asks for exactly this selection in its normal form (the
        roles in `site_order`, each once; "" for none), or None for a selection that named
        unknown or surplus roles, or only one: such a page names what was wrong."""
        if self.unknown or self.dropped or len(self.slugs) == 1:
            return None
        slugs = sorted(self.slugs, key=site_order.index)
        return urlencode([("roles", slug) for slug in slugs])


def read_selection(values: list[str], known: dict[str, str]) -> Selection:
    """The roles asked for, in the order asked, without duplicates. Unknown values are set
    aside to be named; beyond four, the rest are dropped to be named too."""
    slugs: list[str] = []
    unknown: list[str] = []
    for value in values[:MAX_VALUES_READ]:
        value = value.strip()[:MAX_SLUG_LENGTH]
        if not value or value in slugs or value in unknown:
            continue
        (slugs if value in known else unknown).append(value)
    return Selection(slugs=slugs[:MAX_ROLES], unknown=unknown, dropped=slugs[MAX_ROLES:])


def tools_by_category(roles: list[Role]) -> list[tuple[str, list[dict]]]:
    """[(category, [{"tool", "cells": [note or None per role], "shared": bool}])]"""
    rows: dict[int, dict] = {}
    for index, role in enumerate(roles):
        for link in role.role_tools.all():
            row = rows.setdefault(
                link.tool_id, {"tool": link.tool, "cells": [None] * len(roles), "count": 0}
            )
            if row["cells"][index] is None:
                row["cells"][index] = link
                row["count"] += 1
    categories: dict[tuple[int, str], list[dict]] = {}
    for row in rows.values():
        row["shared"] = row["count"] > 1
        category = row["tool"].category
        categories.setdefault((category.position, category.name), []).append(row)
    return [
        (name, sorted(items, key=lambda r: (-r["count"], r["tool"].name.lower())))
        for (_, name), items in sorted(categories.items())
    ]


GROUP_ORDER = {value: position for position, value in enumerate(SkillGroup.values)}


def skills_by_tier(roles: list[Role]) -> list[dict]:
    """One row per skill: the tier each role needs it at, and whether all/some share it.
    Rows come by category (technical skills first), then shared skills first. A skill's
    category is where its highest-tiered listing puts it: one that a role tiers as technical
    and another lists under "ML knowledge" shows with the technical skills, and the second
    role's cell names "ML knowledge"."""
    rows: dict[int, dict] = {}
    for index, role in enumerate(roles):
        for link in role.role_skills.all():
            row = rows.setdefault(
                link.skill_id,
                {"skill": link.skill, "cells": [None] * len(roles), "rank": 9, "count": 0},
            )
            row["cells"][index] = link
            row["count"] += 1
            row["rank"] = min(row["rank"], link.tier_rank)
    for row in rows.values():
        row["shared_by_all"] = row["count"] == len(roles)
        row["shared"] = row["count"] > 1
        heading = min(
            (link for link in row["cells"] if link),
            key=lambda link: (link.tier_rank, GROUP_ORDER[link.group]),
        )
        row["group"], row["category"] = heading.group, heading.get_group_display()
    return sorted(
        rows.values(),
        key=lambda r: (GROUP_ORDER[r["group"]], -r["count"], r["rank"], r["skill"].name.lower()),
    )


def skill_overlap(roles: list[Role]) -> dict:
    """Skills every selected role needs, and what each needs that none of the others do."""
    skill_sets = {role.pk: {link.skill for link in role.role_skills.all()} for role in roles}
    common = set.intersection(*skill_sets.values()) if skill_sets else set()
    only = []
    for role in roles:
        others = set().union(*(s for pk, s in skill_sets.items() if pk != role.pk))
        only.append((role, sorted(skill_sets[role.pk] - others, key=lambda s: s.name.lower())))
    return {"common": sorted(common, key=lambda s: s.name.lower()), "only": only}


def learner_gaps(
    roles: list[Role], done_skill_slugs: set[str], proficient_skill_slugs: frozenset = frozenset()
) -> list[dict]:
    """For a signed-in learner: the share of each role's skills done, how many of its essential
    skills their quiz answers show them proficient in, and what moving from the first role to
    each of the others would take."""
    gaps = []
    first_skills = {link.skill for link in roles[0].role_skills.all()}
    for role in roles:
        skills = [link.skill for link in role.role_skills.all()]
        essential = [
            link.skill.slug
            for link in role.role_skills.all()
            if link.tier == RoleSkill.Tier.ESSENTIAL
        ]
        done = [skill for skill in skills if skill.slug in done_skill_slugs]
        to_learn = sorted(
            (s for s in skills if s not in first_skills and s.slug not in done_skill_slugs),
            key=lambda s: s.name.lower(),
        )
        gaps.append(
            {
                "role": role,
                "done": len(done),
                "total": len(skills),
                "percent": round(100 * len(done) / len(skills)) if skills else 0,
                "to_learn": to_learn if role != roles[0] else [],
                "essential": len(essential),
                "proficient": sum(slug in proficient_skill_slugs for slug in essential),
            }
        )
    return gaps
