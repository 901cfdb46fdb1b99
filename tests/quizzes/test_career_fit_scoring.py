"""The career-fit ranking against the quiz in fixtures/quizzes.json, in pure Python: the
weights are read once from the fixture and every possible answer set is scored with the same
functions the result page uses (`fit_ranking`, `fit_percent`), so the ranking, the percentage
and "N of your answers" can never contradict each other."""

import json
from functools import cache
from pathlib import Path

import pytest

from quizzes.results import fit_percent, fit_ranking
from tests.content import REAL_ROLE_SLUGS as ROLES  # in display order

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "quizzes.json"


@cache
def career_fit() -> list[list[tuple[str, tuple[int, ...]]]]:
    """The questions in order, each a list of (choice text, points per role in ROLES order)."""
    rows = json.loads(FIXTURE.read_text())
    fields = [(row["model"], row["fields"]) for row in rows]
    questions = sorted(
        f["position"] for m, f in fields if m == "quizzes.question" and f["quiz"] == ["career-fit"]
    )
    weights: dict[tuple[int, int], list[int]] = {}
    for model, f in fields:
        if model == "quizzes.choiceweight" and f["choice"][0] == "career-fit":
            points = weights.setdefault(tuple(f["choice"][1:]), [0] * len(ROLES))
            points[ROLES.index(f["role"][0])] = f["weight"]
    choices = {}
    for model, f in fields:
        if model == "quizzes.choice" and f["question"][0] == "career-fit":
            key = (f["question"][1], f["position"])
            choices[key] = (f["text"], tuple(weights[key]))
    return [
        [choices[key] for key in sorted(k for k in choices if k[0] == position)]
        for position in questions
    ]


def _possible(questions) -> int:
    """The most points any one role could get: the shared denominator of the percentages."""
    return max(
        sum(max(points[role] for _, points in choices) for choices in questions)
        for role in range(len(ROLES))
    )


def _every_answer_set(questions):
    """(points per role, matching answers per role) for every way to answer every question."""
    n = len(ROLES)
    vectors = [
        [(points, tuple(1 if p else 0 for p in points)) for _, points in choices]
        for choices in questions
    ]

    def walk(depth, points, answers):
        if depth == len(vectors):
            yield points, answers
            return
        for add_points, add_answers in vectors[depth]:
            yield from walk(
                depth + 1,
                [points[i] + add_points[i] for i in range(n)],
                [answers[i] + add_answers[i] for i in range(n)],
            )

    yield from walk(0, [0] * n, [0] * n)


def _rank(answers_by_text: list[str]) -> list[str]:
    questions = career_fit()
    points, answers = [0] * len(ROLES), [0] * len(ROLES)
    for text, choices in zip(answers_by_text, questions, strict=True):
        weights = dict(choices)[text]
        for role, weight in enumerate(weights):
            points[role] += weight
            answers[role] += weight > 0
    return [ROLES[index] for index in fit_ranking(points, answers)]


def test_the_career_fit_quiz_has_612_500_answer_sets_and_weights_of_1_to_3():
    questions = career_fit()
    count = 1
    for choices in questions:
        count *= len(choices)
    assert count == 612_500
    assert {w for _, points in (c for q in questions for c in q) for w in points} <= {0, 1, 2, 3}


@pytest.mark.slow
def test_the_ranking_percentage_and_matching_answers_agree_on_every_answer_set():
    """Over every answer set, for each role ranked directly above the next: at least its
    points, and at least its matching answers when the points tie; at least its percentage.
    So no role ranks above one with more points AND more answers, and no role with at most
    one matching answer ranks above one with three or more."""
    questions = career_fit()
    possible = _possible(questions)
    percent = [fit_percent(points, possible) for points in range(possible + 1)]
    checked = 0
    for points, answers in _every_answer_set(questions):
        order = fit_ranking(points, answers)
        seen_few = False
        previous = None
        for index in order:
            if previous is not None:
                assert points[previous] >= points[index], (points, answers, order)
                if points[previous] == points[index]:
                    assert answers[previous] >= answers[index], (points, answers, order)
                assert percent[points[previous]] >= percent[points[index]]
            seen_few = seen_few or answers[index] <= 1
            assert not (seen_few and answers[index] >= 3), (points, answers, order)
            previous = index
        checked += 1
    assert checked == 612_500


# The course's Quick Decision Guide ("Choose Data Engineer if you: ✓ Love building systems
# and infrastructure ✓ Enjoy optimization and performance …"), answered as each would.
PERSONAS = {
    "data-engineer": [
        "Data pipelines and the systems that store data",
        "Making a slow system fast",
        "Databases, logs and event streams",
        "I'd rather build and automate systems",
        "Writing clean, tested code and CI/CD pipelines",
        "A data platform everyone relies on",
        "Spark, Kafka and Airflow",
        "Deep in backend engineering",
    ],
    "data-analyst": [
        "Dashboards and reports that answer business questions",
        "Finding the story in a messy dataset",
        "Business metrics and KPIs",
        "Enough for statistics and A/B tests",
        "Presenting findings to stakeholders",
        "Insights that changed a business decision",
        "Tableau, Power BI and SQL",
        "In between: turning data into decisions",
    ],
    "data-scientist": [
        "Predictive models",
        "Designing an experiment to test a hypothesis",
        "Tables of features for statistical models",
        "I like it as a tool for models and experiments",
        "Reading papers and trying new techniques",
        "A model that predicts accurately",
        "scikit-learn, XGBoost and Jupyter",
        "In between: turning data into decisions",
    ],
    "ml-engineer": [
        "Services that run models in production",
        "Making a slow system fast",
        "Tables of features for statistical models",
        "I'd rather build and automate systems",
        "Writing clean, tested code and CI/CD pipelines",
        "Models that scale and never go down",
        "Docker, Kubernetes and FastAPI",
        "Bridging data science and engineering",
    ],
}


@pytest.mark.parametrize("role", PERSONAS)
def test_each_persona_of_the_course_s_decision_guide_gets_its_role_first(role):
    assert _rank(PERSONAS[role])[0] == role
