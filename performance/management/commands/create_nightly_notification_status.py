from django.core.management.base import BaseCommand

from performance import actions
from performance.management.day_options import add_day_arguments, days_from_options


class Command(BaseCommand):
    help = "Rebuild ft_notification_status (and the daily totals) for London days."

    def add_arguments(self, parser):
        add_day_arguments(
            parser,
            default_help="Default: the last 4 days ending yesterday for email and SMS, 10 for letters.",
        )

    def handle(self, *args, **options):
        chosen = days_from_options(options)
        plan = actions.status_fact_days_default() if chosen is None else [(day, None) for day in chosen]
        for number, (day, types) in enumerate(plan, start=1):
            totals = actions.notification_status_facts_build(day=day, notification_types=types)
            counts = ", ".join(f"{count:,} {notification_type}" for notification_type, count in totals.items())
            self.stdout.write(f"[{number}/{len(plan)}] {day}: {counts}")
