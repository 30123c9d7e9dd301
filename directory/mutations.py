"""Public submissions (`submitEnterprise`, `submitEvent`), and the mutations of every public
form of the directory (`contactEntry` and `subscribe` live in directory/outreach/).

Anyone may propose a directory entry or an event, as the network's old calendar form allowed.
A valid submission becomes a draft in the locale it was written in, submitted to the
"Moderators approval" workflow, and every active moderator gets an e-mail with a link to it in
the admin. Nothing is published here: a moderator publishes (or rejects) in the admin.

Invalid input stores nothing and answers with one error per input field, so a form can show
each message beside its field and keep what the person typed. Two defences against spam: a
honeypot field people never see (`homepage`), and at most GRAPHQL_SUBMISSIONS_PER_HOUR
submissions per client address an hour, counted in the cache every worker process shares.
"""

import datetime
import logging
import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import Locale as LocaleRow

import graphene
from django_countries import countries
from graphene.utils.str_converters import to_camel_case

from cms.graphql.locales import SOURCE_LANGUAGE, Locale, language_code
from cms.visibility import visible_records
from directory import models
from directory.outreach.alerts import Subscribe
from directory.outreach.contact import ContactEntry
from directory.public_input import (
    Errors,
    FieldError,
    clean_text,
    count_submission,
    honeypot_field,
)
from directory.schema import EventFormatEnum
from directory.tasks import notify_moderators

logger = logging.getLogger(__name__)

HONEYPOT = "homepage"
SUMMARY_MAX = 500
TEXT_MAX = 10_000
EVENT_YEARS_AHEAD = 10

# Letters that Unicode does not decompose into a base letter plus accents, so slugify would
# drop them ("Bałtycki" -> "batycki").
_TRANSLITERATE = str.maketrans(
    {"ł": "l", "Ł": "L", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d",
     "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "Oe"}
)  # fmt: skip


# Input --------------------------------------------------------------------------------------


def _codes(description):
    return graphene.List(graphene.NonNull(graphene.String), description=description)


# Fields are nullable in the schema: a missing required one is a FieldError beside its field,
# not a GraphQL error for the whole request.


def _locale():
    return Locale(description="The language the submission is written in (default en).")


def _private(label):
    return graphene.String(description=f"Required. {label}, private: for the moderators only.")


def _summary():
    return graphene.String(description="One or two sentences, at most 500 characters.")


def _description(required=""):
    return graphene.String(description=f"{required}Plain text; blank lines separate paragraphs.")


class SubmitEnterpriseInput(graphene.InputObjectType):
    locale = _locale()
    name = graphene.String(description="Required.")
    summary = _summary()
    description = _description()
    country = graphene.String(description='Required. ISO 3166-1 alpha-2 code, e.g. "DK".')
    city = graphene.String()
    website = graphene.String()
    email = graphene.String(description="Public e-mail address.")
    contact_name = _private("Contact person")
    contact_email = _private("Contact e-mail")
    sectors = _codes('NACE Rev. 2 section letters, e.g. "Q".')
    sdgs = graphene.List(graphene.NonNull(graphene.Int), description="SDG numbers 1-17.")
    offers = _codes("Collaboration offer slugs.")
    needs = _codes("Collaboration need slugs.")
    seeking_partners = graphene.Boolean()
    homepage = honeypot_field()


class SubmitEventInput(graphene.InputObjectType):
    locale = _locale()
    title = graphene.String(description="Required.")
    summary = _summary()
    description = _description("Required. ")
    language = Locale(description="The language the event is held in (default: locale).")
    english_summary = graphene.String(description="Required when the event is not in English.")
    start = graphene.DateTime(
        description="Required. ISO 8601; without an offset, the local time in timeZone. "
        "From 2000-01-01 to ten years from now."
    )
    end = graphene.DateTime(
        description="ISO 8601; without an offset, local time in timeZone. "
        "From the start to ten years from now."
    )
    time_zone = graphene.String(description='Required. IANA name, e.g. "Europe/Warsaw".')
    format = EventFormatEnum(description="Required.")
    event_type = graphene.String(description='Event type slug, e.g. "workshop".')
    topics = _codes("Topic slugs.")
    country = graphene.String(
        description='ISO 3166-1 alpha-2 code, e.g. "PL". Required unless the event is online.'
    )
    city = graphene.String(description="Required unless the event is online.")
    venue = graphene.String()
    address = graphene.String()
    online_url = graphene.String(description="Required for online and hybrid events.")
    registration_url = graphene.String()
    organiser = graphene.String(
        description="Slug of the organiser if it is in the directory (enterprise or organisation)."
    )
    organiser_name = graphene.String(description="The organiser, if not in the directory.")
    contact_name = _private("Contact person")
    contact_email = _private("Contact e-mail")
    homepage = honeypot_field()


# Validation ---------------------------------------------------------------------------------


def _url(input, field, errors, required=False):
    """People type "example.dk": assume https rather than refuse it."""
    value = clean_text(input, field, errors, required)
    if value and "://" not in value:
        value = f"https://{value}"
    return value


def _country_code(input, errors, required=False):
    code = clean_text(input, "country", errors, required).upper()
    if code and code not in countries:
        errors.add(
            "country",
            _("Unknown country code: %(code)s. Use ISO 3166-1 alpha-2, e.g. DK.") % {"code": code},
        )
    return code


def _rich_text(text):
    """Plain text as rich text: paragraphs kept, anything that looks like markup escaped."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        "<p>" + "<br/>".join(escape(line.strip()) for line in part.splitlines()) + "</p>"
        for part in paragraphs
    )


def _terms(errors, field, values, model):
    """English vocabulary rows for the codes given; unknown codes are the field's error."""
    code_field = model.code_field
    values = list(values or [])
    if code_field != "number":
        values = [value.strip() for value in values]
    if code_field == "code":  # NACE letters
        values = [value.upper() for value in values]
    rows = list(
        model.objects.filter(
            locale__language_code=SOURCE_LANGUAGE, **{f"{code_field}__in": values}
        )
    )
    known = {getattr(row, code_field) for row in rows}
    unknown = [str(value) for value in values if value not in known]
    if unknown:
        # Translators: %(field)s is the input field's name in the API (sectors, sdgs,
        # targetGroups, topics, eventType), which stays in English.
        message = _("Unknown %(field)s: %(codes)s.")
        errors.add(field, message % {"field": to_camel_case(field), "codes": ", ".join(unknown)})
    return rows


def _model_errors(record, errors, exclude):
    """The model's own rules (lengths, e-mail and URL syntax, Event.clean) as field errors.

    Constraints are not checked here: the slug is made unique when saving, and the event
    constraints repeat what Event.clean reports per field.
    """
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.add(field, messages[0])


def _locale_row(input):
    return LocaleRow.objects.get(language_code=language_code(input.get("locale")))


def build_enterprise(input, errors):
    record = models.SocialEnterprise(
        locale=_locale_row(input),
        live=False,
        name=clean_text(input, "name", errors, required=True),
        summary=clean_text(input, "summary", errors, max_length=SUMMARY_MAX),
        description=_rich_text(
            clean_text(input, "description", errors, max_length=TEXT_MAX, multiline=True)
        ),
        country=_country_code(input, errors, required=True),
        city=clean_text(input, "city", errors),
        website=_url(input, "website", errors),
        email=clean_text(input, "email", errors),
        contact_name=clean_text(input, "contact_name", errors, required=True),
        contact_email=clean_text(input, "contact_email", errors, required=True),
        seeking_partners=bool(input.get("seeking_partners")),
    )
    relations = {
        field: _terms(errors, field, input.get(field), model)
        for field, model in [
            ("sectors", models.Sector),
            ("sdgs", models.Sdg),
            ("offers", models.Term),
            ("needs", models.Term),
        ]
    }
    _model_errors(record, errors, exclude=["slug", "translation_key"])
    return record, relations


def _zone(input, errors):
    name = clean_text(input, "time_zone", errors, required=True)
    if name and name not in zoneinfo.available_timezones():
        errors.add(
            "time_zone",
            _("Unknown time zone: %(name)s. Use an IANA name like Europe/Riga.") % {"name": name},
        )
        return None
    return zoneinfo.ZoneInfo(name) if name else None


def _event_dates():
    """The dates an event may have: none before 2000, none more than ten years ahead. Also
    keeps every value far from the limits of Python's and PostgreSQL's dates, which a time
    zone could push it past."""
    earliest = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return earliest, timezone.now() + datetime.timedelta(days=EVENT_YEARS_AHEAD * 365)


def _when(input, field, zone, errors, required=False):
    value = input.get(field)
    if value is None:
        if required:
            errors.add(field, _("This field is required."))
        return None
    if timezone.is_naive(value):
        if zone is None:
            return None  # the time zone's own error says what to fix
        value = value.replace(tzinfo=zone)
    earliest, latest = _event_dates()
    # Aware datetimes compare without converting, so year 1 or 9999 does not overflow here.
    if not earliest <= value <= latest:
        errors.add(
            field,
            _(
                "Give a date between %(earliest)s and %(latest)s "
                "(no more than %(years)d years ahead)."
            )
            % {
                "earliest": f"{earliest:%Y-%m-%d}",
                "latest": f"{latest:%Y-%m-%d}",
                "years": EVENT_YEARS_AHEAD,
            },
        )
        return None
    return value


def _organiser(input, errors):
    """An organiser already in the directory: a public English row, as the admin links them."""
    slug = clean_text(input, "organiser", errors)
    if not slug:
        return {}
    for model, field in [
        (models.SocialEnterprise, "organiser_enterprise"),
        (models.SupportOrganisation, "organiser_organisation"),
    ]:
        entry = (
            visible_records(model).filter(slug=slug, locale__language_code=SOURCE_LANGUAGE).first()
        )
        if entry:
            return {field: entry}
    errors.add(
        "organiser",
        _("No enterprise or support organisation has the slug %(slug)s.") % {"slug": slug},
    )
    return {}


def build_event(input, errors):
    locale = _locale_row(input)
    zone = _zone(input, errors)
    format = getattr(input.get("format"), "value", input.get("format"))
    if not format:
        errors.add("format", _("This field is required."))
    in_person = format != models.EventFormat.ONLINE
    online = format in (models.EventFormat.ONLINE, models.EventFormat.HYBRID)
    event_type = clean_text(input, "event_type", errors)
    event_types = _terms(errors, "event_type", filter(None, [event_type]), models.EventType)
    description = clean_text(
        input, "description", errors, required=True, max_length=TEXT_MAX, multiline=True
    )
    organiser_name = clean_text(input, "organiser_name", errors, max_length=255)
    organiser = _organiser(input, errors)
    if organiser_name and not organiser:
        # There is no field for an organiser outside the directory; the description says it.
        with translation.override(locale.language_code):
            label = translation.gettext("Organiser: %(name)s") % {"name": organiser_name}
        description += "\n\n" + label
    record = models.Event(
        locale=locale,
        live=False,
        title=clean_text(input, "title", errors, required=True),
        summary=clean_text(input, "summary", errors, max_length=SUMMARY_MAX),
        description=_rich_text(description),
        language=language_code(input.get("language") or locale.language_code),
        english_summary=clean_text(
            input, "english_summary", errors, max_length=SUMMARY_MAX, multiline=True
        ),
        start=_when(input, "start", zone, errors, required=True),
        end=_when(input, "end", zone, errors),
        time_zone=str(zone.key) if zone else settings.TIME_ZONE,
        format=format or models.EventFormat.IN_PERSON,
        status=models.EventStatus.SCHEDULED,
        event_type=event_types[0] if event_types else None,
        country=_country_code(input, errors, required=in_person),
        city=clean_text(input, "city", errors, required=in_person),
        venue=clean_text(input, "venue", errors),
        address=clean_text(input, "address", errors),
        online_url=_url(input, "online_url", errors, required=online),
        registration_url=_url(input, "registration_url", errors),
        contact_name=clean_text(input, "contact_name", errors, required=True),
        contact_email=clean_text(input, "contact_email", errors, required=True),
        **organiser,
    )
    relations = {"topics": _terms(errors, "topics", input.get("topics"), models.Topic)}
    _model_errors(record, errors, exclude=["slug", "translation_key"])
    return record, relations


# Storing ------------------------------------------------------------------------------------


def unique_slug(model, text):
    """A slug no row of `model` has in any locale: slugs are shared by all translations."""
    base = slugify(text.translate(_TRANSLITERATE))[:100].strip("-") or model._meta.model_name
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def store_draft(record, relations):
    """Save the draft with its first revision and submit it to its moderation workflow."""
    for attempt in range(3):
        record.slug = unique_slug(type(record), str(record))
        try:
            with transaction.atomic():
                for name, rows in relations.items():
                    getattr(record, name).set(rows)
                record.save()
                revision = record.save_revision(log_action=False)
                log(record, "wagtail.create", revision=revision, content_changed=True)
                workflow = record.get_workflow()
                if workflow is None:
                    logger.warning("No moderation workflow for %s: draft left unsubmitted", record)
                else:
                    workflow.start(record, None)
            return record
        except IntegrityError:
            # Someone took the same slug a moment ago: pick the next one.
            record.pk = None
            record._state.adding = True
            if attempt == 2:
                raise


# Mutations ----------------------------------------------------------------------------------


def submit(info, input, build):
    count_submission(info.context)
    if (input.get(HONEYPOT) or "").strip():
        logger.info("Submission with the honeypot filled: dropped")
        return {"ok": True, "errors": [], "reference": str(uuid.uuid4())}
    errors = Errors()
    # Field errors are written in the language of the submission (the model's own from
    # Django's catalogs, ours from the project's).
    with translation.override(language_code(input.get("locale"))):
        record, relations = build(input, errors)
    if errors:
        return {"ok": False, "errors": errors.as_list(), "reference": None}
    store_draft(record, relations)
    # The e-mails go out from the worker, after the draft is committed.
    transaction.on_commit(lambda: notify_moderators.enqueue(record._meta.label, record.pk))
    return {"ok": True, "errors": [], "reference": str(record.translation_key)}


class SubmissionResult:
    ok = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)
    reference = graphene.String(
        description="Quote it to the network: the entry's `key` once it is published."
    )


class SubmitEnterprise(SubmissionResult, graphene.Mutation):
    """Propose a social enterprise: stored as a draft awaiting moderation, never published."""

    class Meta:
        name = "SubmitEnterprisePayload"

    class Arguments:
        input = SubmitEnterpriseInput(required=True)

    @staticmethod
    def mutate(root, info, input):
        return SubmitEnterprise(**submit(info, input, build_enterprise))


class SubmitEvent(SubmissionResult, graphene.Mutation):
    """Propose an event: stored as a draft awaiting moderation, never published."""

    class Meta:
        name = "SubmitEventPayload"

    class Arguments:
        input = SubmitEventInput(required=True)

    @staticmethod
    def mutate(root, info, input):
        return SubmitEvent(**submit(info, input, build_event))


class DirectoryMutation:
    submit_enterprise = SubmitEnterprise.Field()
    submit_event = SubmitEvent.Field()
    contact_entry = ContactEntry.Field()
    subscribe = Subscribe.Field()
