"""Deleting content never deletes learners' progress, notes or quiz history, and never shows
them to editors: the admin refuses with a count, and the database layer refuses anyway."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from careers.models import Role, Skill
from quizzes.models import Answer, Choice, Question, Quiz, Sitting
from roadmaps.models import Note, Progress, Project, Roadmap, RoadmapStep, Status
from roadmaps.services import note_save, progress_set
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.django_db

SECRET_NOTE = "My plan: finish the window functions chapter"
REFUSAL = "This skill can’t be deleted: 2 learners have progress or notes on it."


@pytest.fixture
def skill(learner, other_learner):
    """A skill on no role or roadmap (so only learners' rows hold it), with their data."""
    skill = Skill.objects.create(slug="window-functions", name="Window functions")
    progress_set(user=learner, skill=skill, status=Status.DONE)
    note_save(user=learner, skill=skill, text=SECRET_NOTE)
    progress_set(user=other_learner, skill=skill, status=Status.LEARNING)
    return skill


def _delete_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _assert_shows_no_learner_data(html: str, *learners) -> None:
    assert SECRET_NOTE not in html
    assert "Progress:" not in html and "Note:" not in html
    for user in learners:
        assert f"{user.get_username()} —" not in html  # how a progress row prints
        assert f"{user.get_username()}'s note" not in html
        assert user.email not in html


def _assert_learner_data_kept(skill, *learners) -> None:
    assert Skill.objects.filter(pk=skill.pk).exists()
    for user in learners:
        assert Progress.objects.filter(user=user, skill=skill).exists()
    assert Note.objects.get(skill=skill).text == SECRET_NOTE


# --- The delete page ----------------------------------------------------------------------


def test_the_delete_page_counts_learners_and_shows_none_of_their_data(
    editor_client, skill, learner, other_learner
):
    response = editor_client.get(_delete_url(skill))
    html = response.content.decode()
    assert response.status_code == 200
    assert REFUSAL in html
    _assert_shows_no_learner_data(html, learner, other_learner)
    assert 'name="post"' not in html  # no confirm button


def test_confirming_the_deletion_deletes_nothing(editor_client, skill, learner, other_learner):
    response = editor_client.post(_delete_url(skill), {"post": "yes"})
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    _assert_learner_data_kept(skill, learner, other_learner)


def test_delete_selected_counts_learners_and_deletes_nothing(
    editor_client, skill, learner, other_learner
):
    spare = Skill.objects.create(slug="spare", name="Spare skill")
    selection = {"action": "delete_selected", "_selected_action": [skill.pk, spare.pk]}
    response = editor_client.post(_changelist(Skill), selection)
    html = response.content.decode()
    assert "These 2 skills can’t be deleted: 2 learners have progress or notes on them." in html
    _assert_shows_no_learner_data(html, learner, other_learner)
    response = editor_client.post(_changelist(Skill), {**selection, "post": "yes"})
    assert response.status_code == 200
    _assert_learner_data_kept(skill, learner, other_learner)
    assert Skill.objects.filter(pk=spare.pk).exists()


def test_a_skill_nobody_has_touched_can_still_be_deleted(editor_client, skill):
    untouched = Skill.objects.create(slug="untouched", name="Untouched skill")
    page = editor_client.get(_delete_url(untouched)).content.decode()
    assert "Are you sure" in page and "can’t be deleted" not in page
    response = editor_client.post(_delete_url(untouched), {"post": "yes"})
    assert response.status_code == 302
    assert not Skill.objects.filter(pk=untouched.pk).exists()
    spare = Skill.objects.create(slug="spare", name="Spare skill")
    selection = {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"}
    assert editor_client.post(_changelist(Skill), selection).status_code == 302
    assert not Skill.objects.filter(pk=spare.pk).exists()


def test_a_project_learners_worked_on_cannot_be_deleted(editor_client, learner):
    project = Project.objects.create(slug="portfolio", name="Portfolio site")
    progress_set(user=learner, project=project, status=Status.DONE)
    response = editor_client.post(_delete_url(project), {"post": "yes"})
    assert "This project can’t be deleted: 1 learner has progress or notes on it." in (
        response.content.decode()
    )
    assert Progress.objects.filter(user=learner, project=project).exists()


def test_content_only_cascades_are_still_listed(editor_client):
    role = build_content()[0]
    html = editor_client.get(_delete_url(role)).content.decode()
    assert "Are you sure" in html
    assert "Career level:" in html and "Level 0 (R0)" in html


# --- Roadmaps -----------------------------------------------------------------------------


@pytest.fixture
def followed_roadmap(learner):
    """A roadmap a learner has ticked a step of (progress is kept on the step's skill)."""
    roadmap = build_roadmaps(build_content())[0]
    step = RoadmapStep.objects.filter(level__roadmap=roadmap, skill__isnull=False).first()
    progress_set(user=learner, skill=step.skill, status=Status.DONE)
    return roadmap


def test_deleting_a_roadmap_whose_steps_have_progress_is_refused(editor_client, followed_roadmap):
    response = editor_client.post(_delete_url(followed_roadmap), {"post": "yes"})
    assert "This roadmap can’t be deleted: 1 learner has progress or notes on it." in (
        response.content.decode()
    )
    assert Roadmap.objects.filter(pk=followed_roadmap.pk).exists()
    assert Progress.objects.count() == 1


def test_deleting_the_role_of_a_followed_roadmap_is_refused_too(editor_client, followed_roadmap):
    role = followed_roadmap.role
    response = editor_client.post(_delete_url(role), {"post": "yes"})
    assert "This role can’t be deleted: 1 learner has progress or notes on it." in (
        response.content.decode()
    )
    assert Role.objects.filter(pk=role.pk).exists()
    assert Roadmap.objects.filter(pk=followed_roadmap.pk).exists()


def test_a_roadmap_nobody_follows_can_be_deleted(editor_client):
    roadmap = build_roadmaps(build_content())[0]
    assert editor_client.post(_delete_url(roadmap), {"post": "yes"}).status_code == 302
    assert not Roadmap.objects.filter(pk=roadmap.pk).exists()


def test_an_editor_can_still_take_a_step_off_a_followed_roadmap(editor_client, followed_roadmap):
    """Restructuring a roadmap is editing: the learner's progress stays on the skill."""
    step = RoadmapStep.objects.get(skill__progress__isnull=False, level__roadmap=followed_roadmap)
    assert editor_client.post(_delete_url(step), {"post": "yes"}).status_code == 302
    assert Progress.objects.filter(skill=step.skill).exists()


# --- Quizzes ------------------------------------------------------------------------------


@pytest.fixture
def answered_question(learner):
    quiz = Quiz.objects.create(slug="basics", title="Basics", intro="What you know.")
    question = Question.objects.create(quiz=quiz, position=0, text="What is SQL for?")
    choice = Choice.objects.create(question=question, position=0, text="Data", is_correct=True)
    for user in (learner, None):  # a learner's sitting and an anonymous visitor's
        sitting = Sitting.objects.create(quiz=quiz, user=user, question_ids=[question.pk])
        Answer.objects.create(
            sitting=sitting, question=question, choice_ids=[choice.pk], is_correct=True
        )
    return question


def test_deleting_a_question_learners_answered_is_refused_with_a_count(
    editor_client, answered_question, learner
):
    response = editor_client.post(_delete_url(answered_question), {"post": "yes"})
    html = response.content.decode()
    assert "This question can’t be deleted: 2 quiz sittings include it in learners’ history." in (
        html
    )
    assert "Answer:" not in html and "Sitting:" not in html and learner.email not in html
    assert Answer.objects.filter(question=answered_question).count() == 2


def test_deleting_a_quiz_learners_sat_is_refused_with_a_count(editor_client, answered_question):
    quiz = answered_question.quiz
    response = editor_client.post(_delete_url(quiz), {"post": "yes"})
    assert "This quiz can’t be deleted: 2 quiz sittings include it in learners’ history." in (
        response.content.decode()
    )
    assert Sitting.objects.filter(quiz=quiz).count() == 2


def test_questions_are_deleted_on_their_own_page_not_inline_on_the_quiz(
    editor_client, answered_question
):
    url = reverse("admin:quizzes_quiz_part", args=[answered_question.quiz.pk, "questions"])
    html = editor_client.get(url).content.decode()
    assert "What is SQL for?" in html and "questions-0-DELETE" not in html


# --- Cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("learners", [1, 50])
def test_the_delete_page_costs_the_same_queries_for_1_or_50_learners(
    editor_client, django_user_model, django_assert_max_num_queries, learners
):
    skill = Skill.objects.create(slug="popular", name="Popular skill")
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"learner-{n}") for n in range(learners)
    )
    now = timezone.now()
    Progress.objects.bulk_create(
        Progress(user=user, skill=skill, status=Status.DONE, updated_at=now) for user in users
    )
    Note.objects.bulk_create(Note(user=user, skill=skill, text="Mine") for user in users)
    # The collector visits each relation of a skill once (prerequisites both ways and the
    # questions that test it among them), whatever the number of learners.
    with django_assert_max_num_queries(11):
        response = editor_client.get(_delete_url(skill))
    assert f"{learners} learner" in response.content.decode()


# --- Outside the admin --------------------------------------------------------------------


def test_deleting_content_with_learners_data_raises_protected_error_anywhere(skill, learner):
    with pytest.raises(ProtectedError):
        skill.delete()
    with pytest.raises(ProtectedError):
        Skill.objects.filter(pk=skill.pk).delete()
    project = Project.objects.create(slug="portfolio", name="Portfolio site")
    progress_set(user=learner, project=project, status=Status.DONE)
    with pytest.raises(ProtectedError):
        project.delete()
    noted = Skill.objects.create(slug="noted", name="Noted skill")
    note_save(user=learner, skill=noted, text="Only a note")
    with pytest.raises(ProtectedError):
        noted.delete()
    assert Progress.objects.count() == 3 and Note.objects.count() == 2


def test_deleting_a_learners_account_still_deletes_their_data(skill, learner):
    learner.delete()
    assert not Progress.objects.filter(user_id=learner.pk).exists()
    assert not Note.objects.exists()
    assert Skill.objects.filter(pk=skill.pk).exists()
