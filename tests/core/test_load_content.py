import pytest
from django.core.management import call_command

from careers.models import Role

# Slow: loads the whole content (make test runs it; make test-fast leaves it out).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_it_loads_the_content_into_an_empty_database():
    call_command("load_content", verbosity=0)
    assert Role.objects.count() == 9


@pytest.mark.slow
def test_it_never_overwrites_what_editors_changed():
    call_command("load_content", verbosity=0)
    Role.objects.filter(slug="data-analyst").update(summary="Edited by an editor")
    call_command("load_content", verbosity=0)
    assert Role.objects.get(slug="data-analyst").summary == "Edited by an editor"


@pytest.mark.slow
def test_force_reloads_the_files_version_without_duplicating_anything():
    call_command("load_content", verbosity=0)
    original = Role.objects.get(slug="data-analyst").summary
    Role.objects.filter(slug="data-analyst").update(summary="Edited by an editor")
    call_command("load_content", force=True, verbosity=0)
    assert Role.objects.get(slug="data-analyst").summary == original
    assert Role.objects.count() == 9
