from django.core.management.base import BaseCommand

from notify_admin.demo import DEMO_PASSWORD, USERS, demo_data_seed


class Command(BaseCommand):
    help = "Create (or top up) demo organisations, services, users, templates, notifications and facts."

    def handle(self, *args, **options):
        counts = demo_data_seed()
        self.stdout.write("Demo data now in the database:")
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(f"Sign in as {USERS[0][0]} (platform admin) or {USERS[1][0]}, password: {DEMO_PASSWORD!r}")
