"""Totals across learners for editors: never one learner's rows, and never counted while a
page waits (see LearnerStatistics)."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from careers.models import Skill
from roadmaps.models import LearnerStatistics, Progress, Roadmap, Status


def learner_statistics_count() -> LearnerStatistics:
    """Count learners' progress in aggregate queries and keep the result as the latest
    statistics, replacing older ones."""
    counted_at = timezone.now()
    roadmaps = Roadmap.objects.select_related("role").annotate(
        learners=Count("levels__steps__skill__progress__user", distinct=True)
    )
    skills = (
        Skill.objects.annotate(
            done=Count("progress", filter=Q(progress__status=Status.DONE)),
            learning=Count("progress", filter=Q(progress__status=Status.LEARNING)),
        )
        .filter(Q(done__gt=0) | Q(learning__gt=0))
        .order_by("-done", "-learning", "name")[:15]
    )
    statuses = dict(Progress.objects.values_list("status").annotate(count=Count("pk")))
    figures = {
        "with_progress": Progress.objects.values("user").distinct().count(),
        "statuses": [
            {"label": status.label, "count": statuses[status]}
            for status in Status
            if status in statuses
        ],
        "roadmaps": [{"name": r.role.name, "learners": r.learners} for r in roadmaps],
        "skills": [{"name": s.name, "done": s.done, "learning": s.learning} for s in skills],
    }
    with transaction.atomic():
        LearnerStatistics.objects.all().delete()
        return LearnerStatistics.objects.create(counted_at=counted_at, figures=figures)
