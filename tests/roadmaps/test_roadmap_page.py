"""The roadmap page in two passes: content rendered once for every viewer, then one learner's
state. What is shared can hold no learner's data or token; each learner sees only their own."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from roadmaps.models import Note, Proficiency, RoadmapStep, Status
from roadmaps.page import RoadmapContent, step_part, swapped_part
from roadmaps.services import progress_set
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap():
    roadmap = build_roadmaps(build_content())[0]
    return roadmap.__class__.objects.prefetch_related(
        "levels__steps__skill", "levels__steps__project", "levels__steps__resources"
    ).get(pk=roadmap.pk)


def _skill_steps(roadmap) -> list[RoadmapStep]:
    return list(RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False))


def test_the_shared_content_is_rendered_without_a_request_so_it_holds_no_token_or_learner(
    roadmap, learner
):
    step = _skill_steps(roadmap)[0]
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    Note.objects.create(user=learner, skill=step.skill, text="learner's own words")

    content = RoadmapContent.render(roadmap)
    shared = "".join(content.segments) + "".join(content.parts.values())

    assert "csrfmiddlewaretoken" not in shared and "learner" not in shared.lower()
    assert "learner's own words" not in shared
    assert 'aria-pressed="true"' in shared  # the variants: every status of every step


def test_two_learners_interleaved_each_see_only_their_own_statuses_notes_names_and_tokens(
    roadmap, learner, other_learner
):
    first, second = _skill_steps(roadmap)[:2]
    progress_set(user=learner, skill=first.skill, status=Status.DONE)
    progress_set(user=other_learner, skill=second.skill, status=Status.SKIPPED)
    Note.objects.create(user=learner, skill=first.skill, text="mine: window functions")
    Note.objects.create(user=other_learner, skill=first.skill, text="theirs: never show")
    clients = {}
    for user in (learner, other_learner):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    pages = {}
    for _ in range(2):  # interleaved, so any shared state would show on the other's page
        for name, client in clients.items():
            pages[name] = client.get(roadmap.get_absolute_url()).content.decode()

    mine, theirs = pages["learner"], pages["other"]
    assert "mine: window functions" in mine and "theirs: never show" not in mine
    assert "theirs: never show" in theirs and "mine: window functions" not in theirs
    pressed = 'button[aria-pressed="true"]'
    assert attribute(select_one(mine, f"#step-status-{first.pk} {pressed}"), "value").endswith(
        ":done"
    )
    assert attribute(select_one(theirs, f"#step-status-{first.pk} {pressed}"), "value").endswith(
        ":not_started"
    )
    assert attribute(select_one(theirs, f"#step-status-{second.pk} {pressed}"), "value").endswith(
        ":skipped"
    )
    assert "status-done" in attribute(select_one(mine, f"#chip-{first.pk}"), "class")
    assert "status-done" not in attribute(select_one(theirs, f"#chip-{first.pk}"), "class")
    assert "learner@example.com" not in theirs

    def token(html):
        return attribute(
            select_one(html, 'form#progress input[name="csrfmiddlewaretoken"]'), "value"
        )

    assert token(mine) != token(theirs)


def test_an_anonymous_visitor_gets_the_same_content_with_their_session_s_statuses(roadmap, client):
    step = _skill_steps(roadmap)[0]
    client.post(reverse("roadmaps:step_status", args=[roadmap.slug, step.pk]), {"status": "done"})
    html = client.get(roadmap.get_absolute_url()).content.decode()
    assert attribute(select_one(html, f"#status-{step.pk}-done"), "aria-pressed") == "true"
    assert not select(html, ".step-note a")  # notes need an account


def test_a_content_edit_shows_at_once_on_a_signed_in_roadmap_page(roadmap, learner_client):
    learner_client.get(roadmap.get_absolute_url())  # the content is kept now
    step = _skill_steps(roadmap)[0]
    step.explanation = "Rewritten by an editor."
    step.save()
    html = learner_client.get(roadmap.get_absolute_url()).content.decode()
    assert "Rewritten by an editor." in text(select_one(html, f"#step-{step.pk}"))


@pytest.mark.slow
# Ids from 1, as a site's content gets them: PostgreSQL's sequences would otherwise carry on
# from earlier tests, and longer ids make a longer page.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_signed_in_data_scientist_roadmap_is_at_most_45_kb_whatever_the_statuses(
    learner_client, learner
):
    call_command("load_content", verbosity=0)
    url = "/roadmaps/data-scientist/"
    learner_client.post(reverse("roadmaps:roadmap_follow", args=["data-scientist"]))
    steps = RoadmapStep.objects.filter(level__roadmap__role__slug="data-scientist")
    # "Skipped" is the longest status: a mark on every chip. The last step stays open, so
    # the goal's next-step box shows it with its Start button.
    for step in list(steps)[:-1]:
        learner_client.post(
            reverse("roadmaps:roadmap_status", args=["data-scientist"]),
            {"set": f"{step.pk}:skipped"},
            HTTP_HX_REQUEST="true",  # no message left to show on the next page
        )
    for step in steps.filter(skill__isnull=False)[:4]:
        Note.objects.create(user=learner, skill=step.skill, text="Revisit this.")
    html = learner_client.get(url).content
    assert len(html) <= 45_000, len(html)
    # With evidence beside every skill too (proficiency from quizzes and a failed review, an
    # extreme no learner reaches at once), it stays under 46 KB.
    learner.progress.filter(skill__isnull=False).update(
        proficiency=Proficiency.PROFICIENT, needs_refresh=True
    )
    html = learner_client.get(url).content
    assert len(html) <= 46_000, len(html)
    assert select(html.decode(), "#next-step button")
    assert len(select(html.decode(), ".evidence b")) == steps.filter(skill__isnull=False).count()
    assert len(select(html.decode(), "fieldset.step-status")) == steps.count()
    assert len(select(html.decode(), 'main input[name="csrfmiddlewaretoken"]')) == 1


def test_the_page_s_status_form_refuses_a_post_without_its_csrf_token(roadmap, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    step = _skill_steps(roadmap)[0]
    url = reverse("roadmaps:roadmap_status", args=[roadmap.slug])
    assert client.post(url, {"set": f"{step.pk}:done"}).status_code == 403
    assert not learner.progress.exists()


def test_a_note_page_shows_only_the_learner_s_own_note_and_needs_an_account(
    roadmap, client, learner, other_learner
):
    step = _skill_steps(roadmap)[0]
    Note.objects.create(user=other_learner, skill=step.skill, text="theirs, private")
    url = reverse("roadmaps:step_note", args=[roadmap.slug, step.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(learner)
    assert "theirs, private" not in client.get(url).content.decode()
    project = RoadmapStep.objects.filter(level__roadmap=roadmap, project__isnull=False).first()
    project_url = reverse("roadmaps:step_note", args=[roadmap.slug, project.pk])
    assert client.get(project_url).status_code == 400


def test_what_a_status_change_swaps_in_is_remembered_and_the_same_as_from_the_step_itself(
    roadmap,
):
    """`swapped_part` renders from a step's id and name alone: the partials need no more."""
    for step in roadmap.steps():
        for status in Status:
            for partial in ("step-status", "chip"):
                remembered = swapped_part(partial, step.pk, step.name, status)
                assert remembered == step_part(partial, step, status, oob=True)
                assert remembered is swapped_part(partial, step.pk, step.name, status)
                assert "hx-swap-oob" in remembered
