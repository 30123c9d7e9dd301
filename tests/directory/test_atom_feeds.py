"""`/feeds/enterprises.atom`, `/feeds/events.atom`, `/feeds/pages.atom`: Atom 1.0 feeds of the
newest public items, with the GraphQL lists' filters as query parameters.

Every answer is parsed with xml.etree and checked for what RFC 4287 requires (feed and entry
id, title, updated; an author; links). Feeds hold public items only, in the requested locale
with the English fallback, newest first, at most 50; bad parameters are a plain-text 400 that
names the parameter; answers are cached between publishes.
"""

import datetime
import xml.etree.ElementTree as ET

from django.utils import timezone, translation

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.atom import FEED_ITEMS
from directory.models import SocialEnterprise
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/feeds/enterprises.atom", "/feeds/events.atom", "/feeds/pages.atom"]
NOW = timezone.now()


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 600
    settings.FRONTEND_BASE_URL = "https://www.sesn.example"


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text, name
    assert root.find(f"{ATOM}author/{ATOM}name").text
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href").startswith("https://www.sesn.example/")
    return root


def fetch(client, url, **params):
    return parse(client.get(url, params))


def titles(root):
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def published(record, days_ago):
    """Publish through Wagtail, then date the publication `days_ago` days back."""
    record.save_revision().publish()
    moment = NOW - datetime.timedelta(days=days_ago)
    type(record).objects.filter(pk=record.pk).update(
        first_published_at=moment, last_published_at=moment
    )
    return type(record).objects.get(pk=record.pk)


@pytest.fixture
def directory():
    """Three public enterprises of different ages, one translated into Latvian, and hidden
    ones of every kind."""
    older = published(
        factories.SocialEnterpriseFactory(
            name="Older bakery", slug="older-bakery", country="DK", sectors=["I"]
        ),
        days_ago=10,
    )
    newer = published(
        factories.SocialEnterpriseFactory(
            name="Newer laundry",
            slug="newer-laundry",
            country="LV",
            summary="Washing & ironing.",
            seeking_partners=True,
            contact_email="private-laundry@example.com",
        ),
        days_ago=1,
    )
    factories.set_terms(newer, sdgs=[8], offers=["mentoring"])
    factories.translate_record(newer, "lv", name="Jaunā veļas mazgātava")
    middle = published(
        factories.SocialEnterpriseFactory(name="Middle café", slug="middle-cafe", country="DK"),
        days_ago=5,
    )
    factories.SocialEnterpriseFactory(name="Draft workshop", live=False)
    factories.SocialEnterpriseFactory(name="Expired shop", expire_at=NOW - datetime.timedelta(1))
    factories.SocialEnterpriseFactory(name="Future farm", go_live_at=NOW + datetime.timedelta(9))
    factories.translate_record(older, "lv", publish=False, name="Melnraksta maiznīca")
    return older, middle, newer


# Atom -----------------------------------------------------------------------------------------


def test_enterprises_feed_is_atom_with_one_entry_per_public_enterprise_newest_first(
    client, directory
):
    root = fetch(client, "/feeds/enterprises.atom")

    assert titles(root) == ["Newer laundry", "Middle café", "Older bakery"]
    assert (
        root.find(f"{ATOM}title").text == "Social Enterprise Support Network: social enterprises"
    )
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link.endswith("/feeds/enterprises.atom")
    entry = root.find(f"{ATOM}entry")
    newer = directory[2]
    assert entry.find(f"{ATOM}id").text == f"urn:uuid:{newer.translation_key}"
    assert entry.find(f"{ATOM}link").get("href") == (
        "https://www.sesn.example/en/enterprises/newer-laundry/"
    )
    assert entry.find(f"{ATOM}summary").text == "Washing &amp; ironing."
    updated = datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert abs(updated - newer.last_published_at) < datetime.timedelta(seconds=1)
    # The feed's updated is its newest entry's.
    assert root.find(f"{ATOM}updated").text == entry.find(f"{ATOM}updated").text


def test_hidden_enterprises_and_private_fields_are_never_in_the_feed(client, directory):
    for locale in ("en", "lv"):
        text = client.get("/feeds/enterprises.atom", {"locale": locale}).content.decode()
        for hidden in ("Draft workshop", "Expired shop", "Future farm", "Melnraksta"):
            assert hidden not in text
        assert "private-laundry" not in text


def test_feed_in_latvian_has_translated_titles_and_english_fallback_rows(client, directory):
    root = fetch(client, "/feeds/enterprises.atom", locale="lv")

    assert titles(root) == ["Jaunā veļas mazgātava", "Middle café", "Older bakery"]
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "lv"
    # The feed's own title in Latvian: the model's plural from the catalogs (however far
    # their translation has come), Wagtail's "Pages" for the pages feed.
    with translation.override("lv"):
        plural = str(SocialEnterprise._meta.verbose_name_plural)
    assert root.find(f"{ATOM}title").text == f"Social Enterprise Support Network: {plural}"
    pages_title = fetch(client, "/feeds/pages.atom", locale="lv").find(f"{ATOM}title").text
    assert pages_title == "Social Enterprise Support Network: Lapas"
    # Fallback entries link to the Latvian website too, and keep their id across locales.
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert links[1] == "https://www.sesn.example/lv/enterprises/middle-cafe/"
    english = fetch(client, "/feeds/enterprises.atom")
    assert [e.find(f"{ATOM}id").text for e in english.findall(f"{ATOM}entry")] == [
        e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"countries": "DK"}, ["Middle café", "Older bakery"]),
        ({"countries": "lv"}, ["Newer laundry"]),
        ({"sectors": "I"}, ["Older bakery"]),
        ({"sdgs": "8"}, ["Newer laundry"]),
        ({"offers": "mentoring"}, ["Newer laundry"]),
        ({"seekingPartners": "true"}, ["Newer laundry"]),
        ({"seekingPartners": "false"}, ["Middle café", "Older bakery"]),
        ({"near": "55.68,12.57,50"}, []),
        ({"countries": ""}, ["Newer laundry", "Middle café", "Older bakery"]),
    ],
)
def test_enterprise_filters_are_query_parameters(client, directory, params, expected):
    assert titles(fetch(client, "/feeds/enterprises.atom", **params)) == expected


def test_enterprise_search_is_a_query_parameter(client, directory):
    assert titles(fetch(client, "/feeds/enterprises.atom", search="laundry")) == ["Newer laundry"]


def test_feed_holds_at_most_the_newest_fifty(client):
    SocialEnterprise.objects.bulk_create(
        [
            SocialEnterprise(
                name=f"Bulk {n:03}",
                slug=f"bulk-{n:03}",
                locale=factories.english(),
                live=True,
                first_published_at=NOW - datetime.timedelta(hours=n),
            )
            for n in range(FEED_ITEMS + 5)
        ]
    )
    names = titles(fetch(client, "/feeds/enterprises.atom"))
    assert names == [f"Bulk {n:03}" for n in range(FEED_ITEMS)]


# Events and pages ---------------------------------------------------------------------------


def test_events_feed_filters_and_hides_drafts(client):
    soon = factories.EventFactory(title="Forum in Gdańsk", format="hybrid", country="PL")
    published(soon, days_ago=2)
    online = factories.EventFactory(title="Webinar", format="online", country="DK")
    published(online, days_ago=1)
    factories.EventFactory(title="Draft meetup", live=False)
    factories.EventFactory(
        title="Private contact event",
        contact_email="private-event@example.com",
        contact_name="Private Person",
    )

    root = fetch(client, "/feeds/events.atom")
    assert titles(root)[:2] == ["Webinar", "Forum in Gdańsk"]
    assert "Draft meetup" not in titles(root)
    text = client.get("/feeds/events.atom").content.decode()
    assert "private-event" not in text and "Private Person" not in text
    assert titles(fetch(client, "/feeds/events.atom", formats="IN_PERSON,hybrid")) == [
        "Forum in Gdańsk",
        "Private contact event",
    ]
    assert titles(fetch(client, "/feeds/events.atom", formats="online")) == ["Webinar"]
    assert titles(fetch(client, "/feeds/events.atom", countries="DK")) == ["Webinar"]
    link = fetch(client, "/feeds/events.atom", countries="DK").find(f"{ATOM}entry/{ATOM}link")
    assert link.get("href") == f"https://www.sesn.example/en/events/{online.slug}/"


@pytest.fixture
def library_pages():
    library = factories.library()
    first = factories.article(parent=library, title="First article", slug="first")
    second = factories.article(parent=library, title="Second article", slug="second")
    for page, days in ((library, 30), (first, 3), (second, 1)):
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=NOW - datetime.timedelta(days=days)
        )
    factories.translate_page(second, "lv", title="Otrais raksts")
    factories.article(parent=library, title="Draft article", slug="draft", live=False)
    return first, second


def test_pages_feed_lists_newest_public_pages_in_the_locale(client, library_pages):
    root = fetch(client, "/feeds/pages.atom", locale="lv")

    assert titles(root)[:2] == ["Otrais raksts", "First article"]
    assert "Draft article" not in titles(root)
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert "https://www.sesn.example/lv/library/first/" in links
    assert titles(fetch(client, "/feeds/pages.atom", type="ARTICLE"))[:2] == [
        "Second article",
        "First article",
    ]
    assert titles(fetch(client, "/feeds/pages.atom", type="pages.ToolPage")) == []


def test_private_pages_are_not_in_the_pages_feed(client, library_pages):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=library_pages[0], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    factories.article(
        title="Expired article", slug="expired", expire_at=NOW - datetime.timedelta(days=1)
    )
    names = titles(fetch(client, "/feeds/pages.atom"))
    assert "First article" not in names and "Expired article" not in names
    assert "Second article" in names


# Bad parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/feeds/enterprises.atom", {"locale": "xx"}, "Unknown locale: xx."),
        ("/feeds/enterprises.atom", {"country": "DK"}, "Unknown parameter(s): country."),
        ("/feeds/enterprises.atom", {"limit": "5"}, "Unknown parameter(s): limit."),
        ("/feeds/enterprises.atom", {"countries": "XX"}, "Unknown country code(s): XX"),
        ("/feeds/enterprises.atom", {"sdgs": "eight"}, '"sdgs" takes whole numbers'),
        ("/feeds/enterprises.atom", {"sdgs": "9" * 30}, '"sdgs" takes whole numbers'),
        ("/feeds/enterprises.atom", {"seekingPartners": "maybe"}, '"seekingPartners" is true'),
        ("/feeds/enterprises.atom", {"near": "1,2"}, '"near" is 3 comma-separated values'),
        ("/feeds/enterprises.atom", {"near": "1,2,nan"}, '"near.km" takes numbers'),
        ("/feeds/enterprises.atom", {"near": "95,2,3"}, "near.lat must be between"),
        ("/feeds/enterprises.atom", {"offers": "hugs"}, "Unknown offers: hugs."),
        ("/feeds/enterprises.atom", {"search": "\x00"}, '"search" holds a control character'),
        ("/feeds/enterprises.atom", {"search": "?!"}, "has no words"),
        ("/feeds/events.atom", {"formats": "teleport"}, "Unknown formats: teleport."),
        ("/feeds/events.atom", {"from": "tomorrow"}, '"from" is not an ISO 8601 date'),
        ("/feeds/events.atom", {"from": "2030-01-02", "to": "2030-01-01"}, '"to" is before'),
        ("/feeds/pages.atom", {"type": "POEM"}, "Unknown type: POEM."),
        ("/feeds/pages.atom", {"topic": "astrology"}, 'Unknown topic "astrology"'),
    ],
)
def test_bad_parameters_are_a_plain_text_400_naming_the_parameter(client, url, params, message):
    response = client.get(url, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert message in response.content.decode()


def test_a_post_is_refused(client):
    assert client.post("/feeds/enterprises.atom").status_code == 405


# Caching --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", FEEDS)
def test_a_repeated_feed_costs_no_sql_until_a_publish(
    client, directory, library_pages, url, django_assert_num_queries
):
    first = client.get(url, {"locale": "lv"})
    assert first["X-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = client.get(url, {"locale": "lv"})
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Language"] == "lv"
    not_modified = client.get(url, {"locale": "lv"}, headers={"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304

    published(factories.SocialEnterpriseFactory(name="Fresh enterprise"), days_ago=0)
    published(factories.EventFactory(title="Fresh event"), days_ago=0)
    factories.article(title="Fresh article", slug="fresh")
    third = client.get(url, {"locale": "lv"})
    assert third["X-Cache"] == "miss"
    assert "Fresh" in titles(parse(third))[0]


# Fuzz -----------------------------------------------------------------------------------------

PARAMETER_NAMES = st.sampled_from(
    [
        "locale",
        "countries",
        "sectors",
        "sdgs",
        "targetGroups",
        "offers",
        "needs",
        "recognisedStatuses",
        "seekingPartners",
        "near",
        "search",
        "from",
        "to",
        "formats",
        "types",
        "topics",
        "statuses",
        "type",
        "topic",
        "x",
    ]
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", ",", "DK,,PL", "1e400", "-0", "NaN", "inf,1,2", "2030-02-30", "+"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.lists(st.floats(allow_nan=True), min_size=1, max_size=4).map(
        lambda xs: ",".join(map(str, xs))
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(FEEDS),
    params=st.lists(st.tuples(PARAMETER_NAMES, VALUES), max_size=4),
)
def test_random_query_strings_never_get_a_server_error(client, url, params):
    response = client.get(url, params)

    assert response.status_code in (200, 400), (params, response.content[:500])
    if response.status_code == 200:
        parse(response)
    else:
        assert "Traceback" not in response.content.decode()


# Queries --------------------------------------------------------------------------------------


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.public_cache import cache

    cache().clear()
    with CaptureQueriesContext(connection) as queries:
        parse(client.get(url, {"locale": "lv"}))
    return len(queries)


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_costs_the_same_queries_for_few_and_many_items(client, url):
    library = factories.library()

    def add(start, count):
        for n in range(start, start + count):
            factories.SocialEnterpriseFactory(name=f"Enterprise {n}")
            factories.EventFactory(title=f"Event {n}")
            factories.article(parent=library, title=f"Article {n}", slug=f"article-{n}")

    add(0, 2)
    count_queries(client, url)  # the first request also reads the locales, once per process
    few = count_queries(client, url)
    add(2, 20)
    assert count_queries(client, url) == few
