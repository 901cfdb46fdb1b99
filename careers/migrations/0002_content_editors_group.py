"""Create the "Content editors" group: staff who edit content but not users or permissions."""

from django.db import migrations

from core.permissions import grant_to_content_editors, revoke_from_content_editors


def grant(apps, schema_editor):
    grant_to_content_editors(apps, "careers")


def revoke(apps, schema_editor):
    revoke_from_content_editors(apps, "careers")


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
