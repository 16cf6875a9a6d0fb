from django.core.management.base import BaseCommand

from performance import actions, days
from performance.management.day_options import add_day_arguments, days_from_options


class Command(BaseCommand):
    help = "Save ft_processing_time (messages sent within 10 seconds) for London days."

    def add_arguments(self, parser):
        add_day_arguments(parser, default_help="Default: yesterday.")

    def handle(self, *args, **options):
        chosen = days_from_options(options) or [days.yesterday()]
        for number, day in enumerate(chosen, start=1):
            fact = actions.processing_time_facts_build(day=day)
            self.stdout.write(
                f"[{number}/{len(chosen)}] {day}: {fact.messages_within_10_secs:,} of {fact.messages_total:,} "
                f"within 10 seconds ({fact.percentage_under_10_seconds:.2f}%)"
            )
