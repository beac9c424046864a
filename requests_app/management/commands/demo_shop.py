"""`manage.py demo_shop`: the demo shop database and its data map, for `make run`.

Creates the SQLite shop that DEMO_SHOP_DATABASE_URL names (var/demo-shop.sqlite3 under
`make run`) when it does not exist yet, and loads its map (requests_app/connectors/
demo_datamap.yaml) through load_datamap, so that a newcomer can file a request as
demo@example.org, confirm it, run access and download the package without setting up
anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from sqlalchemy.engine import make_url

from requests_app.connectors.demo_shop import DEMO_MAP, create_demo_shop

VARIABLE = "DEMO_SHOP_DATABASE_URL"


class Command(BaseCommand):
    help = "Create the demo shop database (if missing) and load its data map."

    def handle(self, *args: Any, **options: Any) -> None:
        url = os.environ.get(VARIABLE, "")
        if not url:
            raise CommandError(f"{VARIABLE} is not set: it names the demo shop's SQLite file.")
        database = make_url(url).database
        if make_url(url).get_backend_name() != "sqlite" or not database:
            raise CommandError(
                f"{VARIABLE} must name a SQLite file (sqlite:////path/shop.sqlite3)."
            )
        path = Path(database)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            create_demo_shop(path)
            self.stdout.write(f"created the demo shop {path}")
        call_command("load_datamap", str(DEMO_MAP), stdout=self.stdout, stderr=self.stderr)
