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
from django.utils.translation import gettext as _

from django_tasks import task

logger = logging.getLogger(__name__)

MODERATORS = "Moderators"


def _admin_url(record):
    path = reverse(record.snippet_viewset.get_url_name("edit"), args=[quote(record.pk)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _addresses_and_languages(users):
    """Each address once, with its user's admin language (English when none is chosen)."""
    seen = set()
    for user in users:
        if user.email in seen:
            continue
        seen.add(user.email)
        profile = getattr(user, "wagtail_userprofile", None)
        yield user.email, (profile and profile.preferred_language) or settings.LANGUAGE_CODE


def _message(record, url):
    """Subject and body in the active language."""
    names = {
        "kind": record._meta.verbose_name,
        "record": record,
        # The workflow's name as the admin shows it, which is stored, not translated.
        "workflow": "Moderators approval",
        "language": record.locale.get_display_name(),
        "reference": record.translation_key,
        "contact": f"{record.contact_name} <{record.contact_email}>",
        "url": url,
    }
    subject = _("New %(kind)s awaiting moderation: %(record)s") % names
    body = (
        _(
            "Someone proposed this %(kind)s through the public submission form.\n"
            "It is a draft in the “%(workflow)s” workflow; nothing is public until a moderator "
            "publishes it.\n"
            "\n"
            "Name: %(record)s\n"
            "Language of the submission: %(language)s\n"
            "Reference: %(reference)s\n"
            "Contact (private): %(contact)s\n"
            "\n"
            "Review, edit and publish it here: %(url)s"
        )
        % names
    )
    return subject, body


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
        .select_related("wagtail_userprofile")
        .distinct()
    )
    if not recipients:
        logger.warning("No active moderator to tell about the submitted %s", record)
        return 0
    url = _admin_url(record)
    messages = []
    for address, language in _addresses_and_languages(recipients):
        # Each moderator reads it in the language they chose for the admin, as Wagtail's own
        # moderation e-mails do.
        with translation.override(language):
            subject, body = _message(record, url)
        messages.append(
            EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                reply_to=[record.contact_email],
            )
        )
    try:
        return get_connection().send_messages(messages)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not e-mail the moderators about %s", record.translation_key)
        return 0
