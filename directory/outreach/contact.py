"""`contactEntry`: a visitor writes to a listed entry without learning its address.

The message is logged (`ContactMessage`) and relayed by e-mail from a background task to the
entry's private contact (`contact_email`), with the visitor's address as Reply-To: the entry
answers the visitor directly, and the visitor never sees the private address, neither in the
answer nor in an error. Only a public entry (cms.visibility) with a private contact that has not
opted out (`accepts_contact`) can be written to; anything else is a field error on `entry`.

Spam defences as for submissions: a honeypot field (`website`: filled, the answer looks like
success and nothing is stored or sent) and at most GRAPHQL_CONTACTS_PER_HOUR messages per
client address an hour in the shared cache.
"""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

import graphene

from cms.graphql.locales import Locale, language_code
from directory import models
from directory.public_input import (
    Errors,
    FieldError,
    clean_email,
    clean_text,
    honeypot_field,
    take_slot,
)

from .recipients import public_rows
from .tasks import relay_contact_message

logger = logging.getLogger(__name__)

NAME_MAX = 120


class ContactEntryInput(graphene.InputObjectType):
    entry = graphene.String(
        required=True, description="Slug of a social enterprise or support organisation."
    )
    name = graphene.String(description="Required. The visitor's name, shown to the entry.")
    email = graphene.String(description="Required. The visitor's address, for the reply.")
    message = graphene.String(
        description="Required. Plain text, at most CONTACT_MESSAGE_MAX_CHARS (5,000) characters."
    )
    locale = Locale(description="The language of the form: errors come in it (default en).")
    website = honeypot_field()


def _entry(input, errors):
    slug = (input.get("entry") or "").strip()
    rows = public_rows(slug) if slug else []
    if not slug:
        errors.add("entry", _("This field is required."))
    elif not rows:
        errors.add(
            "entry",
            _("No enterprise or support organisation has the slug %(slug)s.") % {"slug": slug},
        )
    elif not rows[0].contact_email:
        errors.add(
            "entry",
            _("This entry has no contact address for messages: use its website instead."),
        )
    elif not rows[0].accepts_contact:
        errors.add("entry", _("This entry does not accept messages through the directory."))
    return rows


def contact_entry(info, input):
    take_slot(
        info.context,
        "contacts",
        settings.GRAPHQL_CONTACTS_PER_HOUR,
        "Too many messages from your address: at most {limit} an hour. Please try again later.",
    )
    if (input.get("website") or "").strip():
        logger.info("Contact message with the honeypot filled: dropped")
        return {"ok": True, "errors": [], "reference": str(uuid.uuid4())}
    errors = Errors()
    locale = language_code(input.get("locale"))
    with translation.override(locale):
        rows = _entry(input, errors)
        name = clean_text(input, "name", errors, required=True, max_length=NAME_MAX)
        email = clean_email(input, "email", errors)
        message = clean_text(
            input,
            "message",
            errors,
            required=True,
            max_length=settings.CONTACT_MESSAGE_MAX_CHARS,
            multiline=True,
        )
    if errors:
        return {"ok": False, "errors": errors.as_list(), "reference": None}
    entry = rows[0]
    record = models.ContactMessage.objects.create(
        enterprise=entry if isinstance(entry, models.SocialEnterprise) else None,
        organisation=entry if isinstance(entry, models.SupportOrganisation) else None,
        entry_name=entry.name[:255],
        sender_name=name,
        sender_email=email,
        message=message,
        locale=locale,
    )
    transaction.on_commit(lambda: relay_contact_message.enqueue(record.pk))
    return {"ok": True, "errors": [], "reference": str(record.reference)}


class ContactEntry(graphene.Mutation):
    """Write to a listed entry: relayed by e-mail to its private contact, who replies to you."""

    ok = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)
    reference = graphene.String(description="The message's reference in the network's log.")

    class Meta:
        name = "ContactEntryPayload"

    class Arguments:
        input = ContactEntryInput(required=True)

    @staticmethod
    def mutate(root, info, input):
        return ContactEntry(**contact_entry(info, input))
