"""The "Content editors" group's permissions, granted by each app's data migrations."""

from django.contrib.auth.management import create_permissions

CONTENT_EDITORS = "Content editors"


def _permissions(apps, app_label: str, models, codenames):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if models is not None:
        permissions = permissions.filter(content_type__model__in=models)
    if codenames is not None:
        permissions = permissions.filter(codename__in=codenames)
    return permissions


def grant_to_content_editors(apps, app_label: str, *, models=None, codenames=None) -> None:
    """Give the group an app's permissions (all, or for some models, or some codenames)."""
    # Permissions are normally created after all migrations; make this app's exist now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=CONTENT_EDITORS)
    group.permissions.add(*_permissions(apps, app_label, models, codenames))


def revoke_from_content_editors(apps, app_label: str, *, models=None, codenames=None) -> None:
    for group in apps.get_model("auth", "Group").objects.filter(name=CONTENT_EDITORS):
        group.permissions.remove(*_permissions(apps, app_label, models, codenames))
