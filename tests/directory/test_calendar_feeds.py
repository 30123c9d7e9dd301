"""`/events.ics` and `/events/<slug>.ics`: RFC 5545 calendars of the public events.

Every answer is parsed back with icalendar. The feed holds upcoming public events, filtered
and localised like the GraphQL `events` query; times keep the event's own time zone with a
VTIMEZONE for it; cancelled events say so; private contacts never appear.
"""

import datetime
import json
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import icalendar
import pytest

from directory.models import EventType, Topic
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
RIGA = zoneinfo.ZoneInfo("Europe/Riga")
NEXT_YEAR = timezone.now().year + 1


def at(month, day, hour, zone=WARSAW, year=NEXT_YEAR):
    return datetime.datetime(year, month, day, hour, tzinfo=zone)


def fetch(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response, icalendar.Calendar.from_ical(response.content)


def events_in(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def forum():
    biser = factories.SupportOrganisationFactory(
        slug="biser",
        name="BISER",
        email="office@biser.example",
        contact_email="private-biser@biser.example",
    )
    forum = factories.EventFactory(
        slug="social-economy-forum",
        title="Social economy forum",
        summary="Two days on social procurement.",
        description='<p>Talks &amp; workshops.</p><p>See <a href="https://x.example">x</a>.</p>',
        start=at(5, 30, 10),
        end=at(5, 30, 16),
        time_zone="Europe/Warsaw",
        format="hybrid",
        country="PL",
        city="Gdańsk",
        venue="European Solidarity Centre",
        online_url="https://meet.example/forum",
        registration_url="https://forum.example/register",
        latitude="54.360000",
        longitude="18.649000",
        organiser_organisation=biser,
        contact_name="Jan Private",
        contact_email="jan.private@forum.example",
    )
    forum.save_revision().publish()
    forum.refresh_from_db()
    return forum


def test_event_keeps_its_local_time_and_time_zone(client, forum):
    response, calendar = fetch(client, "/events.ics")

    text = response.content.decode()
    assert f"DTSTART;TZID=Europe/Warsaw:{NEXT_YEAR}0530T100000" in text
    assert f"DTEND;TZID=Europe/Warsaw:{NEXT_YEAR}0530T160000" in text
    event = events_in(calendar)["Social economy forum"]
    assert event.start == at(5, 30, 10)
    assert event.start.tzinfo.key == "Europe/Warsaw"
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Warsaw"]
    assert calendar.get_missing_tzids() == set()
    calendar.validate()


def test_calendar_without_events_is_still_valid(client):
    response, calendar = fetch(client, "/events.ics", countries="IS")

    assert calendar.walk("VEVENT") == []
    calendar.validate()
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Copenhagen"]


def test_each_time_zone_used_gets_a_vtimezone(client, forum):
    factories.EventFactory(title="Riga meetup", start=at(6, 2, 18, RIGA), time_zone="Europe/Riga")

    response, calendar = fetch(client, "/events.ics")

    assert sorted(zone.tz_name for zone in calendar.timezones) == ["Europe/Riga", "Europe/Warsaw"]
    assert f"DTSTART;TZID=Europe/Riga:{NEXT_YEAR}0602T180000" in response.content.decode()
    assert events_in(calendar)["Riga meetup"].start == at(6, 2, 18, RIGA)


def test_feed_is_a_published_calendar_with_its_name_and_refresh_interval(client, forum):
    response, calendar = fetch(client, "/events.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert calendar["VERSION"] == "2.0"
    assert "Social Enterprise Support Network" in calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Social Enterprise Support Network: events"
    assert calendar["NAME"] == calendar["X-WR-CALNAME"]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content.decode()
    assert calendar["SOURCE"] == "http://testserver/events.ics"


def test_event_properties_are_public_plain_text(client, forum):
    response, calendar = fetch(client, "/events.ics")

    event = events_in(calendar)["Social economy forum"]
    assert event["UID"] == f"{forum.translation_key}@testserver"
    assert event["DTSTAMP"]
    assert event.last_modified == forum.last_published_at.replace(microsecond=0)
    assert event["STATUS"] == "CONFIRMED"
    assert event["DESCRIPTION"] == (
        "Two days on social procurement.\n\nTalks & workshops.\nSee x.\n\n"
        "Online: https://meet.example/forum\n\nRegistration: https://forum.example/register"
    )
    assert event["LOCATION"] == "European Solidarity Centre, Gdańsk, Poland"
    assert event["URL"] == "https://forum.example/register"
    assert event["ORGANIZER"] == "mailto:office@biser.example"
    assert event["ORGANIZER"].params["CN"] == "BISER"
    assert event["CONFERENCE"] == "https://meet.example/forum"
    assert event.get("GEO").latitude == 54.36
    text = response.content.decode()
    assert "private" not in text.lower()
    assert "Jan Private" not in text


def test_cancelled_and_postponed_events_are_marked(client, forum):
    factories.EventFactory(title="Cancelled workshop", status="cancelled")
    factories.EventFactory(title="Postponed seminar", status="postponed")

    _response, calendar = fetch(client, "/events.ics")

    events = events_in(calendar)
    assert events["Cancelled workshop"]["STATUS"] == "CANCELLED"
    assert events["Postponed seminar"]["STATUS"] == "TENTATIVE"


def test_online_event_is_located_at_its_link(client):
    factories.EventFactory(
        title="Impact webinar", format="online", online_url="https://meet.example/w", city=""
    )

    _response, calendar = fetch(client, "/events.ics")

    assert events_in(calendar)["Impact webinar"]["LOCATION"] == "https://meet.example/w"


def test_feed_holds_upcoming_public_events_only(client, forum):
    now = timezone.now()
    factories.EventFactory(title="Last year", start=now - datetime.timedelta(days=365))
    factories.EventFactory(
        title="Still running",
        start=now - datetime.timedelta(hours=1),
        end=now + datetime.timedelta(hours=1),
    )
    factories.EventFactory(title="Draft", live=False)
    factories.EventFactory(title="Expired", expire_at=now - datetime.timedelta(minutes=1))

    _response, calendar = fetch(client, "/events.ics")

    assert set(events_in(calendar)) == {"Social economy forum", "Still running"}


def test_feed_filters_like_the_events_query(client, forum):
    workshop = EventType.objects.get(slug="workshop", locale__language_code="en")
    impact = Topic.objects.get(slug="impact-measurement", locale__language_code="en")
    danish = factories.EventFactory(
        title="Danish workshop", country="DK", format="online", event_type=workshop
    )
    danish.topics.set([impact])
    danish.save()
    factories.EventFactory(title="Danish meeting", country="DK", format="in_person")

    def titles(**params):
        return set(events_in(fetch(client, "/events.ics", **params)[1]))

    assert titles(countries="DK") == {"Danish workshop", "Danish meeting"}
    assert titles(countries="dk,pl") == {"Danish workshop", "Danish meeting", forum.title}
    assert titles(formats="ONLINE") == {"Danish workshop"}
    assert titles(formats="hybrid,in-person") == {"Danish meeting", forum.title}
    assert titles(types="workshop") == {"Danish workshop"}
    assert titles(topics="impact-measurement") == {"Danish workshop"}
    assert titles(statuses="cancelled") == set()
    assert titles(to=f"{NEXT_YEAR}-05-30T07:00:00Z") == {"Danish workshop", "Danish meeting"}


def test_from_and_to_take_an_offset_even_when_plus_became_a_space(client):
    factories.EventFactory(title="Morning", start=at(3, 1, 9), end=at(3, 1, 10))

    inside = client.get(f"/events.ics?from={NEXT_YEAR}-03-01T09:30:00+01:00")
    after = client.get(f"/events.ics?from={NEXT_YEAR}-03-01T10:30:00+01:00")

    assert "Morning" in inside.content.decode()
    assert "Morning" not in after.content.decode()


def test_past_events_with_an_explicit_window(client):
    factories.EventFactory(title="Mid-term partner meeting", start=at(1, 24, 10, year=2022))

    window = {"from": "2022-01-01", "to": "2022-12-31"}
    _response, calendar = fetch(client, "/events.ics", **window)

    assert set(events_in(calendar)) == {"Mid-term partner meeting"}


def test_near_is_a_parameter_as_in_the_events_query(client, forum):
    _response, near = fetch(client, "/events.ics", near="54.35,18.65,10")
    _response, far = fetch(client, "/events.ics", near="56.95,24.1,10")

    assert set(events_in(near)) == {"Social economy forum"}
    assert set(events_in(far)) == set()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"near": "54.35,18.65"}, '"near" is 3 comma-separated values: lat,lng,km.'),
        ({"countries": "XX"}, "Unknown country code(s): XX"),
        ({"types": "party"}, "Unknown types: party."),
        ({"topics": "astrology"}, "Unknown topics: astrology."),
        ({"formats": "teleport"}, "Unknown formats: teleport."),
        ({"statuses": "maybe"}, "Unknown statuses: maybe."),
        ({"locale": "xx"}, "Unknown locale: xx."),
        ({"from": "next tuesday"}, '"from" is not an ISO 8601 date or date-time'),
        ({"from": "2030-13-01"}, '"from" is not an ISO 8601 date or date-time'),
        ({"from": "2030-06-01", "to": "2030-05-01"}, '"to" is before "from".'),
        ({"to": "2001-01-01"}, '"to" is in the past'),
        ({"country": "DK"}, "Unknown parameter(s): country."),
    ],
)
def test_bad_parameters_are_a_plain_text_400(client, params, message):
    response = client.get("/events.ics", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_feed_in_another_locale_serves_translations_and_falls_back(client, forum):
    other = factories.EventFactory(title="Webinar in English only")
    danish = factories.translate_record(forum, "da", title="Socialøkonomisk forum")

    _response, calendar = fetch(client, "/events.ics", locale="da")

    events = events_in(calendar)
    assert set(events) == {"Socialøkonomisk forum", "Webinar in English only"}
    assert events["Socialøkonomisk forum"]["UID"] == f"{forum.translation_key}@testserver"
    assert danish.translation_key == forum.translation_key
    assert events["Socialøkonomisk forum"]["SUMMARY"].params["LANGUAGE"] == "da"
    assert "Polen" in events["Socialøkonomisk forum"]["LOCATION"]
    assert events["Webinar in English only"]["UID"] == f"{other.translation_key}@testserver"


def test_draft_translation_does_not_hide_the_english_event(client, forum):
    factories.translate_record(forum, "da", publish=False, title="Kladde")

    _response, calendar = fetch(client, "/events.ics", locale="da")

    assert set(events_in(calendar)) == {"Social economy forum"}


def test_organiser_that_is_not_public_is_left_out(client, forum):
    organiser = forum.organiser_organisation
    organiser.live = False
    organiser.save()

    _response, calendar = fetch(client, "/events.ics")

    assert "ORGANIZER" not in events_in(calendar)["Social economy forum"]


def test_feed_runs_the_same_queries_for_any_number_of_events(client):
    workshop = EventType.objects.get(slug="workshop", locale__language_code="en")
    impact = Topic.objects.get(slug="impact-measurement", locale__language_code="en")

    def add(count):
        for _ in range(count):
            organiser = factories.SupportOrganisationFactory()
            event = factories.EventFactory(event_type=workshop, organiser_organisation=organiser)
            event.topics.set([impact])
            event.save()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/events.ics")
        assert response.status_code == 200
        return len(captured)

    add(2)
    queries()  # warms the process-wide caches (content types) later requests reuse
    few = queries()
    add(10)

    assert queries() == few


def test_one_event_as_a_file_to_add_to_a_calendar(client, forum):
    response, calendar = fetch(client, "/events/social-economy-forum.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="social-economy-forum.ics"'
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [forum.title]
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Warsaw"]
    assert "X-WR-CALNAME" not in calendar


def test_one_event_in_another_locale(client, forum):
    factories.translate_record(forum, "pl", title="Forum ekonomii społecznej")

    _response, calendar = fetch(client, "/events/social-economy-forum.ics", locale="pl")

    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Forum ekonomii społecznej"


def test_past_event_stays_available_as_a_file(client):
    factories.EventFactory(slug="mid-term", start=at(1, 24, 10, year=2022))

    response = client.get("/events/mid-term.ics")

    assert response.status_code == 200


@pytest.mark.parametrize("slug", ["draft-event", "no-such-event"])
def test_drafts_and_unknown_events_are_404(client, slug):
    factories.EventFactory(slug="draft-event", live=False)

    response = client.get(f"/events/{slug}.ics")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_ics_url_on_the_api_points_at_the_event_file(client, forum):
    query = """query($locale: Locale) {
      event(slug: "social-economy-forum", locale: $locale) { icsUrl }
    }"""

    def ics_url(locale=None):
        response = client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": {"locale": locale}}),
            content_type="application/json",
        )
        return response.json()["data"]["event"]["icsUrl"]

    assert ics_url() == "http://testserver/events/social-economy-forum.ics"
    assert ics_url("da") == "http://testserver/events/social-economy-forum.ics?locale=da"
    response = client.get(ics_url("da").removeprefix("http://testserver"))
    assert response.status_code == 200


def test_public_base_url_setting_makes_the_links(client, settings, forum):
    settings.PUBLIC_BASE_URL = "https://cms.sesn.example/"

    _response, calendar = fetch(client, "/events.ics")

    event = events_in(calendar)["Social economy forum"]
    assert event["UID"] == f"{forum.translation_key}@cms.sesn.example"
    assert calendar["SOURCE"] == "https://cms.sesn.example/events.ics"
