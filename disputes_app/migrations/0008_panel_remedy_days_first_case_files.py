"""The EU DPA panel's 25 days to comply with its advice, and each existing dispute's case file
as its version 1."""

from django.db import migrations


def forwards(apps, schema_editor):
    RecourseBody = apps.get_model("disputes_app", "RecourseBody")
    Dispute = apps.get_model("disputes_app", "Dispute")
    CaseFile = apps.get_model("disputes_app", "CaseFile")
    RecourseBody.objects.filter(slug="eu-dpa-panel", remedy_days=0).update(remedy_days=25)
    for dispute in Dispute.objects.exclude(case_file_json="").iterator():
        CaseFile.objects.get_or_create(
            dispute=dispute,
            version=1,
            defaults={
                "pdf": dispute.case_file_pdf.name,
                "json": dispute.case_file_json.name,
                "created_at": dispute.filed_at,
                "sent_to_body": bool(dispute.body.contact_email),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("disputes_app", "0007_body_deadlines_case_file_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
