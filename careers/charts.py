"""Coordinates for the charts drawn as inline SVG: computed here, drawn by templates."""

SALARY_STEP = 50_000
# Space the dashed "and up" tail takes, as a share of the top of the scale.
OPEN_END_SHARE = 0.08


def salary_scale_top(levels) -> int:
    """The top of a salary axis that fits every level, rounded up to a whole step."""
    top = max(
        (
            level.salary_max * (1 + OPEN_END_SHARE * level.salary_open_ended)
            for level in levels
            if level.salary_max
        ),
        default=SALARY_STEP,
    )
    return int(-(-top // SALARY_STEP) * SALARY_STEP)


def salary_bars(levels, top: int | None = None) -> dict:
    """Bars in per-mille of the axis (the SVG's viewBox is 1000 wide) for the salary chart."""
    levels = [level for level in levels if level.salary_min is not None]
    top = top or salary_scale_top(levels)
    rows = []
    for level in levels:
        start = round(level.salary_min / top * 1000)
        end = round(level.salary_max / top * 1000)
        tail = round(OPEN_END_SHARE * 1000) if level.salary_open_ended else 0
        rows.append(
            {"level": level, "x": start, "width": max(end - start, 4), "tail_x": end, "tail": tail}
        )
    ticks = [
        {"share": share, "label": f"${top * share // 100 // 1000}k"}
        for share in (0, 25, 50, 75, 100)
    ]
    return {"rows": rows, "ticks": ticks, "gridlines": [250, 500, 750]}
