"""The recourse bodies of the DPF ladder (docs/RULES.md section 4); officers edit them in the admin."""

from django.db import migrations

BODIES = [
    {
        "slug": "jams",
        "name": "JAMS",
        "kind": "irm",
        "is_default": True,
        "claim_url": "https://www.jamsadr.com/dpf-dispute-resolution",
        "answer_days": 30,
    },
    {
        "slug": "eu-dpa-panel",
        "name": "EU Data Protection Authorities panel",
        "kind": "dpa",
        "employment_countries": "eea",
        "claim_url": "https://www.edpb.europa.eu/about-edpb/who-we-are/eu-us-data-privacy-framework_en",
        "answer_days": 30,
    },
    {
        "slug": "ico",
        "name": "Information Commissioner's Office (ICO)",
        "kind": "dpa",
        "employment_countries": "GB",
        "claim_url": "https://ico.org.uk/make-a-complaint/",
        "answer_days": 30,
    },
    {
        "slug": "fdpic",
        "name": "Federal Data Protection and Information Commissioner (FDPIC)",
        "kind": "dpa",
        "employment_countries": "CH",
        "claim_url": "https://www.edoeb.admin.ch/",
        "answer_days": 30,
    },
    {
        "slug": "icdr-aaa",
        "name": "ICDR-AAA (Annex I binding arbitration)",
        "kind": "arbitration",
        "claim_url": "https://www.adr.org/",
        "answer_days": 30,
    },
]


def seed(apps, schema_editor):
    RecourseBody = apps.get_model("disputes_app", "RecourseBody")
    for body in BODIES:
        RecourseBody.objects.get_or_create(slug=body["slug"], defaults=body)


class Migration(migrations.Migration):
    dependencies = [("disputes_app", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
