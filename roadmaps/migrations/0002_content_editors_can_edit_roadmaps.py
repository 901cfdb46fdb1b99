"""Let the "Content editors" group edit roadmaps, but not learners' progress or notes."""

from django.db import migrations

from core.permissions import grant_to_content_editors, revoke_from_content_editors

CONTENT_MODELS = ["roadmap", "roadmaplevel", "roadmapstep", "project", "resource"]


def grant(apps, schema_editor):
    grant_to_content_editors(apps, "roadmaps", models=CONTENT_MODELS)


def revoke(apps, schema_editor):
    revoke_from_content_editors(apps, "roadmaps", models=CONTENT_MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("roadmaps", "0001_initial"),
        ("careers", "0002_content_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
