"""What every app shares: whether content is published, and the content version that keys
every cache."""

from django.db import models


class ContentStatus(models.TextChoices):
    DRAFT = "draft", "Draft (editors only)"
    PUBLISHED = "published", "Published"


def can_preview_drafts(user) -> bool:
    """Editors see drafts on the public pages (with a banner); learners never do."""
    return user.is_authenticated and user.is_staff and user.has_perm("careers.change_role")


class ContentVersion(models.Model):
    """A counter bumped whenever content changes. Cached pages are keyed by it, so every
    worker and every server stops serving a page the moment its content changes."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Content version {self.number}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
