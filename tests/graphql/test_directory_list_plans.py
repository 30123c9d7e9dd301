"""The directory lists at scale: orders and search read indexes, counts cost no second pass.

The plan tests run on PostgreSQL only (skipped on SQLite): they take the SQL a real request
ran and ask PostgreSQL how it would run it. Their tables are tiny, so sequential scans and
sorts are switched off for the EXPLAIN: what is shown is that an index answering the query
exists and matches it (a missing index or a mismatched expression leaves a Seq Scan or a
Sort however costly they are made). Timings are measured by benchmarks, never here.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from directory.models import SocialEnterprise
from directory.schema import search_hits
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="plans of PostgreSQL's indexes"
)

LIST = """query($order: DirectoryOrder, $search: String, $offset: Int) {
  enterprises(order: $order, search: $search, offset: $offset, limit: 3) {
    totalCount items { slug }
  }
}"""

ITEMS_ONLY = """query($search: String) {
  enterprises(search: $search, limit: 3) { items { slug } }
}"""

FRAGMENT = """query($search: String) {
  enterprises(search: $search, limit: 3) { ...counted items { slug } }
}
fragment counted on EnterpriseList { totalCount }"""


def requested(gql, query, variables):
    with CaptureQueriesContext(connection) as captured:
        body = gql(query, variables)
    return body["data"]["enterprises"], [entry["sql"] for entry in captured.captured_queries]


def entry_queries(queries):
    return [sql for sql in queries if 'FROM "directory_socialenterprise"' in sql]


def plan(sql):
    """PostgreSQL's plan for `sql` when anything else is possible but a scan or a sort is not."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0] for row in cursor.fetchall()]
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    return "\n".join(lines)


@pytest.fixture
def entries():
    names = ["Bike workshop", "Bakery", "Café", "Dairy", "Eco farm"]
    verified = [None, datetime.date(2025, 1, 1), datetime.date(2026, 1, 1), None, None]
    return [
        factories.SocialEnterpriseFactory(
            slug=name.lower().replace(" ", "-"),
            name=name,
            last_verified=day,
            summary=f"{name}: bikes and bread in Aarhus.",
        )
        for name, day in zip(names, verified, strict=True)
    ]


def slugs(result):
    return [item["slug"] for item in result["items"]]


def test_recently_verified_lists_never_verified_entries_last(gql, entries):
    result, _queries = requested(gql, LIST, {"order": "RECENTLY_VERIFIED"})
    assert slugs(result) == ["café", "bakery", "bike-workshop"]


def test_name_desc_lists_names_backwards(gql, entries):
    result, _queries = requested(gql, LIST, {"order": "NAME_DESC"})
    assert slugs(result) == ["eco-farm", "dairy", "café"]


def test_a_list_without_total_count_runs_no_count_query(gql, entries):
    counted, with_total = requested(gql, LIST, {})
    result, without_total = requested(gql, ITEMS_ONLY, {})
    assert counted["totalCount"] == 5
    assert slugs(result) == slugs(counted)
    assert len(without_total) == len(with_total) - 1
    assert not any("COUNT(" in sql for sql in without_total)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 search")
def test_a_search_counts_and_pages_in_one_query_on_sqlite(gql, entries):
    counted, with_total = requested(gql, LIST, {"search": "aarhus"})
    _result, without_total = requested(gql, ITEMS_ONLY, {"search": "aarhus"})
    assert counted["totalCount"] == 5
    assert len(with_total) == len(without_total)
    assert len(entry_queries(with_total)) == 1


@postgres_only
def test_a_search_counts_apart_from_its_page_on_postgresql(gql, entries):
    """The page filters the rows themselves and may stop after `limit` of them (see
    test_search_plans.py), so the count is a query of its own, run only when selected."""
    counted, with_total = requested(gql, LIST, {"search": "aarhus"})
    result, without_total = requested(gql, ITEMS_ONLY, {"search": "aarhus"})
    assert counted["totalCount"] == 5
    assert slugs(result) == slugs(counted)
    assert len(without_total) == len(with_total) - 1
    assert not any("COUNT(" in sql for sql in without_total)


def test_a_total_count_in_a_fragment_is_counted(gql, entries):
    result, _queries = requested(gql, FRAGMENT, {"search": "aarhus"})
    assert result["totalCount"] == 5


def test_a_search_page_past_the_end_still_has_its_total(gql, entries):
    result, _queries = requested(gql, LIST, {"search": "aarhus", "offset": 10})
    assert result == {"totalCount": 5, "items": []}
    nothing, _queries = requested(gql, LIST, {"search": "submarine"})
    assert nothing == {"totalCount": 0, "items": []}


def test_search_queries_do_not_grow_with_the_number_of_matches(gql, entries):
    _result, few = requested(gql, LIST, {"search": "bakery"})
    for number in range(6):
        factories.SocialEnterpriseFactory(name=f"Bakery {number}", summary="Bread in Aarhus.")
    result, many = requested(gql, LIST, {"search": "bakery"})
    assert result["totalCount"] == 7
    assert len(many) == len(few)


@postgres_only
@pytest.mark.parametrize(
    "order, index",
    [
        ("NAME", "Index Scan using socialenterprise_by_name"),
        ("NAME_DESC", "Index Scan Backward using socialenterprise_by_name"),
        ("COUNTRY", "Index Scan using socialenterprise_by_country"),
        ("RECENTLY_VERIFIED", "Index Scan using directory_socialenterprise_by_verified"),
    ],
)
def test_each_order_of_the_list_is_read_from_an_index(gql, entries, order, index):
    _result, queries = requested(gql, LIST, {"order": order})
    page = next(sql for sql in entry_queries(queries) if "LIMIT" in sql)
    explained = plan(page)
    assert index in explained, explained
    assert " Sort " not in explained and "Sort Key" not in explained, explained


FILLER_ENTRIES = """
INSERT INTO wagtailsearch_indexentry
    (content_type_id, object_id, title_norm, autocomplete, title, body, title_text, body_text)
SELECT %s, 'filler-' || number, 1, '', to_tsvector('simple', 'filler'),
       to_tsvector('simple', 'words of another entry'), 'filler', 'words of another entry'
FROM generate_series(1, 3000) AS number
"""


@postgres_only
def test_search_matches_through_the_gin_index_of_the_index_entries(entries):
    """Among 3,000 index entries of the model, the one a word matches is found through the
    GIN index on `title || body` (without it: every entry of the content type is read)."""
    content_type = ContentType.objects.get_for_model(SocialEnterprise)
    with connection.cursor() as cursor:
        cursor.execute(FILLER_ENTRIES, [content_type.pk])
        # New rows wait in the GIN index's pending list, which the planner prices as a scan.
        cursor.execute("SELECT gin_clean_pending_list('wagtailsearch_indexentry_document')")
        cursor.execute("ANALYZE wagtailsearch_indexentry")
    hits = search_hits(SocialEnterprise, "dairy")
    matched = SocialEnterprise.objects.filter(pk__in=hits).values_list("slug", flat=True)
    assert list(matched) == ["dairy"]
    sql, params = hits.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on wagtailsearch_indexentry_document" in explained, explained


FILTERED = """query($filter: EnterpriseFilter, $locale: Locale) {
  enterprises(filter: $filter, locale: $locale, limit: 10) { totalCount items { slug locale } }
}"""


@pytest.fixture
def linked():
    care = factories.set_terms(
        factories.SocialEnterpriseFactory(slug="care", name="Care", country="DK"),
        sectors=["Q"],
        sdgs=[3, 8],
    )
    factories.set_terms(
        factories.SocialEnterpriseFactory(slug="arts", name="Arts", country="SE"),
        sectors=["R", "S"],
        sdgs=[8],
    )
    factories.set_terms(
        factories.SocialEnterpriseFactory(slug="food", name="Food", country="DK"),
        sectors=["I"],
        sdgs=[2],
    )
    factories.translate_record(care, "da")
    return care


@pytest.mark.parametrize(
    "filter, expected",
    [
        ({"sectors": ["Q", "S"]}, ["arts", "care"]),
        ({"sectors": ["Q", "S"], "countries": ["DK"]}, ["care"]),
        ({"sdgs": [8]}, ["arts", "care"]),
        ({"sdgs": [2, 3], "sectors": ["I"]}, ["food"]),
        ({"sectors": ["C"]}, []),
    ],
)
def test_a_term_filter_keeps_entries_with_any_of_its_codes(gql, linked, filter, expected):
    result = gql(FILTERED, {"filter": filter})["data"]["enterprises"]
    assert [item["slug"] for item in result["items"]] == expected
    assert result["totalCount"] == len(expected)


def test_a_term_filter_finds_translations_through_the_english_terms(gql, linked):
    result = gql(FILTERED, {"filter": {"sectors": ["Q"]}, "locale": "da"})["data"]["enterprises"]
    assert result["items"] == [{"slug": "care", "locale": "da"}]


def test_a_term_filter_reads_the_link_table_by_term_id(gql, linked):
    """The codes are resolved to term ids once; the list and its count then read only the link
    table (`sector_id IN (...)`), never joining the vocabulary for every link."""
    result, queries = requested(gql, FILTERED, {"filter": {"sectors": ["Q", "S"]}})
    assert result["totalCount"] == 2
    listed = [sql for sql in entry_queries(queries) if "directory_socialenterprise_sectors" in sql]
    assert len(listed) == 2  # the page and its count
    for sql in listed:
        assert '"directory_sector"' not in sql, sql


@pytest.mark.parametrize("locale", ["en", "da"])
def test_a_list_names_its_locales_by_id(gql, linked, locale):
    """PostgreSQL estimates a literal locale id from its statistics; through a join on the
    language code it guessed a tenth of the table and planned a search's count as 100,000
    index probes instead of one hash join."""
    result, queries = requested(gql, FILTERED, {"filter": {"sdgs": [8]}, "locale": locale})
    assert result["totalCount"] == 2
    count = next(sql for sql in entry_queries(queries) if "COUNT(" in sql)
    assert '"wagtailcore_locale"' not in count, count
    assert '"directory_socialenterprise"."locale_id" = ' in count, count
