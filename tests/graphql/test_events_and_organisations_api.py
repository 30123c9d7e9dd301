"""`events`, `supportOrganisations` and `search` with their filters, in English and Danish."""

import datetime
import zoneinfo

import pytest

from directory.models import EventType, SupportType, Topic
from tests import factories

pytestmark = pytest.mark.django_db

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")

EVENTS = """
query($locale: Locale, $filter: EventFilter, $order: EventOrder) {
  events(locale: $locale, filter: $filter, order: $order) {
    totalCount
    items { slug title locale start format status country { code } eventType { slug name }
            topics { slug } organiser { slug name } }
  }
}
"""


@pytest.fixture
def calendar():
    workshop = EventType.objects.get(slug="workshop", locale__language_code="en")
    meeting = EventType.objects.get(slug="meeting", locale__language_code="en")
    impact = Topic.objects.get(slug="impact-measurement", locale__language_code="en")
    biser = factories.SupportOrganisationFactory(slug="biser", name="BISER")
    gdansk = factories.EventFactory(
        slug="gdansk-meeting",
        title="Mid-term partner meeting",
        start=datetime.datetime(2022, 1, 24, 10, tzinfo=WARSAW),
        end=datetime.datetime(2022, 1, 24, 16, tzinfo=WARSAW),
        format="hybrid",
        country="PL",
        event_type=meeting,
        organiser_organisation=biser,
    )
    gdansk.topics.set([impact])
    gdansk.save()
    factories.EventFactory(
        slug="danish-workshop",
        title="Development workshop",
        start=datetime.datetime(2022, 6, 1, 9, tzinfo=WARSAW),
        end=None,
        format="in_person",
        country="DK",
        event_type=workshop,
    )
    factories.EventFactory(
        slug="webinar",
        title="Impact webinar",
        start=datetime.datetime(2022, 8, 25, 9, tzinfo=WARSAW),
        end=None,
        format="online",
        status="cancelled",
        country="LT",
    )
    return gdansk


def slugs(body):
    return [item["slug"] for item in body["data"]["events"]["items"]]


def test_events_between_two_dates_with_total(gql, calendar):
    body = gql(
        EVENTS,
        {
            "filter": {"from": "2022-01-01T00:00:00Z", "to": "2022-06-30T00:00:00Z"},
            "order": "START",
        },
    )
    assert slugs(body) == ["gdansk-meeting", "danish-workshop"]
    assert body["data"]["events"]["totalCount"] == 2
    first = body["data"]["events"]["items"][0]
    assert first["start"] == "2022-01-24T09:00:00+00:00"
    assert first["organiser"] == {"slug": "biser", "name": "BISER"}


def test_event_dates_without_an_offset_are_utc_and_mix_with_dates_that_have_one(gql, calendar):
    body = gql(
        EVENTS,
        {
            "filter": {"from": "2022-01-01T00:00:00", "to": "2022-06-30T02:00:00+02:00"},
            "order": "START",
        },
    )
    assert slugs(body) == ["gdansk-meeting", "danish-workshop"]


def test_events_filter_by_format_country_type_and_topic(gql, calendar):
    assert slugs(gql(EVENTS, {"filter": {"formats": ["HYBRID", "ONLINE"]}, "order": "START"})) == [
        "gdansk-meeting",
        "webinar",
    ]
    assert slugs(gql(EVENTS, {"filter": {"countries": ["dk"]}})) == ["danish-workshop"]
    assert slugs(gql(EVENTS, {"filter": {"types": ["meeting"]}})) == ["gdansk-meeting"]
    assert slugs(gql(EVENTS, {"filter": {"topics": ["impact-measurement"]}})) == ["gdansk-meeting"]
    assert slugs(gql(EVENTS, {"filter": {"statuses": ["CANCELLED"]}})) == ["webinar"]


def test_events_in_danish_fall_back_to_english(gql, calendar):
    factories.translate_record(calendar, "da", title="Midtvejsmøde for partnerne")
    body = gql(EVENTS, {"locale": "da", "order": "START"})
    served = [(item["title"], item["locale"]) for item in body["data"]["events"]["items"]]
    assert served == [
        ("Midtvejsmøde for partnerne", "da"),
        ("Development workshop", "en"),
        ("Impact webinar", "en"),
    ]


@pytest.mark.parametrize(
    "event_filter, message",
    [
        ({"from": "not a date"}, "DateTime"),
        ({"from": "2022-06-01T00:00:00Z", "to": "2022-01-01T00:00:00Z"}, "before"),
        ({"types": ["party"]}, "party"),
        ({"countries": ["XX"]}, "XX"),
        ({"formats": ["TELEPATHY"]}, "TELEPATHY"),
    ],
)
def test_bad_event_filters_get_a_clear_error(gql, calendar, event_filter, message):
    body = gql(EVENTS, {"filter": event_filter}, expect_errors=True)
    assert body["_response"].status_code in (200, 400)
    error = body["errors"][0]
    assert message in error["message"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}
    assert body.get("data") in (None, {"events": None}) or body["data"] is None


ORGANISATIONS = """
query($locale: Locale, $filter: SupportOrganisationFilter) {
  supportOrganisations(locale: $locale, filter: $filter, order: NAME) {
    totalCount
    items { slug name locale supportTypes { slug name } countriesServed { code } }
  }
}
"""


def test_support_organisations_filter_by_type_and_countries_served(gql):
    incubator = SupportType.objects.get(slug="incubator", locale__language_code="en")
    funder = SupportType.objects.get(slug="funder", locale__language_code="en")
    riga = factories.SupportOrganisationFactory(slug="riga", name="Riga Hub", country="LV")
    riga.support_types.set([incubator])
    riga.save()
    nordic = factories.SupportOrganisationFactory(
        slug="nordic", name="Nordic Fund", country="SE", countries_served=["SE", "DK", "LV"]
    )
    nordic.support_types.set([funder])
    nordic.save()
    factories.SupportOrganisationFactory(slug="tallinn", name="Tallinn Lab", country="EE")

    serving_latvia = gql(ORGANISATIONS, {"filter": {"servesCountries": ["LV"]}})["data"]
    assert [i["slug"] for i in serving_latvia["supportOrganisations"]["items"]] == [
        "nordic",
        "riga",
    ]
    incubators = gql(ORGANISATIONS, {"filter": {"supportTypes": ["incubator"]}})["data"]
    result = incubators["supportOrganisations"]
    assert result["totalCount"] == 1
    assert result["items"][0]["supportTypes"] == [{"slug": "incubator", "name": "Incubator"}]
    unknown = gql(ORGANISATIONS, {"filter": {"supportTypes": ["bank"]}}, expect_errors=True)
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


SEARCH = """
query($q: String!, $locale: Locale) {
  search(query: $q, locale: $locale) {
    kind title locale page { path } entry { slug } event { slug }
  }
}
"""


def test_search_covers_pages_entries_and_events_in_the_requested_locale(gql):
    article = factories.article(title="Cooperative housing", slug="cooperatives")
    factories.translate_page(article, "da", title="Kooperativer i Danmark", slug="kooperativer")
    factories.SocialEnterpriseFactory(slug="coop", name="Copenhagen Cooperative Bakery")
    factories.EventFactory(slug="coop-day", title="Cooperative day")

    english = gql(SEARCH, {"q": "cooperative"})["data"]["search"]
    kinds = sorted(hit["kind"] for hit in english)
    assert kinds == ["ENTERPRISE", "EVENT", "PAGE"]
    page_hit = next(hit for hit in english if hit["kind"] == "PAGE")
    assert page_hit["page"] == {"path": "/library/cooperatives/"}

    danish = gql(SEARCH, {"q": "kooperativer", "locale": "da"})["data"]["search"]
    assert [(hit["title"], hit["locale"]) for hit in danish] == [("Kooperativer i Danmark", "da")]


def test_empty_search_is_a_bad_user_input_error(gql):
    body = gql(SEARCH, {"q": "  "}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
