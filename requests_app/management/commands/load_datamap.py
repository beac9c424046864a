import argparse
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.connectors import checks, datamap
from requests_app.models import DataSystem


class Command(BaseCommand):
    help = (
        "Load the data map (docs/CONNECTORS.md): create or update the register's systems from "
        "FILE. Each database system whose URL variable is set is first checked against its "
        "database. A file with a problem changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the data map, a YAML file")
        parser.add_argument(
            "--check",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="check each database system's tables and columns first (default: on)",
        )

    def handle(self, *args, file: str, check: bool, **options) -> None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        try:
            specs = datamap.parse(text)
        except datamap.DatamapError as error:
            for line, message in error.problems:
                self.stderr.write(f"{file}:{line}: {message}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in {file}; nothing was loaded"
            ) from None
        self.check_systems(file, specs, schemas=check)
        self.report(datamap.load(specs))

    def check_systems(self, file: str, specs: list[datamap.SystemSpec], *, schemas: bool) -> None:
        """Warn of each unset variable; check each database whose URL is set, refuse if wrong."""
        found = 0
        for system in specs:
            if system.kind == DataSystem.Connector.DATABASE:
                url = os.environ.get(system.url_env)
                if not url:
                    self.warn(file, system, f"not checked: {system.url_env} is not set")
                elif schemas:
                    for problem in checks.check_database(url, system.tables):
                        self.stderr.write(f"{file}: {system.name}: {problem}")
                        found += 1
            elif system.secret_env and not os.environ.get(system.secret_env):
                self.warn(file, system, f"{system.secret_env} is not set")
        if found:
            raise CommandError(
                f"{found} problem(s) between {file} and the databases; nothing was loaded"
            )

    def warn(self, file: str, system: datamap.SystemSpec, message: str) -> None:
        self.stderr.write(f"{file}: {system.name}: {message}", self.style.WARNING)

    def report(self, result: datamap.LoadResult) -> None:
        for item in result.loaded:
            self.stdout.write(f"{item.outcome} {item.system.name} ({item.system.connector})")
        for system in result.not_in_file:
            self.stdout.write(f"not in the file, left as it is: {system.name} ({system.connector})")
        self.stdout.write(
            f"loaded {len(result.loaded)} systems: {result.count('created')} created, "
            f"{result.count('updated')} updated, {result.count('unchanged')} unchanged; "
            f"{len(result.not_in_file)} not in the file"
        )
