"""Every list resolver runs a fixed number of SQL queries, whatever `limit` is."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

import pytest

from cms.locale_ids import forget_locale_ids
from directory.models import Sdg, Sector, Topic
from pages.models import ArticlePage
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.count_queries]


def count_queries(query, variables):
    """Queries of one request, after a first request has warmed the process-wide caches
    (content types, the site root) that every later request reuses."""
    client = Client()
    client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
    body = response.json()
    assert "errors" not in body, body
    return len(captured), body["data"]


PAGES = """query($limit: Int) { pages(type: ARTICLE, limit: $limit) { totalCount items {
  id key title path url locale seoTitle
  translations { locale status title path }
  ... on ArticlePage { intro kind date heroImage { url width } topics { slug name }
      countries { code name } authors { name }
      relatedEnterprises { slug name country { name } logo { url } }
      relatedOrganisations { slug } }
} } }"""

ENTERPRISES = """query($limit: Int) { enterprises(limit: $limit) { totalCount items {
  id key slug name summary locale city website
  country { code name } sectors { code name } sdgs { number name }
  targetGroups { slug name } offers { slug name } needs { slug name }
  recognisedStatus { slug name } logo { url width height }
  translations { locale status slug }
} } }"""

EVENTS = """query($limit: Int) { events(limit: $limit) { totalCount items {
  id slug title start end format status locale country { name }
  eventType { slug name } topics { slug name }
  organiser { slug name country { name } logo { url } }
  translations { locale status }
} } }"""

ORGANISATIONS = """query($limit: Int) { supportOrganisations(limit: $limit) { totalCount items {
  slug name supportTypes { slug name } countriesServed { code name } sectors { code }
  logo { url } translations { locale status }
} } }"""


def test_article_list_costs_the_same_for_10_and_100_pages():
    library = factories.library()
    topics = list(Topic.objects.filter(locale__language_code="en")[:2])
    enterprise = factories.SocialEnterpriseFactory(logo=factories.ImageFactory())
    organisation = factories.SupportOrganisationFactory()
    image = factories.ImageFactory()
    for number in range(100):
        page = ArticlePage(
            title=f"Article {number}",
            slug=f"article-{number}",
            hero_image=image,
            countries=["DK", "PL"],
            first_published_at=timezone.now(),
        )
        library.add_child(instance=page)
        page.topics.set(topics)
        page.related_enterprises.set([enterprise])
        page.related_organisations.set([organisation])
        page.authors.create(name="Author")
        page.save()
    small, data = count_queries(PAGES, {"limit": 10})
    large, data = count_queries(PAGES, {"limit": 100})
    assert data["pages"]["totalCount"] == 100
    assert len(data["pages"]["items"]) == 100
    assert data["pages"]["items"][0]["relatedEnterprises"][0]["slug"] == enterprise.slug
    assert small == large, f"{small} queries for 10 pages, {large} for 100"


def test_enterprise_list_costs_the_same_for_10_and_100_entries():
    sectors = list(Sector.objects.filter(locale__language_code="en", code__in=["Q", "I"]))
    sdgs = list(Sdg.objects.filter(locale__language_code="en", number__in=[8, 10]))
    logo = factories.ImageFactory()
    for _ in range(100):
        enterprise = factories.SocialEnterpriseFactory(logo=logo)
        enterprise.sectors.set(sectors)
        enterprise.sdgs.set(sdgs)
        enterprise.save()
    small, _data = count_queries(ENTERPRISES, {"limit": 10})
    large, data = count_queries(ENTERPRISES, {"limit": 100})
    assert len(data["enterprises"]["items"]) == 100
    assert {s["code"] for s in data["enterprises"]["items"][0]["sectors"]} == {"Q", "I"}
    assert small == large, f"{small} queries for 10 entries, {large} for 100"


def test_event_list_costs_the_same_for_10_and_100_events():
    organisers = [factories.SupportOrganisationFactory(logo=factories.ImageFactory())]
    organisers.append(factories.SocialEnterpriseFactory())
    for number in range(100):
        organiser = organisers[number % 2]
        field = "organiser_organisation" if number % 2 == 0 else "organiser_enterprise"
        event = factories.EventFactory(**{field: organiser})
        event.topics.set(Topic.objects.filter(locale__language_code="en")[:2])
    small, _data = count_queries(EVENTS, {"limit": 10})
    large, data = count_queries(EVENTS, {"limit": 100})
    assert len(data["events"]["items"]) == 100
    assert all(item["organiser"] for item in data["events"]["items"])
    assert small == large, f"{small} queries for 10 events, {large} for 100"


def test_support_organisation_list_costs_the_same_for_10_and_100():
    for _ in range(100):
        factories.SupportOrganisationFactory(countries_served=["DK", "SE"])
    small, _data = count_queries(ORGANISATIONS, {"limit": 10})
    large, data = count_queries(ORGANISATIONS, {"limit": 100})
    assert len(data["supportOrganisations"]["items"]) == 100
    assert small == large, f"{small} queries for 10 organisations, {large} for 100"


ENTERPRISE_FACETS = """query($limit: Int) {
  enterprises(limit: $limit, search: "enterprise", filter: { countries: ["DK", "PL"] }) {
    totalCount items { slug sectors { code name } }
    facets {
      countries { value label count } sectors { value label count } sdgs { value label count }
      targetGroups { value label count } offers { value label count } needs { value label count }
      recognisedStatuses { value label count } languages { value label count }
    }
} }"""


def _faceted_enterprises(count, start):
    from directory.models import RecognisedStatus

    status = RecognisedStatus.objects.get(slug="dk-rsv", locale__language_code="en")
    for number in range(start, start + count):
        enterprise = factories.SocialEnterpriseFactory(
            country=["DK", "PL", "SE"][number % 3],
            languages=["en", "da"] if number % 2 else ["pl"],
            recognised_status=status if number % 2 else None,
        )
        factories.set_terms(
            enterprise,
            sectors=["Q", "I"][: 1 + number % 2],
            sdgs=[8, 10][: 1 + number % 2],
            target_groups=["youth"],
            offers=["training"],
            needs=["funding", "mentoring"][: 1 + number % 2],
        )


def localize(instance, codes=("da", "pl")):
    """Published translations of `instance`, made as wagtail-localize's own tests make them."""
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    for code in codes:
        locale = Locale.objects.get(language_code=code)
        Translation.objects.create(source=source, target_locale=locale).save_target(publish=True)


def queries_translations_add(query, root, limit):
    """Queries that asking for `translations { locale status }` adds to a list of `limit`."""
    bare, data = count_queries(query.replace("{translations}", ""), {"limit": limit})
    assert len(data[root]["items"]) == limit
    full, data = count_queries(
        query.replace("{translations}", "translations { locale status }"), {"limit": limit}
    )
    statuses = {entry["status"] for item in data[root]["items"] for entry in item["translations"]}
    assert {"SOURCE", "MISSING", "IN_PROGRESS"} <= statuses, statuses
    return full - bare


def test_translations_add_two_queries_to_10_and_100_entries():
    """One over the rows of every locale, one over the wagtail-localize translations."""
    for number, entry in enumerate(factories.SocialEnterpriseFactory.create_batch(100)):
        if number % 4 == 0:
            localize(entry)
    query = "query($limit: Int) { enterprises(limit: $limit) { items { slug {translations} } } }"

    added = {limit: queries_translations_add(query, "enterprises", limit) for limit in (10, 100)}

    assert added == {10: 2, 100: 2}


def test_translations_add_two_queries_to_10_and_100_pages():
    """The two of entries: the view restrictions that decide which pages are public are read
    once per request, for the list and its translations."""
    library = factories.library()
    factories.translate_page(library, "da")
    factories.translate_page(library, "pl")
    for number in range(100):
        page = factories.article(library, title=f"Article {number}")
        if number % 4 == 0:
            localize(page)
    query = """query($limit: Int) { pages(type: ARTICLE, limit: $limit) { items {
      title {translations} } } }"""

    added = {limit: queries_translations_add(query, "pages", limit) for limit in (10, 100)}

    assert added == {10: 2, 100: 2}


def test_translations_of_untranslated_entries_add_one_query():
    """wagtail-localize is not asked about groups that have no copy to describe."""
    factories.SocialEnterpriseFactory.create_batch(20)
    query = "query($limit: Int) { enterprises(limit: $limit) { items { slug {translations} } } }"
    full, data = count_queries(
        query.replace("{translations}", "translations { locale status }"), {"limit": 10}
    )
    bare, _data = count_queries(query.replace("{translations}", ""), {"limit": 10})
    statuses = {
        entry["status"] for item in data["enterprises"]["items"] for entry in item["translations"]
    }
    assert statuses == {"SOURCE", "MISSING"}
    assert full - bare == 1


def test_enterprise_facets_cost_the_same_for_10_and_100_entries():
    _faceted_enterprises(15, 0)
    small, data = count_queries(ENTERPRISE_FACETS, {"limit": 100})
    assert data["enterprises"]["totalCount"] == 10
    _faceted_enterprises(135, 15)
    large, data = count_queries(ENTERPRISE_FACETS, {"limit": 100})
    assert data["enterprises"]["totalCount"] == 100
    assert sum(f["count"] for f in data["enterprises"]["facets"]["countries"]) == 100
    assert small == large, f"{small} queries over 10 entries, {large} over 100"


ORGANISATION_FACETS = """query($limit: Int) { supportOrganisations(limit: $limit) {
  totalCount items { slug }
  facets { countries { value count } servesCountries { value label count }
           supportTypes { value label count } sectors { value count } sdgs { value count }
           offers { value count } needs { value count } }
} }"""


def test_support_organisation_facets_cost_the_same_for_10_and_100():
    def make(count):
        for number in range(count):
            organisation = factories.SupportOrganisationFactory(
                countries_served=[["DK", "SE"], [], ["LT"]][number % 3]
            )
            factories.set_terms(organisation, support_types=["funder"], offers=["funding"])

    make(10)
    small, _data = count_queries(ORGANISATION_FACETS, {"limit": 10})
    make(90)
    large, data = count_queries(ORGANISATION_FACETS, {"limit": 100})
    assert data["supportOrganisations"]["facets"]["supportTypes"][0]["count"] == 100
    assert small == large, f"{small} queries over 10 organisations, {large} over 100"


PARTNER_MATCHES = """query($limit: Int) {
  partnerMatches(enterprise: "subject", limit: $limit, locale: da) {
    score reasons { kind text codes }
    partner { slug name locale country { name } logo { url }
              ... on SocialEnterprise { sectors { code name } offers { slug name } }
              ... on SupportOrganisation { supportTypes { name } } }
} }"""


def test_partner_matches_cost_the_same_for_10_and_100_partners():
    subject = factories.SocialEnterpriseFactory(slug="subject", country="DK", languages=["da"])
    factories.set_terms(subject, needs=["funding"], offers=["training"], sdgs=[8], sectors=["Q"])
    logo = factories.ImageFactory()
    for number in range(80):
        partner = factories.SocialEnterpriseFactory(
            seeking_partners=True, country=["DK", "SE", "LV"][number % 3], logo=logo
        )
        factories.set_terms(partner, needs=["training"], sdgs=[8], sectors=["Q"])
    for number in range(40):
        # Five serve Denmark and rank first; the others rank below the enterprises.
        partner = factories.SupportOrganisationFactory(
            seeking_partners=True,
            languages=["da"],
            countries_served=["DK" if number < 5 else "LV"],
        )
        factories.set_terms(partner, offers=["funding"], support_types=["funder"])
    small, data = count_queries(PARTNER_MATCHES, {"limit": 10})
    assert len(data["partnerMatches"]) == 10
    kinds = {bool(match["partner"].get("supportTypes")) for match in data["partnerMatches"]}
    assert kinds == {True, False}
    large, data = count_queries(PARTNER_MATCHES, {"limit": 100})
    assert len(data["partnerMatches"]) == 100
    kinds = {bool(match["partner"].get("supportTypes")) for match in data["partnerMatches"]}
    assert kinds == {True, False}
    assert small == large, f"{small} queries for 10 partners, {large} for 100"


def test_lists_look_locales_up_once_per_process():
    """Locale ids are known after the first request (cms/locale_ids.py): the page list and the
    fallback of its relations filter on them instead of looking language codes up."""
    library = factories.library()
    for number in range(3):
        factories.article(library, title=f"Article {number}")
    query = """query { pages(locale: da, type: ARTICLE) { items {
      title ... on ArticlePage { topics { name } relatedEnterprises { name } } } } }"""
    client = Client()
    client.post("/graphql/", data={"query": query}, content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql/", data={"query": query}, content_type="application/json")

    assert len(response.json()["data"]["pages"]["items"]) == 3
    lookups = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "wagtailcore_locale"')
        and '"language_code" IN' in q["sql"].split("WHERE")[-1]
    ]
    assert lookups == []


@pytest.fixture
def forget_locale_ids_afterwards():
    """The test's rollback brings the old locale back without a signal: later tests must not
    see the ids of the one it made."""
    yield
    forget_locale_ids()


@pytest.mark.usefixtures("forget_locale_ids_afterwards")
def test_a_language_added_after_the_first_request_is_listed():
    """A Locale saved or deleted clears the ids kept by the process; a recreated language gets
    a new id, and lists in it find its rows."""
    english = factories.SocialEnterpriseFactory(name="Stockholm Bikes", slug="stockholm-bikes")
    query = "query { enterprises(locale: sv) { items { name locale } } }"
    client = Client()

    def listed():
        response = client.post("/graphql/", data={"query": query}, content_type="application/json")
        return response.json()["data"]["enterprises"]["items"]

    assert listed() == [{"name": "Stockholm Bikes", "locale": "en"}]

    Locale.objects.get(language_code="sv").delete()
    swedish = Locale.objects.create(language_code="sv")
    factories.SocialEnterpriseFactory(
        name="Stockholmscyklar",
        slug="stockholmscyklar",
        locale=swedish,
        translation_key=english.translation_key,
    )

    assert listed() == [{"name": "Stockholmscyklar", "locale": "sv"}]
