"""Bulk exchange of directory records: one documented column set per record type, and the
reading, validation, writing and export behind `import_directory` and `export_directory`.

The same columns serve CSV and JSON. In CSV every value is text and a list is written with `|`
between its items (`Q|S`); in JSON lists are arrays, numbers are numbers, booleans are
booleans and an empty value is `null`, `""` or `[]`.

Identity. A row is the record of its `locale` whose `external_id` is the row's. Records made in
the admin have no external id; exports write their `key` (the API's `key`, a UUID shared by a
record's translations) in its place, and imports match that too, so an export always re-imports
onto the records it came from. English rows are the sources; a row in another locale updates,
or creates, the translation of the English record with the same external id.

Absent and empty. A column absent from the file (from the CSV header, or a JSON object's keys)
leaves that field as it is; a new translation takes it from its English record; a new English
record gets the field's default. A column present with an empty value empties the field.

Writing. Nothing is written unless every row is valid, and then everything is written in one
transaction. Each created or changed record gets a revision (and entries in its history).
Without `publish` it is saved as a draft for moderation, as an edit in the admin is: a new
record is not public, and a published record keeps its live version until a moderator
publishes the import's; a row equal to the record's latest version (its pending draft, if it
has one) changes nothing. With `publish` the row's content goes live; a row equal to what is
live changes nothing (a pending draft is left for its moderator), a draft record is published.
Rows are written in bulk and indexed for search at the end; Wagtail's reference index (usage
counts) is not updated: run `manage.py rebuild_references_index` when those counts matter.
"""

import csv
import datetime
import io
import json
import uuid
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.text import slugify

from modelcluster.models import get_serializable_data_for_fields
from wagtail.models import Locale, ModelLogEntry, Revision
from wagtail_localize.fields import SynchronizedField

from django_countries import countries as country_codes

from cms.bulk import (
    BATCH_SIZE,
    Vocabularies,
    batched,
    bulk_index,
    bulk_relations,
)
from directory import models as directory

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


class BadValue(Exception):
    """A cell that cannot be read; the message says why and what would be right."""


class ExchangeError(Exception):
    """Nothing can be imported or exported at all; the message says why."""


# Kinds of column -----------------------------------------------------------------------------
#
# A kind reads a cell into the value the model holds (`parse`), reads that value from a record
# (`get`), puts it on a record (`put`) and writes it back out (`dump`). `get(put(parse(dump(v))))`
# is `v`, which is what makes an export re-import without changes.


def _text(value):
    if isinstance(value, list):
        raise BadValue("expected one value, not a list")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _items(value):
    if isinstance(value, list):
        return [_text(item).strip() for item in value if _text(item).strip()]
    return [item.strip() for item in _text(value).split("|") if item.strip()]


class Kind:
    format = ""
    many_to_many = False

    def __init__(self, field_name=None):
        self.field_name = field_name

    def bind(self, column):
        self.field_name = self.field_name or column.name

    def parse(self, value, context):
        return _text(value)

    def get(self, record, context):
        return getattr(record, self.field_name)

    def put(self, record, value, context):
        setattr(record, self.field_name, value)

    def dump(self, value, record, context, as_json):
        return value

    def empty(self, value):
        return value in ("", None, [], frozenset())


class Text(Kind):
    def __init__(self, field_name=None, max_length=None, strip=False):
        super().__init__(field_name)
        self.max_length = max_length
        self.strip = strip

    @property
    def format(self):
        return f"text, at most {self.max_length} characters" if self.max_length else "text"

    def parse(self, value, context):
        text = _text(value)
        if self.strip:
            text = text.strip()
        if self.max_length and len(text) > self.max_length:
            raise BadValue(f"{len(text)} characters, at most {self.max_length} allowed")
        return text


class RichText(Text):
    format = "HTML as Wagtail's rich text editor stores it (p, h2-h6, b, i, ul, ol, li, a, ...)"

    def parse(self, value, context):
        html = super().parse(value, context)
        checker = _RichTextChecker()
        checker.feed(html)
        checker.close()
        if checker.problems:
            raise BadValue("; ".join(dict.fromkeys(checker.problems)))
        return html


class _RichTextChecker(HTMLParser):
    """Rejects markup the rich text editor never makes: scripts, styles, event handlers."""

    ALLOWED = {
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "strong", "em", "u", "s"),
        *("sup", "sub", "code", "ul", "ol", "li", "a", "br", "hr", "blockquote", "embed"),
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.problems.append(f"<{tag}> is not allowed in rich text")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"the {name} attribute is not allowed in rich text")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{name}={value!r} is not allowed in rich text")

    handle_startendtag = handle_starttag


class Slug(Text):
    format = (
        "lower-case letters, digits and hyphens; empty: kept for an existing record, made "
        "from the name (title) for a new one, the English record's for a new translation"
    )

    def parse(self, value, context):
        return super().parse(value, context).strip()


class ChoiceText(Kind):
    """One of a model field's choices, by its stored value (`in_person`, `scheduled`, ...)."""

    def __init__(self, choices, field_name=None):
        super().__init__(field_name)
        self.choices = choices

    @property
    def format(self):
        return "one of " + ", ".join(value for value, _label in self.choices)

    def parse(self, value, context):
        code = _text(value).strip().lower()
        allowed = [value for value, _label in self.choices]
        if code not in allowed:
            raise BadValue(f"{code!r} is not one of {', '.join(allowed)}")
        return code


class Language(ChoiceText):
    format = "a content language code: " + ", ".join(
        code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    )

    def __init__(self, field_name=None):
        super().__init__(settings.WAGTAIL_CONTENT_LANGUAGES, field_name)


class Languages(Kind):
    format = "content language codes separated by |, e.g. da|en"

    def parse(self, value, context):
        codes = [code.lower() for code in _items(value)]
        allowed = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise BadValue(f"unknown language(s) {', '.join(unknown)}; use {', '.join(allowed)}")
        return list(dict.fromkeys(codes))

    def get(self, record, context):
        return list(getattr(record, self.field_name) or [])

    def dump(self, value, record, context, as_json):
        return list(value) if as_json else "|".join(value)


class Country(Kind):
    format = "ISO 3166-1 alpha-2 code, e.g. DK"

    def parse(self, value, context):
        code = _text(value).strip().upper()
        if code and code not in country_codes:
            raise BadValue(f"unknown country code {code!r}; use ISO 3166-1 alpha-2, e.g. DK")
        return code

    def get(self, record, context):
        return getattr(record, self.field_name).code or ""


class Countries(Kind):
    format = "ISO 3166-1 alpha-2 codes separated by |, e.g. LV|LT"

    def parse(self, value, context):
        codes = [code.upper() for code in _items(value)]
        unknown = [code for code in codes if code not in country_codes]
        if unknown:
            raise BadValue(f"unknown country code(s) {', '.join(unknown)}; use e.g. DK|SE")
        # As django-countries stores a multiple field: sorted, without duplicates.
        return sorted(set(codes))

    def get(self, record, context):
        return sorted(country.code for country in getattr(record, self.field_name))

    def dump(self, value, record, context, as_json):
        return list(value) if as_json else "|".join(value)


class Number(Kind):
    def __init__(self, field_name=None, decimal=False, minimum=None, maximum=None):
        super().__init__(field_name)
        self.decimal = decimal
        self.minimum, self.maximum = minimum, maximum

    @property
    def format(self):
        kind = "decimal number" if self.decimal else "whole number"
        if self.minimum is not None:
            kind += f" from {self.minimum} to {self.maximum}"
        return kind + (", with a decimal point: 55.6761" if self.decimal else "")

    def parse(self, value, context):
        if isinstance(value, bool):
            raise BadValue("expected a number, not true or false")
        text = _text(value).strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise BadValue(f"{text!r} is not a number") from None
        if not number.is_finite():
            raise BadValue(f"{text!r} is not a number")
        if not self.decimal:
            if number != number.to_integral_value():
                raise BadValue(f"{text!r} is not a whole number")
            number = int(number)
        if self.minimum is not None and not self.minimum <= number <= self.maximum:
            raise BadValue(f"{text} is outside {self.minimum} to {self.maximum}")
        return number

    def dump(self, value, record, context, as_json):
        if value is None:
            return None if as_json else ""
        if as_json:
            return float(value) if self.decimal else value
        # 55.6761 rather than the column's 55.676100; "f" keeps 10 from becoming 1E+1.
        return format(value.normalize(), "f") if self.decimal else str(value)


class Boolean(Kind):
    format = "true or false (also yes/no, 1/0); empty is false"
    WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}

    def parse(self, value, context):
        if isinstance(value, bool):
            return value
        text = _text(value).strip().lower()
        if not text:
            return False
        if text not in self.WORDS:
            raise BadValue(f"{text!r} is not true or false")
        return self.WORDS[text]

    def dump(self, value, record, context, as_json):
        return value if as_json else ("true" if value else "false")


class Date(Kind):
    format = "ISO 8601 date, e.g. 2024-05-31"

    def parse(self, value, context):
        text = _text(value).strip()
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise BadValue(f"{text!r} is not a date like 2024-05-31") from None

    def dump(self, value, record, context, as_json):
        return value.isoformat() if value else (None if as_json else "")


class DateTime(Kind):
    format = "ISO 8601 date and time with a UTC offset, e.g. 2022-01-24T10:00:00+01:00"

    def parse(self, value, context):
        text = _text(value).strip()
        if not text:
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise BadValue(f"{text!r} is not a date and time like {self.format[-25:]}") from None
        if timezone.is_naive(moment):
            raise BadValue(f"{text!r} has no UTC offset: add one, e.g. +01:00 or Z")
        return moment

    def dump(self, value, record, context, as_json):
        if value is None:
            return None if as_json else ""
        # In the event's own time zone, as it is announced.
        try:
            zone = zoneinfo.ZoneInfo(record.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = datetime.UTC
        return value.astimezone(zone).isoformat()


class TimeZone(Kind):
    format = "IANA time zone name, e.g. Europe/Warsaw"

    def parse(self, value, context):
        text = _text(value).strip()
        if text and text not in context.time_zones:
            raise BadValue(f"unknown time zone {text!r}; use an IANA name like Europe/Riga")
        return text or settings.TIME_ZONE


class Term(Kind):
    """One vocabulary term by its code; the record points at the English row."""

    def __init__(self, vocabulary, label, field_name=None):
        super().__init__(field_name)
        self.vocabulary, self.label = vocabulary, label

    @property
    def format(self):
        article = "an" if self.label[0] in "aeiou" else "a"
        return f"{article} {self.label} slug"

    def code(self, text):
        return text.strip().lower()

    def term(self, text, context):
        terms = getattr(context.vocabularies, self.vocabulary)
        code = self.code(text)
        if code not in terms:
            known = ", ".join(str(known) for known in sorted(terms))
            raise BadValue(f"unknown {self.label} {text.strip()!r}; known: {known}")
        return terms[code]

    def parse(self, value, context):
        text = _text(value).strip()
        return self.term(text, context).pk if text else None

    def get(self, record, context):
        return getattr(record, f"{self.field_name}_id")

    def put(self, record, value, context):
        setattr(record, f"{self.field_name}_id", value)

    def dump(self, value, record, context, as_json):
        if value is None:
            return None if as_json else ""
        return context.code_of(record._meta.get_field(self.field_name).related_model, value)


class Terms(Term):
    many_to_many = True

    @property
    def format(self):
        return f"{self.label} slugs separated by |"

    def parse(self, value, context):
        return frozenset(self.term(item, context).pk for item in _items(value))

    def get(self, record, context):
        return relations_of(record)[self.field_name]

    def put(self, record, value, context):
        relations_of(record)[self.field_name] = value

    def dump(self, value, record, context, as_json):
        model = record._meta.get_field(self.field_name).related_model
        codes = sorted(context.code_of(model, pk) for pk in value)
        return codes if as_json else "|".join(str(code) for code in codes)


class Sectors(Terms):
    format = "NACE Rev. 2 section letters (A-U) separated by |, e.g. Q|S"

    def code(self, text):
        return text.strip().upper()


class Sdgs(Terms):
    format = "SDG numbers (1-17) separated by |, e.g. 8|10"

    def code(self, text):
        try:
            return int(text)
        except ValueError:
            return text


class Organiser(Kind):
    """An event's organiser: the English record's external id, or its key when it has none."""

    def __init__(self, model, field_name=None):
        super().__init__(field_name)
        self.model = model

    @property
    def format(self):
        return f"external id (or key) of an English {self.model._meta.verbose_name}"

    def prepare(self, values, context):
        context.load_references(self.model, {_text(value).strip() for value in values})

    def parse(self, value, context):
        reference = _text(value).strip()
        if not reference:
            return None
        pk = context.references[self.model].get(reference)
        if pk is None:
            name = self.model._meta.verbose_name
            raise BadValue(f"no English {name} has the external id or key {reference!r}")
        return pk

    def get(self, record, context):
        return getattr(record, f"{self.field_name}_id")

    def put(self, record, value, context):
        setattr(record, f"{self.field_name}_id", value)

    def dump(self, value, record, context, as_json):
        if value is None:
            return None if as_json else ""
        return context.reference_of(self.model, value)


# Columns -------------------------------------------------------------------------------------


@dataclass
class Column:
    name: str
    kind: Kind
    meaning: str
    required: bool = False
    private: bool = False

    def __post_init__(self):
        self.kind.bind(self)


IDENTITY = ("external_id", "locale")


def _identity_columns():
    return [
        Column(
            "external_id",
            Text(max_length=100, strip=True),
            "The record's stable identifier in the source system: rows are matched on it. "
            "Exports write the record's key (a UUID) for records that have none.",
            required=True,
        ),
        Column(
            "locale",
            Language(),
            "The language of the row's texts; empty is en. English rows are the sources; "
            "another locale updates or creates the translation of the English record with "
            "the same external_id.",
        ),
    ]


def _text_columns(heading, meaning):
    """The identity and the translatable texts every record type starts with."""
    return [
        *_identity_columns(),
        Column(heading, Text(max_length=255), meaning, required=True),
        Column("slug", Slug(max_length=120), "Part of the public address."),
        Column("summary", Text(max_length=500), "One or two sentences."),
        Column("description", RichText(), "Longer description."),
    ]


def _entry_columns():
    return [
        *_text_columns("name", "Name."),
        Column("country", Country(), "Country of the address."),
        Column("city", Text(max_length=120), "City."),
        Column("address", Text(max_length=255), "Street address."),
        Column("postal_code", Text(max_length=20), "Postal code."),
        Column("latitude", Number(decimal=True, minimum=-90, maximum=90), "Latitude (WGS 84)."),
        Column(
            "longitude", Number(decimal=True, minimum=-180, maximum=180), "Longitude (WGS 84)."
        ),
        Column("website", Text(max_length=200), "Website, an http(s) URL."),
        Column("email", Text(max_length=254), "Public e-mail address."),
        Column("phone", Text(max_length=40), "Public phone number."),
        Column(
            "contact_name",
            Text(max_length=120),
            "PRIVATE: contact person, for the network's staff only.",
            private=True,
        ),
        Column(
            "contact_email",
            Text(max_length=254),
            "PRIVATE: contact e-mail, for the network's staff only.",
            private=True,
        ),
        Column("sectors", Sectors("sectors", "sector"), "Sectors of activity."),
        Column("sdgs", Sdgs("sdgs", "SDG"), "UN Sustainable Development Goals it works on."),
        Column(
            "target_groups",
            Terms("target_groups", "target group"),
            "Groups it works with (people-with-disabilities, youth, ...).",
        ),
        Column("languages", Languages(), "Working languages."),
        Column(
            "seeking_partners",
            Boolean(),
            "Whether it is looking for collaboration partners.",
        ),
        Column(
            "offers",
            Terms("collaboration", "collaboration term"),
            "What it offers partners (funding, mentoring, ...).",
        ),
        Column(
            "needs",
            Terms("collaboration", "collaboration term"),
            "What it looks for in partners (same slugs as offers).",
        ),
        Column("last_verified", Date(), "When the entry was last checked with the organisation."),
    ]


def enterprise_columns():
    return [
        *_entry_columns(),
        Column("legal_form", Text(max_length=120), "Legal form as written in the country."),
        Column(
            "recognised_status",
            Term("statuses", "recognised status"),
            "Recognised social-enterprise status (dk-rsv, lv-social-enterprise, ...).",
        ),
        Column(
            "founded_year", Number(minimum=1800, maximum=2100), "Year the enterprise was founded."
        ),
        Column("employees", Number(minimum=0, maximum=2147483647), "Number of employees."),
    ]


def organisation_columns():
    return [
        *_entry_columns(),
        Column(
            "support_types",
            Terms("support_types", "support type"),
            "Kinds of support (incubator, funder, ...).",
        ),
        Column(
            "countries_served",
            Countries(),
            "Countries it serves; empty means its own country.",
        ),
    ]


def event_columns():
    return [
        *_text_columns("title", "Title."),
        Column(
            "language",
            Language(),
            "The language the event is held in (not the row's language: that is locale).",
        ),
        Column(
            "english_summary",
            Text(),
            "English summary; required when the event is not held in English.",
        ),
        Column("start", DateTime(), "Start.", required=True),
        Column("end", DateTime(), "End; not before the start."),
        Column("time_zone", TimeZone(), "The local time zone the event is announced in."),
        Column("format", ChoiceText(directory.EventFormat.choices), "How people attend."),
        Column(
            "status",
            ChoiceText(directory.EventStatus.choices),
            "schema.org event status.",
        ),
        Column(
            "event_type",
            Term("event_types", "event type"),
            "conference, workshop, webinar, ...",
        ),
        Column("topics", Terms("topics", "topic"), "Topics."),
        Column("country", Country(), "Country of the venue."),
        Column("city", Text(max_length=120), "City."),
        Column("venue", Text(max_length=255), "Venue."),
        Column("address", Text(max_length=255), "Street address."),
        Column("latitude", Number(decimal=True, minimum=-90, maximum=90), "Latitude (WGS 84)."),
        Column(
            "longitude", Number(decimal=True, minimum=-180, maximum=180), "Longitude (WGS 84)."
        ),
        Column("online_url", Text(max_length=200), "Online meeting link, an http(s) URL."),
        Column("registration_url", Text(max_length=200), "Registration link, an http(s) URL."),
        Column(
            "organiser_enterprise",
            Organiser(directory.SocialEnterprise),
            "The organising social enterprise (at most one organiser).",
        ),
        Column(
            "organiser_organisation",
            Organiser(directory.SupportOrganisation),
            "The organising support organisation (at most one organiser).",
        ),
        Column(
            "contact_name",
            Text(max_length=120),
            "PRIVATE: contact person, for moderators only.",
            private=True,
        ),
        Column(
            "contact_email",
            Text(max_length=254),
            "PRIVATE: contact e-mail, for moderators only.",
            private=True,
        ),
    ]


@dataclass
class RecordType:
    name: str
    model: type
    columns: list
    label_field: str

    @property
    def plural(self):
        return str(self.model._meta.verbose_name_plural)


RECORD_TYPES = {
    "enterprises": RecordType(
        "enterprises", directory.SocialEnterprise, enterprise_columns(), "name"
    ),
    "organisations": RecordType(
        "organisations", directory.SupportOrganisation, organisation_columns(), "name"
    ),
    "events": RecordType("events", directory.Event, event_columns(), "title"),
}


def column_documentation(record_type):
    """The column table of a record type, in Markdown (README, `--help-columns`)."""
    lines = ["| column | required | meaning | format |", "|---|---|---|---|"]
    for column in record_type.columns:
        required = "yes" if column.required else ""
        fmt = column.kind.format.replace("|", "\\|")
        lines.append(f"| `{column.name}` | {required} | {column.meaning} | {fmt} |")
    return "\n".join(lines)


# Lookups shared by parsing and export ----------------------------------------------------------


class Context:
    """What cells are read against (`for_import`) and written from, loaded in a few queries."""

    def __init__(self, for_import=True):
        self.references = defaultdict(dict)
        self._reference_of = defaultdict(dict)
        self._codes = {}
        self._rows = {}
        if not for_import:
            return
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        english = self.locales.get(SOURCE_LANGUAGE)
        if english is None:
            raise ExchangeError("No English locale: run `manage.py migrate` first.")
        self.vocabularies = Vocabularies(english)
        self.time_zones = zoneinfo.available_timezones()

    def rows_by_pk(self, vocabulary):
        if vocabulary not in self._rows:
            terms = getattr(self.vocabularies, vocabulary).values()
            self._rows[vocabulary] = {row.pk: row for row in terms}
        return self._rows[vocabulary]

    def code_of(self, model, pk):
        if model not in self._codes:
            self._codes[model] = dict(model.objects.values_list("pk", model.code_field))
        return self._codes[model][pk]

    def load_references(self, model, references):
        """English records by external id, or by key for those without one."""
        references = sorted(reference for reference in references if reference)
        english = model.objects.filter(locale__language_code=SOURCE_LANGUAGE)
        found = self.references[model]
        for batch in batched(references, BATCH_SIZE):
            for pk, external_id in english.filter(external_id__in=batch).values_list(
                "pk", "external_id"
            ):
                found[external_id] = pk
            keys = [reference for reference in batch if _is_uuid(reference)]
            for pk, key in english.filter(translation_key__in=keys, external_id="").values_list(
                "pk", "translation_key"
            ):
                found.setdefault(str(key), pk)

    def reference_of(self, model, pk):
        known = self._reference_of[model]
        if pk not in known:
            rows = model.objects.values_list("pk", "external_id", "translation_key")
            for row_pk, external_id, key in rows:
                known[row_pk] = external_id or str(key)
        return known[pk]


def _is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def identifier(record):
    """What the export writes as `external_id`: the external id, else the key."""
    return record.external_id or str(record.translation_key)


def relations_of(record):
    """A record's many-to-many relations as sets of primary keys, by field name.

    Held on the record and loaded in bulk (`load_relations`), because modelcluster builds a
    queryset for every access to a relation, which costs more than the rest of a row.
    """
    try:
        return record._exchange_relations
    except AttributeError:
        record._exchange_relations = {}
        if record.pk is not None:
            for name in _many_to_many_names(type(record)):
                pks = frozenset(term.pk for term in getattr(record, name).all())
                record._exchange_relations[name] = pks
        return record._exchange_relations


def load_relations(model, records):
    """Fill `relations_of` for saved records: one query per relation and thousand records."""
    for record in records:
        record._exchange_relations = {}
    by_pk = {record.pk: record for record in records}
    for name in _many_to_many_names(model):
        model_field = model._meta.get_field(name)
        through = model_field.remote_field.through
        own = f"{model_field.m2m_field_name()}_id"
        other = f"{model_field.m2m_reverse_field_name()}_id"
        found = defaultdict(set)
        for batch in batched(list(by_pk), BATCH_SIZE):
            for pk, term in through.objects.filter(**{f"{own}__in": batch}).values_list(
                own, other
            ):
                found[pk].add(term)
        for pk, record in by_pk.items():
            record._exchange_relations[name] = frozenset(found.get(pk, ()))


def revision_content(version):
    """What `serializable_data()` gives (fields, then relations as lists of primary keys),
    from the relations held by `relations_of`."""
    content = get_serializable_data_for_fields(version)
    for name, pks in relations_of(version).items():
        content[name] = sorted(pks)
    return content


def latest_versions(model, records):
    """Each record's latest version: its revision when it has unpublished changes (a draft),
    else the database row, as Wagtail's `get_latest_revision_as_object` decides.

    Built from the revisions' JSON without modelcluster's per-relation queries, so that ten
    thousand drafts load in one query.
    """
    pending = {
        record.latest_revision_id: record
        for record in records
        if record.has_unpublished_changes and record.latest_revision_id
    }
    versions = {record.pk: record for record in records}
    names = _many_to_many_names(model)
    for revision_pk, content in Revision.objects.filter(pk__in=list(pending)).values_list(
        "pk", "content"
    ):
        record = pending[revision_pk]
        version = model(pk=record.pk)
        for model_field in model._meta.concrete_fields:
            if model_field.name in content and not model_field.primary_key:
                raw = content[model_field.name]
                value = raw if model_field.is_relation else model_field.to_python(raw)
                setattr(version, model_field.attname, value)
        for state in (
            "live",
            "has_unpublished_changes",
            "first_published_at",
            "latest_revision_id",
        ):
            setattr(version, state, getattr(record, state))
        version.translation_key, version.locale = record.translation_key, record.locale
        version._exchange_relations = {name: frozenset(content.get(name, ())) for name in names}
        versions[record.pk] = version
    return versions


def _many_to_many_names(model):
    return [
        model_field.name
        for model_field in model._meta.get_fields()
        if model_field.many_to_many and not model_field.auto_created
    ]


# Reading files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class FileError(ExchangeError):
    """The file as a whole cannot be read (not UTF-8, not JSON, no header)."""


@dataclass
class Row:
    line: int
    cells: dict
    external_id: str = ""
    locale: object = None
    values: dict = field(default_factory=dict)
    record: object = None
    version: object = None
    source: object = None
    status: str = ""
    bad: bool = False
    writes_row: bool = False
    db_before: dict = field(default_factory=dict)
    relations_before: dict = field(default_factory=dict)

    @property
    def language(self):
        return self.locale.language_code


def read_csv(handle):
    """Rows with the physical line each starts on; errors for the header and ragged rows."""
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FileError(f"line 1: not CSV ({error})") from None
    if not header:
        raise FileError("the file is empty: a CSV file starts with a header of column names")
    header = [name.strip() for name in header]
    rows, errors = [], []
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise FileError(f"line {previous_end + 1}: not CSV ({error})") from None
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                RowError(line, "", f"{len(cells)} values, but the header has {len(header)}")
            )
            continue
        rows.append(Row(line, dict(zip(header, cells, strict=True))))
    return header, rows, errors


def read_json(handle):
    try:
        data = json.load(handle)
    except json.JSONDecodeError as error:
        raise FileError(
            f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(data, list):
        raise FileError("a JSON import is an array of objects, one per record")
    rows, errors = [], []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(index, "", "expected an object of column: value"))
            continue
        nested = [key for key, value in item.items() if isinstance(value, dict)]
        for key in nested:
            errors.append(RowError(index, key, "expected a value or a list, not an object"))
        if not nested:
            rows.append(Row(index, item))
    return rows, errors


def read_file(path, file_format):
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if file_format == "csv":
                header, rows, errors = read_csv(handle)
            else:
                rows, errors = read_json(handle)
                header = None
    except UnicodeDecodeError as error:
        raise FileError(f"not UTF-8 text (byte {error.start})") from None
    return header, rows, errors


# Import --------------------------------------------------------------------------------------


@dataclass
class Plan:
    record_type: RecordType
    rows: list
    errors: list
    publish: bool

    @property
    def counts(self):
        return Counter(row.status for row in self.rows if not row.bad)

    def by_status(self, status):
        return [row for row in self.rows if row.status == status and not row.bad]


def _no_progress(iterable, description, unit="row"):
    return iterable


class Importer:
    """Validates rows into a plan (nothing written), then writes a valid plan in bulk."""

    def __init__(self, record_type, publish=False, progress=_no_progress):
        self.type = record_type
        self.model = record_type.model
        self.publish = publish
        self.progress = progress
        self.context = Context()
        self.columns = {column.name: column for column in record_type.columns}
        self.content_columns = [c for c in record_type.columns if c.name not in IDENTITY]
        self.extra_synchronised = [
            self.model._meta.get_field(item.field_name).attname
            for item in self.model.translatable_fields
            if isinstance(item, SynchronizedField)
            and item.field_name not in self.columns
            and item.field_name != "external_id"
            and not self.model._meta.get_field(item.field_name).many_to_many
        ]

    # Validation

    def plan(self, rows, header=None, errors=()):
        errors = list(errors)
        if header is not None:
            header_errors = self.check_columns(1, header, every_row=True)
            if header_errors:
                # The rows are read against the header: nothing more can be said of them.
                return Plan(self.type, [], header_errors + errors, self.publish)
        else:
            for row in rows:
                found = self.check_columns(row.line, list(row.cells), every_row=False)
                if found:
                    row.bad = True
                    errors += found
        rows = [row for row in rows if not row.bad]
        self.errors = errors
        self.identify(rows)
        self.find_records(rows)
        self.parse(rows)
        self.build(rows)
        self.check_slugs(rows)
        errors.sort(key=lambda error: error.line)
        return Plan(self.type, rows, errors, self.publish)

    def check_columns(self, line, names, every_row):
        errors = []
        for name, count in Counter(names).items():
            if count > 1:
                errors.append(RowError(line, name, "this column appears more than once"))
            if name not in self.columns:
                known = ", ".join(self.columns)
                errors.append(RowError(line, name, f"unknown column; the columns are {known}"))
        for column in self.type.columns:
            if column.required and column.name not in names:
                where = "the header" if every_row else "this record"
                errors.append(RowError(line, column.name, f"required column missing in {where}"))
        return errors

    def fail(self, row, column, message):
        row.bad = True
        self.errors.append(RowError(row.line, column, str(message)))

    def identify(self, rows):
        seen = {}
        for row in rows:
            try:
                row.external_id = self.columns["external_id"].kind.parse(
                    row.cells.get("external_id"), self.context
                )
                language = self.columns["locale"].kind.parse(
                    row.cells.get("locale") or SOURCE_LANGUAGE, self.context
                )
            except BadValue as error:
                column = "external_id" if not row.external_id else "locale"
                self.fail(row, column, error)
                continue
            if not row.external_id:
                self.fail(row, "external_id", "required: a stable id from the source system")
                continue
            if language not in self.context.locales:
                self.fail(row, "locale", f"no {language!r} locale: run `manage.py migrate`")
                continue
            row.locale = self.context.locales[language]
            first = seen.setdefault((row.external_id, language), row)
            if first is not row:
                self.fail(
                    row,
                    "external_id",
                    f"{row.external_id!r} in {language} is already on line {first.line}",
                )

    def find_records(self, rows):
        """The record each row updates: by external id, else by key, else (for a translation)
        the translation of its English record that has no external id yet."""
        model = self.model
        wanted = sorted({row.external_id for row in rows if not row.bad})
        found = {}
        columns = ("pk", "external_id", "translation_key", "locale__language_code")
        for batch in batched(wanted, BATCH_SIZE):
            for pk, external_id, _key, language in model.objects.filter(
                external_id__in=batch
            ).values_list(*columns):
                found[(external_id, language)] = pk
            keys = [item for item in batch if _is_uuid(item)]
            by_key = model.objects.filter(translation_key__in=keys, external_id="")
            for pk, _external_id, key, language in by_key.values_list(*columns):
                found.setdefault((str(key), language), pk)
        for row in rows:
            if not row.bad:
                row.record = found.get((row.external_id, row.language))
                if row.language != SOURCE_LANGUAGE:
                    row.source = found.get((row.external_id, SOURCE_LANGUAGE))
        self.load_versions(rows)
        # Translations made before their English record had an external id.
        orphans = defaultdict(list)
        for row in rows:
            if not row.bad and row.record is None and row.source is not None:
                orphans[row.source.translation_key].append(row)
        for batch in batched(list(orphans), BATCH_SIZE):
            for pk, _external_id, key, language in model.objects.filter(
                translation_key__in=batch
            ).values_list(*columns):
                for row in orphans[key]:
                    if row.language == language:
                        row.record = pk
        if orphans:
            self.load_versions(rows)

    def load_versions(self, rows):
        """The database rows (with their relations) and latest versions of the records."""
        pks = set()
        for row in rows:
            for found in (row.record, row.source):
                if found is not None:
                    pks.add(getattr(found, "pk", found))
        fetched = {}
        for batch in batched(sorted(pks), BATCH_SIZE):
            for record in self.model.objects.filter(pk__in=batch).select_related("locale"):
                fetched[record.pk] = record
        load_relations(self.model, list(fetched.values()))
        for row in rows:
            if row.record is not None:
                row.record = fetched[getattr(row.record, "pk", row.record)]
            if row.source is not None:
                row.source = fetched[getattr(row.source, "pk", row.source)]
        self.versions = latest_versions(self.model, list(fetched.values()))

    def parse(self, rows):
        live_rows = [row for row in rows if not row.bad]
        for column in self.content_columns:
            if hasattr(column.kind, "prepare"):
                values = [row.cells[column.name] for row in live_rows if column.name in row.cells]
                column.kind.prepare(values, self.context)
        for row in self.progress(live_rows, "Checking"):
            for name, value in row.cells.items():
                column = self.columns[name]
                if name in IDENTITY:
                    continue
                try:
                    row.values[name] = column.kind.parse(value, self.context)
                except BadValue as error:
                    self.fail(row, name, error)
                    continue
                if column.required and column.kind.empty(row.values[name]):
                    self.fail(row, name, "required: this cannot be empty")

    def build(self, rows):
        """Make each row's version of its record and decide created/updated/unchanged.

        English rows first, so that a translation can be made of a record the same file
        creates.
        """
        ordered = sorted(
            (row for row in rows if not row.bad), key=lambda row: row.language != SOURCE_LANGUAGE
        )
        english = {}
        for row in ordered:
            if row.language == SOURCE_LANGUAGE:
                english[row.external_id] = row
            if row.record is not None:
                self.update(row)
            elif row.language == SOURCE_LANGUAGE:
                self.create(row)
            else:
                self.translate(row, english.get(row.external_id))
            if row.status != "unchanged" and not row.bad:
                self.validate(row)

    def create(self, row):
        version = self.model(
            locale=row.locale, translation_key=uuid.uuid4(), external_id=row.external_id
        )
        # Relations held in memory, so that nothing asks the database about an unsaved record.
        empty = {
            name: frozenset()
            for name, column in self.columns.items()
            if column.kind.many_to_many and name not in row.values
        }
        self.apply(row, version, {**empty, **row.values})
        if not version.slug:
            label = getattr(version, self.type.label_field)
            version.slug = slugify(label)[:120].strip("-")
            if not version.slug:
                self.fail(row, "slug", "cannot make a slug from the name: give one")
        row.version, row.status = version, "created"

    def translate(self, row, english_row):
        source = self.versions[row.source.pk] if row.source is not None else None
        if english_row is not None and english_row.version is not None:
            source = english_row.version
        if source is None:
            self.fail(
                row,
                "external_id",
                f"no English record with the external id {row.external_id!r}, in the "
                "database or in this file: a translation needs its English source",
            )
            return
        version = self.model(
            locale=row.locale,
            translation_key=source.translation_key,
            external_id=source.external_id,
        )
        inherited = {
            column.name: column.kind.get(source, self.context)
            for column in self.content_columns
            if column.name not in row.values
        }
        for attname in self.extra_synchronised:
            setattr(version, attname, getattr(source, attname))
        self.apply(row, version, {**inherited, **row.values})
        if not version.slug:
            version.slug = source.slug
        row.version, row.status = version, "created"

    def update(self, row):
        record = row.record
        version = self.versions[record.pk]
        values = dict(row.values)
        if not values.get("slug"):
            values.pop("slug", None)
        # --publish makes the file's content live: compared with what is live, so that a
        # draft waiting for moderation is left alone when the file already matches.
        current = record if self.publish and record.live else version
        changed = [
            name
            for name, value in values.items()
            if self.columns[name].kind.get(current, self.context) != value
        ]
        # A row matched through its key keeps the record without an external id.
        new_id = row.external_id if row.external_id != str(record.translation_key) else ""
        if new_id != record.external_id:
            changed.append("external_id")
        needs_publishing = self.publish and not record.live
        if not changed and not needs_publishing:
            row.status = "unchanged"
            return
        if record.locked:
            who = record.locked_by.get_username() if record.locked_by else "someone"
            self.fail(row, "", f"{record} is locked in the admin by {who}: unlock it first")
            return
        row.db_before = {f.attname: f.value_from_object(record) for f in self.model._meta.fields}
        row.relations_before = {
            name: self.columns[name].kind.get(record, self.context)
            for name, column in self.columns.items()
            if column.kind.many_to_many
        }
        version.external_id = new_id
        self.apply(row, version, values)
        row.version, row.status = version, "updated"

    def apply(self, row, version, values):
        for name, value in values.items():
            self.columns[name].kind.put(version, value, self.context)

    def validate(self, row):
        # Relations were looked up in bulk, and country codes checked against the same list,
        # while Django would query per relation and rebuild 250 country choices per row.
        exclude = [f.name for f in self.model._meta.fields if f.is_relation]
        exclude += [
            name for name, c in self.columns.items() if isinstance(c.kind, Country | Countries)
        ]
        try:
            row.version.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in self.columns else ""
                for message in messages:
                    self.fail(row, column, message.rstrip("."))

    def check_slugs(self, rows):
        """(slug, locale) is unique: within the file, and against the records it leaves."""
        claims = {}
        for row in rows:
            if row.bad or (row.version is None and row.record is None):
                continue
            slug = (row.version or self.versions[row.record.pk]).slug
            first = claims.setdefault((slug, row.language), row)
            if first is not row:
                self.fail(row, "slug", f"{slug!r} is also the slug on line {first.line}")
        mine = {row.record.pk for row in rows if row.record is not None}
        slugs = sorted({slug for slug, _language in claims})
        for batch in batched(slugs, BATCH_SIZE):
            holders = self.model.objects.filter(slug__in=batch).values_list(
                "pk", "slug", "locale__language_code", self.type.label_field
            )
            for pk, slug, language, label in holders:
                row = claims.get((slug, language))
                if pk not in mine and row is not None and not row.bad:
                    self.fail(
                        row,
                        "slug",
                        f"{slug!r} is already the slug of {label!r} (id {pk}) in {language}",
                    )

    # Writing

    def write(self, plan):
        created, updated = plan.by_status("created"), plan.by_status("updated")
        for row in created:
            row.writes_row = True
        for row in updated:
            # A draft of a published record waits in its revision, as an admin edit does.
            row.writes_row = self.publish or not row.record.live
        now = timezone.now()
        with transaction.atomic():
            self.insert(created)
            self.update_rows([row for row in updated if row.writes_row])
            self.revise(created + updated, now)
            written = [row.version for row in created + updated if row.writes_row]
            for batch in batched(written, BATCH_SIZE):
                bulk_index(self.model, batch)

    def insert(self, rows):
        names = [n for n, c in self.columns.items() if c.kind.many_to_many]
        for batch in self.progress(list(batched(rows, BATCH_SIZE)), "Creating", "batch"):
            versions = [row.version for row in batch]
            for version in versions:
                version.live = False
                version.has_unpublished_changes = True
            self.model.objects.bulk_create(versions)
            if names:
                bulk_relations(
                    self.model,
                    versions,
                    [
                        {name: self.relation_rows(version, name) for name in names}
                        for version in versions
                    ],
                )

    def relation_rows(self, version, name):
        kind = self.columns[name].kind
        rows = self.context.rows_by_pk(kind.vocabulary)
        return [rows[pk] for pk in sorted(kind.get(version, self.context))]

    def update_rows(self, rows):
        if not rows:
            return
        content = [
            f
            for f in self.model._meta.fields
            if not f.primary_key and f.attname not in _STATE_FIELDS
        ]
        changed = {
            f.name
            for row in rows
            for f in content
            if f.value_from_object(row.version) != row.db_before[f.attname]
        }
        if changed:
            bulk_set(self.model, [row.version for row in rows], sorted(changed))
        for name, column in self.columns.items():
            if not column.kind.many_to_many:
                continue
            model_field = self.model._meta.get_field(column.kind.field_name)
            moved = [
                row
                for row in rows
                if column.kind.get(row.version, self.context) != row.relations_before[name]
            ]
            through = model_field.remote_field.through
            own = f"{model_field.m2m_field_name()}_id"
            for batch in batched(moved, BATCH_SIZE):
                through.objects.filter(
                    **{f"{own}__in": [row.version.pk for row in batch]}
                ).delete()
                bulk_relations(
                    self.model,
                    [row.version for row in batch],
                    [{model_field.name: self.relation_rows(row.version, name)} for row in batch],
                )

    def revise(self, rows, now):
        """A revision and a history entry per row; then publish, or mark as a draft."""
        content_type = ContentType.objects.get_for_model(self.model)
        base_type = self.model.get_base_content_type()
        for batch in self.progress(list(batched(rows, BATCH_SIZE)), "Revisions", "batch"):
            revisions = [
                Revision(
                    content_type=content_type,
                    base_content_type=base_type,
                    object_id=str(row.version.pk),
                    content=revision_content(row.version),
                    object_str=str(row.version),
                    created_at=now,
                )
                for row in batch
            ]
            Revision.objects.bulk_create(revisions)
            entries, states = [], []
            for row, revision in zip(batch, revisions, strict=True):
                version = row.version
                version.latest_revision_id = revision.pk
                action = "wagtail.create" if row.status == "created" else "wagtail.edit"
                entries.append(self.log_entry(version, action, revision, content_type, now))
                if self.publish:
                    version.live, version.expired = True, False
                    version.has_unpublished_changes = False
                    version.live_revision_id = revision.pk
                    version.first_published_at = version.first_published_at or now
                    version.last_published_at = now
                    entries.append(
                        self.log_entry(version, "wagtail.publish", revision, content_type, now)
                    )
                else:
                    version.has_unpublished_changes = True
                states.append(version)
            fields = ["latest_revision", "has_unpublished_changes"]
            if self.publish:
                fields += [
                    "live",
                    "expired",
                    "live_revision",
                    "first_published_at",
                    "last_published_at",
                ]
            bulk_set(self.model, states, fields)
            ModelLogEntry.objects.bulk_create(entries)

    @staticmethod
    def log_entry(version, action, revision, content_type, now):
        return ModelLogEntry(
            content_type=content_type,
            object_id=str(version.pk),
            label=str(version),
            action=action,
            revision=revision,
            timestamp=now,
            content_changed=action != "wagtail.publish",
            data={"source": "import_directory"},
        )


def bulk_set(model, objects, names):
    """Write some fields of many rows with one executemany.

    Django's bulk_update builds one CASE WHEN per field over the whole batch, which grows with
    the square of the rows on SQLite; an UPDATE per row through executemany does not.
    """
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    values = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for batch in batched(values, BATCH_SIZE):
            cursor.executemany(sql, batch)


_STATE_FIELDS = {
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision_id",
    "latest_revision_id",
    "expired",
    "go_live_at",
    "expire_at",
    "locked",
    "locked_at",
    "locked_by_id",
    "translation_key",
    "locale_id",
}


# Export --------------------------------------------------------------------------------------


def export_records(record_type, include_drafts=False, language=None):
    """The records an export writes, English first: public ones, or with `include_drafts`
    every record in its latest version (drafts included)."""
    from cms.visibility import visible_records

    model = record_type.model
    queryset = model.objects.all() if include_drafts else visible_records(model)
    if language:
        queryset = queryset.filter(locale__language_code=language)
    english_first = Case(
        When(locale__language_code=SOURCE_LANGUAGE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    queryset = queryset.select_related("locale").order_by(
        english_first, "locale__language_code", "slug", "pk"
    )
    records = []
    for batch in batched(list(queryset.values_list("pk", flat=True)), BATCH_SIZE):
        by_pk = {record.pk: record for record in queryset.filter(pk__in=batch)}
        ordered = [by_pk[pk] for pk in batch]
        load_relations(model, ordered)
        if include_drafts:
            versions = latest_versions(model, ordered)
            ordered = [versions[record.pk] for record in ordered]
        records.extend(ordered)
    return records


def export_columns(record_type, include_private):
    return [c for c in record_type.columns if include_private or not c.private]


def export_row(record_type, record, columns, context, as_json):
    row = {}
    for column in columns:
        if column.name == "external_id":
            row[column.name] = identifier(record)
        elif column.name == "locale":
            row[column.name] = record.locale.language_code
        else:
            value = column.kind.get(record, context)
            row[column.name] = column.kind.dump(value, record, context, as_json)
    return row


def write_csv(record_type, records, include_private, handle):
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for record in records:
        row = export_row(record_type, record, columns, context, as_json=False)
        writer.writerow([row[column.name] for column in columns])


def write_json(record_type, records, include_private, handle):
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    rows = [export_row(record_type, record, columns, context, as_json=True) for record in records]
    json.dump(rows, handle, ensure_ascii=False, indent=2)
    handle.write("\n")


# HSDS ----------------------------------------------------------------------------------------

# Locations, addresses and services get UUIDs derived from the entry's key in this namespace,
# so that they are the same in every export and open-data consumers can follow them.
HSDS_NAMESPACE = uuid.UUID("6f1d7f0e-3c1b-4d0e-9a41-5e5e5e0b5e5e")


def hsds_organisations(record_type, language):
    """Open Referral HSDS 3.0-shaped organizations: one per public entry, in `language` where
    translated, else English (as the API's lists), wrapped in HSDS's paginated response.

    Filled: organization id (the entry's key), name, description (the summary), website,
    email (the public one; private contacts never), year_incorporated (enterprises),
    legal_status (enterprises' legal form), locations (one physical location with latitude,
    longitude and one address: address_1, city, postal_code, country) and services (support
    organisations: one per support type; enterprises: one for the enterprise's activity) with
    name, description and status "active". Everything else HSDS defines is left out.
    """
    from cms.graphql.translation import best_locale
    from cms.visibility import visible_records

    model = record_type.model
    queryset = (
        best_locale(visible_records(model), language)
        .select_related("locale")
        .order_by("slug", "pk")
    )
    is_organisation = model is directory.SupportOrganisation
    if is_organisation:
        queryset = queryset.prefetch_related("support_types")
    labels = _term_labels(directory.SupportType, language) if is_organisation else {}
    organisations = [
        _hsds_organisation(entry, is_organisation, labels) for entry in queryset.iterator(500)
    ]
    return {
        "total_items": len(organisations),
        "total_pages": 1,
        "page_number": 1,
        "size": len(organisations),
        "first_page": True,
        "last_page": True,
        "empty": not organisations,
        "contents": organisations,
    }


def _term_labels(model, language):
    """Term names in `language` where translated, else English, by the English row's pk."""
    names = {}
    english = dict(
        model.objects.filter(locale__language_code=SOURCE_LANGUAGE).values_list(
            "translation_key", "pk"
        )
    )
    rows = model.objects.filter(locale__language_code__in=[SOURCE_LANGUAGE, language])
    for key, code, name in rows.values_list("translation_key", "locale__language_code", "name"):
        if key in english and (code == language or english[key] not in names):
            names[english[key]] = name
    return names


def _hsds_id(*parts):
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts)))


def _hsds_organisation(entry, is_organisation, labels):
    key = str(entry.translation_key)
    organisation = {
        "id": key,
        "name": entry.name,
        "description": entry.summary or entry.name,
        "website": entry.website or None,
        "email": entry.email or None,
    }
    if not is_organisation:
        organisation["year_incorporated"] = entry.founded_year
        organisation["legal_status"] = entry.legal_form or None
    organisation["locations"] = []
    if entry.latitude is not None or entry.city or entry.address or entry.country:
        location_id = _hsds_id(key, "location")
        location = {
            "id": location_id,
            "organization_id": key,
            "location_type": "physical",
            "name": entry.name,
            "latitude": float(entry.latitude) if entry.latitude is not None else None,
            "longitude": float(entry.longitude) if entry.longitude is not None else None,
            "addresses": [],
        }
        if entry.address or entry.city or entry.country:
            location["addresses"].append(
                {
                    "id": _hsds_id(key, "address"),
                    "location_id": location_id,
                    "address_1": entry.address,
                    "city": entry.city,
                    "state_province": "",
                    "postal_code": entry.postal_code,
                    "country": entry.country.code or "",
                    "address_type": "physical",
                }
            )
        organisation["locations"].append(location)
    if is_organisation and entry.support_types.all():
        names = [(term.slug, labels.get(term.pk, term.name)) for term in entry.support_types.all()]
    else:
        names = [("activity", entry.name)]
    organisation["services"] = [
        {
            "id": _hsds_id(key, "service", slug),
            "organization_id": key,
            "name": name,
            "description": entry.summary or entry.name,
            "status": "active",
        }
        for slug, name in names
    ]
    return organisation


def dumps_hsds(data):
    buffer = io.StringIO()
    json.dump(data, buffer, ensure_ascii=False, indent=2)
    buffer.write("\n")
    return buffer.getvalue()
