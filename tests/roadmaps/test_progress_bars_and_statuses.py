"""How progress looks: every bar is plain rectangles that the track's round ends clip (never a
shape stretched by a viewBox), and a step says its status once, as its pressed button."""

import pytest

from roadmaps.models import RoadmapStep, Status, Tally
from roadmaps.page import progress_bar
from roadmaps.services import progress_set
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text
from tests.quizzes.test_quizzes import _fit_choice, answer, current, make_fit_quiz, start

pytestmark = pytest.mark.django_db


def _plain_rectangles(svg) -> list[str]:
    """The widths of the bar's fills, after checking nothing in it is stretched or rounded."""
    assert attribute(svg, "viewbox") is None and attribute(svg, "preserveaspectratio") is None
    rects = select(svg, "rect")
    assert all(attribute(rect, "rx") is None and attribute(rect, "ry") is None for rect in rects)
    assert all(attribute(rect, "height") == "100%" for rect in rects)
    return [attribute(rect, "width") for rect in rects]


def test_a_roadmap_progress_bar_is_plain_rectangles():
    html = progress_bar(Tally(total=10, done=4, skipped=2, learning=1))
    assert _plain_rectangles(select_one(html, "svg.progress-svg")) == ["40%", "20%"]


def test_a_progress_bar_is_built_once_per_tally_and_the_kept_ones_are_bounded():
    tally = Tally(total=10, done=4, skipped=2, learning=1)
    assert progress_bar(Tally(total=10, done=4, skipped=2, learning=1)) is progress_bar(tally)
    # Another count is another bar, never the remembered one.
    assert "5 of 10 steps" in progress_bar(Tally(total=10, done=5, skipped=2, learning=1))
    assert "1 in progress" not in progress_bar(Tally(total=10, done=4, skipped=2, learning=0))
    assert progress_bar.cache_info().maxsize == 4096


def test_the_career_fit_bars_are_plain_rectangles_in_percent_of_the_track(client):
    make_fit_quiz()
    sitting = start(client, "career-fit")
    answer(client, sitting, current(sitting), [_fit_choice(0, 0)])
    answer(client, sitting, current(sitting), [_fit_choice(1, 1)])
    html = client.get(sitting.get_result_url()).content.decode()
    bars = select(html, ".fit-ranking svg.progress-svg")
    assert [_plain_rectangles(bar) for bar in bars] == [["80%"], ["60%"], ["40%"]]


def test_a_step_says_its_status_once_as_its_pressed_button(learner_client, learner):
    roadmap = build_roadmaps(build_content())[0]
    step = RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    html = learner_client.get(roadmap.get_absolute_url()).content.decode()
    item = select_one(html, f"li#step-{step.pk}")
    [pressed] = select(item, 'button[aria-pressed="true"]')
    assert attribute(pressed, "value") == f"{step.pk}:done" and text(pressed) == "Done"
    assert text(item).count("Done") == 1  # the button, and no status line under it
