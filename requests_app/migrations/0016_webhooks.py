"""Outbound webhooks: endpoints and their deliveries; officers manage them."""

import django.db.models.deletion
import django.utils.timezone
import requests_app.models.webhooks
from django.db import migrations, models


def grant_to_officers(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("requests_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    officers, _ = Group.objects.get_or_create(name="Privacy officers")
    officers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="requests_app",
            content_type__model__in=["webhookendpoint", "webhookdelivery"],
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0015_received_id_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500, verbose_name='address')),
                ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                ('events', models.JSONField(default=list, help_text='What this endpoint is told of.', verbose_name='events')),
                ('secret', models.CharField(default=requests_app.models.webhooks.new_secret, editable=False, help_text="The receiver verifies each delivery's signature with it.", max_length=100, verbose_name='signing secret')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
            ],
            options={
                'verbose_name': 'webhook endpoint',
                'verbose_name_plural': 'webhook endpoints',
                'ordering': ['url'],
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=40, verbose_name='event')),
                ('payload', models.JSONField()),
                ('message_id', models.CharField(default=requests_app.models.webhooks.new_message_id, max_length=40, unique=True)),
                ('state', models.CharField(choices=[('pending', 'waiting to be sent'), ('sending', 'being sent'), ('delivered', 'delivered'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='state')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='answer')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered')),
                ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='requests_app.webhookendpoint')),
            ],
            options={
                'verbose_name': 'webhook delivery',
                'verbose_name_plural': 'webhook deliveries',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('state__in', ['pending', 'sending'])), fields=['next_attempt_at'], name='webhook_due_idx')],
            },
        ),
        migrations.RunPython(grant_to_officers, migrations.RunPython.noop),
    ]
