from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Refuse a production start whose settings are not safe: with DEBUG off, any warning "
        "of `check --deploy` stops it, naming the setting."
    )

    def handle(self, *args, **options) -> None:
        if settings.DEBUG:
            self.stdout.write("DEBUG is on: a local run, not a production start.")
            return
        # Raises SystemCheckError (a CommandError: exit status 1) listing every warning, each
        # naming its setting: SECRET_KEY (security.W009, privacyportal.W002), REDIS_URL
        # (privacyportal.W001), and the rest of Django's deploy checks.
        call_command("check", deploy=True, fail_level="WARNING")
        self.stdout.write("Settings are fit for a production start.")
