"""Dispute events are append-only in the database too (see requests_app 0012)."""

from django.db import migrations

TRIGGER = """
CREATE TRIGGER disputeevent_append_only
BEFORE UPDATE OR DELETE ON disputes_app_disputeevent
FOR EACH ROW EXECUTE FUNCTION privacyportal_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS disputeevent_append_only ON disputes_app_disputeevent"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes_app", "0004_seed_gibraltar_authority"),
        ("requests_app", "0012_events_append_only_in_the_database"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
