"""A roadmap level's admin pages: the level itself, and its steps on a page of their own,
fifteen rows at a time; a step's own page costs the same queries however many levels exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps.models import RoadmapLevel, RoadmapStep, Stage
from tests.content import admin_form_data, build_content, build_roadmaps
from tests.html import select, select_one, text

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_level_page_links_to_its_steps_with_their_count(editor_client):
    roadmap = build_roadmaps(build_content()[:1])[0]
    level = roadmap.levels.get(stage=Stage.BEGINNER)
    html = editor_client.get(reverse("admin:roadmaps_roadmaplevel_change", args=[level.pk])).content
    steps = reverse("admin:roadmaps_roadmaplevel_part", args=[level.pk, "steps"])
    assert text(select_one(html, f'nav.content-parts a[href="{steps}"]')) == "Steps (4)"
    assert not select(html, 'textarea[name="steps-0-explanation"]')


def test_an_editor_changes_a_step_on_the_levels_steps_page(editor_client):
    roadmap = build_roadmaps(build_content()[:1])[0]
    level = roadmap.levels.get(stage=Stage.BEGINNER)
    url = reverse("admin:roadmaps_roadmaplevel_part", args=[level.pk, "steps"])
    data = admin_form_data(editor_client.get(url))
    data["steps-0-explanation"] = "Start here."
    data["_save"] = "Save"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert response["Location"] == reverse("admin:roadmaps_roadmaplevel_change", args=[level.pk])
    first = level.steps.order_by("position").first()
    assert RoadmapStep.objects.get(pk=first.pk).explanation == "Start here."


@pytest.mark.parametrize("scale", [1, 10])
def test_level_and_step_pages_answer_with_a_constant_number_of_queries(editor_client, scale):
    roles = build_content(scale=scale)
    build_roadmaps(roles, scale=scale)
    level = RoadmapLevel.objects.order_by("pk").first()
    step = level.steps.order_by("pk").first()
    pages = [
        reverse("admin:roadmaps_roadmaplevel_change", args=[level.pk]),
        reverse("admin:roadmaps_roadmaplevel_part", args=[level.pk, "steps"]),
        reverse("admin:roadmaps_roadmapstep_change", args=[step.pk]),
    ]
    counts = [_queries(editor_client, url) for url in pages]
    # The same budgets at 1× and 10× content: nothing is fetched once per row or per level.
    assert counts[0] <= 13 and counts[1] <= 12 and counts[2] <= 14, counts
