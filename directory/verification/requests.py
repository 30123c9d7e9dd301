"""Asking each stale entry's private contact whether the entry is still correct.

`send_verification_requests` is the background task `manage.py send_verification_requests`
enqueues. It reads the due entries in translation groups (`due_groups`), claims each group
before e-mailing it and gives the claim back when the e-mail fails, so a failed address is
asked again on the next run and two runs at once never ask twice.
"""

import logging
import smtplib
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from django_tasks import task

from cms.visibility import visible_records
from directory import freshness
from directory.models import SocialEnterprise, SupportOrganisation

from . import links

logger = logging.getLogger(__name__)

ENTRY_MODELS = [SocialEnterprise, SupportOrganisation]
CHUNK = 500


def not_asked_since(since):
    return Q(verification_requested__isnull=True) | Q(verification_requested__lt=since)


def due_rows(model, on=None):
    """Public rows of `model` with a private contact, stale on the day `on`, not asked within
    the period."""
    since = freshness.fresh_since(on)
    return (
        visible_records(model)
        .exclude(contact_email="")
        .filter(freshness.stale_condition(on=on))
        .filter(not_asked_since(since))
    )


def due_groups(model, on=None):
    """Each due translation group once, as its public rows, the original (lowest id) first.

    The due keys are read first, then their rows a chunk at a time: claiming a group writes
    the column the selection reads, which must not change a query still being read.
    """
    keys = list(
        due_rows(model, on).order_by().values_list("translation_key", flat=True).distinct()
    )
    for start in range(0, len(keys), CHUNK):
        rows = (
            visible_records(model)
            .filter(translation_key__in=keys[start : start + CHUNK])
            .exclude(contact_email="")
            .select_related("locale")
            .order_by("translation_key", "pk")
        )
        for _key, group in groupby(rows, key=lambda row: row.translation_key):
            yield list(group)


def entry_language(rows):
    """The language to write to an entry in: its first working language we have, else the
    language it was written in."""
    languages = dict(settings.LANGUAGES)
    for code in rows[0].languages or []:
        if code in languages:
            return code
    return rows[0].locale.language_code


def row_in(rows, language):
    """The entry's row in `language` where public, else its original."""
    return next((row for row in rows if row.locale.language_code == language), rows[0])


def claim(entry, on=None):
    """Record that the group of `entry` is asked today, unless another run just did. Returns
    the rows' previous value to give back, or False when already claimed."""
    today = on or freshness.today()
    group = type(entry).objects.filter(translation_key=entry.translation_key)
    previous = group.exclude(verification_requested=None).order_by("-verification_requested")
    previous = previous.values_list("verification_requested", flat=True).first()
    claimed = group.filter(not_asked_since(freshness.fresh_since(today))).update(
        verification_requested=today
    )
    return previous if claimed else False


def give_back(entry, previous):
    type(entry).objects.filter(translation_key=entry.translation_key).update(
        verification_requested=previous
    )


def verification_email(entry, language, on=None):
    """The e-mail to the private contact of `entry`, in `language`."""
    token = links.make_token(entry, language)
    valid_until = (on or freshness.today()) + links.lifetime()
    with translation.override(language):
        names = {
            "name": entry.name,
            "site": settings.WAGTAIL_SITE_NAME,
            "kind": entry._meta.verbose_name,
            "yes": links.verification_url(token),
            "update": links.update_url(token),
            "until": formats.date_format(valid_until, "DATE_FORMAT"),
        }
        greeting = (
            _("Hello %(contact)s,") % {"contact": entry.contact_name}
            if entry.contact_name
            else _("Hello,")
        )
        subject = _("Is the entry of %(name)s in the %(site)s directory still correct?") % names
        body = (
            _(
                "%(name)s is listed as a %(kind)s in the %(site)s directory. We regularly ask "
                "each organisation whether its entry is still correct, so that people looking "
                "for partners find it as it is today.\n"
                "\n"
                "Yes, it is still correct:\n"
                "%(yes)s\n"
                "\n"
                "No, I want to update it:\n"
                "%(update)s\n"
                "\n"
                "Changes are published once the network's moderators have reviewed them. "
                "The links work until %(until)s. You get this e-mail because this address is "
                "the entry's contact; it is never published."
            )
            % names
        )
    return EmailMessage(
        " ".join(subject.split()),  # a line break in a name must not end the header
        f"{greeting}\n\n{body}\n",
        settings.DEFAULT_FROM_EMAIL,
        [entry.contact_email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def _send(connection, entry, language):
    """Whether the e-mail went out. Any failure is this entry's alone: logged, and the run goes
    on with the next entry."""
    try:
        return connection.send_messages([verification_email(entry, language)]) == 1
    except (smtplib.SMTPException, OSError, ValueError):
        logger.exception("Could not ask the contact of %s (%s)", entry, entry.translation_key)
        return False


@task()
def send_verification_requests(limit=None):
    """E-mail the contact of every due entry (at most `limit` groups); returns the number of
    e-mails sent."""
    sent = 0
    connection = get_connection()
    try:
        for model in ENTRY_MODELS:
            for rows in due_groups(model):
                if limit is not None and sent >= limit:
                    return sent
                language = entry_language(rows)
                entry = row_in(rows, language)
                previous = claim(entry)
                if previous is False:
                    continue
                if _send(connection, entry, language):
                    sent += 1
                else:
                    give_back(entry, previous)
    finally:
        connection.close()
    return sent


def count_due(on=None):
    """How many entries (translation groups) would be asked today."""
    return sum(
        due_rows(model, on).order_by().values("translation_key").distinct().count()
        for model in ENTRY_MODELS
    )
