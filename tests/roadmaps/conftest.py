import pytest

from tests.content import empty_site_content, load_site_content


@pytest.fixture(scope="module")
def module_site_content(django_db_setup, django_db_blocker):
    """The real content, loaded once for a module (each test still runs in a rolled-back
    transaction), and removed afterwards so other modules start from an empty database."""
    with django_db_blocker.unblock():
        load_site_content()
    yield
    with django_db_blocker.unblock():
        empty_site_content()
