"""The query cost limit: what frontends ask stays well under GRAPHQL_MAX_COST, and queries that
would keep a worker busy for seconds are refused before anything runs.

`test_the_refused_attack_runs_no_sql` also prints (with `-s`) the time and SQL queries of the
refused attack and of the same request let through.
"""

import json
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.rich_text import RichText

import pytest
from graphql import parse

from cms.graphql.cost import (
    FACET_DIMENSION_COST,
    PARTNER_MATCHES_COST,
    SEARCH_ARGUMENT_COST,
    SEARCH_FIELD_COST,
    operation_costs,
)
from cms.graphql.schema import schema
from directory.models import SocialEnterprise
from tests import factories
from tests.graphql.test_readme_examples import readme_queries

pytestmark = pytest.mark.django_db


def cost(query):
    """The cost of the most expensive operation of `query`."""
    return max(operation_costs(schema.graphql_schema, parse(query)).values())


def well_under_the_budget():
    """Half the budget: a frontend can ask for two of the heaviest ordinary things at once."""
    return settings.GRAPHQL_MAX_COST // 2


def assert_refused_for_cost(body, expected_cost):
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] == expected_cost
    assert error["message"] == (
        f"The query costs {expected_cost:,}; the limit is {settings.GRAPHQL_MAX_COST:,}."
    )


# How the cost adds up -----------------------------------------------------------------------


def test_a_list_without_limit_costs_its_default_limit_from_the_schema():
    assert cost("{ enterprises { items { name } } }") == 1 + 1 + 20 * 1
    assert cost('{ partnerMatches(enterprise: "x") { score } }') == (
        1 + PARTNER_MATCHES_COST + 10 * 1
    )


def test_the_limit_multiplies_what_the_items_select():
    assert cost("{ enterprises(limit: 100) { totalCount items { name slug } } }") == (
        1 + 1 + 1 + 100 * 2
    )
    assert cost("{ enterprises(limit: 0) { items { name slug } } }") == 1 + 1


def test_a_list_field_multiplies_its_own_selection():
    assert cost('{ search(query: "x", limit: 10) { title page { title } } }') == (
        1 + SEARCH_FIELD_COST + 10 * (1 + 1 + 1)
    )


def test_a_limit_from_a_variable_costs_the_largest_limit_allowed():
    query = "query($n: Int) { enterprises(limit: $n) { items { name } } }"
    assert cost(query) == 1 + 1 + settings.GRAPHQL_MAX_LIMIT * 1


def test_a_limit_over_the_cap_costs_the_cap():
    """The resolver refuses it with BAD_USER_INPUT, a clearer answer than a cost error."""
    assert cost("{ enterprises(limit: 5000) { items { name } } }") == 1 + 1 + 100


def test_each_facet_dimension_costs_extra():
    query = "{ enterprises(limit: 0) { facets { countries { value } sdgs { value count } } } }"
    assert cost(query) == 1 + 1 + (FACET_DIMENSION_COST + 1) + (FACET_DIMENSION_COST + 2)


def test_a_search_argument_costs_extra_unless_empty():
    assert cost('{ pages(limit: 0, search: "impact") { totalCount } }') == (
        1 + SEARCH_ARGUMENT_COST + 1
    )
    assert cost('{ pages(limit: 0, search: "") { totalCount } }') == 1 + 1
    assert cost("query($s: String) { enterprises(limit: 0, search: $s) { totalCount } }") == (
        1 + SEARCH_ARGUMENT_COST + 1
    )


def test_fragments_cost_what_they_select_wherever_they_are_spread():
    inline = "{ enterprises(limit: 10) { items { name sectors { code name } } } }"
    with_fragments = """{ enterprises(limit: 10) { ...List } }
      fragment List on EnterpriseList { items { ...Entry } }
      fragment Entry on SocialEnterprise { name ... on SocialEnterprise { sectors { ...S } } }
      fragment S on Sector { code name }"""
    assert cost(with_fragments) == cost(inline) == 1 + 1 + 10 * (1 + 1 + 2)


def test_an_item_of_an_interface_costs_its_most_expensive_type():
    """Each item is one concrete type: fragments on different types are not all paid for."""
    query = """{ pages(limit: 10) { items {
      title ... on ArticlePage { intro date } ... on ToolPage { pricing } } } }"""
    assert cost(query) == 1 + 1 + 10 * 3


def test_the_same_field_asked_twice_is_counted_once_as_it_runs_once():
    query = """{ enterprises(limit: 100) { items { name } }
                 enterprises(limit: 100) { items { slug } } }"""
    assert cost(query) == 1 + 1 + 100 * 2


def test_each_alias_is_counted_as_it_runs_separately():
    query = "{ a: enterprises(limit: 100) { items { name } } b: enterprises(limit: 100) { items { name } } }"  # noqa: E501
    assert cost(query) == 2 * (1 + 1 + 100)


def test_each_operation_has_its_own_cost():
    costs = operation_costs(
        schema.graphql_schema,
        parse("query A { enterprises { totalCount } } query B { pages { totalCount } }"),
    )
    assert costs == {"A": 2, "B": 2}


# Ordinary queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(readme_queries())))
def test_readme_example_costs_well_under_the_budget(index):
    assert cost(readme_queries()[index]) < well_under_the_budget()


FULL_PAGE = """query($path: String!, $locale: Locale) {
  page(path: $path, locale: $locale) {
    id key title path url locale pageType seoTitle searchDescription
    firstPublishedAt lastPublishedAt
    translations { locale title path status progress }
    ... on ArticlePage {
      intro kind date
      heroImage { url width height }
      topics { slug name } countries { code name } authors { name organisation }
      relatedEnterprises { slug name summary country { name } logo { url } }
      relatedOrganisations { slug name }
      body { ...Block }
    }
  }
}
fragment Block on StreamFieldInterface {
  id blockType field
  ... on RichTextBlock { value }
  ... on HeadingBlock { text level }
  ... on QuoteBlock { text attribution }
  ... on ImageBlock { altText caption credit image { url width height } }
  ... on EmbedBlock { url embed }
  ... on DocumentBlock { documentTitle: title description document { title url fileSize } }
  ... on CallToActionBlock { title ctaText: text linkLabel link: url page { title path url } }
  ... on KeyFiguresBlock { heading figures { ... on KeyFigureBlock { figure caption } } }
}"""


def test_a_full_page_with_its_body_and_translations_costs_well_under_the_budget(gql):
    page = factories.article(
        body=[
            ("heading", {"text": "What we agreed", "level": "h2"}),
            ("paragraph", RichText("<p>A shared database.</p>")),
            ("quote", {"text": "Hybrid works.", "attribution": "A partner"}),
            (
                "key_figures",
                {"heading": "In numbers", "figures": [{"figure": "400+", "caption": "x"}]},
            ),  # noqa: E501
        ]
    )
    factories.translate_page(page, "da", title="Måling af social effekt")
    body = gql(FULL_PAGE, {"path": "/library/measuring-social-impact/", "locale": "da"})
    assert len(body["data"]["page"]["body"]) == 4
    assert cost(FULL_PAGE) < well_under_the_budget()


FULL_LIST = """query($limit: Int, $search: String) {
  enterprises(limit: $limit, search: $search, order: NAME) {
    totalCount
    items {
      id key slug name summary locale city website seekingPartners lastVerified
      country { code name } logo { url width height }
      sectors { code name } sdgs { number name } targetGroups { slug name }
      offers { slug name } needs { slug name } recognisedStatus { slug name }
      translations { locale slug status }
    }
    facets {
      countries { value label count } sectors { value label count } sdgs { value label count }
      targetGroups { value label count } offers { value label count }
      needs { value label count } recognisedStatuses { value label count }
      languages { value label count }
    }
  }
}"""


def test_a_hundred_entries_with_every_facet_cost_well_under_the_budget(gql):
    factories.SocialEnterpriseFactory(sectors=["Q"])
    body = gql(FULL_LIST, {"limit": 100, "search": "enterprise"})
    assert body["data"]["enterprises"]["totalCount"] == 1
    assert cost(FULL_LIST) < well_under_the_budget()


# Attacks ------------------------------------------------------------------------------------

ENTRY = """slug name summary city country { code name } sectors { code name }
  sdgs { number name } offers { slug name } needs { slug name }
  translations { locale slug status }"""
FACETS = """facets { countries { value label count } sectors { value label count }
  sdgs { value label count } offers { value label count } needs { value label count } }"""


def thirty_aliases(limit="100"):
    lists = "\n".join(
        f"e{n}: enterprises(limit: {limit}) {{ totalCount items {{ {ENTRY} }} {FACETS} }}"
        for n in range(30)
    )
    return "query($n: Int) {\n" + lists + "\n}" if limit.startswith("$") else "{\n" + lists + "\n}"


def test_thirty_aliases_of_a_full_list_with_facets_are_refused(gql):
    query = thirty_aliases()
    body = gql(query, expect_errors=True)
    assert_refused_for_cost(body, cost(query))


def test_the_same_attack_with_the_limit_in_a_variable_is_refused(gql):
    query = thirty_aliases("$n")
    body = gql(query, {"n": 100}, expect_errors=True)
    assert_refused_for_cost(body, cost(query))


def test_fragments_spread_many_times_are_refused(gql):
    """A short query whose fragments expand to thousands of fields: every limit on the text
    (size, depth, aliases) lets it through; its cost does not."""
    lists = " ".join(f"l{n}: enterprises(limit: 100) {{ ...List }}" for n in range(12))
    query = f"""{{ {lists} }}
      fragment List on EnterpriseList {{ items {{ ...Entry }} }}
      fragment Entry on SocialEnterprise {{
        ...Names sectors {{ ...Term }} sdgs {{ name }} offers {{ ...Term }} needs {{ ...Term }}
        translations {{ locale slug status title progress }}
      }}
      fragment Names on DirectoryEntry {{ slug name summary city website country {{ code name }} }}
      fragment Term on Translatable {{ key locale translations {{ locale status }} }}"""
    assert len(query) < 2000
    body = gql(query, expect_errors=True)
    assert_refused_for_cost(body, cost(query))


def test_a_fragment_cycle_is_reported_by_the_standard_rules_not_followed_forever(gql):
    query = """{ enterprises { items { ...A } } }
      fragment A on SocialEnterprise { name sectors { key } ...B }
      fragment B on SocialEnterprise { slug ...A }"""
    body = gql(query, expect_errors=True)
    assert {error["extensions"]["code"] for error in body["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }
    assert "fragment" in body["errors"][0]["message"].lower()


def test_thirty_aliases_of_small_lists_are_not_refused(gql):
    """The cost limit is about work, not about aliases: many cheap lists pass."""
    lists = " ".join(f"e{n}: enterprises(limit: 5) {{ items {{ name }} }}" for n in range(30))
    gql(f"{{ {lists} }}")


def test_the_refused_attack_runs_no_sql(settings, capsys):
    """Measured, not timed: the refused attack runs no SQL, and the same request let through
    runs hundreds of queries (a fixed number per list, whatever the number of entries); both
    are printed with their time."""
    for _ in range(10):
        enterprise = factories.SocialEnterpriseFactory()
        factories.set_terms(enterprise, sectors=["Q", "I"], sdgs=[8], offers=["training"])
    refused = _measure(thirty_aliases())
    assert refused["queries"] == 0
    assert refused["codes"] == {"QUERY_TOO_COMPLEX"}

    settings.GRAPHQL_MAX_COST = 10**9
    allowed = _measure(thirty_aliases())
    assert allowed["codes"] == set()
    assert allowed["queries"] > 300
    with capsys.disabled():
        print(
            f"\n{SocialEnterprise.objects.count()} enterprises, 30 x enterprises(limit: 100): "
            f"refused in {refused['ms']:.1f} ms with {refused['queries']} SQL queries; "
            f"let through: {allowed['ms']:.1f} ms, {allowed['queries']} SQL queries, "
            f"{allowed['bytes']:,} bytes"
        )


def _measure(query):
    client = Client()
    payload = json.dumps({"query": query})
    client.post("/graphql/", data=payload, content_type="application/json")  # warm caches
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post("/graphql/", data=payload, content_type="application/json")
        elapsed = time.perf_counter() - started
    body = response.json()
    return {
        "ms": elapsed * 1000,
        "queries": len(captured),
        "bytes": len(response.content),
        "codes": {error["extensions"]["code"] for error in body.get("errors", [])},
    }
