"""Background work of contact and alerts: relaying a message, confirming an alert, the digests.

Each task loads what it needs by primary key, so it sees the committed state when it runs
(see cms/tasks.py). A failed e-mail is logged and recorded, not retried: a relayed message is
marked FAILED for the moderators, a digest is tried again on the next run.
"""

import logging
import smtplib

from django.conf import settings
from django.utils import timezone

from django_tasks import task

from directory.models import AlertSubscription, ContactMessage

from . import links, mail
from .digests import digest_items
from .recipients import entry_language, named_in, translations_of

logger = logging.getLogger(__name__)


def _send(message):
    try:
        return message.send() == 1
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send an e-mail")
        return False


@task()
def relay_contact_message(message_pk):
    """E-mail the logged message `message_pk` to its entry's private contact, if the entry is
    still public and still takes messages."""
    record = (
        ContactMessage.objects.filter(pk=message_pk, status=ContactMessage.Status.QUEUED)
        .select_related("enterprise", "organisation")
        .first()
    )
    if record is None:
        return None
    entry = record.entry
    rows = translations_of(entry) if entry is not None else []
    if not rows or not rows[0].contact_email or not rows[0].accepts_contact:
        status = ContactMessage.Status.NOT_SENT
    else:
        language = entry_language(rows)
        message = mail.relay_email(
            record,
            named_in(rows, language).name,
            rows[0].contact_email,
            language,
            links.opt_out_url(rows[0]),
        )
        status = ContactMessage.Status.SENT if _send(message) else ContactMessage.Status.FAILED
    ContactMessage.objects.filter(pk=record.pk).update(
        status=status, sent_at=timezone.now() if status == ContactMessage.Status.SENT else None
    )
    return status


@task()
def send_alert_confirmation(subscription_pk):
    subscription = AlertSubscription.objects.filter(
        pk=subscription_pk, confirmed_at__isnull=True
    ).first()
    if subscription is None:
        return False
    return _send(mail.confirmation_email(subscription))


def digest_interval():
    """At most weekly, whatever the setting says."""
    return timezone.timedelta(days=max(7, settings.ALERT_DIGEST_DAYS))


@task()
def send_alert_digests():
    """Each confirmed alert whose last digest is at least a week old gets the items that are
    new since then, if there are any; unconfirmed alerts whose link has expired are deleted."""
    now = timezone.now()
    AlertSubscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - links.lifetime(links.CONFIRM)
    ).delete()
    due = AlertSubscription.objects.filter(
        confirmed_at__isnull=False, last_digest_at__lte=now - digest_interval()
    ).order_by("pk")
    sent = 0
    for subscription in due.iterator():
        items, more = digest_items(subscription, subscription.last_digest_at, now)
        if not items:
            continue  # nothing new: the window stays open until there is
        message = mail.digest_email(subscription, items, more, subscription.last_digest_at)
        if _send(message):
            AlertSubscription.objects.filter(pk=subscription.pk).update(last_digest_at=now)
            sent += 1
    return sent
