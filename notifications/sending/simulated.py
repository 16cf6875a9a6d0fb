"""Recipients that exist only to test a service's integration: no provider ever sees them.

Notify answers them as delivered without sending anything.
"""

from django.conf import settings

from notifications.models import NotificationType

SIMULATED_EMAIL_LOCAL_PARTS = frozenset({"simulate-delivered", "simulate-delivered-2", "simulate-delivered-3"})
# Notify's own mail domain, and ours (the domain we send from).
NOTIFY_EMAIL_DOMAIN = "notifications.service.gov.uk"
# Normalised, as validate_phone_number returns them (+447700900000 and so on).
SIMULATED_PHONE_NUMBERS = frozenset({"447700900000", "447700900111", "447700900222"})


def simulated_email_domains() -> frozenset[str]:
    domains = {NOTIFY_EMAIL_DOMAIN}
    sender = settings.DEFAULT_FROM_EMAIL.rstrip(">").rpartition("@")[2].strip().lower()
    if sender:
        domains.add(sender)
    return frozenset(domains)


def simulated_email_addresses() -> list[str]:
    domains = sorted(simulated_email_domains())
    return [f"{local}@{domain}" for domain in domains for local in sorted(SIMULATED_EMAIL_LOCAL_PARTS)]


def is_simulated(notification_type: str, normalised_to: str) -> bool:
    if notification_type == NotificationType.SMS:
        return normalised_to in SIMULATED_PHONE_NUMBERS
    if notification_type == NotificationType.EMAIL:
        local, _, domain = normalised_to.lower().rpartition("@")
        return local in SIMULATED_EMAIL_LOCAL_PARTS and domain in simulated_email_domains()
    return False


def simulated_recipients(notification_type: str) -> list[str]:
    """What trial mode lets a service send to besides its team."""
    if notification_type == NotificationType.SMS:
        return sorted(SIMULATED_PHONE_NUMBERS)
    return simulated_email_addresses()
