"""Gibraltar's data protection authority, for complaints about employment data from there."""

from django.db import migrations

GRA = {
    "slug": "gra",
    "name": "Gibraltar Regulatory Authority (GRA)",
    "kind": "dpa",
    "employment_countries": "GI",
    "claim_url": "https://www.gra.gi/data-protection",
    "answer_days": 30,
}


def seed(apps, schema_editor):
    RecourseBody = apps.get_model("disputes_app", "RecourseBody")
    RecourseBody.objects.get_or_create(slug=GRA["slug"], defaults=GRA)


class Migration(migrations.Migration):
    dependencies = [("disputes_app", "0003_staff_permissions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
