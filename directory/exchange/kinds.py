"""Kinds of column.

A kind reads a cell into the value the model holds (`parse`), reads that value from a record
(`get`), puts it on a record (`put`) and writes it back out (`dump`). `get(put(parse(dump(v))))`
is `v`, which is what makes an export re-import without changes.
"""

import datetime
import zoneinfo
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

from django.conf import settings
from django.utils import timezone

from django_countries import countries as country_codes

from .errors import BadValue
from .lookups import relations_of


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
