import argparse
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.digest import digest_address, digest_recipients, digest_week, digests_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-30") from None


class Command(BaseCommand):
    help = (
        "Email this week's digest (next steps, this week's plan, last week's progress) to every "
        "learner who asked for it. A learner gets one per week (weeks start on Monday) however "
        "often this runs, and a digest that could not be sent is retried on the next run. Run "
        "it weekly, on one server (see docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get the digest; send and record nothing.",
        )
        parser.add_argument(
            "--today",
            type=_day,
            help="Act as if today were this date (YYYY-MM-DD), to test a week. "
            "Default: today in the site's time zone.",
        )

    def handle(self, *, dry_run: bool, today: date | None, **options):
        today = today or timezone.localdate()
        if dry_run:
            self._dry_run(today)
            return
        if not settings.SITE_URL:
            raise CommandError(
                "Set DJANGO_SITE_URL (e.g. http://localhost:8000) so the digest's links lead "
                "to the site."
            )
        run = digests_send(today=today)
        self.stdout.write(
            f"Week of {run.monday}: sent {run.sent} digest(s); skipped "
            f"{run.without_address} learner(s) without an email address and "
            f"{run.claimed_elsewhere} sent by another run meanwhile."
        )
        if run.failed:
            ids = ", ".join(map(str, run.failed))
            raise CommandError(
                f"{len(run.failed)} digest(s) could not be sent (user ids {ids}); the next run "
                "tries them again. The log has each error."
            )

    def _dry_run(self, today: date) -> None:
        monday = digest_week(today)
        count = 0
        for user in digest_recipients(monday):
            address = digest_address(user)
            if address is None:
                self.stdout.write(f"{user.get_username()}: no usable email address, skipped")
                continue
            count += 1
            self.stdout.write(f"{user.get_username()} <{address}>")
        self.stdout.write(f"Week of {monday}: would send {count} digest(s); sent nothing.")
