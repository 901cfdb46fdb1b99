"""Create the "Content editors" group: staff who edit content but not users or permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editors"


def grant_content_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make this app's exist now.
    app_config = apps.get_app_config("careers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="careers"))


def revoke_content_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="careers"))


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_content_permissions, revoke_content_permissions)]
