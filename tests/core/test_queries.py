"""Querysets compiled once (core.queries): the same rows as the ORM's, for any values."""

from datetime import date

import pytest

from core.queries import Precompiled
from roadmaps.models import Progress, ProgressState, Status
from roadmaps.services import progress_set
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.django_db


def _progress(user_id):
    return Progress.objects.filter(user_id=user_id).values_list(
        "skill__slug", "project__slug", "status", "review_due", "needs_refresh"
    )


def test_the_rows_are_the_orm_s_for_every_learner_with_dates_and_flags_converted(
    learner, other_learner
):
    roadmaps = build_roadmaps(build_content())
    steps = [step for level in roadmaps[0].levels.all() for step in level.steps.all()]
    skills = [step.skill for step in steps if step.skill]
    projects = [step.project for step in steps if step.project]
    progress_set(user=learner, skill=skills[0], status=Status.DONE)  # due for review
    progress_set(user=learner, project=projects[0], status=Status.LEARNING)
    progress_set(user=other_learner, skill=skills[1], status=Status.SKIPPED)
    Progress.objects.filter(user=learner, skill=skills[0]).update(needs_refresh=True)
    precompiled = Precompiled(_progress)
    for user in (learner, other_learner, learner):  # compiled once, run again with others
        rows = precompiled.rows(user.pk)
        assert sorted(rows, key=str) == sorted(_progress(user.pk), key=str)
    [done] = [row for row in precompiled.rows(learner.pk) if row[0] == skills[0].slug]
    assert isinstance(done[3], date) and done[4] is True
    assert precompiled.rows(0) == []


def test_a_learner_s_states_are_read_in_one_query_as_before(learner, django_assert_num_queries):
    skill = build_roadmaps(build_content())[0].levels.first().steps.first().skill
    progress_set(user=learner, skill=skill, status=Status.LEARNING)
    Progress.objects.states_of(learner)  # compiled
    with django_assert_num_queries(1):
        states = Progress.objects.states_of(learner)
    assert states == {("skill", skill.slug): ProgressState(Status.LEARNING)}


def test_the_queryset_s_own_constants_are_kept_beside_the_values(learner, other_learner):
    skills = [step.skill for step in build_roadmaps(build_content())[0].steps() if step.skill]
    progress_set(user=learner, skill=skills[0], status=Status.DONE)
    progress_set(user=learner, skill=skills[1], status=Status.LEARNING)
    progress_set(user=other_learner, skill=skills[2], status=Status.DONE)
    done = Precompiled(
        lambda user_id: (
            Progress.objects.filter(status=Status.DONE, user_id=user_id)
            .order_by("skill__slug")
            .values_list("skill__slug")
        )
    )
    assert done.rows(learner.pk) == [(skills[0].slug,)]
    assert done.rows(other_learner.pk) == [(skills[2].slug,)]


def test_a_value_that_is_not_one_parameter_of_the_sql_is_refused(django_assert_num_queries):
    twice = Precompiled(lambda user_id: Progress.objects.filter(user_id=user_id, pk=user_id))
    unused = Precompiled(lambda user_id: Progress.objects.all())
    with django_assert_num_queries(0):  # refused before anything runs
        for refused in (twice, unused):
            with pytest.raises(ValueError, match="one parameter"):
                refused.rows(1)
