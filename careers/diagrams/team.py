"""Who does what: the ML team chart."""

from careers.diagrams.drawing import role_color


def team_structure(tiers: list[list], handoffs) -> list[dict]:
    """Rows of the team chart, top first; each row with what flows out of it to the next."""
    handoffs = list(handoffs)
    rows = []
    for members in tiers:
        ids = {member.pk for member in members}
        out = [handoff for handoff in handoffs if handoff.source_id in ids]
        sources = {handoff.source_id for handoff in out}
        targets = {handoff.target_id for handoff in out}
        flows = []
        for handoff in out:
            # Name only the side that varies: "→ Data Analyst" under one PM, "Data Analyst →"
            # into one ML engineer, nothing when a single box hands to a single box.
            if len(sources) > 1 and len(targets) > 1:
                between = f"{handoff.source.name} → {handoff.target.name}"
            elif len(targets) > 1:
                between = f"to {handoff.target.name}"
            elif len(sources) > 1:
                between = f"from {handoff.source.name}"
            else:
                between = ""
            flows.append({"handoff": handoff, "between": between})
        rows.append(
            {
                "members": [
                    {
                        "member": member,
                        "color": role_color(member.role),
                        # Drafts stay unlinked: learners could not open them.
                        "link": member.role
                        if member.role and not getattr(member.role, "is_draft", False)
                        else None,
                    }
                    for member in members
                ],
                "flows": flows,
            }
        )
    return rows
