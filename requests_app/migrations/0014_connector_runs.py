"""Connector runs and their parts, the register's automated decisions, and who may run them:
officers everything (run_connectors among it), staff may look at runs."""

import django.db.models.deletion
import django.utils.timezone
import requests_app.models.events
from django.conf import settings
from django.db import migrations, models


def grant_run_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("requests_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    runs = Permission.objects.filter(
        content_type__app_label="requests_app", content_type__model__in=["systemrun", "runpart"]
    )
    officers, _ = Group.objects.get_or_create(name="Privacy officers")
    officers.permissions.add(*runs)
    staff, _ = Group.objects.get_or_create(name="Privacy staff")
    staff.permissions.add(*runs.filter(codename__startswith="view_"))


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0013_datasystem_connectors'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='datasystem',
            name='automated_decisions',
            field=models.TextField(blank=True, help_text='Any decision about a person made by automated means alone, profiling included, and its logic; empty when there is none.', verbose_name='automated decisions'),
        ),
        migrations.AlterField(
            model_name='requestevent',
            name='kind',
            field=models.CharField(choices=[('filed', 'Request received'), ('email_confirmed', 'E-mail address confirmed'), ('message_from_requester', 'Message from the requester'), ('message_from_team', 'Message from the privacy team'), ('links_sent', 'New private links sent by e-mail'), ('withdrawn', 'Request withdrawn by the requester'), ('wait_started', 'The privacy team asked the requester for information'), ('wait_ended', 'The requester answered'), ('extended', 'Time to answer extended'), ('due_date_moved', 'Due date moved'), ('answered', 'Answered'), ('started', 'Work on the request started'), ('assigned', 'Assigned'), ('refused', 'Refused'), ('closed', 'Closed'), ('viewed', 'Viewed by staff'), ('identity_checked', 'Identity checked'), ('task_done', "A system's task was done"), ('file_downloaded', 'A file of the answer was downloaded'), ('purged', 'Personal data removed after the retention period'), ('escalated', 'Escalated to a recourse body'), ('lapsed', 'Lapsed: the e-mail address was not confirmed in time'), ('reminder_sent', 'Reminder sent'), ('run_started', 'The systems holding the data were asked'), ('data_collected', 'Data collected from a system'), ('data_erased', 'Data erased in a system'), ('erasure_counted', 'What erasure would change was counted'), ('system_failed', 'A system could not be reached'), ('package_built', 'The copy of the data was prepared')], max_length=40, verbose_name='what'),
        ),
        migrations.CreateModel(
            name='SystemRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('access', 'access: collect the data'), ('erasure', 'erasure')], max_length=10, verbose_name='action')),
                ('dry_run', models.BooleanField(default=False, help_text='Counts what erasure would change; changes nothing.', verbose_name='dry run')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                ('package', models.FileField(blank=True, storage=requests_app.models.events.private_storage, upload_to='packages/%Y/%m/', verbose_name='answer package')),
                ('package_built_at', models.DateTimeField(blank=True, null=True, verbose_name='package built')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='runs', to='requests_app.privacyrequest')),
                ('started_by', models.ForeignKey(blank=True, help_text='Empty when started from the command line.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'connector run',
                'verbose_name_plural': 'connector runs',
                'ordering': ['-started_at', '-id'],
                'permissions': [('run_connectors', 'Can run connectors on a request')],
            },
        ),
        migrations.CreateModel(
            name='RunPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('pending', 'queued'), ('waiting', 'waiting'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='state')),
                ('waiting_for', models.CharField(blank=True, choices=[('', 'nothing'), ('identity', 'an identity check'), ('callback', "the system's answer"), ('reply', "the processor's reply")], max_length=10, verbose_name='waiting for')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('rows', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='rows')),
                ('counts', models.JSONField(blank=True, default=list, verbose_name='counts per table')),
                ('preview', models.JSONField(blank=True, default=dict)),
                ('result_path', models.CharField(blank=True, max_length=300)),
                ('error', models.TextField(blank=True, verbose_name='last error')),
                ('callback_hash', models.CharField(blank=True, db_index=True, max_length=64)),
                ('reply', models.TextField(blank=True, verbose_name='reply')),
                ('files', models.JSONField(blank=True, default=list)),
                ('reminded_at', models.DateTimeField(blank=True, null=True)),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='run_parts', to='requests_app.datasystem')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='requests_app.systemrun')),
            ],
            options={
                'verbose_name': "system's part of a run",
                'verbose_name_plural': "systems' parts of runs",
                'ordering': ['run', 'system__name'],
                'indexes': [models.Index(condition=models.Q(('state__in', ['pending', 'running'])), fields=['next_attempt_at'], name='runpart_due_idx')],
                'constraints': [models.UniqueConstraint(fields=('run', 'system'), name='one_part_per_system')],
            },
        ),
        migrations.RunPython(grant_run_permissions, migrations.RunPython.noop),
    ]
