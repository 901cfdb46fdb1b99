"""The knowledge quiz on one skill or one roadmap level: only the questions that test it are
drawn, the scope is checked on the server, kept on the sitting and shown with it, offered on
the quiz page, each skill page and each roadmap level, and held to the same limits as the
general mix."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from careers.models import Skill
from core.models import ContentStatus
from quizzes.models import Answer, Choice, Question, Quiz, Sitting
from quizzes.scopes import scope_choices, scope_label
from quizzes.services import ANONYMOUS_UNFINISHED_LIMIT
from roadmaps.models import Roadmap, RoadmapStep, Stage
from tests.content import build_content, build_roadmaps
from tests.html import attribute, select, select_one, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmaps():
    return build_roadmaps(build_content())


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


@pytest.fixture
def quiz(roadmaps):
    """Twelve questions: 0–2 test roadmap skill 0 (a beginner step), 3–4 roadmap skill 4 (an
    intermediate step), 5 tests both, the rest no skill. Choice 0 is right."""
    quiz = Quiz.objects.create(
        slug="knowledge", title="Knowledge quiz", intro=".", questions_per_sitting=4
    )
    tested = {0: ["roadmap-skill-0"], 1: ["roadmap-skill-0"], 2: ["roadmap-skill-0"]}
    tested |= {3: ["roadmap-skill-4"], 4: ["roadmap-skill-4"]}
    tested |= {5: ["roadmap-skill-0", "roadmap-skill-4"]}
    for position in range(12):
        question = Question.objects.create(quiz=quiz, position=position, text=f"Q{position}?")
        Choice.objects.create(question=question, position=0, text="Right", is_correct=True)
        Choice.objects.create(question=question, position=1, text="Wrong")
        question.skills.set([skill(slug) for slug in tested.get(position, [])])
    return quiz


def positions(sitting: Sitting) -> set[int]:
    return set(
        Question.objects.filter(pk__in=sitting.question_ids).values_list("position", flat=True)
    )


def start(client, scope: str, slug: str = "knowledge"):
    return client.post(f"/quizzes/{slug}/sittings/", {"scope": scope})


def started(response) -> Sitting:
    assert response.status_code == 302, response.content.decode()
    return Sitting.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


# --- Drawing ------------------------------------------------------------------------------


def test_a_skill_quiz_draws_only_the_questions_that_test_the_skill(client, quiz):
    sitting = started(start(client, "skill:roadmap-skill-4"))
    assert positions(sitting) == {3, 4, 5}
    assert sitting.scope == "skill:roadmap-skill-4"


def test_a_level_quiz_draws_from_the_questions_on_any_skill_of_the_level_up_to_a_sitting_s_worth(
    client, quiz
):
    seen = set()
    for _ in range(8):
        sitting = started(start(Client(), "level:role-0:beginner"))
        assert sitting.total == quiz.questions_per_sitting == 4
        seen |= positions(sitting)
    assert seen == {0, 1, 2, 5}  # roadmap skills 0–2 are the beginner level's
    assert sitting.scope == "level:role-0:beginner"


def test_without_a_scope_the_quiz_draws_from_all_its_questions(client, quiz):
    sitting = started(client.post("/quizzes/knowledge/sittings/"))
    assert sitting.scope == "" and sitting.total == 4


# --- Showing it ---------------------------------------------------------------------------


def test_the_sitting_and_its_result_say_what_the_quiz_is_on(client, quiz):
    sitting = started(start(client, "skill:roadmap-skill-4"))
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert text(select_one(html, "h1")) == "Knowledge quiz: Roadmap skill 4"
    assert "<title>Knowledge quiz: Roadmap skill 4, question 1" in html
    for pk in sitting.question_ids:
        question = Question.objects.get(pk=pk)
        right = question.choices.get(is_correct=True)
        url = f"{sitting.get_absolute_url()}answer/"
        assert client.post(url, {"question": pk, "choice": [right.pk]}).status_code == 302
    html = client.get(sitting.get_result_url()).content.decode()
    assert text(select_one(html, "h1")) == "Your result: Knowledge quiz: Roadmap skill 4"
    assert "3 of 3" in text(select_one(html, "#score"))


def test_a_level_quiz_reads_as_the_roadmap_and_its_level(client, quiz):
    sitting = started(start(client, "level:role-1:intermediate"))
    html = client.get(sitting.get_absolute_url()).content.decode()
    assert text(select_one(html, "h1")) == "Knowledge quiz: Role 1 roadmap, intermediate level"


def test_a_scope_whose_content_is_gone_still_reads_as_its_slug(quiz):
    assert scope_label("skill:no-longer-here") == "no-longer-here"
    assert scope_label("level:gone:beginner") == "gone roadmap, beginner level"
    assert scope_label("") == ""


# --- Refusing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("skill:no-such-skill", "There is no skill “no-such-skill” on this site."),
        ("level:no-such-role:beginner", "There is no published roadmap “no-such-role”"),
        ("level:role-0:expert", "The Role 0 roadmap has no “expert” level."),
        ("level:role-0", "That is not something the quiz can be taken on"),
        ("everything", "That is not something the quiz can be taken on"),
        ("skill:a\x00b", "That is not something the quiz can be taken on"),
        ("skill:" + "x" * 5000, "That is not something the quiz can be taken on"),
        ("skill:roadmap-skill-8", "No questions test Roadmap skill 8 yet."),
        ("level:role-0:advanced", "No questions test Role 0 roadmap, advanced level yet."),
    ],
)
def test_a_scope_that_names_nothing_to_be_quizzed_on_is_refused_and_starts_nothing(
    client, quiz, scope, message
):
    response = start(client, scope)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html.count("<h1") == 1 and 'href="/quizzes/knowledge/"' in html
    assert not Sitting.objects.exists()


def test_a_draft_roadmap_s_level_is_refused_to_learners(client, quiz):
    Roadmap.objects.filter(role__slug="role-0").update(status=ContentStatus.DRAFT)
    response = start(client, "level:role-0:beginner")
    assert response.status_code == 400
    assert "There is no published roadmap “role-0”" in response.content.decode()
    assert not Sitting.objects.exists()


def test_the_career_fit_quiz_cannot_be_taken_on_one_skill(client, quiz):
    fit = Quiz.objects.create(
        slug="career-fit", title="Career-fit quiz", intro=".", kind="career_fit"
    )
    response = start(client, "skill:roadmap-skill-0", slug=fit.slug)
    assert response.status_code == 400
    assert "Only a knowledge quiz can be taken on one skill or level" in response.content.decode()
    assert not Sitting.objects.exists()


def test_an_htmx_start_with_a_bad_scope_gets_the_message_in_place(client, quiz):
    response = client.post(
        "/quizzes/knowledge/sittings/", {"scope": "skill:nope"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "There is no skill “nope”" in response.content.decode()


# --- Limits -------------------------------------------------------------------------------


def test_starting_the_same_scope_again_replaces_its_unanswered_sitting_but_not_other_scopes(
    client, quiz
):
    general = started(client.post("/quizzes/knowledge/sittings/"))
    first = started(start(client, "skill:roadmap-skill-0"))
    again = started(start(client, "skill:roadmap-skill-0"))
    assert not Sitting.objects.filter(pk=first.pk).exists()
    assert Sitting.objects.filter(pk=general.pk).exists()
    Answer.objects.create(sitting=again, question_id=again.question_ids[0], choice_ids=[1])
    kept = started(start(client, "skill:roadmap-skill-0"))
    assert Sitting.objects.filter(pk=again.pk).exists() and kept.pk != again.pk


def test_an_anonymous_visitor_s_scoped_quizzes_count_toward_the_quizzes_in_progress(client, quiz):
    scopes = ["", "skill:roadmap-skill-0", "skill:roadmap-skill-4", "level:role-0:beginner"]
    scopes += ["level:role-0:intermediate"]
    assert len(scopes) == ANONYMOUS_UNFINISHED_LIMIT
    for scope in scopes:
        started(start(client, scope))
    refused = start(client, "level:role-1:beginner")
    assert refused.status_code == 429
    assert "quizzes in progress in this browser" in refused.content.decode()
    assert Sitting.objects.count() == ANONYMOUS_UNFINISHED_LIMIT


def test_scoped_starts_count_toward_the_hourly_limit_of_a_network(quiz):
    for _ in range(120):
        assert start(Client(), "skill:roadmap-skill-0").status_code == 302
    refused = start(Client(), "skill:roadmap-skill-4")
    assert refused.status_code == 429
    assert Sitting.objects.count() == 120


# --- Offering it --------------------------------------------------------------------------


def test_the_quiz_page_offers_each_level_and_skill_its_questions_test(client, quiz):
    html = client.get("/quizzes/knowledge/").content.decode()
    [form] = [form for form in select(html, "main form") if select(form, "select#scope")]
    assert attribute(form, "action") == "/quizzes/knowledge/sittings/"
    options = {attribute(o, "value"): text(o) for o in select(form, "option")}
    assert options["skill:roadmap-skill-0"] == "Roadmap skill 0 (4)"
    assert options["skill:roadmap-skill-4"] == "Roadmap skill 4 (3)"
    assert options["level:role-0:beginner"] == "Role 0 roadmap, beginner level (4)"
    assert options["level:role-0:intermediate"] == "Role 0 roadmap, intermediate level (3)"
    assert "level:role-0:advanced" not in options  # no question tests its skills
    levels = [value for value in options if value.startswith("level:")]
    assert levels[:2] == ["level:role-0:beginner", "level:role-0:intermediate"]


def test_the_quiz_page_offers_no_draft_roadmap_s_levels(client, quiz):
    Roadmap.objects.filter(role__slug="role-0").update(status=ContentStatus.DRAFT)
    choices = scope_choices(quiz, AnonymousUser())
    assert not [c for c in choices["levels"] if c.value.startswith("level:role-0:")]
    assert [c for c in choices["levels"] if c.value.startswith("level:role-1:")]


def test_the_quiz_page_s_choices_take_three_queries_whatever_the_content(
    quiz, django_assert_num_queries
):
    with django_assert_num_queries(3):
        scope_choices(quiz, AnonymousUser())


def test_a_skill_page_links_to_the_quiz_on_that_skill_which_shows_a_start_form(client, quiz):
    html = client.get("/skills/roadmap-skill-4/").content.decode()
    [link] = select(html, ".quiz-link a")
    assert attribute(link, "href") == "/quizzes/knowledge/start/?scope=skill:roadmap-skill-4"
    response = client.get(attribute(link, "href"))
    assert response.status_code == 200
    page = response.content.decode()
    assert text(select_one(page, "h1")) == "Knowledge quiz: Roadmap skill 4"
    assert "3 questions test Roadmap skill 4" in text(select_one(page, "main"))
    [form] = select(page, "main form")
    assert attribute(form, "action") == "/quizzes/knowledge/sittings/"
    assert attribute(select_one(form, 'input[name="scope"]'), "value") == "skill:roadmap-skill-4"
    assert not Sitting.objects.exists()  # looking starts nothing


def test_each_roadmap_level_links_to_its_quiz_with_a_plain_link(client, quiz):
    html = client.get("/roadmaps/role-0/").content.decode()
    links = [attribute(a, "href") for a in select(html, "section.roadmap-level a")]
    links = [link for link in links if link.startswith("/quizzes/")]
    assert links == [
        f"/quizzes/knowledge/start/?scope=level:role-0:{stage}" for stage in Stage.values
    ]
    page = client.get(links[0]).content.decode()
    assert text(select_one(page, "h1")) == "Knowledge quiz: Role 0 roadmap, beginner level"


def test_the_start_page_offers_to_resume_the_visitor_s_sitting_on_that_scope(client, quiz):
    sitting = started(start(client, "skill:roadmap-skill-4"))
    html = client.get("/quizzes/knowledge/start/?scope=skill:roadmap-skill-4").content.decode()
    assert attribute(select_one(html, "#resume"), "href") == sitting.get_absolute_url()
    assert text(select_one(html, "#start")).startswith("Start again")


def test_the_start_page_of_a_scope_without_questions_says_so_and_offers_the_general_quiz(
    client, quiz
):
    response = client.get("/quizzes/knowledge/start/?scope=skill:roadmap-skill-8")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No questions test Roadmap skill 8 yet." in html
    assert not select(html, "main form")
    assert select(html, 'main a[href="/quizzes/knowledge/"]')


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?scope=skill:nope", 400),
        ("?scope=level:role-0:expert", 400),
        ("?scope=skill:%ff%fe", 400),
        ("?scope=skill:" + "x" * 3000, 400),
    ],
)
def test_the_start_page_refuses_a_scope_that_names_nothing(client, quiz, query, status):
    response = client.get(f"/quizzes/knowledge/start/{query}")
    assert response.status_code == status
    assert response.content.decode().count("<h1") == 1


def test_the_start_page_without_a_scope_goes_to_the_quiz(client, quiz):
    response = client.get("/quizzes/knowledge/start/")
    assert response.status_code == 302 and response["Location"] == "/quizzes/knowledge/"


def test_a_level_quiz_draws_from_the_level_s_skill_steps_only(quiz):
    # Projects have no questions; a level's skills are its skill steps.
    steps = RoadmapStep.objects.filter(level__roadmap__role__slug="role-0", level__stage="beginner")
    assert steps.filter(project__isnull=False).exists()
    assert set(steps.filter(skill__isnull=False).values_list("skill__slug", flat=True)) == {
        "roadmap-skill-0",
        "roadmap-skill-1",
        "roadmap-skill-2",
    }
