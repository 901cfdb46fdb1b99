"""The content version moved from careers to core without losing its number."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import ContentVersion


@pytest.mark.django_db(transaction=True)
def test_moving_the_content_version_to_core_keeps_its_number():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", None)])  # back to careers owning the table
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM careers_contentversion")
        cursor.execute("INSERT INTO careers_contentversion (id, number) VALUES (1, 42)")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ContentVersion.current() == 42
    assert "core_contentversion" in connection.introspection.table_names()
    assert "careers_contentversion" not in connection.introspection.table_names()
