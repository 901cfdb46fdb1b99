"""Coordinates for the charts drawn as inline SVG: computed here, drawn by templates."""

# Round steps for a salary axis: the smallest that labels the axis in at most MAX_INTERVALS.
SALARY_STEPS = (10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000)
MAX_INTERVALS = 6
# Space the dashed "and up" tail takes, as a share of the top of the scale.
OPEN_END_SHARE = 0.08


def _salary_step(highest: float) -> int:
    return next(
        (step for step in SALARY_STEPS if highest <= step * MAX_INTERVALS), SALARY_STEPS[-1]
    )


def salary_scale_top(levels) -> int:
    """The top of a salary axis that fits every level: a whole number of round steps."""
    highest = max(
        (
            level.salary_max * (1 + OPEN_END_SHARE * level.salary_open_ended)
            for level in levels
            if level.salary_max
        ),
        default=SALARY_STEPS[0],
    )
    step = _salary_step(highest)
    return int(-(-highest // step) * step)


def _money(amount: int) -> str:
    return f"${amount // 1000}k" if amount else "$0"


def salary_ticks(top: int) -> list[dict]:
    """A label at every round step from $0 to `top` (as `salary_scale_top` gives it), at `x`
    percent of the axis."""
    step = _salary_step(top)
    count = -(-top // step)
    return [
        {
            "label": _money(index * step),
            "x": round(100 * index * step / top, 2),
            "anchor": "start" if index == 0 else "end" if index == count else "middle",
        }
        for index in range(count + 1)
    ]


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
    ticks = salary_ticks(top)
    gridlines = [round(tick["x"] * 10) for tick in ticks[1:-1]]
    return {"rows": rows, "ticks": ticks, "gridlines": gridlines}
