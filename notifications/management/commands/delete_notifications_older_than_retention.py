from django.core.management.base import BaseCommand

from notifications import actions


class Command(BaseCommand):
    help = "Delete notifications older than their service's retention, for days whose status facts exist."

    def handle(self, *args, **options):
        result = actions.notifications_delete_older_than_retention()
        for (day, notification_type), count in sorted(result.deleted.items()):
            self.stdout.write(f"{day} {notification_type}: deleted {count:,}")
        for day, notification_type in result.kept_without_facts:
            self.stdout.write(self.style.WARNING(f"{day} {notification_type}: kept, its status facts are not built"))
        self.stdout.write(f"Deleted {result.total:,} notifications.")
