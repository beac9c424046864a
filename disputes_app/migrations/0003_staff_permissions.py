"""Officers may do everything with disputes; staff record their steps but change no body."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_dispute_permissions(apps, schema_editor)


def grant_dispute_permissions(apps, schema_editor):
    """The staff groups' share of the dispute permissions, once the permissions exist."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="disputes_app")
    officers, _ = Group.objects.get_or_create(name="Privacy officers")
    officers.permissions.add(*ours)
    staff, _ = Group.objects.get_or_create(name="Privacy staff")
    staff.permissions.add(
        *[p for p in ours if p.codename.startswith("view_") or p.codename == "change_dispute"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes_app", "0002_seed_recourse_bodies"),
        ("requests_app", "0003_seed_systems_and_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
