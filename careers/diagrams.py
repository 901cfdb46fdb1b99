"""What the site's diagrams show, computed here from the content and drawn by the templates in
`templates/diagrams/` (through the tags in `careers/templatetags/diagrams.py`).

The functions read objects the page has already fetched (prefetch caches), so a diagram adds no
query per row. Where the course material describes a flow the models do not hold (the data
science workflow, the ML system architecture, the sample dashboard), the flow is a small constant
below: the site's own illustration. Tool names in it still come from the role's tools, so an
editor's change shows up.
"""

from dataclasses import dataclass

from careers.charts import salary_bars

# --- Helpers ------------------------------------------------------------------------------


def role_color(role) -> str:
    """The CSS class that gives a role its colour (diagrams.css defines nine, light and dark)."""
    if role is None:
        return "role-color-0"
    return f"role-color-{(role.position - 1) % 9 + 1}"


def tools_by_slug(role) -> dict:
    """{tool slug: Tool} for the role's tools, from the prefetched `role_tools`."""
    return {link.tool.slug: link.tool for link in role.role_tools.all()}


def pick_tools(tools: dict, slugs) -> list:
    """The tools among `slugs` that the role lists, in the order given, without repeats."""
    return [tools[slug] for slug in dict.fromkeys(slugs) if slug in tools]


# --- 1. Team structure --------------------------------------------------------------------


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


# --- Lifecycle stage map ------------------------------------------------------------------


def stage_map(stages) -> list[dict]:
    """Each lifecycle stage with the roles that focus on it (from the prefetched links)."""
    return [
        {
            "stage": stage,
            "links": [
                {"link": link, "color": role_color(link.role)} for link in stage.role_stages.all()
            ],
        }
        for stage in stages
    ]


# --- Salaries across roles ----------------------------------------------------------------


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


# --- 2. OLTP vs OLAP ----------------------------------------------------------------------

# The ETL steps between the two systems, as the material names them.
ETL_STEPS = [
    ("Extract", "read changes from the transactional database"),
    ("Transform", "clean, join and aggregate"),
    ("Load", "write into the warehouse's star schema"),
]


# The transactional pictogram: a grid of small writes, every third one highlighted.
TRANSACTION_CELLS = [
    {"x": 2 + col * 20, "y": 3 + row * 14, "fresh": (row * 8 + col) % 3 == 0}
    for row in range(4)
    for col in range(8)
]


def data_systems(systems) -> dict:
    """The first system (OLTP) feeds the others (OLAP) through ETL."""
    systems = list(systems)
    return {
        "source": systems[0] if systems else None,
        "rest": systems[1:],
        "etl": ETL_STEPS,
        "cells": TRANSACTION_CELLS,
    }


# --- 3. Analyst dashboard (illustrative sample data) --------------------------------------

DASHBOARD_KPIS = [
    {"label": "Revenue", "value": "$1.24M", "change": "+8.2% vs last quarter", "up": True},
    {"label": "Conversions", "value": "3.4%", "change": "+0.3 pts vs last quarter", "up": True},
    {"label": "Active users", "value": "48.2k", "change": "−1.5% vs last quarter", "up": False},
]
DASHBOARD_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
DASHBOARD_REVENUE = [82, 88, 95, 91, 104, 112, 108, 119, 126, 131, 142]  # $k a month
DASHBOARD_CATEGORIES = [
    ("Electronics", 410),
    ("Home", 290),
    ("Clothing", 240),
    ("Sports", 170),
    ("Books", 130),
]  # $k revenue
DASHBOARD_CHANNELS = [("Organic search", 42), ("Paid ads", 26), ("Email", 18), ("Social", 14)]
DASHBOARD_FILTERS = [
    ("Date range", "Last 11 months"),
    ("Region", "All regions"),
    ("Channel", "All channels"),
]
# The analyst's BI tools the sample is "built with", when the role lists them.
DASHBOARD_TOOLS = ["tableau", "power-bi", "looker"]

# Small viewBoxes, so the charts' 11px labels stay readable when a phone scales them down.
LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 250, 130, 36
BAR_WIDTH, BAR_ROW = 250, 24
DONUT_RADIUS, DONUT_CIRCUMFERENCE = 15.9155, 100  # r = 100 / 2π: dash lengths are percents


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


def dashboard(role) -> dict:
    return {
        "kpis": DASHBOARD_KPIS,
        "line": line_chart(DASHBOARD_MONTHS, DASHBOARD_REVENUE, top=150),
        "revenue": list(zip(DASHBOARD_MONTHS, DASHBOARD_REVENUE, strict=True)),
        "bars": bar_chart(DASHBOARD_CATEGORIES),
        "donut": donut(DASHBOARD_CHANNELS),
        "radius": DONUT_RADIUS,
        "filters": DASHBOARD_FILTERS,
        "tools": pick_tools(tools_by_slug(role), DASHBOARD_TOOLS),
    }


# --- 4. Data-science workflow -------------------------------------------------------------

WORKFLOW_STAGES = [
    {
        "name": "Exploratory data analysis",
        "short": "EDA",
        "does": "Profile the data, spot gaps, outliers and first patterns.",
        "tools": ["jupyter", "pandas", "numpy", "matplotlib", "seaborn", "plotly", "sql"],
        "artifacts": ["EDA notebook", "Data quality notes"],
    },
    {
        "name": "Feature engineering",
        "does": "Turn raw columns into signals a model can learn from.",
        "tools": ["pandas", "numpy", "spark", "scikit-learn"],
        "artifacts": ["Feature set", "Transformation pipeline"],
    },
    {
        "name": "Model training",
        "does": "Fit candidate models and tune their hyperparameters.",
        "tools": ["scikit-learn", "xgboost", "lightgbm", "tensorflow", "keras", "pytorch"],
        "artifacts": ["Trained model candidates"],
    },
    {
        "name": "Evaluation",
        "does": "Compare models on held-out data against the success metric.",
        "tools": ["scikit-learn", "mlflow", "weights-and-biases", "tensorboard"],
        "artifacts": ["Metrics report", "Experiment log"],
    },
    {
        "name": "Iteration",
        "does": "Decide what to try next, or hand the best model on.",
        "tools": ["mlflow", "jupyter"],
        "artifacts": ["Chosen model for the ML engineer", "Next hypotheses"],
    },
]
# Where iteration loops back to.
WORKFLOW_LOOP_TO = "Feature engineering"


def workflow(role) -> dict:
    tools = tools_by_slug(role)
    return {
        "stages": [
            {**stage, "tool_list": pick_tools(tools, stage["tools"])} for stage in WORKFLOW_STAGES
        ],
        "loop_to": WORKFLOW_LOOP_TO,
    }


# --- 5. ML system architecture ------------------------------------------------------------

ARCHITECTURE = [
    {
        "slug": "ingestion",
        "name": "Data ingestion",
        "does": "Batch and streaming data arrive, versioned.",
        "tools": ["dvc", "kafka", "airflow"],
    },
    {
        "slug": "feature-store",
        "name": "Feature store",
        "does": "The same features for training and serving.",
        "tools": ["sagemaker"],
    },
    {
        "slug": "training",
        "name": "Model training",
        "does": "Pipelines train and validate models.",
        "tools": ["kubeflow", "tfx", "pytorch", "tensorflow", "scikit-learn"],
    },
    {
        "slug": "registry",
        "name": "Model registry",
        "does": "Versioned models with their metrics.",
        "tools": ["mlflow"],
    },
    {
        "slug": "serving",
        "name": "Model serving",
        "does": "Containers that load a registered model.",
        "tools": ["tensorflow-serving", "torchserve", "onnx", "docker", "kubernetes"],
    },
    {
        "slug": "api",
        "name": "API",
        "does": "Applications ask for predictions.",
        "tools": ["fastapi", "flask", "rest", "grpc"],
    },
    {
        "slug": "monitoring",
        "name": "Monitoring",
        "does": "Latency, errors, data and prediction drift.",
        # Every tool the ML engineer lists under a "Monitoring" heading.
        "heading": "monitoring",
        "tools": [],
    },
    {
        "slug": "alerting",
        "name": "Alerting",
        "does": "Someone is paged when a metric crosses its threshold.",
        "tools": ["prometheus", "sentry"],
    },
]
ARCHITECTURE_ROW = 4  # components per row: build, then serve
RETRAIN_FROM, RETRAIN_TO = "Alerting", "Model training"


def architecture(role) -> dict:
    tools = tools_by_slug(role)
    by_heading: dict[str, list] = {}
    for link in role.role_tools.all():
        by_heading.setdefault(link.heading.lower(), []).append(link.tool.slug)
    components = []
    for number, component in enumerate(ARCHITECTURE, start=1):
        slugs = by_heading.get(component.get("heading", ""), []) + component["tools"]
        components.append({**component, "number": number, "tool_list": pick_tools(tools, slugs)})
    return {
        "rows": [
            {"name": "Build", "components": components[:ARCHITECTURE_ROW]},
            {"name": "Serve", "components": components[ARCHITECTURE_ROW:]},
        ],
        "retrain_from": RETRAIN_FROM,
        "retrain_to": RETRAIN_TO,
    }


# --- 7. Role comparison matrix ------------------------------------------------------------

MATRIX_ASPECTS = [("focus", "Focus"), ("tools", "Tools"), ("skills", "Skills")]
MATRIX_DAY = "typical-day"


def is_core_four(roles) -> bool:
    from careers.models import Role

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


# --- Which role page shows which diagram ---------------------------------------------------

ROLE_DIAGRAMS = {
    "data-analyst": ("dashboard", dashboard),
    "data-scientist": ("workflow", workflow),
    "ml-engineer": ("architecture", architecture),
}


def role_diagram(role) -> dict | None:
    """The diagram a role page shows beside its responsibilities, if it has one."""
    if role is None or role.slug not in ROLE_DIAGRAMS:
        return None
    kind, build = ROLE_DIAGRAMS[role.slug]
    return {"kind": kind, "role": role, **build(role)}
