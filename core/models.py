"""What every app shares: natural keys for content, whether content is published, and the
versions that key every cache: the content's and each learner's."""

from functools import reduce

from django.conf import settings
from django.db import connection, models, transaction


class NaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        fields = self.model.natural_key_fields
        return self.get(**dict(zip(fields, key, strict=True)))


NaturalKeyManager = models.Manager.from_queryset(NaturalKeyQuerySet)


class NaturalKeyModel(models.Model):
    """Content that fixtures name by a natural key rather than a primary key, so they load
    repeatably. `natural_key_fields` are lookups: a slug, or a parent's key plus a position
    (`("quiz__slug", "position")`). A model with its own queryset makes it a
    `NaturalKeyQuerySet`; one that refers to other models sets `natural_key_after(…)`."""

    natural_key_fields: tuple[str, ...] = ("slug",)

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple:
        return tuple(reduce(getattr, field.split("__"), self) for field in self.natural_key_fields)


def natural_key_after(*labels: str):
    """A model's `natural_key` when it refers to other models (`"careers.role"`): export
    writes those first, so a fixture loads in one pass."""

    def natural_key(self) -> tuple:
        return NaturalKeyModel.natural_key(self)

    natural_key.dependencies = list(labels)
    return natural_key


class ContentStatus(models.TextChoices):
    DRAFT = "draft", "Draft (editors only)"
    PUBLISHED = "published", "Published"


def can_preview_drafts(user, permission: str = "careers.change_role") -> bool:
    """Editors see drafts on the public pages (with a banner); learners never do."""
    return user.is_authenticated and user.is_staff and user.has_perm(permission)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ContentStatus.PUBLISHED)

    def visible_to(self, user):
        """Everything for an editor who may preview drafts; published content for the rest."""
        return self if self.model.shows_drafts_to(user) else self.published()


class Publishable(models.Model):
    """Content an editor can keep as a draft, and review now and then."""

    # Who previews drafts on the site. Cached pages are keyed by the default permission
    # (core.cache), so content shown on cached pages must keep it.
    preview_permission = "careers.change_role"

    status = models.CharField(
        max_length=10,
        choices=ContentStatus,
        default=ContentStatus.PUBLISHED,
        help_text="Drafts are hidden from learners; editors preview them on the site.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When an editor last checked it against the field."
    )

    class Meta:
        abstract = True

    @classmethod
    def shows_drafts_to(cls, user) -> bool:
        return can_preview_drafts(user, cls.preview_permission)

    @property
    def is_draft(self) -> bool:
        return self.status == ContentStatus.DRAFT


class ContentVersion(models.Model):
    """A counter bumped whenever content changes. Cached pages are keyed by it, so every
    worker and every server stops serving a page the moment its content changes."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Content version {self.number}"

    @classmethod
    def current(cls) -> int:
        # Read by every request, cached page or not: plain SQL costs a tenth of building
        # the same one-row query with the ORM (15 µs against 130 µs on SQLite).
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})


class LearnerVersion(models.Model):
    """A counter per learner, bumped whenever their data changes (core.cache says how).
    Their own pages are cached under it, so no worker serves one the moment it is stale."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Learner version {self.number}"

    @classmethod
    def current(cls, user_id: int) -> int | None:
        """None for an account made before versions existed, until `start`."""
        return cls.current_with_content(user_id)[0]

    @classmethod
    def current_with_content(cls, user_id: int) -> tuple[int | None, int]:
        """The learner's version and the content version, in one query: a kept page is
        answered after this one and the session's and user's."""
        learners = connection.ops.quote_name(cls._meta.db_table)
        contents = connection.ops.quote_name(ContentVersion._meta.db_table)
        with connection.cursor() as cursor:  # plain SQL, as ContentVersion.current
            cursor.execute(
                f"SELECT (SELECT number FROM {learners} WHERE user_id = %s),"
                f" (SELECT number FROM {contents} WHERE id = 1)",
                [user_id],
            )
            learner, content = cursor.fetchone()
        return learner, content or 0

    @classmethod
    def start(cls, user_id: int) -> None:
        cls.objects.get_or_create(user_id=user_id)

    @classmethod
    def bump(cls, user_id: int) -> None:
        # An update only: a learner without a row has no cached page to outdate, and a deleted
        # one (whose rows cascade) must not get one back. Plain SQL: every change pays for it.
        with connection.cursor() as cursor:
            cursor.execute(cls.bump_sql(), [user_id])

    @classmethod
    def bump_sql(cls) -> str:
        table = connection.ops.quote_name(cls._meta.db_table)
        return f"UPDATE {table} SET number = number + 1 WHERE user_id = %s"

    @classmethod
    def bump_with(
        cls, user_id: int, update: str, params: list, *, then: tuple[str, list]
    ) -> tuple[bool, list[tuple]]:
        """Run `update` (one plain UPDATE of the learner's rows) and, if it changed a row, bump
        their version in the same transaction; then run the query `then` (SQL and parameters;
        none of its rows all NULL). Whether a row changed, and the query's rows.

        PostgreSQL runs all of it as one statement: one round trip and one commit, where a
        transaction of two statements takes four (BEGIN, both, COMMIT), each costing the worker
        as much CPU as a statement. There `then` reads the rows as they were before the change
        (the parts of one statement share its snapshot) where SQLite's reads them after: the
        caller puts its change on top of what it reads. The rows are updated before the
        version, as every other write of a learner's is, so two such writes never deadlock,
        each holding a lock the other waits for."""
        read, read_params = then
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The count on a row of its own, joined to the query's: there even if it has none.
                cursor.execute(
                    f"WITH changed AS ({update} RETURNING 1){cls._bumped_after_changes()}"
                    " SELECT counted.number, read.* FROM"
                    " (SELECT count(*) AS number FROM changed) AS counted"
                    f" LEFT JOIN ({read}) AS read ON TRUE",
                    [*params, user_id, *read_params],
                )
                rows = cursor.fetchall()
                read_rows = [row[1:] for row in rows if any(v is not None for v in row[1:])]
                return rows[0][0] > 0, read_rows
            with transaction.atomic(using=connection.alias):
                cursor.execute(update, params)
                changed = cursor.rowcount > 0
                if changed:
                    cursor.execute(cls.bump_sql(), [user_id])
                cursor.execute(read, read_params)
                return changed, cursor.fetchall()

    @classmethod
    def bumped_by(cls, sql: str, params) -> int | None:
        """The learner whose version the statement `sql` bumps, or None if it bumps none."""
        if sql == cls.bump_sql():
            return params[0]
        bump = cls._bumped_after_changes()
        if bump in sql:
            # The learner is the bump's one parameter, after those of the statement before it.
            return params[sql[: sql.index(bump)].count("%s")]
        return None

    @classmethod
    def _bumped_after_changes(cls) -> str:
        # The version is bumped only once `changed` has run: its rows are locked first.
        return f", bumped AS ({cls.bump_sql()} AND EXISTS (SELECT FROM changed))"
