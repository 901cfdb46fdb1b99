"""Let the "Content editors" group edit quizzes, but not learners' sittings or answers."""

from django.db import migrations

from core.permissions import grant_to_content_editors, revoke_from_content_editors

CONTENT_MODELS = ["quiz", "question", "choice", "choiceweight"]


def grant(apps, schema_editor):
    grant_to_content_editors(apps, "quizzes", models=CONTENT_MODELS)


def revoke(apps, schema_editor):
    revoke_from_content_editors(apps, "quizzes", models=CONTENT_MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("careers", "0002_content_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
