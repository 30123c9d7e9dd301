"""The documented column set of each record type, shared by import and export."""

from dataclasses import dataclass

from directory import models as directory

from .kinds import (
    Boolean,
    ChoiceText,
    Countries,
    Country,
    Date,
    DateTime,
    Kind,
    Language,
    Languages,
    Number,
    Organiser,
    RichText,
    Sdgs,
    Sectors,
    Slug,
    Term,
    Terms,
    Text,
    TimeZone,
)


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
