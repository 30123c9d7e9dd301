"""iCalendar feeds of the event calendar: `/events.ics` and `/events/<slug>.ics`.

RFC 5545 with the RFC 7986 additions (NAME, REFRESH-INTERVAL, SOURCE, CONFERENCE), written by
the icalendar library. The feed selects events exactly as the GraphQL `events` query does (the
visibility rule, `best_locale`, `filter_events`), so the calendar and the API never disagree on
what is public. Each event keeps its own time zone (DTSTART;TZID=Europe/Warsaw:...) with a
VTIMEZONE for every zone used, so calendar apps show the local time it was announced in.
"""

import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

import icalendar

from cms.graphql.batches import share_batch
from cms.graphql.errors import BadUserInput
from cms.graphql.fields import load_localized, requested_language
from cms.graphql.locales import best_locale
from cms.query_string import check_known, field_arguments, locale
from cms.visibility import visible_records
from directory import models
from directory.jsonld import attends_online, event_zone, plain_text
from directory.links import event_ics_url, public_base_url
from directory.schema import DirectoryQuery, filter_events

PRODID = "-//Social Enterprise Support Network//Event calendar//EN"
REFRESH = datetime.timedelta(hours=1)

# schema.org's statuses in iCalendar's terms; a postponed event has no firm date yet.
ICAL_STATUS = {
    "scheduled": "CONFIRMED",
    "moved_online": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}

# The `events` query's arguments but its page and order: the calendar holds every match.
SKIPPED_ARGUMENTS = ("order", "limit", "offset", "search")


# Query string -------------------------------------------------------------------------------


def feed_arguments(request):
    """The locale and the `EventFilter` a query string asks for; upcoming events by default."""
    arguments = field_arguments(request.GET, DirectoryQuery.events, skip=SKIPPED_ARGUMENTS)
    filter = arguments.get("filter", {})
    now = timezone.now()
    filter.setdefault("from_", now)
    if "to" in filter and not request.GET.get("from") and filter["to"] < now:
        raise BadUserInput('"to" is in the past: add "from" to get past events.')
    return arguments["locale"], filter


# Calendar -----------------------------------------------------------------------------------


def _context(code):
    """What the localized-relation loaders read of a GraphQL `info`: the requested language."""
    return SimpleNamespace(context=SimpleNamespace(graphql_language=code))


def _first(rows):
    return rows[0] if rows else None


def _location(event):
    if attends_online(event):
        return event.online_url
    country = str(event.country.name) if event.country else ""
    parts = [event.venue, event.address, event.city, country]
    return ", ".join(part for part in parts if part)


def _description(event):
    paragraphs = [event.summary, plain_text(event.description)]
    if event.online_url and not attends_online(event):
        paragraphs.append(gettext("Online: %(url)s") % {"url": event.online_url})
    if event.registration_url:
        paragraphs.append(gettext("Registration: %(url)s") % {"url": event.registration_url})
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _organizer(entry):
    """The public organiser: its public e-mail, else its website. Never the private contact."""
    address = f"mailto:{entry.email}" if entry.email else entry.website
    if not address:
        return None
    organizer = icalendar.vCalAddress(address)
    organizer.params["CN"] = entry.name
    return organizer


def _vevent(event, info, stamp, domain):
    zone = event_zone(event)
    language = {"LANGUAGE": event.locale.language_code}
    vevent = icalendar.Event()
    # The translation key: a calendar app updates the same entry whatever locale it follows.
    vevent.add("uid", f"{event.translation_key}@{domain}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(zone))
    if event.end:
        vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", event.title, parameters=language)
    if description := _description(event):
        vevent.add("description", description, parameters=language)
    if location := _location(event):
        # No LANGUAGE: the venue is as written, the country name in the feed's locale.
        vevent.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (float(event.latitude), float(event.longitude)))
    vevent.add("url", event.registration_url or event_ics_url(event, requested_language(info)))
    if event.online_url:
        conference = icalendar.Conference(event.online_url, feature=["VIDEO"])
        vevent.add("conference", conference.to_uri())
    organiser = _first(load_localized(event, info, "organiser_enterprise")) or _first(
        load_localized(event, info, "organiser_organisation")
    )
    if organiser and (organizer := _organizer(organiser)):
        vevent.add("organizer", organizer)
    categories = [
        term.name
        for term in [
            *load_localized(event, info, "event_type"),
            *load_localized(event, info, "topics"),
        ]
    ]
    if categories:
        vevent.add("categories", categories, parameters=language)
    vevent.add("status", ICAL_STATUS[event.status])
    vevent.add("class", "PUBLIC")
    if modified := event.last_published_at or event.first_published_at:
        vevent.add("last-modified", modified.astimezone(datetime.UTC))
    return vevent


def build_calendar(events, code, name=None, source=None):
    """A VCALENDAR of `events` (public rows, one per translation group) served in `code`."""
    info = _context(code)
    share_batch(events)
    domain = urlsplit(public_base_url()).hostname or "localhost"
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        # Outlook's name for REFRESH-INTERVAL.
        calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if source:
        calendar.add("source", icalendar.vUri(source))
    with translation.override(code):
        for event in events:
            calendar.add_component(_vevent(event, info, stamp, domain))
    if events:
        # Each VTIMEZONE covers the years of the events, not every rule since 1970.
        years = [event.start.year for event in events]
        years += [event.end.year for event in events if event.end]
        calendar.add_missing_timezones(
            first_date=datetime.date(min(years), 1, 1),
            last_date=datetime.date(max(years) + 1, 1, 1),
        )
    else:
        # RFC 5545 wants at least one component: a calendar with no events carries the
        # network's time zone.
        year = stamp.year
        calendar.add_component(
            icalendar.Timezone.from_tzid(
                settings.TIME_ZONE,
                first_date=datetime.date(year, 1, 1),
                last_date=datetime.date(year + 1, 1, 1),
            )
        )
    return calendar


def _events(queryset):
    # Relations are loaded for all rows at once by load_localized (share_batch).
    return list(queryset.select_related("locale").order_by("start", "pk"))


def _public_events(code):
    return best_locale(visible_records(models.Event), code)


# Views --------------------------------------------------------------------------------------


def _text(message, status):
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response


def _calendar_response(calendar, filename, disposition):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_SECONDS)
    return response


@require_safe
def events_feed(request):
    """Upcoming public events, filtered and localised like the `events` query."""

    try:
        code, filter = feed_arguments(request)
        events = _events(filter_events(_public_events(code), filter))
    except BadUserInput as error:
        return _text(error.message, 400)
    with translation.override(code):
        name = gettext("%(site)s: events") % {"site": settings.WAGTAIL_SITE_NAME}
    source = public_base_url() + request.get_full_path()
    calendar = build_calendar(events, code, name=name, source=source)
    return _calendar_response(calendar, "events.ics", "inline")


@require_safe
def event_ics(request, slug):
    """One public event, for "add to calendar"; 404 for drafts and unknown slugs."""
    try:
        check_known(request.GET, ["locale"])
        code = locale(request.GET)
    except BadUserInput as error:
        return _text(error.message, 400)
    events = _events(_public_events(code).filter(slug=slug))
    if not events:
        return _text(f"No public event has the slug {slug}.", 404)
    return _calendar_response(build_calendar(events, code), f"{slug}.ics", "attachment")
