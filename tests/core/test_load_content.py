import pytest
from django.core.management import call_command
from django.db import transaction

from careers.models import Role, Skill
from roadmaps.models import DEFAULT_EFFORT_HOURS, RoadmapStep

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """`load_content` run once for the module, into an empty database, in a transaction
    rolled back after its last test: each test runs in a savepoint inside it, so each starts
    from the content just as it was loaded."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert not Role.objects.exists()
        call_command("load_content", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_it_loads_the_content_into_an_empty_database(loaded):
    assert Role.objects.count() == 9


def test_it_never_overwrites_what_editors_changed(loaded):
    Role.objects.filter(slug="data-analyst").update(summary="Edited by an editor")
    call_command("load_content", verbosity=0)
    assert Role.objects.get(slug="data-analyst").summary == "Edited by an editor"


def test_force_reloads_the_files_version_without_duplicating_anything(loaded):
    original = Role.objects.get(slug="data-analyst").summary
    Role.objects.filter(slug="data-analyst").update(summary="Edited by an editor")
    call_command("load_content", force=True, verbosity=0)
    assert Role.objects.get(slug="data-analyst").summary == original
    assert Role.objects.count() == 9


def test_it_loads_skills_prerequisites_and_steps_effort(loaded):
    # ETL comes before Advanced Python in the file: a forward reference, resolved.
    etl = Skill.objects.get(slug="etl")
    assert set(etl.prerequisites.values_list("slug", flat=True)) == {"sql", "advanced-python"}
    assert Skill.prerequisites.through.objects.count() == 41
    # The files give no step an effort of its own, so each counts its level's default.
    steps = RoadmapStep.objects.select_related("level")
    assert {step.effort_hours for step in steps} == {None}
    assert {(step.level.stage, step.hours) for step in steps} == set(DEFAULT_EFFORT_HOURS.items())


def test_editors_prerequisites_and_efforts_go_out_to_the_files_and_back(loaded, tmp_path):
    sql, python = Skill.objects.get(slug="sql"), Skill.objects.get(slug="python")
    step = RoadmapStep.objects.filter(skill=sql).first()
    RoadmapStep.objects.filter(pk=step.pk).update(effort_hours=12)
    sql.prerequisites.add(python)
    call_command("export_content", output=tmp_path, verbosity=0)
    RoadmapStep.objects.filter(pk=step.pk).update(effort_hours=None)
    sql.prerequisites.clear()
    for name in ["careers.json", "roadmaps.json"]:
        call_command("loaddata", tmp_path / name, verbosity=0)
    assert RoadmapStep.objects.get(pk=step.pk).effort_hours == 12
    assert list(sql.prerequisites.all()) == [python]
