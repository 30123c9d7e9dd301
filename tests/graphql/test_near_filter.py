"""`near: {lat, lng, km}` on enterprises, support organisations and events."""

import math

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ENTERPRISES = """
query($filter: EnterpriseFilter) {
  enterprises(filter: $filter, order: NAME) { totalCount items { slug } }
}
"""

ORGANISATIONS = """
query($filter: SupportOrganisationFilter) {
  supportOrganisations(filter: $filter) { totalCount items { slug } }
}
"""

EVENTS = """
query($filter: EventFilter) { events(filter: $filter) { totalCount items { slug } } }
"""

COPENHAGEN = (55.676100, 12.568300)
MALMO = (55.604981, 13.003822)
GDANSK = (54.352025, 18.646639)
RIGA = (56.949649, 24.105186)


def haversine_km(first, second):
    phi1, phi2 = math.radians(first[0]), math.radians(second[0])
    dphi, dlam = phi2 - phi1, math.radians(second[1] - first[1])
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def located(factory, slug, point, **fields):
    latitude, longitude = point
    return factory(slug=slug, latitude=f"{latitude:.6f}", longitude=f"{longitude:.6f}", **fields)


def slugs(body, field):
    return sorted(item["slug"] for item in body["data"][field]["items"])


def near(point, km):
    return {"near": {"lat": point[0], "lng": point[1], "km": km}}


@pytest.fixture
def enterprises():
    located(factories.SocialEnterpriseFactory, "copenhagen", COPENHAGEN, country="DK")
    located(factories.SocialEnterpriseFactory, "malmo", MALMO, country="SE")
    located(factories.SocialEnterpriseFactory, "gdansk", GDANSK, country="PL")
    located(factories.SocialEnterpriseFactory, "riga", RIGA, country="LV")
    factories.SocialEnterpriseFactory(slug="nowhere", country="DK")  # no coordinates


def test_near_keeps_entries_within_the_radius(gql, enterprises):
    assert slugs(gql(ENTERPRISES, {"filter": near(COPENHAGEN, 10)}), "enterprises") == [
        "copenhagen"
    ]
    assert slugs(gql(ENTERPRISES, {"filter": near(COPENHAGEN, 50)}), "enterprises") == [
        "copenhagen",
        "malmo",
    ]
    wide = gql(ENTERPRISES, {"filter": near(COPENHAGEN, 500)})
    assert slugs(wide, "enterprises") == ["copenhagen", "gdansk", "malmo"]
    assert wide["data"]["enterprises"]["totalCount"] == 3


def test_entries_without_coordinates_are_left_out(gql, enterprises):
    everything = gql(ENTERPRISES, {"filter": near(COPENHAGEN, 20000)})
    assert "nowhere" not in slugs(everything, "enterprises")
    assert everything["data"]["enterprises"]["totalCount"] == 4


def test_the_radius_is_the_great_circle_distance(gql, enterprises):
    distance = haversine_km(COPENHAGEN, RIGA)  # about 725 km
    inside = gql(ENTERPRISES, {"filter": near(COPENHAGEN, distance + 0.5)})
    outside = gql(ENTERPRISES, {"filter": near(COPENHAGEN, distance - 0.5)})
    assert "riga" in slugs(inside, "enterprises")
    assert "riga" not in slugs(outside, "enterprises")


def test_near_combines_with_other_filters(gql, enterprises):
    body = gql(ENTERPRISES, {"filter": {**near(COPENHAGEN, 500), "countries": ["SE", "LV"]}})
    assert slugs(body, "enterprises") == ["malmo"]


def test_near_works_across_the_date_line_and_near_a_pole(gql):
    located(factories.SocialEnterpriseFactory, "fiji-east", (-17.0, 179.95))
    located(factories.SocialEnterpriseFactory, "fiji-west", (-17.0, -179.95))
    located(factories.SocialEnterpriseFactory, "svalbard", (89.5, 20.0))
    located(factories.SocialEnterpriseFactory, "other-side", (89.5, -160.0))
    across = gql(ENTERPRISES, {"filter": near((-17.0, 179.99), 30)})
    assert slugs(across, "enterprises") == ["fiji-east", "fiji-west"]
    polar = gql(ENTERPRISES, {"filter": near((89.9, 0.0), 150)})
    assert slugs(polar, "enterprises") == ["other-side", "svalbard"]


def test_support_organisations_and_events_take_near_too(gql):
    located(factories.SupportOrganisationFactory, "riga-hub", RIGA)
    located(factories.SupportOrganisationFactory, "gdansk-hub", GDANSK)
    located(factories.EventFactory, "gdansk-meeting", GDANSK)
    located(factories.EventFactory, "riga-meeting", RIGA)
    factories.EventFactory(slug="online-meeting")
    organisations = gql(ORGANISATIONS, {"filter": near(RIGA, 25)})
    assert slugs(organisations, "supportOrganisations") == ["riga-hub"]
    events = gql(EVENTS, {"filter": near(GDANSK, 25)})
    assert slugs(events, "events") == ["gdansk-meeting"]


@pytest.mark.parametrize(
    ("lat", "lng", "km", "message"),
    [
        (90.5, 10.0, 5.0, "near.lat must be between -90 and 90"),
        (-91.0, 10.0, 5.0, "near.lat must be between -90 and 90"),
        (55.0, 180.5, 5.0, "near.lng must be between -180 and 180"),
        (55.0, -200.0, 5.0, "near.lng must be between -180 and 180"),
        (55.0, 12.0, 0.0, "near.km must be more than 0"),
        (55.0, 12.0, -3.0, "near.km must be more than 0"),
    ],
)
def test_out_of_range_coordinates_or_radius_are_bad_user_input(gql, lat, lng, km, message):
    variables = {"filter": {"near": {"lat": lat, "lng": lng, "km": km}}}
    for query in [ENTERPRISES, EVENTS]:
        body = gql(query, variables, expect_errors=True)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert message in error["message"]
        assert body["data"] is None


def test_near_without_a_radius_is_refused_by_the_schema(gql):
    body = gql(ENTERPRISES, {"filter": {"near": {"lat": 55.0, "lng": 12.0}}}, expect_errors=True)
    assert body["_response"].status_code == 400
    assert "km" in body["errors"][0]["message"]
