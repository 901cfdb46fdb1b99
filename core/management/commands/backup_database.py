import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

PG_HELP = (
    'PostgreSQL: use pg_dump --format=custom --file=careers.dump "$DATABASE_URL" '
    "(see docs/deploy.md)."
)


class Command(BaseCommand):
    help = "Copy the SQLite database while the site runs (SQLite's online backup)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder or .sqlite3 file.")

    def handle(self, *args, output: str, **options):
        if connection.vendor != "sqlite":
            raise CommandError(PG_HELP)
        target = Path(output)
        if target.suffix != ".sqlite3":
            target.mkdir(parents=True, exist_ok=True)
            target /= f"db-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            # A consistent snapshot even while workers write: SQLite copies page by page
            # and restarts if the source changes underneath it.
            connection.connection.backup(copy)
        copy.close()
        self.stdout.write(str(target))
