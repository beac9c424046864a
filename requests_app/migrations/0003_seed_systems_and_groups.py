"""The organisation's systems and subprocessors from its notice, and the two staff groups."""

from django.conf import settings
from django.db import migrations

# What staff may add and change: the work on requests, not the settings (the system register).
WORK_MODELS = {"privacyrequest", "message", "outboxemail", "systemtask", "identitycheck"}


def staff_may(codename: str) -> bool:
    action, model = codename.split("_", 1)
    if action == "view":
        return True
    return action != "delete" and model in WORK_MODELS


def seed_systems(apps, schema_editor):
    DataSystem = apps.get_model("requests_app", "DataSystem")
    for site in settings.ORGANISATION_WEBSITES:
        DataSystem.objects.get_or_create(
            name=site,
            defaults={"kind": "website", "holds": "Name, e-mail address, messages, IP address"},
        )
    for name in settings.ORGANISATION_SUBPROCESSORS:
        DataSystem.objects.get_or_create(
            name=name, defaults={"kind": "subprocessor", "holds": "Order and account data"}
        )


def create_groups(apps, schema_editor):
    """Officers may do everything; staff work requests but change no settings, delete nothing."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    seed_groups(apps, schema_editor)


def seed_groups(apps, schema_editor):
    """The two groups and their permissions, once the permissions exist."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="requests_app")
    officers, _ = Group.objects.get_or_create(name="Privacy officers")
    officers.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["requests_app", "auth"])
    )
    staff, _ = Group.objects.get_or_create(name="Privacy staff")
    staff.permissions.set([p for p in ours if staff_may(p.codename)])


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0002_back_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_systems, migrations.RunPython.noop),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
