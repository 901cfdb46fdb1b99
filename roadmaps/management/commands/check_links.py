import logging

from django.core.management.base import BaseCommand, CommandError

from roadmaps.links import links_check


class Command(BaseCommand):
    help = (
        "Check every learning resource's link and record whether it works. Learners see a "
        "broken link as text with a note; editors find broken and stale links in the admin. "
        "Run it weekly (see docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-days",
            type=int,
            default=None,
            help="Only links not checked for this many days (and new or changed addresses).",
        )
        parser.add_argument(
            "--concurrency", type=int, default=8, help="Links checked at once (default 8)."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            help="Seconds a link may take, redirects included (default 10).",
        )
        parser.add_argument(
            "--allow-private-addresses",
            action="store_true",
            help="Also check addresses on this machine or private networks (refused by "
            "default: learning resources are public pages).",
        )

    def handle(self, *args, stale_days, concurrency, timeout, allow_private_addresses, **options):
        if not 1 <= concurrency <= 64:
            raise CommandError("--concurrency must be between 1 and 64.")
        if not 0 < timeout <= 120:
            raise CommandError("--timeout must be more than 0 and at most 120 seconds.")
        if stale_days is not None and stale_days < 0:
            raise CommandError("--stale-days must be 0 or more.")
        if options["verbosity"] < 2:  # httpx logs every request at INFO
            logging.getLogger("httpx").setLevel(logging.WARNING)
        summary = links_check(
            stale_days=stale_days,
            concurrency=concurrency,
            timeout=timeout,
            allow_private=allow_private_addresses,
        )
        for resource in summary.broken:
            self.stdout.write(f"Broken: {resource.title} <{resource.url}>: {resource.link_problem}")
        self.stdout.write(self.style.SUCCESS(str(summary)))
