import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand

from core.content import CONTENT_FILES


def serialize_content(filename: str) -> str:
    """One content file's JSON: natural keys only, in the order the models depend on."""
    models = [apps.get_model(label) for label in CONTENT_FILES[filename]]
    objects = (obj for model in models for obj in model._default_manager.order_by("pk"))
    data = json.loads(
        serializers.serialize(
            "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )
    # Fields a model keeps that are not content (a link's last check): left out.
    not_exported = {model._meta.label_lower: getattr(model, "not_exported", ()) for model in models}
    for item in data:
        for name in not_exported[item["model"]]:
            del item["fields"][name]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Write the current content (roles, skills, roadmaps, quizzes…) to fixtures/ in the "
        "natural-key format load_content reads, so editors' changes can be reviewed and "
        "committed. Learners' data is never included."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None, help="Folder to write to (default: the project's fixtures/)."
        )

    def handle(self, *args, output, **options):
        folder = Path(output) if output else Path(settings.BASE_DIR) / "fixtures"
        folder.mkdir(parents=True, exist_ok=True)
        for name in CONTENT_FILES:
            (folder / name).write_text(serialize_content(name), encoding="utf-8")
            self.stdout.write(f"Wrote {folder / name}")
