"""The officer's own e-mail texts and their versions: officers write them, staff may look."""

import django.db.models.deletion
import django.utils.timezone
import requests_app.email_kinds
import requests_app.models.email_texts
from django.conf import settings
from django.db import migrations, models


def grant_email_text_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("requests_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    texts = Permission.objects.filter(
        content_type__app_label="requests_app",
        content_type__model__in=["emailtext", "emailtextversion"],
    )
    officers, _ = Group.objects.get_or_create(name="Privacy officers")
    officers.permissions.add(*texts.exclude(content_type__model="emailtextversion"))
    officers.permissions.add(*texts.filter(codename="view_emailtextversion"))
    staff, _ = Group.objects.get_or_create(name="Privacy staff")
    staff.permissions.add(*texts.filter(codename__startswith="view_"))


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0020_officer_digest'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EmailText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=requests_app.email_kinds.choices, max_length=40, verbose_name='e-mail')),
                ('language', models.CharField(choices=requests_app.models.email_texts.languages, max_length=10, verbose_name='language')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('text', models.TextField(max_length=20000, verbose_name='text')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
            ],
            options={
                'verbose_name': 'e-mail text',
                'verbose_name_plural': 'e-mail texts',
                'ordering': ['kind', 'language'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'language'), name='email_text_kind_language_key', violation_error_message='This e-mail has a text in this language already: change that one.')],
            },
        ),
        migrations.CreateModel(
            name='EmailTextVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='e-mail')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('text', models.TextField(verbose_name='text')),
                ('change', models.CharField(choices=[('saved', 'saved'), ('deleted', 'deleted: the files were sent again')], max_length=10, verbose_name='change')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'version of an e-mail text',
                'verbose_name_plural': 'versions of e-mail texts',
                'ordering': ['-changed_at', '-id'],
                'indexes': [models.Index(fields=['kind', 'language', '-changed_at'], name='email_text_version_idx')],
            },
        ),
        migrations.RunPython(grant_email_text_permissions, migrations.RunPython.noop),
    ]
