import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make sure a privacy officer account exists and print how to log in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="officer")

    def handle(self, *args, username: str, **options) -> None:
        users = get_user_model().objects
        admin_url = f"{settings.SITE_URL}/admin/"
        officers = list(
            users.filter(is_superuser=True, is_active=True).values_list("username", flat=True)
        )
        if officers:
            self.stdout.write(
                f"Officer accounts: {', '.join(officers)}. Log in at {admin_url}\n"
                "Forgot the password? python manage.py changepassword <username>"
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username, email=settings.PRIVACY_OFFICER_EMAIL, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Created the officer account {username!r}.")
            + f"\nLog in at {admin_url} as {username} with the password {password}\n"
            "It is shown only this once; change it with: python manage.py changepassword "
            f"{username}"
        )
