from collections import defaultdict
from pathlib import Path

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, models, router, transaction
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from core.content import CONTENT_FILES, CONTENT_MODELS
from core.models import ContentVersion

LOADED_COMMENT = "Loaded from the content files."


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
    editor can undo even the first change to it (and undoing one object leaves the others).

    Each revision holds what `reversion.create_revision()` around `add_to_revision(obj)`
    records: the object and, recursively, the objects it follows (the inlines its admin
    registered). Written here in a few bulk inserts, from the content read once, where a
    revision at a time took several queries per object."""
    with transaction.atomic():
        content = _LoadedContent()
        revisions, versions = [], []
        for model in content.models:
            if not reversion.is_registered(model):
                continue
            for obj in content.rows[model]:
                revisions.append(Revision(date_created=timezone.now(), comment=LOADED_COMMENT))
                versions.append(content.versions_of(obj))
        if connection.features.can_return_rows_from_bulk_insert:
            Revision.objects.bulk_create(revisions)
        else:  # SQLite before 3.35 returns no ids from a bulk insert
            for revision in revisions:
                revision.save()
        for revision, its_versions in zip(revisions, versions, strict=True):
            for version in its_versions:
                version.revision = revision
        Version.objects.bulk_create([version for vs in versions for version in vs])


class _LoadedContent:
    """Every content row, read once, with each foreign key to other content pointing at the
    row read here: an object's text (`object_repr`) and the inlines it follows then cost no
    query."""

    def __init__(self):
        self.models = [apps.get_model(label) for label in CONTENT_MODELS]
        self.rows: dict[type, list] = {}
        for model in self.models:
            queryset = model._base_manager.all()
            many_to_many = [field.name for field in model._meta.local_many_to_many]
            self.rows[model] = list(queryset.prefetch_related(*many_to_many))
        by_pk = {model: {obj.pk: obj for obj in rows} for model, rows in self.rows.items()}
        # (model, foreign key's attname) -> {value: [rows pointing at it]}
        self.children: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
        for model, rows in self.rows.items():
            for field in model._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one):
                    continue
                targets = by_pk.get(field.related_model)
                for obj in rows:
                    value = getattr(obj, field.attname)
                    self.children[model, field.attname][value].append(obj)
                    target = targets.get(value) if targets is not None else None
                    if target is not None and field.target_field.primary_key:
                        field.set_cached_value(obj, target)

    def versions_of(self, obj) -> list[Version]:
        """What reversion's `add_to_revision(obj)` puts in a revision (its
        `_add_to_revision`): the object first, then what it follows, depth first, each
        object once."""
        found: dict[tuple, Version] = {}
        self._add(obj, found)
        return list(found.values())

    def _add(self, obj, found: dict) -> None:
        # How the model was registered (fields, follow, format). Reversion has no public
        # accessor; tests compare what is recorded here with reversion's own revisions.
        options = _get_options(type(obj))
        content_type = ContentType.objects.get_for_model(
            obj, for_concrete_model=options.for_concrete_model
        )
        object_id = str(getattr(obj, options.object_id_field))
        if (content_type, object_id) in found:
            return
        found[content_type, object_id] = Version(
            content_type=content_type,
            object_id=object_id,
            db=router.db_for_write(type(obj), instance=obj),
            format=options.format,
            serialized_data=serializers.serialize(
                options.format,
                (obj,),
                fields=options.fields,
                use_natural_foreign_keys=options.use_natural_foreign_keys,
            ),
            object_repr=str(obj),
        )
        for name in options.follow:
            for followed in self._followed(obj, name):
                self._add(followed, found)

    def _followed(self, obj, name: str) -> list:
        descriptor = getattr(type(obj), name, None)
        if type(descriptor) is ReverseManyToOneDescriptor:
            field = descriptor.field
            if field.model in self.rows:
                value = getattr(obj, field.target_field.attname)
                return self.children[field.model, field.attname].get(value, [])
        # Any other kind of relation, as reversion follows it.
        try:
            related = getattr(obj, name)
        except models.ObjectDoesNotExist:
            return []
        if isinstance(related, models.Model):
            return [related]
        if isinstance(related, models.Manager | models.QuerySet):
            return list(related.all())
        return []


def _has_content() -> bool:
    """Whether content was loaded: every page needs the roles, so a database without any
    has not been (other content rows may exist, such as those data migrations create)."""
    return apps.get_model("careers", "Role")._base_manager.exists()
