import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.totp import enrol


class Command(BaseCommand):
    help = "Make sure a privacy officer account exists and print how to log in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="officer")

    def handle(self, *args, username: str, **options) -> None:
        users = get_user_model().objects
        admin_url = f"{settings.SITE_URL}/admin/"
        officers = list(users.filter(is_superuser=True, is_active=True))
        if not officers:
            self.create(username, admin_url)
            return
        names = ", ".join(officer.get_username() for officer in officers)
        self.stdout.write(
            f"Officer accounts: {names}. Log in at {admin_url}\n"
            "Forgot the password? python manage.py changepassword <username>"
        )
        if settings.ADMIN_REQUIRE_2FA and not TOTPDevice.objects.filter(user__in=officers).exists():
            self.stdout.write("No authenticator yet? python manage.py enrol_totp <username>")

    def create(self, username: str, admin_url: str) -> None:
        password = secrets.token_urlsafe(12)
        officer = get_user_model().objects.create_superuser(
            username, email=settings.PRIVACY_OFFICER_EMAIL, password=password
        )
        officer.groups.add(Group.objects.get(name="Privacy officers"))
        self.stdout.write(
            self.style.SUCCESS(f"Created the officer account {username!r}.")
            + f"\nLog in at {admin_url} as {username} with the password {password}\n"
            "It is shown only this once; change it with: python manage.py changepassword "
            f"{username}"
        )
        if settings.ADMIN_REQUIRE_2FA:
            self.stdout.write(enrol(officer))
            self.stdout.write(f"A new authenticator: python manage.py enrol_totp {username}")
