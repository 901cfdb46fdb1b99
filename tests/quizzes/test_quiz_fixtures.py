"""The quiz content in fixtures/quizzes.json: the course's Quick Quiz as it stands, the same
grown to a full knowledge quiz whose questions are tagged with the skills they test, and the
career-fit quiz built from the decision guides."""

from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from careers.models import Role
from quizzes.models import Choice, ChoiceWeight, Question, Quiz, Topic
from quizzes.results import fit_result
from quizzes.services import answer_record, sitting_start
from roadmaps.models import RoadmapStep
from tests.content import REAL_ROLE_SLUGS, load_site_content

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

QUICK_QUIZ = [
    "What's the main difference between a Data Engineer and a Data Scientist?",
    "What is OLTP vs OLAP?",
    "Which role focuses on deploying ML models to production?",
    "What skills are essential for all ML roles?",
    "Which role would analyze customer churn and create dashboards?",
]
# The Quick Quiz as the course asks it, with the course's answers.
COURSE_QUICK_QUIZ = {
    "What's the main difference between a Data Engineer and Data Scientist?": {
        "Data Engineer builds data infrastructure and pipelines. Data Scientist builds ML "
        "models and derives insights from data."
    },
    "What is OLTP vs OLAP?": {
        "OLTP: Online Transaction Processing (day-to-day operations, many small fast "
        "transactions). OLAP: Online Analytical Processing (analytics and reporting, few large "
        "complex queries)."
    },
    "Which role focuses on deploying ML models to production?": {"Machine Learning Engineer"},
    "What skills are essential for all ML roles?": {
        "Python",
        "SQL",
        "Statistics fundamentals",
        "Communication skills",
        "Problem-solving",
    },
    "Which role would analyze customer churn and create dashboards?": {"Data Analyst"},
}
CORE_ROLES = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer"]


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """The real content, loaded once for the module in a transaction rolled back after its
    last test, so other modules in the same process start from an empty database. Each test
    runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_site_content()
        yield
        transaction.set_rollback(True)


def _knowledge_questions(quiz="knowledge"):
    return list(
        Question.objects.filter(quiz__slug=quiz)
        .select_related("role", "skill")
        .prefetch_related("choices")
    )


def test_the_three_quizzes_load_published_with_the_quick_quiz_listed_first(content):
    assert set(Quiz.objects.published().values_list("slug", "kind")) == {
        ("quick-quiz", "knowledge"),
        ("knowledge", "knowledge"),
        ("career-fit", "career_fit"),
    }
    assert Quiz.objects.published().first().slug == "quick-quiz"
    assert Quiz.objects.get(slug="knowledge").questions_per_sitting == 10
    assert Quiz.objects.get(slug="quick-quiz").questions_per_sitting == 5


def test_the_quick_quiz_holds_exactly_the_course_s_five_questions_and_answers(content):
    questions = _knowledge_questions("quick-quiz")
    assert {q.text: {c.text for c in q.choices.all() if c.is_correct} for q in questions} == (
        COURSE_QUICK_QUIZ
    )
    for question in questions:
        wrong = [c for c in question.choices.all() if not c.is_correct]
        assert len(wrong) >= 2, question
        assert question.explanation.startswith("The course's answer: “"), question
    oltp = next(q for q in questions if q.text == "What is OLTP vs OLAP?")
    assert set(oltp.skills.values_list("slug", flat=True)) == {"database-systems", "data-modeling"}


def test_every_sitting_of_the_quick_quiz_asks_all_five_questions(content):
    quiz = Quiz.objects.get(slug="quick-quiz")
    sitting = sitting_start(quiz=quiz)
    assert set(sitting.question_ids) == set(quiz.questions.values_list("pk", flat=True))
    assert len(sitting.question_ids) == 5


def test_the_knowledge_quiz_starts_from_the_course_s_quick_quiz(content):
    first_five = Question.objects.filter(quiz__slug="knowledge", position__lte=5)
    assert [q.text for q in first_five.order_by("position")] == QUICK_QUIZ
    essential = first_five.get(position=4)
    assert set(essential.choices.filter(is_correct=True).values_list("text", flat=True)) == {
        "Python",
        "SQL",
        "Statistics fundamentals",
        "Communication skills",
        "Problem-solving",
    }
    assert essential.is_multiple and essential.choices.filter(is_correct=False).count() >= 2
    churn = first_five.get(position=5).choices.get(is_correct=True)
    assert churn.text == "Data Analyst"


def test_the_knowledge_quiz_has_at_least_90_questions_covering_every_topic_and_role(content):
    questions = _knowledge_questions()
    assert len(questions) >= 90
    topics = Counter(q.topic for q in questions)
    assert set(topics) == set(Topic.values) - {Topic.INTERESTS}
    assert all(count >= 3 for count in topics.values()), topics
    assert {q.role.slug for q in questions if q.role} == set(
        Role.objects.values_list("slug", flat=True)
    )


@pytest.mark.parametrize("quiz", ["knowledge", "quick-quiz"])
def test_every_knowledge_question_is_linked_explained_and_answerable(content, client, quiz):
    pages = {}
    for question in _knowledge_questions(quiz):
        linked = question.role_id or question.skill_id or question.answer_path
        assert linked or question.topic == Topic.LIFECYCLE, question
        assert len(question.explanation) > 20, question
        choices = question.choices.all()
        assert len(choices) >= 4, question
        assert any(c.is_correct for c in choices), question
        assert any(not c.is_correct for c in choices), question
        assert len({c.text for c in choices}) == len(choices), question
        path, _, anchor = question.answer_url.partition("#")
        if path not in pages:
            response = client.get(path)
            assert response.status_code == 200, question.answer_url
            pages[path] = response.content.decode()
        if anchor:
            assert f'id="{anchor}"' in pages[path], question.answer_url


def test_every_skill_of_the_core_roadmaps_first_two_levels_has_two_explained_questions(content):
    """The beginner and intermediate levels of the four core roadmaps, shared path and
    branches: each skill is tested by at least two questions of the knowledge quiz, so a
    learner can be quizzed on it (and reviewed) from the general bank."""
    steps = RoadmapStep.objects.filter(
        level__roadmap__role__slug__in=CORE_ROLES,
        level__stage__in=["beginner", "intermediate"],
        skill__isnull=False,
    ).select_related("skill")
    skills = {step.skill for step in steps}
    assert len(skills) >= 20
    thin = {}
    for skill in skills:
        tested = skill.questions.filter(quiz__slug="knowledge").exclude(explanation="")
        if tested.count() < 2:
            thin[skill.slug] = tested.count()
    assert not thin, thin


def test_questions_speak_of_the_course_not_of_study_notes(content):
    texts = Question.objects.values_list("text", flat=True)
    assert not [text for text in texts if "study notes" in text.lower()]


def test_the_specialized_roles_skill_questions_key_what_the_course_says(content):
    def keyed(text):
        question = Question.objects.get(quiz__slug="knowledge", text=text)
        return {c.text for c in question.choices.all() if c.is_correct}

    assert keyed("Which skills does the course list for the NLP Engineer?") == {
        "Transformers, BERT, GPT, spaCy"
    }
    assert keyed("How does the course sum up the Research / Applied Scientist's skills?") == {
        "PhD often required, strong math/stats"
    }
    team = Question.objects.get(text__contains="who translates business needs into technical")
    assert team.role is None  # the chart's Product Manager is not the AI Product Manager role


def test_oltp_and_olap_questions_link_to_the_page_whose_diagram_explains_them(content, client):
    questions = Question.objects.filter(topic=Topic.OLTP_OLAP).select_related("role")
    assert questions
    for question in questions:
        assert question.answer_url == f"{question.role.get_absolute_url()}#oltp-olap"
        assert question.answer_page_name == f"the {question.role.name} page"
    role_page = client.get(questions[0].role.get_absolute_url()).content.decode()
    assert 'id="oltp-olap"' in role_page


def test_every_career_fit_choice_points_to_a_role(content):
    choices = Choice.objects.filter(question__quiz__slug="career-fit")
    assert choices.count() >= 30
    assert not choices.filter(weights__isnull=True).exists()
    assert Question.objects.filter(quiz__slug="career-fit").count() == 8
    weighted = set(ChoiceWeight.objects.values_list("role__slug", flat=True))
    assert weighted == set(Role.objects.values_list("slug", flat=True))


@pytest.mark.parametrize("role", REAL_ROLE_SLUGS)
def test_every_role_can_come_first_in_the_career_fit_quiz(content, role):
    """Answer each question with the choice that points most to the role (and least
    elsewhere): the role must top the ranking."""
    quiz = Quiz.objects.get(slug="career-fit")
    sitting = sitting_start(quiz=quiz)
    questions = Question.objects.filter(pk__in=sitting.question_ids).prefetch_related(
        "choices__weights__role"
    )
    for index, question in enumerate(questions):

        def preference(choice):
            weights = {w.role.slug: w.weight for w in choice.weights.all()}
            return (weights.get(role, 0), -sum(weights.values()))

        best = max(question.choices.all(), key=preference)
        answer_record(sitting=sitting, question=question, choice_ids=[best.pk], last=index == 7)
    ranking = fit_result(sitting, AnonymousUser())
    assert len(ranking) == 9
    assert ranking[0].role.slug == role, [(f.role.slug, f.percent) for f in ranking]
