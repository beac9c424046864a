from django.core.management.base import BaseCommand

from requests_app import reminders


class Command(BaseCommand):
    help = (
        "Run the reminder sweep once (the code the beat schedule runs). Prints one line per "
        "e-mail queued: <reference> <kind> <recipient>."
    )

    def handle(self, *args, **options) -> None:
        for line in reminders.sweep_all():
            self.stdout.write(str(line))
