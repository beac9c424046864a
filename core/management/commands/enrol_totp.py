from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.totp import enrol


class Command(BaseCommand):
    help = "Give a staff user an authenticator (TOTP) device and print how to add it to an app."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(enrol(user))
