"""Editors set a roadmap step's effort in hours in the admin, on the step's own page and on its
level's steps page; an empty effort counts the level's default, which the admin shows."""

import pytest
from django.urls import reverse

from roadmaps.models import DEFAULT_EFFORT_HOURS, RoadmapStep, Stage
from tests.content import admin_change, admin_form_data, build_content, build_roadmaps
from tests.html import select, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def level():
    roadmap = build_roadmaps(build_content()[:1])[0]
    return roadmap.levels.get(stage=Stage.INTERMEDIATE)


def _steps_page(level) -> str:
    return reverse("admin:roadmaps_roadmaplevel_part", args=[level.pk, "steps"])


def test_an_editor_sets_a_steps_effort_on_its_own_page(editor_client, level):
    step = level.steps.order_by("position").first()
    response = admin_change(editor_client, step, effort_hours=12)
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.effort_hours, step.hours) == (12, 12)


def test_an_editor_sets_a_steps_effort_on_the_levels_steps_page(editor_client, level):
    url = _steps_page(level)
    data = admin_form_data(editor_client.get(url))
    data["steps-1-effort_hours"] = "80"
    data["_save"] = "Save"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    second = level.steps.order_by("position")[1]
    assert second.effort_hours == 80


@pytest.mark.parametrize("hours", [0, 1001])
def test_an_effort_of_0_or_over_1000_hours_is_refused(editor_client, level, hours):
    step = level.steps.order_by("position").first()
    response = admin_change(editor_client, step, effort_hours=hours, title="Changed")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["effort_hours"]
    step.refresh_from_db()
    assert (step.effort_hours, step.title) == (None, "")


@pytest.mark.parametrize("hours", [0, 1001])
def test_the_steps_page_refuses_the_same_efforts(editor_client, level, hours):
    url = _steps_page(level)
    data = admin_form_data(editor_client.get(url))
    data["steps-0-effort_hours"] = str(hours)
    data["_save"] = "Save"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.forms[0].errors["effort_hours"]
    assert not RoadmapStep.objects.filter(effort_hours__isnull=False).exists()


def test_the_steps_page_shows_the_hours_each_step_counts(editor_client, level):
    second = level.steps.order_by("position")[1]
    RoadmapStep.objects.filter(pk=second.pk).update(effort_hours=20)
    html = editor_client.get(_steps_page(level)).content
    cells = [text(cell) for cell in select(html, "td.field-hours_counted")]
    default = DEFAULT_EFFORT_HOURS[Stage.INTERMEDIATE]
    assert cells[:2] == [f"{default} (level default)", "20"]


def test_a_steps_own_page_shows_the_hours_it_counts(editor_client, level):
    step = level.steps.order_by("position").first()
    html = editor_client.get(reverse("admin:roadmaps_roadmapstep_change", args=[step.pk])).content
    [field] = select(html, "div.field-hours_counted div.readonly")
    assert text(field) == f"{DEFAULT_EFFORT_HOURS[Stage.INTERMEDIATE]} (level default)"
