from django.core.management.base import BaseCommand

from notifications import actions


class Command(BaseCommand):
    help = "Mark email and SMS still sending or pending after 3 days as temporary-failure."

    def handle(self, *args, **options):
        count = actions.notifications_time_out()
        self.stdout.write(f"Timed out {count:,} notifications.")
