"""A quiz's admin pages: the quiz itself, and its questions on a page of their own, fifteen
rows at a time, so neither grows with the quiz."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.models import Role, Skill
from quizzes.admin import QuestionInline
from quizzes.models import Question, Quiz, Topic
from tests.content import admin_change, admin_form_data
from tests.html import select, select_one, text

pytestmark = pytest.mark.django_db


def make_quiz(questions: int) -> Quiz:
    quiz = Quiz.objects.create(slug="knowledge", title="Knowledge quiz", intro="What you know.")
    role = Role.objects.create(slug="role", name="Role", short_name="R", summary=".", overview=".")
    skill = Skill.objects.create(slug="skill", name="Skill")
    Question.objects.bulk_create(
        Question(
            quiz=quiz,
            position=n,
            text=f"Question {n}?",
            topic=Topic.ROLE,
            role=role if n % 2 else None,
            skill=skill if n % 3 else None,
        )
        for n in range(questions)
    )
    return quiz


def _questions_url(quiz, page: int | None = None) -> str:
    url = reverse("admin:quizzes_quiz_part", args=[quiz.pk, "questions"])
    return f"{url}?p={page}" if page else url


def test_the_quiz_page_links_to_its_questions_with_their_count(editor_client):
    quiz = make_quiz(20)
    html = editor_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).content
    link = select_one(html, f'nav.content-parts a[href="{_questions_url(quiz)}"]')
    assert text(link) == "Questions (20)"
    assert not select(html, 'textarea[name="questions-0-text"]')


def test_the_questions_page_shows_fifteen_questions_at_a_time(editor_client):
    quiz = make_quiz(20)
    size = QuestionInline.rows_per_page
    first = editor_client.get(_questions_url(quiz)).content
    assert len(select(first, "textarea.vLargeTextField")) == size
    pages = [text(a) for a in select(first, "nav.part-pages a")]
    assert pages == [f"{size + 1}–20"]
    second = editor_client.get(_questions_url(quiz, 2)).content
    assert [text(t) for t in select(second, "textarea.vLargeTextField")] == [
        f"Question {n}?" for n in range(size, 20)
    ]
    assert not select(second, "input#id_title")  # the quiz's own fields are on its page


def test_an_editor_changes_a_question_on_the_second_page_of_questions(editor_client):
    quiz = make_quiz(20)
    url = _questions_url(quiz, 2)
    data = admin_form_data(editor_client.get(url))
    question = Question.objects.get(quiz=quiz, position=17)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("questions-") and key.endswith("-id") and value == question.pk
    )
    data[f"questions-{index}-text"] = "Which role owns the pipeline?"
    data["_save"] = "Save"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert response["Location"] == reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    question.refresh_from_db()
    assert question.text == "Which role owns the pipeline?"
    assert Question.objects.get(quiz=quiz, position=2).text == "Question 2?"


def test_questions_are_added_and_deleted_on_their_own_pages_not_on_the_quiz(editor_client):
    quiz = make_quiz(3)
    html = editor_client.get(_questions_url(quiz)).content.decode()
    assert "questions-0-DELETE" not in html
    assert 'name="questions-TOTAL_FORMS" value="3"' in html
    assert not select(html, "tr.add-row")
    question = quiz.questions.order_by("position").first()
    change = reverse("admin:quizzes_question_change", args=[question.pk])
    assert select(html, f'a.inlinechangelink[href="{change}"]')


def test_an_unknown_part_of_a_quiz_is_not_found(editor_client):
    quiz = make_quiz(1)
    url = reverse("admin:quizzes_quiz_part", args=[quiz.pk, "choices"])
    assert editor_client.get(url).status_code == 404


def test_a_part_of_a_quiz_that_does_not_exist_sends_the_editor_to_the_admin(editor_client):
    url = reverse("admin:quizzes_quiz_part", args=[999, "questions"])
    response = editor_client.get(url)
    assert response.status_code == 302  # the admin's "doesn't exist" message, as for /change/


@pytest.mark.parametrize("questions", [15, 150])
def test_the_quiz_pages_answer_with_a_constant_number_of_queries(editor_client, questions):
    quiz = make_quiz(questions)
    counts = []
    for url in (reverse("admin:quizzes_quiz_change", args=[quiz.pk]), _questions_url(quiz)):
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        counts.append(len(queries))
    # The same budgets at 15 and 150 questions: nothing is fetched once per row.
    assert counts[0] <= 10 and counts[1] <= 8, counts


def test_an_editor_tags_a_question_with_the_skills_it_tests_in_one_list_box(editor_client):
    quiz = make_quiz(1)
    sql = Skill.objects.create(slug="sql", name="SQL")
    question = quiz.questions.get()
    question.choices.create(position=1, text="GROUP BY", is_correct=True)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    html = editor_client.get(url).content
    # A plain multiple select with a label: no search box without a name.
    assert select_one(html, 'select#id_skills[multiple][size="12"]')
    assert select_one(html, 'label[for="id_skills"]')
    response = admin_change(editor_client, question, skills=[sql.pk])
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert list(question.skills.all()) == [sql]
