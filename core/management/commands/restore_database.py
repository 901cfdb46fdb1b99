import sqlite3
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.management.commands.backup_database import PG_HELP

# A database another process is writing to would keep the restore waiting for ever.
LOCK_WAIT_SECONDS = 10


class DatabaseBusy(Exception):
    pass


class Command(BaseCommand):
    help = "Replace the SQLite database with a backup. Stop the site first."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A file written by backup_database.")

    def handle(self, *args, backup: str, **options):
        if connection.vendor != "sqlite":
            raise CommandError(PG_HELP.replace("pg_dump --format=custom --file=", "pg_restore "))
        source_path = Path(backup)
        if not source_path.is_file():
            raise CommandError(f"No backup at {source_path}.")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS

        def give_up_when_locked(status, remaining, total):
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and (
                time.monotonic() > deadline
            ):
                raise DatabaseBusy

        with sqlite3.connect(f"file:{source_path}?mode=ro", uri=True) as source:
            source.execute("PRAGMA quick_check")
            connection.ensure_connection()
            try:
                source.backup(connection.connection, progress=give_up_when_locked)
            except DatabaseBusy:
                raise CommandError(
                    "The database is in use: stop the site, then restore again."
                ) from None
        source.close()
        self.stdout.write(f"Restored {source_path}.")
