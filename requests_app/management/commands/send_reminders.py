from django.core.management.base import BaseCommand

from requests_app import reminders


class Command(BaseCommand):
    help = (
        "Run the reminder sweep once (the code the beat schedule runs), the officers' daily "
        "digests with it. Prints one line per e-mail queued: <reference> <kind> <recipient>, "
        "a digest's with its day for a reference."
    )

    def handle(self, *args, **options) -> None:
        for line in reminders.sweep_all():
            self.stdout.write(str(line))
