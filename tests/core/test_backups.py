import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection

from careers.models import Skill
from roadmaps.models import Note, Progress, Status
from roadmaps.services import progress_set
from tests.content import load_site_content

# The restore replaces the whole database, as it does from the command line with the site
# stopped: no test transaction may be open around it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup commands; PostgreSQL uses pg_dump (docs/deploy.md)")


@pytest.mark.slow
def test_a_backup_restored_into_a_fresh_database_has_every_learners_progress(
    sqlite_only, tmp_path, learner, other_learner
):
    load_site_content()
    sql, git = Skill.objects.get(slug="sql"), Skill.objects.get(slug="git")
    progress_set(user=learner, skill=sql, status=Status.DONE)
    progress_set(user=other_learner, skill=git, status=Status.LEARNING)
    Note.objects.create(user=learner, skill=sql, text="joins")
    backup = tmp_path / "copy.sqlite3"
    call_command("backup_database", output=str(backup), verbosity=0)

    # The copy is a complete database on its own.
    with sqlite3.connect(backup) as copy:
        rows = copy.execute("SELECT status FROM roadmaps_progress ORDER BY status").fetchall()
    assert rows == [("done",), ("learning",)]

    Progress.objects.all().delete()
    Note.objects.all().delete()
    call_command("restore_database", str(backup), verbosity=0)
    assert Progress.objects.get(user=learner).status == Status.DONE
    assert Progress.objects.get(user=other_learner).status == Status.LEARNING
    assert Note.objects.get(user=learner).text == "joins"


def test_a_backup_folder_gets_a_dated_file(sqlite_only, tmp_path):
    call_command("backup_database", output=str(tmp_path), verbosity=0)
    [backup] = tmp_path.glob("db-*.sqlite3")
    assert backup.stat().st_size > 0


def test_restoring_a_missing_file_says_so(sqlite_only, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore_database", str(tmp_path / "nope.sqlite3"))
