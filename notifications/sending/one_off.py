"""A single message typed into a form: a Notification without a job, same delivery path."""

import logging

from django.db import transaction

from notifications.models import Notification, NotificationStatus
from services.models import KeyType

logger = logging.getLogger(__name__)


def notification_create_one_off(*, service, template, to, normalised_to, personalisation, user):
    """Create the notification and queue its delivery once the row is committed."""
    from notifications import tasks

    with transaction.atomic():
        notification = Notification.objects.create(
            service=service,
            template=template,
            key_type=KeyType.NORMAL,
            notification_type=template.template_type,
            to=to,
            normalised_to=normalised_to,
            personalisation=personalisation,
            status=NotificationStatus.CREATED,
            created_by=user,
        )
        transaction.on_commit(lambda: tasks.deliver_notifications.delay([str(notification.pk)]))
    logger.info("One-off %s notification %s created", template.template_type, notification.pk)
    return notification
