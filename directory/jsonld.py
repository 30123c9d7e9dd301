"""schema.org JSON-LD for events and organisations, served as the `jsonLd` field.

A frontend puts the value as it is into `<script type="application/ld+json">`, so search
engines see the calendar and the directory as structured data. It is built from the same
public fields the API serves, in the requested locale: private contact fields never appear
(tests/graphql/test_jsonld.py checks this).

This module must not import `directory.models` (which imports it for its `graphql_fields`):
records are told apart by their fields, and choices by their stored values.
"""

import html
import re
import zoneinfo

from django.utils import translation
from django.utils.html import strip_tags

from graphene.types.generic import GenericScalar

from cms.graphql.fields import load_localized, requested_language
from directory.links import absolute_url

SCHEMA = "https://schema.org/"

# directory.models.EventStatus values (schema.org EventStatusType).
EVENT_STATUS = {
    "scheduled": SCHEMA + "EventScheduled",
    "cancelled": SCHEMA + "EventCancelled",
    "postponed": SCHEMA + "EventPostponed",
    "moved_online": SCHEMA + "EventMovedOnline",
}
# directory.models.EventFormat values (schema.org EventAttendanceModeEnumeration).
ATTENDANCE_MODE = {
    "in_person": SCHEMA + "OfflineEventAttendanceMode",
    "online": SCHEMA + "OnlineEventAttendanceMode",
    "hybrid": SCHEMA + "MixedEventAttendanceMode",
}


class JSON(GenericScalar):
    """Any JSON value, sent as JSON itself: an object stays an object, never a string."""

    class Meta:
        name = "JSON"


_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


def plain_text(rich_text):
    """Rich text as plain text: paragraphs on their own lines, no markup, no entities."""
    if not rich_text:
        return ""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", str(rich_text))))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def event_zone(event):
    """The event's own time zone, in which its times are announced (UTC if unknown)."""
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def attends_online(event):
    return event.format == "online" or event.status == "moved_online"


def _compact(value):
    """Drop empty values, so the JSON-LD says nothing rather than something blank."""
    if isinstance(value, dict):
        compacted = {key: _compact(item) for key, item in value.items()}
        return {key: item for key, item in compacted.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in map(_compact, value) if item not in (None, "", [], {})]
    return value


def _postal_address(record, postal_code=None):
    return {
        "@type": "PostalAddress",
        "streetAddress": record.address,
        "postalCode": postal_code,
        "addressLocality": record.city,
        # schema.org accepts the ISO 3166-1 alpha-2 code here.
        "addressCountry": str(record.country) if record.country else None,
    }


def _geo(record):
    if record.latitude is None or record.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(record.latitude),
        "longitude": float(record.longitude),
    }


def _names(rows):
    return [row.name for row in rows]


def organisation_json_ld(entry, info):
    """A social enterprise or support organisation as a schema.org Organization."""
    data = {
        "@context": SCHEMA,
        "@type": "Organization",
        "identifier": str(entry.translation_key),
        "name": entry.name,
        "description": entry.summary or plain_text(entry.description),
        "url": entry.website,
        "email": entry.email,
        "telephone": entry.phone,
        "logo": absolute_url(entry.logo.file.url) if entry.logo_id and entry.logo else None,
        "address": _postal_address(entry, entry.postal_code),
        "geo": _geo(entry),
        "knowsLanguage": list(entry.languages or []),
        "knowsAbout": [
            *_names(load_localized(entry, info, "sectors")),
            *_names(load_localized(entry, info, "sdgs")),
        ],
    }
    if hasattr(entry, "countries_served"):  # support organisations
        served = list(entry.countries_served) or ([entry.country] if entry.country else [])
        with translation.override(requested_language(info)):
            data["areaServed"] = [
                {"@type": "Country", "identifier": country.code, "name": str(country.name)}
                for country in served
            ]
        data["knowsAbout"] = [
            *_names(load_localized(entry, info, "support_types")),
            *data["knowsAbout"],
        ]
    if hasattr(entry, "founded_year"):  # social enterprises
        data["foundingDate"] = str(entry.founded_year) if entry.founded_year else None
        if entry.employees is not None:
            data["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": entry.employees}
    return _compact(data)


def _organiser(entry):
    return {"@type": "Organization", "name": entry.name, "url": entry.website}


def _event_location(event):
    place = {
        "@type": "Place",
        "name": event.venue or event.city,
        "address": _postal_address(event),
        "geo": _geo(event),
    }
    virtual = {"@type": "VirtualLocation", "url": event.online_url}
    if attends_online(event):
        return virtual
    if event.format == "hybrid":
        return [place, virtual]
    return place


def event_json_ld(event, info):
    """An event as a schema.org Event, its times with the offset of its own time zone."""
    zone = event_zone(event)
    organiser = event.localized_organiser(info)
    mode = ATTENDANCE_MODE["online"] if attends_online(event) else ATTENDANCE_MODE[event.format]
    return _compact(
        {
            "@context": SCHEMA,
            "@type": "Event",
            "identifier": str(event.translation_key),
            "name": event.title,
            "description": event.summary or plain_text(event.description),
            "startDate": event.start.astimezone(zone).isoformat(),
            "endDate": event.end.astimezone(zone).isoformat() if event.end else None,
            "eventStatus": EVENT_STATUS[event.status],
            "eventAttendanceMode": mode,
            "location": _event_location(event),
            "organizer": _organiser(organiser) if organiser else None,
            "inLanguage": event.language,
            "url": event.registration_url,
            "keywords": ", ".join(_names(event.localized_topics(info))),
        }
    )


class JsonLd:
    """Descriptor for `graphql_fields`: grapple calls `instance.<name>(info)`."""

    def __get__(self, instance, owner):
        if instance is None:
            return self

        def resolve(info, **kwargs):
            if hasattr(instance, "start"):
                return event_json_ld(instance, info)
            return organisation_json_ld(instance, info)

        return resolve
