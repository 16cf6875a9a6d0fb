from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from notifications.models import Notification
from performance.models import FactNotificationStatus, FactProcessingTime

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def whole_fact_tables():
    return (
        sorted(
            FactNotificationStatus.objects.values_list(
                "bst_date",
                "service_id",
                "template_id",
                "job_id",
                "notification_type",
                "key_type",
                "notification_status",
                "notification_count",
            )
        ),
        sorted(FactProcessingTime.objects.values_list("bst_date", "messages_total", "messages_within_10_secs")),
    )


@time_machine.travel(NOW, tick=False)
def test_seed_demo_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first_report = capsys.readouterr().out
    first_facts = whole_fact_tables()
    call_command("seed_demo")
    assert capsys.readouterr().out == first_report
    assert whole_fact_tables() == first_facts

    assert "  organisations: 4\n" in first_report
    assert "  services: 7\n" in first_report
    assert "  users: 4\n" in first_report
    # Four weeks of history up to now, with API, job and test-key notifications.
    created = Notification.objects.order_by("created_at").values_list("created_at", flat=True)
    assert created.first().astimezone(NOW.tzinfo).date().isoformat() == "2026-10-26"
    assert created.last() <= NOW
    assert Notification.objects.filter(job__isnull=False).exists()
    assert Notification.objects.filter(key_type="test").exists()
    assert Notification.objects.filter(api_key__isnull=False, key_type="normal").exists()
    # Facts for every complete day, none for today.
    fact_days = sorted(set(FactNotificationStatus.objects.values_list("bst_date", flat=True)))
    assert (fact_days[0].isoformat(), fact_days[-1].isoformat()) == ("2026-10-26", "2026-11-22")
    assert FactProcessingTime.objects.count() == 28

    # The facts are the notifications, aggregated.
    delivered_emails = FactNotificationStatus.objects.filter(
        bst_date="2026-11-22", notification_status="delivered", notification_type="email"
    ).aggregate(total=Sum("notification_count"))["total"]
    assert delivered_emails > 0
    assert (
        delivered_emails
        == Notification.objects.filter(
            created_at__gte=datetime(2026, 11, 22, tzinfo=NOW.tzinfo),
            created_at__lt=datetime(2026, 11, 23, tzinfo=NOW.tzinfo),
            status="delivered",
            notification_type="email",
            key_type__in=["normal", "team"],
        ).count()
    )
