"""Colours and geometry: how the diagrams are drawn, the same whatever the content says."""

import math


def role_color(role) -> str:
    """The CSS class that gives a role its colour (diagrams.css defines nine, light and dark)."""
    if role is None:
        return "role-color-0"
    return f"role-color-{(role.position - 1) % 9 + 1}"


# The transactional pictogram: a grid of small writes, every third one highlighted.
TRANSACTION_CELLS = [
    {"x": 2 + col * 20, "y": 3 + row * 14, "fresh": (row * 8 + col) % 3 == 0}
    for row in range(4)
    for col in range(8)
]

# Small viewBoxes, so the charts' 11px labels stay readable when a phone scales them down.
LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 250, 130, 36
BAR_WIDTH, BAR_ROW = 250, 24
DONUT_RADIUS, DONUT_CIRCUMFERENCE = 15.9155, 100  # r = 100 / 2π: dash lengths are percents


def axis_top(values) -> int:
    """A round top for a y axis from 0: 142 gives 150, 9 gives 9, 1,230 gives 1,500."""
    highest = max(values)
    if highest <= 0:
        return 1
    step = max(1, 10 ** math.floor(math.log10(highest)) // 2)
    return math.ceil(highest / step) * step


def line_chart(labels, values, *, top: int) -> dict:
    """Points of a line chart in a LINE_WIDTH × LINE_HEIGHT viewBox, y axis from 0 to top."""
    inner_w, inner_h = LINE_WIDTH - LINE_PAD - 8, LINE_HEIGHT - 2 * 20
    step = inner_w / (len(values) - 1)
    points = [
        (round(LINE_PAD + i * step, 1), round(20 + inner_h * (1 - value / top), 1))
        for i, value in enumerate(values)
    ]
    gridlines = [
        {"y": round(20 + inner_h * (1 - share), 1), "label": f"${round(top * share)}k"}
        for share in (0, 0.5, 1)
    ]
    ticks = [
        {"x": x, "label": label}
        for index, ((x, _), label) in enumerate(zip(points, labels, strict=True))
        if index % 2 == 0
    ]
    return {
        "points": " ".join(f"{x},{y}" for x, y in points),
        "area": f"{LINE_PAD},{20 + inner_h} "
        + " ".join(f"{x},{y}" for x, y in points)
        + f" {points[-1][0]},{20 + inner_h}",
        "last": points[-1],
        "gridlines": gridlines,
        "ticks": ticks,
        "left": LINE_PAD,
        "right": LINE_WIDTH - 8,
        "bottom": 20 + inner_h,
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
    }


def bar_chart(rows) -> dict:
    """Horizontal bars for (label, value) rows, the longest filling the width."""
    top = max(value for _, value in rows)
    label_w = 80
    span = BAR_WIDTH - label_w - 36
    bars = [
        {
            "label": label,
            "value": value,
            "y": index * BAR_ROW,
            "text_y": index * BAR_ROW + 16,
            "x": label_w,
            "width": round(span * value / top),
            "value_x": label_w + round(span * value / top) + 6,
        }
        for index, (label, value) in enumerate(rows)
    ]
    return {"bars": bars, "width": BAR_WIDTH, "height": len(rows) * BAR_ROW, "label_x": label_w - 6}


def donut(rows) -> list[dict]:
    """Segments as dash arrays on a circle whose circumference is 100."""
    segments, offset = [], 0
    for index, (label, share) in enumerate(rows, start=1):
        segments.append(
            {
                "label": label,
                "share": share,
                "dash": f"{share} {DONUT_CIRCUMFERENCE - share}",
                # SVG dashes run clockwise from 3 o'clock; start at 12 o'clock instead.
                "offset": 25 - offset,
                "index": index,
            }
        )
        offset += share
    return segments
