"""Every list resolver runs a fixed number of SQL queries, whatever `limit` is."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

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
