"""Let the "Content editors" group edit roadmaps, but not learners' progress or notes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editors"
CONTENT_MODELS = ["roadmap", "roadmaplevel", "roadmapstep", "project", "resource"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("roadmaps")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="roadmaps", content_type__model__in=CONTENT_MODELS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="roadmaps"))


class Migration(migrations.Migration):
    dependencies = [
        ("roadmaps", "0001_initial"),
        ("careers", "0002_content_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
