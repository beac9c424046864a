from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from requests_app import ratelimit


class Command(BaseCommand):
    help = "Refuse a production start whose settings are not safe; name the variable to set."

    def handle(self, *args, **options) -> None:
        if settings.DEBUG:
            self.stdout.write("DEBUG is on: a local run, not a production start.")
            return
        key = settings.SECRET_KEY
        if not key or key == settings.INSECURE_SECRET_KEY or len(key) < 50:
            raise CommandError(
                "SECRET_KEY is missing or the local default. Set SECRET_KEY to a long random "
                "value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
        if not ratelimit.counted_in_one_place():
            raise CommandError(
                "The rate limits count in a cache of each process's own, so every web "
                "process lets the whole limit through. Set REDIS_URL to a Redis every "
                "process shares (redis://host:6379/0)."
            )
        self.stdout.write("Settings are fit for a production start.")
