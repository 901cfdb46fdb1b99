"""The diagrams: drawn from the database (an editor's change shows up), each with a text
alternative, no inline styles or scripts (strict CSP), and no extra query per row."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError

from careers.diagrams.drawing import axis_top
from careers.models import DataSystem, Diagram, Role, RoleTool, Tool, ToolCategory
from core.cache import live_parts
from roadmaps.models import Status
from roadmaps.services import progress_set
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.django_db

SLUGS = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer"]
CORE_FOUR = "/compare/?" + "&".join(f"roles={slug}" for slug in SLUGS)


def the_sites_diagrams() -> dict[str, Diagram]:
    """The diagrams of fixtures/careers.json, saved: {role slug: the diagram it shows}."""
    objects = json.loads((Path(settings.BASE_DIR) / "fixtures" / "careers.json").read_text())
    rows = [row for row in objects if row["model"] == "careers.diagram"]
    for row in serializers.deserialize("python", rows):
        row.save()
    return {
        row["fields"]["slug"]: Diagram.objects.get_by_natural_key(*row["fields"]["diagram"])
        for row in objects
        if row["model"] == "careers.role" and row["fields"]["diagram"]
    }


def build_site(scale: int = 1) -> list[Role]:
    """The test content with its first four roles as the four core roles showing the site's
    diagrams, and the tools the data scientist's workflow and the ML engineer's architecture
    look for."""
    roles = build_content(scale=3 * scale)  # six roles: the core four and two others
    diagrams = the_sites_diagrams()
    for role, slug in zip(roles, SLUGS, strict=False):
        role.slug, role.kind, role.diagram = slug, Role.Kind.CORE, diagrams[slug]
        role.save(update_fields=["slug", "kind", "diagram"])
    category = ToolCategory.objects.create(slug="diagram-tools", name="Diagram tools")
    pandas = Tool.objects.create(slug="pandas", name="pandas", category=category)
    mlflow = Tool.objects.create(slug="mlflow", name="MLflow", category=category)
    grafana = Tool.objects.create(slug="grafana", name="Grafana", category=category)
    scientist, engineer = roles[2], roles[3]
    RoleTool.objects.create(role=scientist, tool=pandas, heading="Data", position=90)
    RoleTool.objects.create(role=scientist, tool=mlflow, heading="Tracking", position=91)
    RoleTool.objects.create(role=engineer, tool=grafana, heading="Monitoring", position=90)
    return roles


def figure(html: str, css_class: str) -> str:
    """The <figure> with this class, nested figures included."""
    start = html.index(f'<figure class="diagram {css_class}')
    depth, position = 0, start
    for match in re.finditer(r"<figure\b|</figure>", html[start:]):
        depth += 1 if match.group() == "<figure" else -1
        if depth == 0:
            position = start + match.end()
            break
    return html[start:position]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Each diagram, where it belongs, with its text alternative -----------------------------


def test_the_team_structure_is_on_the_home_and_lifecycle_pages_with_links_and_flows(client):
    build_site()
    for url in ("/", "/lifecycle/"):
        team = figure(page(client, url), "team-diagram")
        assert "<figcaption" in team
        assert 'class="visually-hidden">Read from top to bottom.' in team
        assert '<a href="/roles/data-engineer/">Member 0</a>' in team
        assert "Primary responsibility: </span>Work" in team
        assert "Things" in team  # what flows between the rows
        assert "hands to" in team


def test_the_roles_page_charts_the_salaries_of_every_role(client):
    roles = build_site()
    chart = figure(page(client, "/roles/"), "salary-chart role-salaries")
    assert chart.count('class="role-band"') == len(roles)
    assert f"Salary ranges of all {len(roles)} roles" in chart
    assert roles[0].salary_range_label in chart  # the labels carry the numbers
    assert 'aria-hidden="true"' in chart


def test_the_data_engineer_page_splits_oltp_and_olap_with_etl_between(client):
    build_site()
    split = figure(page(client, "/roles/data-engineer/"), "systems-diagram")
    assert "From S0 to S1" in split
    assert "System 0" in split and "System 1" in split
    assert "Extract" in split and "Transform" in split and "Load" in split
    assert "<li>Fast</li>" in split


def test_the_data_analyst_page_shows_a_dashboard_labelled_as_sample_data(client):
    build_site()
    dashboard = figure(page(client, "/roles/data-analyst/"), "dashboard-diagram")
    assert "Illustrative sample data" in dashboard
    for kpi in ("Revenue", "Conversions", "Active users"):
        assert kpi in dashboard
    assert "<polyline" in dashboard and 'class="bar"' in dashboard and "donut-segment" in dashboard
    assert "Date range" in dashboard  # the filters
    assert dashboard.count('class="visually-hidden">Revenue by') == 2  # the data in words
    assert "Organic search <strong>42%</strong>" in dashboard  # the donut's legend is text


def test_the_data_scientist_page_shows_the_workflow_with_the_roles_tools(client):
    build_site()
    workflow = figure(page(client, "/roles/data-scientist/"), "workflow-diagram")
    for stage in ("Exploratory data analysis", "Feature engineering", "Model training"):
        assert stage in workflow
    assert "Evaluation" in workflow and "Iteration" in workflow
    assert '<li class="tool-chip">pandas</li>' in workflow
    assert '<li class="tool-chip">MLflow</li>' in workflow
    assert "Produces" in workflow and "EDA notebook" in workflow
    assert "loops back" in workflow


def test_the_ml_engineer_page_shows_the_architecture_and_the_retraining_loop(client):
    build_site()
    architecture = figure(page(client, "/roles/ml-engineer/"), "architecture-diagram")
    for part in ("Data ingestion", "Feature store", "Model registry", "Model serving", "API"):
        assert part in architecture
    assert "Monitoring" in architecture and "Alerting" in architecture
    assert '<li class="tool-chip">Grafana</li>' in architecture  # its "Monitoring" tools
    assert "Retraining feedback loop" in architecture


def test_other_role_pages_have_no_role_diagram(client):
    build_site()
    html = page(client, "/roles/role-4/")
    assert 'id="role-diagram"' not in html
    assert "systems-diagram" not in html


def test_a_role_shows_the_diagram_it_names_whatever_its_slug(client):
    build_site()
    role = Role.objects.get(slug="ml-engineer")
    role.slug = "role-x"
    role.save()
    assert "architecture-diagram" in page(client, "/roles/role-x/")
    role.diagram = None
    role.save()
    html = page(client, "/roles/role-x/")
    assert 'id="role-diagram"' not in html
    assert "systems-diagram" not in html
    engineer = Role.objects.get(slug="data-engineer")
    engineer.diagram = None
    engineer.save()
    assert "systems-diagram" not in page(client, "/roles/data-engineer/")


def test_the_comparison_matrix_shows_for_the_four_core_roles_only(client):
    roles = build_site()
    matrix = figure(page(client, CORE_FOUR), "role-matrix")
    assert matrix.count('class="matrix-row role-color-') == 4
    assert 'class="role-band"' in matrix
    assert "comparison-table" in page(client, CORE_FOUR)  # the table stays, as text
    roles[3].kind = Role.Kind.SPECIALIZED
    roles[3].save()  # as an editor would, so cached pages are refreshed
    assert "role-matrix" not in page(client, CORE_FOUR)
    assert "role-matrix" not in page(client, "/compare/?roles=data-engineer&roles=data-analyst")


def test_the_comparison_matrix_reads_focus_tools_skills_and_typical_day_aspects(client):
    from careers.models import AspectValue, ComparisonAspect

    roles = build_site()
    for slug, text in [("focus", "Pipelines"), ("tools", "Spark"), ("typical-day", "ETL")]:
        aspect = ComparisonAspect.objects.create(slug=slug, name=slug.title(), position=50)
        AspectValue.objects.create(aspect=aspect, role=roles[0], text=f"{text} all day")
    matrix = figure(page(client, CORE_FOUR), "role-matrix")
    assert "Focus: </span>Pipelines all day" in matrix
    assert "Tools: </span>Spark all day" in matrix
    assert "ETL all day" in matrix


def test_the_roadmap_pages_draw_the_timeline(client):
    roadmaps = build_roadmaps(build_site())
    overview = figure(page(client, "/roadmaps/"), "roadmap-timeline roadmaps-overview")
    assert overview.count('class="timeline-stage"') == 3
    assert "Roadmap skill 0" in overview  # shared by every roadmap
    timeline = figure(page(client, roadmaps[0].get_absolute_url()), "roadmap-timeline")
    assert "0–6 months" in timeline
    assert timeline.count('class="timeline-stage"') == 3
    assert "0 of 4 done" in timeline


def test_the_roadmap_list_shows_each_roles_branch(client):
    from roadmaps.models import RoadmapStep

    roadmaps = build_roadmaps(build_site())
    RoadmapStep.objects.filter(level__roadmap=roadmaps[1], position=0).update(
        is_specialization=True
    )
    overview = figure(page(client, "/roadmaps/"), "roadmap-timeline roadmaps-overview")
    assert "Branches" in overview
    assert f'href="{roadmaps[1].get_absolute_url()}"' in overview


# --- Editors' changes show up --------------------------------------------------------------


def test_renaming_a_role_changes_the_team_structure_lifecycle_and_salary_chart(client):
    roles = build_site()
    from careers.models import TeamMember

    for url in ("/", "/lifecycle/", "/roles/"):
        page(client, url)  # cached for visitors, until content changes
    role = roles[0]
    role.name, role.short_name = "Pipeline Builder", "Builder"
    role.save()
    assert ">Pipeline Builder</a>" in page(client, "/lifecycle/")
    assert "Pipeline Builder" in figure(page(client, "/roles/"), "salary-chart role-salaries")
    # The team chart names its boxes after team members; renaming one shows too.
    member = TeamMember.objects.get(slug="member-0")
    member.name = "Data Wrangler"
    member.save()
    assert "Data Wrangler" in figure(page(client, "/"), "team-diagram")
    assert "Data Wrangler" in figure(page(client, "/lifecycle/"), "team-diagram")


def test_renaming_or_removing_a_data_scientist_tool_changes_the_workflow(client):
    build_site()
    assert "MLflow" in figure(page(client, "/roles/data-scientist/"), "workflow-diagram")
    tool = Tool.objects.get(slug="pandas")
    tool.name = "Pandas 3"
    tool.save()
    workflow = figure(page(client, "/roles/data-scientist/"), "workflow-diagram")
    assert '<li class="tool-chip">Pandas 3</li>' in workflow
    RoleTool.objects.get(role__slug="data-scientist", tool__slug="mlflow").delete()
    workflow = figure(page(client, "/roles/data-scientist/"), "workflow-diagram")
    assert "MLflow" not in workflow


def test_an_editors_change_to_a_diagrams_words_and_numbers_shows_up(client):
    build_site()
    page(client, "/roles/data-analyst/")  # cached for visitors, until content changes
    diagram = Diagram.objects.get(slug="sample-dashboard")
    diagram.title = "A sales dashboard"
    diagram.kpis = "Orders | 1,204 | −3% vs last week"
    diagram.channels = "Referral | 60\nDirect | 40"
    diagram.save()
    html = page(client, "/roles/data-analyst/")
    assert '<h2 id="role-diagram" class="h3">A sales dashboard</h2>' in html
    dashboard = figure(html, "dashboard-diagram")
    assert '<span class="kpi-label">Orders</span>' in dashboard
    assert '<span class="kpi-label">Revenue</span>' not in dashboard
    assert "kpi-down" in dashboard and "kpi-up" not in dashboard
    assert "Referral <strong>60%</strong>" in dashboard


def test_the_architecture_takes_its_rows_steps_and_loop_from_the_diagram(client):
    build_site()
    diagram = Diagram.objects.get(slug="ml-system-architecture")
    diagram.steps = "Offline\nTrain | Fit models. | Monitoring\nOnline\nServe | Answer. | grafana"
    diagram.loop_from, diagram.loop_to = "Serve", "Train"
    diagram.save()
    architecture = figure(page(client, "/roles/ml-engineer/"), "architecture-diagram")
    assert '<p class="arch-row-name">Offline</p>' in architecture
    assert '<p class="arch-row-name">Online</p>' in architecture
    assert "Data ingestion" not in architecture
    # Grafana twice: under the role's "Monitoring" heading, and by its slug.
    assert architecture.count('<li class="tool-chip">Grafana</li>') == 2
    assert "(Serve → Train)" in architecture


def test_an_editor_gives_another_role_a_diagram_with_that_roles_tools(client):
    build_site()
    role = Role.objects.get(slug="role-4")
    role.diagram = Diagram.objects.get(slug="data-science-workflow")
    role.save()
    workflow = figure(page(client, "/roles/role-4/"), "workflow-diagram")
    assert "Exploratory data analysis" in workflow
    assert '<li class="tool-chip">pandas</li>' not in workflow  # the data scientist's tool


def test_a_diagrams_malformed_lines_are_refused_with_their_line_number():
    diagram = Diagram(
        slug="sample",
        kind=Diagram.Kind.DASHBOARD,
        title="Sample",
        trend="Jan | 82\nFeb | lots",
        categories="Books | 1 | 2",
        channels="Email | 60\nSocial | 30",
    )
    with pytest.raises(ValidationError) as refused:
        diagram.full_clean()
    assert refused.value.message_dict == {
        "trend": ["Line 2: “lots” is not a whole number."],
        "categories": ["Line 1: write category | number."],
        "channels": ["The percentages must add up to 100."],
    }
    workflow = Diagram(slug="w", kind=Diagram.Kind.WORKFLOW, title="W", steps="A | a", loop_to="B")
    with pytest.raises(ValidationError) as refused:
        workflow.full_clean()
    assert refused.value.message_dict == {"loop_to": ["Give the name of one of the steps."]}


def test_the_trend_axis_rounds_the_highest_value_up():
    assert [axis_top(values) for values in ([82, 142], [9], [1230], [0])] == [150, 9, 1500, 1]


def test_changing_an_oltp_characteristic_changes_the_split_view(client):
    build_site()
    page(client, "/roles/data-engineer/")
    system = DataSystem.objects.get(slug="system-0")
    system.characteristics = "Row-level locking\nShort transactions"
    system.save()
    split = figure(page(client, "/roles/data-engineer/"), "systems-diagram")
    assert "<li>Row-level locking</li>" in split


def test_a_learners_progress_colours_the_timeline(learner_client, learner):
    roadmap = build_roadmaps(build_site())[0]
    step = roadmap.levels.first().steps.filter(skill__isnull=False).first()

    def done_chips(url):
        timeline = figure(page(learner_client, url), "roadmap-timeline")
        return [
            chip
            for chip in re.findall(
                r'<li[^>]* class="step-chip status-done"[^>]*>(.*?)</li>', timeline
            )
            if step.name in chip
        ]

    assert not done_chips(roadmap.get_absolute_url())
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    for url in (roadmap.get_absolute_url(), "/roadmaps/"):
        chips = done_chips(url)
        assert chips and all("(Done)" in chip for chip in chips), url


def test_an_anonymous_visitors_progress_colours_the_timeline_too(client):
    roadmap = build_roadmaps(build_site())[0]
    step = roadmap.levels.first().steps.filter(skill__isnull=False).first()
    client.post(f"/roadmaps/{roadmap.slug}/steps/{step.pk}/status/", {"status": "learning"})
    timeline = figure(page(client, "/roadmaps/"), "roadmap-timeline roadmaps-overview")
    assert '<li class="step-chip status-learning">' in timeline


# --- Strict CSP: no inline styles or scripts -----------------------------------------------

PAGES = [
    "/",
    "/lifecycle/",
    "/roles/",
    "/roles/data-engineer/",
    "/roles/data-analyst/",
    "/roles/data-scientist/",
    "/roles/ml-engineer/",
    CORE_FOUR,
    "/roadmaps/",
    "/roadmaps/data-scientist/",
]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_with_a_diagram_has_inline_styles_or_scripts(learner_client, learner, url):
    roadmaps = build_roadmaps(build_site())
    progress_set(
        user=learner, skill=roadmaps[2].levels.first().steps.first().skill, status=Status.DONE
    )
    html = page(learner_client, url)
    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- Queries: constant, whatever the amount of content ---------------------------------------
# The home, lifecycle and roles pages' exact counts are in test_careers_pages.py. Here: the
# role diagrams and the comparison matrix add no query at all, at one and ten times the content.


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)


# Ten times the content builds sixty roles: `slow`, out of the fast loop.
@pytest.mark.parametrize("scale", [1, pytest.param(10, marks=pytest.mark.slow)])
def test_the_role_diagrams_and_the_matrix_add_no_queries(client, scale):
    build_site(scale=scale)
    plain = count_queries(client, "/roles/role-4/")  # a role page without a diagram
    for slug in ("data-analyst", "data-scientist", "ml-engineer"):
        assert count_queries(client, f"/roles/{slug}/") == plain, slug
    assert count_queries(client, "/roles/data-engineer/") == plain + 1  # its data systems
    without_matrix = CORE_FOUR.replace("ml-engineer", "role-5")  # a specialized role
    # Every comparison shares one content part: count each with that part still to build.
    live_parts.clear()
    with_matrix = count_queries(client, CORE_FOUR)
    live_parts.clear()
    assert with_matrix == count_queries(client, without_matrix)


# Session, user, content version, then roadmaps, levels, steps, resources and prerequisites
# (cached for the next request), the learner's progress (read once: the view, the timeline and
# the menu share it) and goals.
ROADMAP_LIST_QUERIES_SIGNED_IN = 10


@pytest.mark.parametrize("scale", [1, 10])
def test_the_roadmap_timeline_adds_one_query_for_a_signed_in_learner(
    learner_client, learner, django_assert_num_queries, scale
):
    roadmap = build_roadmaps(build_site(), scale=scale)[0]
    step = roadmap.levels.first().steps.filter(skill__isnull=False).first()
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    with django_assert_num_queries(ROADMAP_LIST_QUERIES_SIGNED_IN):
        page(learner_client, "/roadmaps/")
    with django_assert_num_queries(ROADMAP_LIST_QUERIES_SIGNED_IN - 5):
        page(learner_client, "/roadmaps/")
