import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction

from performance.models import NO_JOB_ID, FactNotificationStatus, FactProcessingTime

pytestmark = pytest.mark.django_db

KEY = {
    "bst_date": datetime.date(2026, 6, 22),
    "template_id": uuid.UUID("11111111-1111-1111-1111-111111111111"),
    "service_id": uuid.UUID("22222222-2222-2222-2222-222222222222"),
    "job_id": uuid.UUID(NO_JOB_ID),
    "notification_type": "email",
    "key_type": "normal",
    "notification_status": "delivered",
}


def test_a_fact_key_holds_one_count():
    FactNotificationStatus.objects.create(**KEY, notification_count=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactNotificationStatus.objects.create(**KEY, notification_count=4)
    FactNotificationStatus.objects.create(**{**KEY, "notification_status": "sending"}, notification_count=1)
    assert sorted(FactNotificationStatus.objects.values_list("notification_status", "notification_count")) == [
        ("delivered", 3),
        ("sending", 1),
    ]


def test_a_processing_time_day_is_one_row_and_within_never_exceeds_total():
    FactProcessingTime.objects.create(bst_date=KEY["bst_date"], messages_total=10, messages_within_10_secs=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactProcessingTime.objects.create(bst_date=KEY["bst_date"], messages_total=1, messages_within_10_secs=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactProcessingTime.objects.create(
            bst_date=datetime.date(2026, 6, 23), messages_total=1, messages_within_10_secs=2
        )


@pytest.mark.parametrize(
    ("total", "within", "percentage"),
    [(0, 0, 100.0), (4, 3, 75.0), (3, 1, 100 / 3)],
)
def test_percentage_under_10_seconds(total, within, percentage):
    fact = FactProcessingTime(bst_date=KEY["bst_date"], messages_total=total, messages_within_10_secs=within)
    assert fact.percentage_under_10_seconds == pytest.approx(percentage)
