from pathlib import Path

import reversion
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.content import CONTENT_FILES, CONTENT_MODELS
from core.models import ContentVersion


class Command(BaseCommand):
    help = (
        "Load the site's content from fixtures/ into an empty database. A database that "
        "already has content is left alone, so editors' changes are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when content exists: rows with the same natural keys are "
            "overwritten by the files' versions; learners' data is never touched.",
        )

    def handle(self, *args, force: bool, verbosity: int, **options):
        if not force and _has_content():
            self.stdout.write("Content already loaded; leaving editors' changes alone.")
            return
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        for name in CONTENT_FILES:
            call_command("loaddata", fixtures_dir / name, verbosity=verbosity)
        # loaddata saves rows "raw", without the signals that refresh cached pages.
        ContentVersion.bump()
        record_loaded_versions()
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(CONTENT_FILES)} content file(s)."))


def record_loaded_versions() -> None:
    """A version of every content object as loaded, each in a revision of its own, so an
    editor can undo even the first change to it (and undoing one object leaves the others)."""
    with transaction.atomic():
        for label in CONTENT_MODELS:
            model = apps.get_model(label)
            if not reversion.is_registered(model):
                continue
            for obj in model._base_manager.iterator():
                with reversion.create_revision(atomic=False):
                    reversion.set_comment("Loaded from the content files.")
                    reversion.add_to_revision(obj)


def _has_content() -> bool:
    """Whether content was loaded: every page needs the roles, so a database without any
    has not been (other content rows may exist, such as those data migrations create)."""
    return apps.get_model("careers", "Role")._base_manager.exists()
