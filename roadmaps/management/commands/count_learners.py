from django.core.management.base import BaseCommand

from roadmaps.statistics import learner_statistics_count


class Command(BaseCommand):
    help = (
        "Count learners' progress for the admin's Learner statistics page. Run it on a "
        "schedule (hourly, see docs/deploy.md); the page shows when it last ran."
    )

    def handle(self, *args, **options):
        statistics = learner_statistics_count()
        self.stdout.write(self.style.SUCCESS(str(statistics)))
