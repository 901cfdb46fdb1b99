"""Spaced review of what a learner marked done: when a skill comes up again, and where a
review's result moves it. The intervals are a setting (REVIEW_INTERVALS_DAYS: 3, 7, 16, 35 and
75 days), not content: editors can't change them. Dates are the site's local dates, so a
review falls due on the same calendar day whatever the hour or a daylight-saving change."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def local_date(moment: datetime | None = None) -> date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def first_review(today: date) -> date:
    """A skill just marked done comes up after the first interval."""
    return today + timedelta(days=settings.REVIEW_INTERVALS_DAYS[0])


def after_review(stage: int, *, passed: bool, today: date) -> tuple[int, date]:
    """(next stage, next due date): a pass moves to the next interval (the last one repeats),
    a failure back to the first."""
    intervals = settings.REVIEW_INTERVALS_DAYS
    stage = min(stage + 1, len(intervals) - 1) if passed else 0
    return stage, today + timedelta(days=intervals[stage])
