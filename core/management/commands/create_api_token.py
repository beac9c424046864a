from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken


class Command(BaseCommand):
    help = (
        "Print a new API token for USER, once: only its hash is kept. The token acts as the "
        "user, with the user's permissions; revoke it in the admin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", metavar="USER")
        parser.add_argument(
            "--read-only", action="store_true", help="the token may only read (GET, HEAD)"
        )
        parser.add_argument("--name", default="", help="what the token is for, in the admin")

    def handle(self, *args, username: str, read_only: bool, name: str, **options) -> None:
        users = get_user_model()._default_manager
        try:
            user = users.get_by_natural_key(username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user {username!r}.") from error
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive: a token would not work.")
        row, token = ApiToken.issue(user, name=name, read_only=read_only)
        # The token alone on stdout (TOKEN=$(manage.py create_api_token …)); the note aside.
        self.stdout.write(token)
        kind = "read-only token" if read_only else "token"
        self.stderr.write(
            f"Created a {kind} for {username} ({row.prefix}…). It is shown only this once; "
            "revoke it in the admin under API tokens."
        )
