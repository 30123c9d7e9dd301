"""`jsonLd` on Event, SocialEnterprise and SupportOrganisation: schema.org structured data.

The value is a JSON object (not a string) a frontend can put as it is into a
`<script type="application/ld+json">`. It holds public fields only, in the requested locale.
"""

import datetime
import json
import zoneinfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from directory.models import Sector, Topic
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
PRIVATE = ["private-contact@example.com", "Private Person"]


def json_ld(gql, field, slug, locale=None):
    body = gql(
        f"query($slug: String!, $locale: Locale) {{ {field}(slug: $slug, locale: $locale) "
        "{ jsonLd } }",
        {"slug": slug, "locale": locale},
    )
    return body["data"][field]["jsonLd"]


@pytest.fixture
def biser():
    organisation = factories.SupportOrganisationFactory(
        slug="biser",
        name="BISER",
        summary="Baltic Institute for European and Regional Affairs.",
        country="PL",
        city="Gdańsk",
        address="ul. Długa 1",
        postal_code="80-827",
        latitude="54.348500",
        longitude="18.653200",
        website="https://biser.example",
        email="office@biser.example",
        phone="+48 58 000 00 00",
        countries_served=["PL", "LT"],
        languages=["pl", "en"],
        contact_name=PRIVATE[1],
        contact_email=PRIVATE[0],
    )
    return organisation


@pytest.fixture
def forum(biser):
    event = factories.EventFactory(
        slug="social-economy-forum",
        title="Social economy forum",
        summary="Two days on social procurement.",
        language="pl",
        english_summary="In Polish.",
        start=datetime.datetime(2030, 1, 24, 10, tzinfo=WARSAW),
        end=datetime.datetime(2030, 1, 24, 16, tzinfo=WARSAW),
        time_zone="Europe/Warsaw",
        format="hybrid",
        country="PL",
        city="Gdańsk",
        venue="European Solidarity Centre",
        online_url="https://meet.example/forum",
        registration_url="https://forum.example/register",
        organiser_organisation=biser,
        contact_name=PRIVATE[1],
        contact_email=PRIVATE[0],
    )
    event.topics.set([Topic.objects.get(slug="impact-measurement", locale__language_code="en")])
    event.save()
    return event


def test_event_json_ld_is_a_schema_org_event_object(gql, forum):
    data = json_ld(gql, "event", "social-economy-forum")

    assert data == {
        "@context": "https://schema.org/",
        "@type": "Event",
        "identifier": str(forum.translation_key),
        "name": "Social economy forum",
        "description": "Two days on social procurement.",
        "startDate": "2030-01-24T10:00:00+01:00",
        "endDate": "2030-01-24T16:00:00+01:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode",
        "location": [
            {
                "@type": "Place",
                "name": "European Solidarity Centre",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "Gdańsk",
                    "addressCountry": "PL",
                },
            },
            {"@type": "VirtualLocation", "url": "https://meet.example/forum"},
        ],
        "organizer": {"@type": "Organization", "name": "BISER", "url": "https://biser.example"},
        "inLanguage": "pl",
        "url": "https://forum.example/register",
        "keywords": "Impact measurement",
    }


@pytest.mark.parametrize(
    "changes, status, mode, location_type",
    [
        ({"status": "cancelled"}, "EventCancelled", "OfflineEventAttendanceMode", "Place"),
        ({"status": "postponed"}, "EventPostponed", "OfflineEventAttendanceMode", "Place"),
        ({"status": "moved_online"}, "EventMovedOnline", "OnlineEventAttendanceMode", "Virtual"),
        ({"format": "online"}, "EventScheduled", "OnlineEventAttendanceMode", "Virtual"),
    ],
)
def test_event_status_and_attendance_mode(gql, forum, changes, status, mode, location_type):
    forum.format = "in_person"
    for field, value in changes.items():
        setattr(forum, field, value)
    forum.save()

    data = json_ld(gql, "event", "social-economy-forum")

    assert data["eventStatus"] == f"https://schema.org/{status}"
    assert data["eventAttendanceMode"] == f"https://schema.org/{mode}"
    assert data["location"]["@type"].startswith(location_type)


def test_event_json_ld_is_served_in_the_requested_locale(gql, forum):
    factories.translate_record(forum, "da", title="Socialøkonomisk forum", summary="To dage.")

    data = json_ld(gql, "event", "social-economy-forum", locale="da")

    assert data["name"] == "Socialøkonomisk forum"
    assert data["description"] == "To dage."
    assert data["identifier"] == str(forum.translation_key)


def test_support_organisation_json_ld_is_a_schema_org_organization(gql, biser):
    data = json_ld(gql, "supportOrganisation", "biser")

    assert data["@type"] == "Organization"
    assert data["name"] == "BISER"
    assert data["url"] == "https://biser.example"
    assert data["email"] == "office@biser.example"
    assert data["telephone"] == "+48 58 000 00 00"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "ul. Długa 1",
        "postalCode": "80-827",
        "addressLocality": "Gdańsk",
        "addressCountry": "PL",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 54.3485, "longitude": 18.6532}
    assert data["areaServed"] == [
        {"@type": "Country", "identifier": "LT", "name": "Lithuania"},
        {"@type": "Country", "identifier": "PL", "name": "Poland"},
    ]
    assert data["knowsLanguage"] == ["pl", "en"]


def test_enterprise_json_ld_names_its_sectors_in_the_requested_locale(gql):
    health = Sector.objects.get(code="Q", locale__language_code="en")
    factories.translate_record(health, "da", name="Sundhed og socialt arbejde")
    factories.SocialEnterpriseFactory(
        slug="bike-workshop", name="Bike workshop", sectors=["Q"], founded_year=2015, employees=12
    )

    data = json_ld(gql, "enterprise", "bike-workshop", locale="da")

    assert data["@type"] == "Organization"
    assert data["knowsAbout"] == ["Sundhed og socialt arbejde"]
    assert data["foundingDate"] == "2015"
    assert data["numberOfEmployees"] == {"@type": "QuantitativeValue", "value": 12}


def test_enterprise_logo_is_an_absolute_url(gql):
    factories.SocialEnterpriseFactory(slug="with-logo", logo=factories.ImageFactory())

    data = json_ld(gql, "enterprise", "with-logo")

    assert data["logo"].startswith("http://testserver/")


@pytest.mark.parametrize(
    "field, slug", [("event", "social-economy-forum"), ("supportOrganisation", "biser")]
)
def test_json_ld_never_holds_private_contact_fields(gql, forum, field, slug):
    data = json_ld(gql, field, slug)

    text = json.dumps(data, ensure_ascii=False)
    for private in PRIVATE:
        assert private not in text


def test_json_ld_in_a_list_runs_the_same_queries_for_any_length(forum):
    query = json.dumps(
        {"query": "{ events(limit: 100) { items { jsonLd } } enterprises(limit: 100) "
         "{ items { jsonLd } } supportOrganisations(limit: 100) { items { jsonLd } } }"}
    )  # fmt: skip

    def queries():
        client = Client()
        client.post("/graphql/", query, content_type="application/json")
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/graphql/", query, content_type="application/json")
        assert "errors" not in response.json()
        return len(captured)

    def add(count):
        for _ in range(count):
            organiser = factories.SupportOrganisationFactory(countries_served=["DK"])
            factories.EventFactory(organiser_organisation=organiser)
            factories.SocialEnterpriseFactory(sectors=["Q", "S"], logo=factories.ImageFactory())

    add(1)
    few = queries()
    add(5)

    assert queries() == few
