"""Links that editors type in: a quiz question's answer page must be a path on this site; a
roadmap resource must be an http(s) address. Nothing else is saved, or rendered as a link."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.validators import validate_site_path, validate_web_url
from quizzes.models import Answer, Choice, Question, Quiz, Sitting
from quizzes.services import sitting_start
from roadmaps.models import RoadmapStep
from tests.conftest import REPO_ROOT
from tests.content import admin_form_data, build_content, build_roadmaps

FIXTURES = REPO_ROOT / "fixtures"

NOT_SITE_PATHS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "//evil.example/roles/",
    "https://evil.example",
    "http://evil.example/roles/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " /roles/",
    "/roles/\n",
    "roles/data-scientist/",
    "mailto:someone@example.com",
]
SITE_PATHS = ["/", "/roles/data-scientist/", "/#all-roles-require", "/roles/?a=1#skills"]
NOT_WEB_URLS = [
    "javascript:alert(1)",
    "data:text/html,hi",
    "ftp://files.example.com/book.pdf",
    "//evil.example/docs",
    "/roles/",
    "https://exa mple.com/",
]


@pytest.mark.parametrize("value", NOT_SITE_PATHS)
def test_anything_but_a_path_on_this_site_is_not_a_site_path(value):
    with pytest.raises(ValidationError):
        validate_site_path(value)


@pytest.mark.parametrize("value", SITE_PATHS)
def test_a_path_on_this_site_is_a_site_path(value):
    validate_site_path(value)


@pytest.mark.parametrize("value", NOT_WEB_URLS)
def test_anything_but_an_http_address_is_not_a_web_url(value):
    with pytest.raises(ValidationError):
        validate_web_url(value)


@pytest.mark.parametrize("value", ["https://www.kaggle.com/learn/pandas", "http://example.com"])
def test_an_http_or_https_address_is_a_web_url(value):
    validate_web_url(value)


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def question(db):
    quiz = Quiz.objects.create(slug="knowledge", title="Knowledge", intro="What you know.")
    question = Question.objects.create(quiz=quiz, text="Which?", explanation="Because.")
    Choice.objects.create(question=question, text="This one", is_correct=True)
    Choice.objects.create(question=question, position=1, text="That one")
    return question


def _post_answer_path(admin_client, question, value):
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    data["answer_path"] = value
    return admin_client.post(url, data)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "data:text/html,hi", "//evil.example", "https://evil.example"]
)
def test_the_admin_refuses_an_answer_page_that_is_not_on_this_site(admin_client, question, value):
    response = _post_answer_path(admin_client, question, value)
    assert response.status_code == 200
    assert "Enter a path on this site that starts with a single “/”" in response.content.decode()
    question.refresh_from_db()
    assert question.answer_path == ""


def test_the_admin_saves_an_answer_page_on_this_site(admin_client, question):
    response = _post_answer_path(admin_client, question, "/roles/data-scientist/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_path == "/roles/data-scientist/"


@pytest.fixture
def step(db):
    build_roadmaps(build_content())
    return RoadmapStep.objects.filter(resources__isnull=False).first()


def _post_resource_url(admin_client, step, value):
    url = reverse("admin:roadmaps_roadmapstep_change", args=[step.pk])
    data = admin_form_data(admin_client.get(url))
    data["resources-0-url"] = value
    return admin_client.post(url, data)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,hi", "ftp://x.example/"])
def test_the_admin_refuses_a_resource_that_is_not_a_web_address(admin_client, step, value):
    response = _post_resource_url(admin_client, step, value)
    assert response.status_code == 200
    # The admin form's own check refuses what is not an address at all with Django's
    # message; the model's check explains what an address must start with.
    html = response.content.decode()
    assert "Enter a valid URL." in html or "Enter a full web address that starts with" in html
    assert "The full address, starting with https://." in html  # the help text beside it
    assert step.resources.get().url == "https://example.com/docs"


def test_the_admin_saves_a_resource_with_an_https_address(admin_client, step):
    response = _post_resource_url(admin_client, step, "https://www.kaggle.com/learn/pandas")
    assert response.status_code == 302
    assert step.resources.get().url == "https://www.kaggle.com/learn/pandas"


# --- Values saved before links were checked -----------------------------------------------


def test_a_legacy_answer_page_off_the_site_links_the_worked_out_page_instead(client, question):
    Question.objects.filter(pk=question.pk).update(answer_path="https://evil.example")
    sitting = sitting_start(quiz=question.quiz)
    Answer.objects.create(
        sitting=sitting, question=question, choice_ids=[question.choices.get(position=1).pk]
    )
    Sitting.objects.filter(pk=sitting.pk).update(finished_at="2026-01-01T00:00Z")
    session = client.session
    session["quiz_sittings"] = [str(sitting.pk)]
    session.save()
    html = client.get(sitting.get_result_url()).content.decode()
    assert "evil.example" not in html
    assert 'href="/roles/">Read more on the roles page' in html


def test_a_legacy_resource_that_is_not_a_web_address_is_shown_without_a_link(client, step):
    step.resources.update(url="javascript:alert(1)")
    html = client.get(step.level.roadmap.get_absolute_url()).content.decode()
    assert "javascript:" not in html
    assert "Docs <span" in html


def test_every_link_in_the_content_fixtures_is_valid():
    rows = [
        row
        for name in ["careers.json", "roadmaps.json", "quizzes.json"]
        for row in json.loads((FIXTURES / name).read_text())
    ]
    paths = [r["fields"]["answer_path"] for r in rows if r["model"] == "quizzes.question"]
    urls = [r["fields"]["url"] for r in rows if r["model"] == "roadmaps.resource"]
    assert paths and urls
    for path in filter(None, paths):
        validate_site_path(path)
    for url in urls:
        validate_web_url(url)
