from django.core.management.base import BaseCommand

from notifications.sending import sweeper


class Command(BaseCommand):
    help = (
        "Start scheduled jobs whose time has come and resume stuck jobs and notifications. "
        "Celery beat runs this every minute; run it by hand where no beat runs (make run)."
    )

    def handle(self, *args, **options):
        result = sweeper.sending_sweep()
        self.stdout.write(
            f"Started {len(result.jobs_started)} job(s), resumed {len(result.jobs_resumed)} job(s), "
            f"replayed {result.notifications_replayed:,} notification(s)."
        )
