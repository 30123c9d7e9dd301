"""Background work of the directory: e-mailing the moderators about a public submission."""

import logging
import smtplib

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation

from django_tasks import task

logger = logging.getLogger(__name__)

MODERATORS = "Moderators"


def _admin_url(record):
    path = reverse(record.snippet_viewset.get_url_name("edit"), args=[quote(record.pk)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def notify_moderators(model_label, pk):
    """E-mail every active moderator about the submitted draft `pk` of `model_label`.

    A failed e-mail is logged, not retried: the draft is saved and in the workflow, where the
    moderators see it anyway.
    """
    record = apps.get_model(model_label)._default_manager.filter(pk=pk).first()
    if record is None:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=MODERATORS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        logger.warning("No active moderator to tell about the submitted %s", record)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(record._meta.verbose_name)
        subject = f"New {kind} awaiting moderation: {record}"
        body = "\n".join(
            [
                f"Someone proposed this {kind} through the public submission form.",
                'It is a draft in the "Moderators approval" workflow; nothing is public',
                "until a moderator publishes it.",
                "",
                f"{kind.capitalize()}: {record}",
                f"Language of the submission: {record.locale.get_display_name()}",
                f"Reference: {record.translation_key}",
                f"Contact (private): {record.contact_name} <{record.contact_email}>",
                "",
                f"Review, edit and publish it here: {_admin_url(record)}",
            ]
        )
    messages = [
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            reply_to=[record.contact_email],
        )
        for address in recipients
    ]
    try:
        return get_connection().send_messages(messages)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not e-mail the moderators about %s", record.translation_key)
        return 0
