"""Events cannot be changed or deleted, also not by QuerySet.update(), .delete() or raw SQL.

On PostgreSQL a trigger refuses every UPDATE and DELETE of an event row, unless the
transaction has set `privacyportal.retention_purge` (requests_app.append_only, used by the
retention purge alone). Other databases keep the refusal in save() and delete() only.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION privacyportal_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('privacyportal.retention_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'Only the retention purge may change recorded events.';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER requestevent_append_only
BEFORE UPDATE OR DELETE ON requests_app_requestevent
FOR EACH ROW EXECUTE FUNCTION privacyportal_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the function body is sent as it is, its % signs included.
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS requestevent_append_only ON requests_app_requestevent"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS privacyportal_append_only()")


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0011_email_key")]

    operations = [migrations.RunPython(install, uninstall)]
