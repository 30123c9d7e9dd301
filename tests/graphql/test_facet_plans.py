"""`facets` at scale: a fixed number of queries, each grouping by term ids.

Which index the planner reads the filtered entries from depends on statistics a tiny test
table cannot pin (a plan test of it passed alone and failed in the suite); `make bench-scale`
shows it at 10,000 and 100,000 entries. Timings are measured by benchmarks, never here.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from directory.models import Term
from tests import factories

pytestmark = pytest.mark.django_db


FACETS = """query($locale: Locale) {
  enterprises(locale: $locale, limit: 2) {
    totalCount
    facets {
      countries { value label count } sectors { value label count }
      sdgs { value label count } offers { value label count }
      recognisedStatuses { value label count }
    }
  }
}"""

FILTERED = FACETS.replace("$locale: Locale", "$filter: EnterpriseFilter").replace(
    "locale: $locale", "filter: $filter"
)

RELATION_TABLES = {
    "sectors": "directory_socialenterprise_sectors",
    "sdgs": "directory_socialenterprise_sdgs",
    "offers": "directory_socialenterprise_offers",
}


def requested(gql, variables=None, query=FACETS):
    with CaptureQueriesContext(connection) as captured:
        body = gql(query, variables or {})
    return body["data"]["enterprises"], [entry["sql"] for entry in captured.captured_queries]


def facet_query(queries, table):
    """The facet query counting the links of `table` (its FROM is the link table)."""
    return next(sql for sql in queries if f'FROM "{table}"' in sql and "COUNT(" in sql)


def group_by(sql):
    return sql.rsplit("GROUP BY", 1)[1].strip()


def add_entries(number, start=0):
    for index in range(start, start + number):
        record = factories.SocialEnterpriseFactory(
            slug=f"entry-{index}", country=["DK", "PL", "LT"][index % 3]
        )
        factories.set_terms(
            record,
            sectors=["Q", "C", "I"][: 1 + index % 3],
            sdgs=[8, 10][: 1 + index % 2],
            offers=["training"],
        )


@pytest.mark.count_queries
def test_facet_queries_do_not_grow_with_the_entries_or_their_terms(gql):
    add_entries(2)
    _result, few = requested(gql)
    _result, few_da = requested(gql, {"locale": "da"})
    add_entries(10, start=2)
    factories.translate_record(Term.objects.get(slug="training", locale__language_code="en"), "da")
    result, many = requested(gql)
    _result, many_da = requested(gql, {"locale": "da"})
    assert result["totalCount"] == 12
    assert [(f["value"], f["count"]) for f in result["facets"]["sectors"]] == [
        ("Q", 12),
        ("C", 8),
        ("I", 4),
    ]
    assert len(many) == len(few)
    assert len(many_da) == len(few_da)


def test_a_relation_facet_groups_by_the_term_id_alone(gql):
    """Codes and labels are looked up once per term, not grouped on for every counted link."""
    add_entries(3)
    _result, queries = requested(gql, {"filter": {"countries": ["DK", "PL", "LT"]}}, FILTERED)
    for relation, table in RELATION_TABLES.items():
        assert "," not in group_by(facet_query(queries, table)), relation


def test_unfiltered_relation_facets_read_the_kept_counts_on_postgresql(gql):
    """An unfiltered English list's relation facets read `directory_facetcount` (migration
    0009) and the entries with a publication window, never every link; SQLite and filtered
    lists count the links."""
    add_entries(3)
    result, queries = requested(gql)
    assert [(f["value"], f["count"]) for f in result["facets"]["sdgs"]] == [("8", 3), ("10", 1)]
    kept = [sql for sql in queries if "directory_facetcount" in sql]
    if connection.vendor == "postgresql":
        assert len(kept) == len(RELATION_TABLES)
        for sql in kept:
            assert '"go_live_at" IS NOT NULL' in sql, sql
    else:
        assert kept == []
    _result, filtered = requested(gql, {"filter": {"countries": ["DK"]}}, FILTERED)
    assert not any("directory_facetcount" in sql for sql in filtered)
