"""The careers pages say each thing once and in its place: the lifecycle maps roles to stages
once, the comparison keeps tiers and categories apart, the two role tables share their columns
and salary axes read in round steps."""

from itertools import pairwise

import pytest

from careers.charts import SALARY_STEPS, salary_bars, salary_scale_top, salary_ticks
from careers.models import CareerLevel, RoleSkill, SkillGroup
from tests.content import build_content
from tests.html import attribute, select, select_one, text


@pytest.mark.django_db
def test_the_lifecycle_page_maps_roles_to_stages_once_in_its_list_of_stages(client):
    roles = build_content()
    html = client.get("/lifecycle/").content.decode()
    stage = select_one(html, "li#stage-stage-2")
    assert [text(link) for link in select(stage, "a")] == [role.name for role in roles]
    assert "listed as “Reporting”" in text(stage)
    # No stage map and no matrix table beside the list saying it again.
    assert html.count("“Reporting”") == len(roles)
    assert not select(html, "main table")
    assert "stage-map" not in html


@pytest.mark.django_db
def test_the_comparison_shows_skills_under_their_category_and_only_tiers_in_the_role_columns(
    client,
):
    roles = build_content(scale=2)
    # Role 1 lists skill 0 under "ML knowledge", untiered; role 0 needs it as essential.
    RoleSkill.objects.filter(role=roles[1], skill__slug="skill-0").update(
        group=SkillGroup.ML_KNOWLEDGE, tier=""
    )
    html = client.get("/compare/?roles=role-0&roles=role-1").content.decode()
    table = select_one(html, 'section[aria-labelledby="skills-heading"] table')
    categories = [text(heading) for heading in select(table, 'th[scope="colgroup"]')]
    assert categories == ["Technical skills", "Soft skills"]
    technical, soft = select(table, "tbody")
    assert "Skill 0" in text(technical) and "Skill 3" in text(soft)
    cells = {text(cell) for cell in select(table, "td") if "not listed" not in text(cell)}
    assert cells == {"Essential", "Important", "Nice to have", "Needed", "Needed (ML knowledge)"}
    [skill_0] = [row for row in select(technical, "tr") if "Skill 0" in text(row)]
    assert [text(cell) for cell in select(skill_0, "td")] == ["Essential", "Needed (ML knowledge)"]


@pytest.mark.django_db
def test_the_core_and_specialized_role_tables_share_their_column_widths(client):
    build_content()
    html = client.get("/roles/").content.decode()
    tables = select(html, "table.role-table")
    assert len(tables) == 2
    columns = [[attribute(col, "class") for col in select(table, "col")] for table in tables]
    assert columns[0] == columns[1] == ["role-col-name", None, "role-col-salary"]


def _amount(label: str) -> int:
    return int(label.removeprefix("$").removesuffix("k") or 0) * 1000


def test_a_salary_axis_up_to_350k_and_up_reads_in_round_hundreds():
    level = CareerLevel(salary_min=90_000, salary_max=350_000, salary_open_ended=True)
    chart = salary_bars([level])
    assert [tick["label"] for tick in chart["ticks"]] == ["$0", "$100k", "$200k", "$300k", "$400k"]
    assert [tick["x"] for tick in chart["ticks"]] == [0, 25, 50, 75, 100]
    assert chart["gridlines"] == [250, 500, 750]


def test_every_salary_axis_ticks_at_one_round_step_and_just_fits_its_levels():
    for highest in range(20_000, 2_000_001, 7_000):
        level = CareerLevel(salary_min=0, salary_max=highest, salary_open_ended=False)
        top = salary_scale_top([level])
        ticks = salary_ticks(top)
        amounts = [_amount(tick["label"]) for tick in ticks]
        steps = {later - earlier for earlier, later in pairwise(amounts)}
        assert len(steps) == 1 and steps <= set(SALARY_STEPS), (highest, amounts)
        [step] = steps
        assert amounts[0] == 0 and amounts[-1] == top and top - step < highest <= top
        assert 3 <= len(ticks) <= 7, (highest, amounts)
        assert ticks[-1]["x"] == 100


@pytest.mark.django_db
def test_the_comparisons_salary_charts_share_an_axis_with_round_ticks(client):
    build_content()
    html = client.get("/compare/?roles=role-0&roles=role-1").content.decode()
    axes = select(html, "figure.salary-chart svg.salary-axis")
    assert len(axes) == 2
    for axis in axes:
        labels = [text(label) for label in select(axis, "text")]
        assert labels == ["$0", "$50k", "$100k", "$150k", "$200k"]
