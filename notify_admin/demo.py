"""Demo data for `make run`: organisations, services, people, templates, about four weeks
of notifications and the facts built from them.

Everything is derived from fixed names and seeded random numbers, with ids made by
uuid5, so running it again inserts nothing new for days it has already made; a later
run only adds the days that have passed since.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Job, JobStatus, Notification, NotificationStatus, NotificationType
from performance import actions as performance_actions
from services.models import (
    LIVE_DAILY_LIMIT,
    PERMISSIONS,
    ApiKey,
    KeyType,
    Organisation,
    Service,
    ServiceUser,
    Template,
)

LONDON = ZoneInfo("Europe/London")
DEMO_NAMESPACE = uuid.UUID("6f1c1d2e-3c8b-4c1e-9d4a-5e7f00d3e1a0")
DEMO_PASSWORD = "demo password 2026"  # noqa: S105 - documented in the README; local demo data only
DAYS_OF_HISTORY = 28

ORGANISATIONS = [
    "Department for Education",
    "HM Revenue & Customs",
    "Ministry of Justice",
    "Cabinet Office",
]


@dataclass(frozen=True)
class DemoService:
    name: str
    organisation: str | None
    live: bool
    daily_volume: int  # roughly how many messages of each type a day


SERVICES = [
    DemoService("Apply for teacher training", "Department for Education", True, 90),
    DemoService("Get help with school funding", "Department for Education", True, 40),
    DemoService("Self Assessment reminders", "HM Revenue & Customs", True, 120),
    DemoService("Court hearing notices", "Ministry of Justice", True, 60),
    DemoService("Civil service job alerts", "Cabinet Office", False, 10),
    DemoService("Bin collection reminders", None, True, 30),
    DemoService("Prototype kit demo", None, False, 5),
]

USERS = [
    # email, name, platform admin
    ("admin@example.gov.uk", "Ada Admin", True),
    ("sam.sender@example.gov.uk", "Sam Sender", False),
    ("tara.templates@example.gov.uk", "Tara Templates", False),
    ("val.viewer@example.gov.uk", "Val Viewer", False),
]

# (status, weight) for messages whose delivery has settled; the last day still has some
# in flight.
SETTLED_STATUSES = [
    (NotificationStatus.DELIVERED, 90),
    (NotificationStatus.SENT, 2),
    (NotificationStatus.TEMPORARY_FAILURE, 4),
    (NotificationStatus.PERMANENT_FAILURE, 3),
    (NotificationStatus.TECHNICAL_FAILURE, 1),
]
IN_FLIGHT_STATUSES = [(NotificationStatus.SENDING, 1), (NotificationStatus.CREATED, 1)]


def demo_id(*parts):
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(str(part) for part in parts))


def london_midnight(day):
    return datetime.combine(day, time.min, tzinfo=LONDON)


def weighted_choice(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


@transaction.atomic
def demo_people_and_services_seed():
    organisations = {
        name: Organisation.objects.get_or_create(id=demo_id("organisation", name), defaults={"name": name})[0]
        for name in ORGANISATIONS
    }
    users = []
    for email, name, platform_admin in USERS:
        user, created = User.objects.get_or_create(
            id=demo_id("user", email),
            defaults={
                "email": email,
                "name": name,
                "mobile_number": "07700900" + str(len(users)).zfill(3),
                "auth_type": User.AuthType.EMAIL,
                "is_staff": platform_admin,
                "is_superuser": platform_admin,
                "email_verified_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)

    services = []
    for spec in SERVICES:
        service, _ = Service.objects.get_or_create(
            id=demo_id("service", spec.name),
            defaults={
                "name": spec.name,
                "organisation": organisations.get(spec.organisation),
                "restricted": not spec.live,
                "go_live_at": timezone.now() - timedelta(days=365) if spec.live else None,
                "email_message_limit": LIVE_DAILY_LIMIT if spec.live else 50,
                "sms_message_limit": LIVE_DAILY_LIMIT if spec.live else 50,
                "created_by": users[1],
            },
        )
        services.append((spec, service))
        for user in users[1:]:
            # The sender can do everything; the others only what their name says.
            permissions = {
                "sam.sender@example.gov.uk": dict.fromkeys(PERMISSIONS, True),
                "tara.templates@example.gov.uk": {"view_activity": True, "manage_templates": True},
                "val.viewer@example.gov.uk": {"view_activity": True},
            }[user.email]
            ServiceUser.objects.get_or_create(service=service, user=user, defaults=permissions)
        Template.objects.get_or_create(
            id=demo_id("template", spec.name, "email"),
            defaults={
                "service": service,
                "name": "Confirmation email",
                "template_type": NotificationType.EMAIL,
                "subject": "Your ((reference)) is confirmed",
                "content": "Dear ((name)),\n\nWe have received your request ((reference)).",
            },
        )
        Template.objects.get_or_create(
            id=demo_id("template", spec.name, "sms"),
            defaults={
                "service": service,
                "name": "Reminder text",
                "template_type": NotificationType.SMS,
                "content": "Reminder: ((name)), your appointment is on ((date)).",
            },
        )
        for key_type in (KeyType.NORMAL if spec.live else KeyType.TEAM, KeyType.TEST):
            ApiKey.objects.get_or_create(
                id=demo_id("api-key", spec.name, key_type),
                defaults={
                    "service": service,
                    "name": f"{key_type.label} key",
                    "key_type": key_type,
                    # An unusable hash: demo keys exist for their notifications, not for use.
                    "secret_hash": "!demo",
                },
            )
    return services


def demo_notifications_for_day(spec, service, day, now):
    """The day's notifications for one service, made the same way every time."""
    rng = random.Random(f"{spec.name}/{day.isoformat()}")
    start = london_midnight(day)
    day_seconds = int((london_midnight(day + timedelta(days=1)) - start).total_seconds())
    settled = (now - start) > timedelta(days=1)
    templates = {
        NotificationType.EMAIL: demo_id("template", spec.name, "email"),
        NotificationType.SMS: demo_id("template", spec.name, "sms"),
    }
    live_key = demo_id("api-key", spec.name, KeyType.NORMAL if spec.live else KeyType.TEAM)
    test_key = demo_id("api-key", spec.name, KeyType.TEST)
    job = None
    if day.toordinal() % 4 == len(spec.name) % 4:
        job = Job(
            id=demo_id("job", spec.name, day),
            service=service,
            template_id=templates[NotificationType.SMS],
            original_file_name=f"reminders-{day:%d-%m-%Y}.csv",
            notification_count=rng.randint(10, 40),
            job_status=JobStatus.FINISHED,
            created_at=start + timedelta(hours=9),
            processing_started=start + timedelta(hours=9),
            processing_finished=start + timedelta(hours=9, minutes=1),
        )

    notifications = []

    def add(notification_type, created_at, index, **fields):
        if created_at > now:
            return
        status = weighted_choice(rng, SETTLED_STATUSES if settled or rng.random() < 0.7 else IN_FLIGHT_STATUSES)
        # Most messages reach the provider in a second or two; a few are slow.
        delay = rng.uniform(0.2, 3.0) if rng.random() < 0.96 else rng.uniform(10.5, 90)
        to = (
            f"person{index}@example.com"
            if notification_type == NotificationType.EMAIL
            else f"447700900{index % 1000:03d}"
        )
        notifications.append(
            Notification(
                id=demo_id("notification", spec.name, day, notification_type, index, fields.get("job_row_number")),
                service=service,
                template_id=templates[notification_type],
                notification_type=notification_type,
                to=to,
                normalised_to=to,
                personalisation={"name": f"Person {index}", "reference": f"REF-{index:05d}", "date": f"{day:%-d %B}"},
                status=status,
                created_at=created_at,
                sent_at=None if status == NotificationStatus.CREATED else created_at + timedelta(seconds=delay),
                billable_units=1,
                **fields,
            )
        )

    for notification_type in (NotificationType.EMAIL, NotificationType.SMS):
        for index in range(rng.randint(spec.daily_volume // 2, spec.daily_volume)):
            is_test = rng.random() < 0.05
            add(
                notification_type,
                start + timedelta(seconds=rng.randrange(day_seconds)),
                index,
                api_key_id=test_key if is_test else live_key,
                key_type=KeyType.TEST if is_test else (KeyType.NORMAL if spec.live else KeyType.TEAM),
            )
    if job is not None:
        for row in range(job.notification_count):
            add(NotificationType.SMS, job.created_at + timedelta(seconds=row // 5), row, job=job, job_row_number=row)
    return job, notifications


def demo_data_seed(*, now=None, days=DAYS_OF_HISTORY):
    """Make (or top up) the demo data and return what the database then holds."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - timedelta(days=days)
    services = demo_people_and_services_seed()
    day = first_day
    while day <= today:
        jobs, notifications = [], []
        for spec, service in services:
            job, made = demo_notifications_for_day(spec, service, day, now)
            if job is not None:
                jobs.append(job)
            notifications.extend(made)
        with transaction.atomic():
            Job.objects.bulk_create(jobs, ignore_conflicts=True)
            Notification.objects.bulk_create(notifications, batch_size=2000, ignore_conflicts=True)
        if day < today:
            performance_actions.notification_status_facts_build(day=day)
            performance_actions.processing_time_facts_build(day=day)
        day += timedelta(days=1)
    return demo_counts()


def demo_counts():
    from performance.models import FactNotificationStatus, FactProcessingTime

    models = [Organisation, Service, User, ServiceUser, Template, ApiKey, Job, Notification]
    counts = {model._meta.verbose_name_plural: model.objects.count() for model in models}
    counts["status fact rows"] = FactNotificationStatus.objects.count()
    counts["processing time fact rows"] = FactProcessingTime.objects.count()
    return counts
