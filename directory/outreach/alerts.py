"""`subscribe`: an alert by e-mail on new items of a list, with that list's filter.

Double opt-in: the alert is stored inactive and a confirmation e-mail with a signed link goes
to the address; only a confirmed alert gets digests (directory/outreach/digests.py, at most
weekly). The answer is the same whether or not the address already had this alert, so nobody
learns who subscribed: an unconfirmed one gets its confirmation again (at most every
ALERT_RESEND_MINUTES), a confirmed one nothing. Subscriber addresses are never returned.

The filter is the list's own input type under the kind's name (`filter: { events: { ... } }`),
checked with the list's own filter function, and saved as JSON.
"""

import datetime
import enum
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import graphene
from graphene.utils.str_converters import to_camel_case

from cms.graphql.errors import BadUserInput
from cms.graphql.locales import Locale, language_code
from directory.models import AlertSubscription
from directory.public_input import Errors, FieldError, clean_email, honeypot_field, take_slot
from directory.schema import EnterpriseFilter, EventFilter, SupportOrganisationFilter
from pages.schema import PageType

from .digests import matching, restored
from .tasks import send_alert_confirmation

logger = logging.getLogger(__name__)

Kind = AlertSubscription.Kind


class AlertKindEnum(graphene.Enum):
    ENTERPRISES = Kind.ENTERPRISES.value
    SUPPORT_ORGANISATIONS = Kind.SUPPORT_ORGANISATIONS.value
    EVENTS = Kind.EVENTS.value
    PAGES = Kind.PAGES.value

    class Meta:
        name = "AlertKind"


class PageAlertFilter(graphene.InputObjectType):
    type = PageType()
    topic = graphene.String(description="Topic slug.")


class AlertFilter(graphene.InputObjectType):
    """The filter of the list an alert watches: the one field named after its kind."""

    enterprises = EnterpriseFilter()
    support_organisations = SupportOrganisationFilter()
    events = EventFilter()
    pages = PageAlertFilter()


class SubscribeInput(graphene.InputObjectType):
    email = graphene.String(description="Required. Where the confirmation and digests go.")
    locale = Locale(description="The language of the e-mails and their items (default en).")
    kind = AlertKindEnum(description="Required. The list to watch.")
    filter = AlertFilter(description="Optional: only new items this filter lets through.")
    website = honeypot_field()


def as_json(value):
    """An input value as JSON: enums by value, date-times in ISO 8601, unset fields left out."""
    if isinstance(value, dict):
        return {
            key: as_json(item) for key, item in value.items() if item is not None and item != []
        }
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _kind(input, errors):
    kind = getattr(input.get("kind"), "value", input.get("kind"))
    if not kind:
        errors.add("kind", _("This field is required."))
        return None
    return Kind(kind)


def _filter(input, kind, code, errors):
    given = as_json(input.get("filter") or {})
    if kind is None:
        return {}
    expected = to_camel_case(kind.value)
    others = sorted(to_camel_case(name) for name in given if name != kind.value)
    if others:
        errors.add(
            "filter",
            _("This alert is on %(kind)s: give filter.%(expected)s, not filter.%(given)s.")
            % {"kind": kind.label, "expected": expected, "given": others[0]},
        )
        return {}
    saved = given.get(kind.value) or {}
    try:
        matching(kind, code, restored(kind, saved)).none()
    except BadUserInput as error:
        errors.add("filter", error.message)
    return saved


def subscribe(info, input):
    take_slot(
        info.context,
        "subscriptions",
        settings.GRAPHQL_SUBSCRIPTIONS_PER_HOUR,
        "Too many alerts asked from your address: at most {limit} an hour. "
        "Please try again later.",
    )
    if (input.get("website") or "").strip():
        logger.info("Alert with the honeypot filled: dropped")
        return {"ok": True, "errors": []}
    errors = Errors()
    code = language_code(input.get("locale"))
    with translation.override(code):
        email = clean_email(input, "email", errors).lower()
        kind = _kind(input, errors)
        saved = _filter(input, kind, code, errors)
    if errors:
        return {"ok": False, "errors": errors.as_list()}
    subscription = _stored(email, kind, code, saved)
    now = timezone.now()
    resend_after = now - datetime.timedelta(minutes=settings.ALERT_RESEND_MINUTES)
    sent_at = subscription.confirmation_sent_at
    if not subscription.confirmed and (sent_at is None or sent_at < resend_after):
        AlertSubscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=now)
        transaction.on_commit(lambda: send_alert_confirmation.enqueue(subscription.pk))
    return {"ok": True, "errors": []}


def _stored(email, kind, code, saved):
    """The alert's row: the one this address already has, else a new unconfirmed one."""
    fields = {
        "email": email,
        "kind": kind,
        "locale": code,
        "filter_digest": AlertSubscription.digest_of(saved),
    }
    existing = AlertSubscription.objects.filter(**fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return AlertSubscription.objects.create(**fields, filter=saved)
    except IntegrityError:  # the same request twice at once
        return AlertSubscription.objects.get(**fields)


class Subscribe(graphene.Mutation):
    """Ask for e-mails about new items of a list (double opt-in, at most weekly)."""

    ok = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)

    class Meta:
        name = "SubscribePayload"

    class Arguments:
        input = SubscribeInput(required=True)

    @staticmethod
    def mutate(root, info, input):
        return Subscribe(**subscribe(info, input))
