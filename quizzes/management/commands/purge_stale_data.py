from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes.models import Sitting

ABANDONED_AFTER_DAYS = 14  # as long as a session lasts by default


class Command(BaseCommand):
    help = (
        "Delete quiz sittings that anonymous visitors started and left unfinished more than "
        "--days ago, and expired sessions. Learners' sittings are never touched. Safe to run "
        "again at any time; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=ABANDONED_AFTER_DAYS,
            help="Delete anonymous unfinished sittings started more than this many days ago "
            f"(default {ABANDONED_AFTER_DAYS}).",
        )
        parser.add_argument(
            "--finished-days",
            type=int,
            help="Also delete anonymous finished sittings started more than this many days ago "
            "(default: keep them, so a visitor can still sign up and keep the result).",
        )

    def handle(self, *, days: int, finished_days: int | None, **options):
        if days < 1 or (finished_days is not None and finished_days < 1):
            raise CommandError("--days and --finished-days must be at least 1.")
        now = timezone.now()
        anonymous = Sitting.objects.anonymous()
        stale = anonymous.unfinished().filter(created_at__lt=now - timedelta(days=days))
        deleted = stale.delete()[1].get(Sitting._meta.label, 0)
        self.stdout.write(
            f"Deleted {deleted} anonymous unfinished quiz sitting(s) older than {days} day(s)."
        )
        if finished_days is not None:
            old = anonymous.finished().filter(created_at__lt=now - timedelta(days=finished_days))
            deleted = old.delete()[1].get(Sitting._meta.label, 0)
            self.stdout.write(
                f"Deleted {deleted} anonymous finished quiz sitting(s) older than "
                f"{finished_days} day(s)."
            )
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if hasattr(store, "get_model_class"):  # sessions kept in the database
            expired = store.get_model_class().objects.filter(expire_date__lt=now).count()
            call_command("clearsessions")
            self.stdout.write(f"Deleted {expired} expired session(s).")
        else:
            call_command("clearsessions")
            self.stdout.write("Cleared expired sessions.")
