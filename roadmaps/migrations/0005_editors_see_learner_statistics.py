"""Let the "Content editors" group see learners' aggregate numbers (not individual rows)."""

from django.db import migrations

from core.permissions import grant_to_content_editors, revoke_from_content_editors

STATISTICS = ["view_learner_statistics"]


def grant(apps, schema_editor):
    grant_to_content_editors(apps, "roadmaps", codenames=STATISTICS)


def revoke(apps, schema_editor):
    revoke_from_content_editors(apps, "roadmaps", codenames=STATISTICS)


class Migration(migrations.Migration):
    dependencies = [("roadmaps", "0004_learner_statistics_permission")]

    operations = [migrations.RunPython(grant, revoke)]
