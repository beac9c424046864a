from django.core.management.base import BaseCommand

from requests_app import retention


class Command(BaseCommand):
    help = "Remove the personal data of requests closed longer than RETENTION_DAYS ago."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"purged {retention.purge_closed()} requests")
