"""Searching the directory at scale: what is ranked, what is filtered, which index is read.

The plan tests run on PostgreSQL only (skipped on SQLite), on tiny tables, with sequential
scans and sorts priced out for the EXPLAIN: what they show is that an index answering the
query exists and that the query's shape lets the planner use it. Timings are benchmarks'.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cms.graphql import search as root_search
from directory.models import SocialEnterprise
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="plans of PostgreSQL's indexes"
)

PAGE = """query($search: String) {
  enterprises(search: $search, limit: 2) { items { slug } }
}"""

COUNTED = """query($search: String) {
  enterprises(search: $search, limit: 2) { totalCount items { slug } }
}"""

ROOT = """query($query: String!) {
  search(query: $query, limit: 5) { title }
}"""


def entry_sql(gql, query, variables):
    with CaptureQueriesContext(connection) as captured:
        body = gql(query, variables)
    queries = [q["sql"] for q in captured.captured_queries]
    return body["data"], [sql for sql in queries if 'FROM "directory_socialenterprise"' in sql]


def plan(sql, *disabled):
    with connection.cursor() as cursor:
        for setting in disabled:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0] for row in cursor.fetchall()]
        for setting in disabled:
            cursor.execute(f"RESET {setting}")
    return "\n".join(lines)


def searched(word):
    return SocialEnterprise.objects.filter(summary__icontains=word)


@pytest.fixture
def entries():
    return [
        factories.SocialEnterpriseFactory(
            slug=f"entry-{number}", name=f"Entry {number:02}", summary="Bread baked in Aarhus."
        )
        for number in range(12)
    ]


@postgres_only
def test_a_search_page_walks_the_name_index_with_the_match_as_a_filter(gql, entries):
    """A word most entries have: the page reads entries in name order and checks each, so it
    stops after `limit` of them instead of finding every match and sorting them."""
    data, queries = entry_sql(gql, PAGE, {"search": "aarhus"})
    assert [item["slug"] for item in data["enterprises"]["items"]] == ["entry-0", "entry-1"]
    page = next(sql for sql in queries if "LIMIT" in sql)
    explained = plan(page, "enable_seqscan", "enable_sort", "enable_hashjoin", "enable_bitmapscan")
    assert "Index Scan using socialenterprise_by_name" in explained, explained
    assert "search_vector @@" in explained, explained
    assert "Sort Key" not in explained, explained


@postgres_only
def test_a_rare_word_is_found_through_the_search_vector_index(gql, entries):
    """Among 2,000 entries, the one a word matches is looked up through the GIN index on the
    search rows' `search_vector` (without it, or with the match out of the planner's reach,
    every entry is read)."""
    # Summaries with words of their own, as a directory's are: a search word is a prefix
    # (cms/search_text.py), and PostgreSQL prices a prefix against the statistics of the
    # words; 2,000 copies of one summary make any prefix look like 2% of the rows.
    fillers = [
        factories.SocialEnterpriseFactory.build(
            slug=f"filler-{number}", name=f"Filler {number}", summary=f"Filler product{number}."
        )
        for number in range(2000)
    ]
    SocialEnterprise.objects.bulk_create(fillers)
    factories.SocialEnterpriseFactory(slug="dairy", name="Dairy", summary="Milk and cheese.")
    with connection.cursor() as cursor:
        # New rows wait in the GIN index's pending list, which the planner prices as a scan.
        cursor.execute("SELECT gin_clean_pending_list('directory_socialenterprise_search_vector')")
        cursor.execute("ANALYZE directory_socialenterprise")
        cursor.execute("ANALYZE directory_socialenterprise_search")
    data, queries = entry_sql(gql, COUNTED, {"search": "cheese"})
    assert data["enterprises"] == {"totalCount": 1, "items": [{"slug": "dairy"}]}
    assert any("search_vector" in sql for sql in queries)
    for sql in queries:
        if "search_vector" in sql:
            explained = plan(sql)
            assert "Bitmap Index Scan on directory_socialenterprise_search_vector" in explained, (
                explained
            )


def search_rows():
    """{id: (slug, live, matches "bicycle", matches "aarhus")} of the enterprises' search rows,
    and the ids of the enterprises (the search rows must be theirs, no more, no less)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, e.slug, s.live, s.search_vector @@ to_tsquery('simple', 'bicycle:*'),"
            " s.search_vector @@ to_tsquery('simple', 'aarhus')"
            " FROM directory_socialenterprise_search s"
            " LEFT JOIN directory_socialenterprise e ON e.id = s.id"
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    return rows, set(SocialEnterprise.objects.values_list("pk", flat=True))


@postgres_only
def test_the_search_rows_follow_every_write(gql, entries):
    """Triggers keep the search rows in step with every way of writing a record: `save()`,
    `QuerySet.update()`, `bulk_create` as `cms/bulk.py` uses it, unpublishing, deleting, and
    the TRUNCATE that ends transactional tests."""
    entry = entries[0]
    entry.summary = "Now a bicycle repair shop."
    entry.save()
    SocialEnterprise.objects.filter(pk=entries[1].pk).update(summary="Bicycle couriers.")
    bulk = factories.SocialEnterpriseFactory.build(slug="bulk", name="Bulk", summary="Bicycles.")
    SocialEnterprise.objects.bulk_create([bulk])
    SocialEnterprise.objects.filter(pk=entries[2].pk).update(live=False)
    entries[3].delete()
    # An update that leaves the searched text alone keeps the vector.
    SocialEnterprise.objects.filter(pk=entries[4].pk).update(employees=7)

    rows, ids = search_rows()
    assert set(rows) == ids
    assert sorted(slug for slug, _live, bicycle, _aarhus in rows.values() if bicycle) == [
        "bulk",
        "entry-0",
        "entry-1",
    ]
    assert sum(aarhus for *_rest, aarhus in rows.values()) == 9  # 12, less 0, 1 and 3
    assert [slug for slug, live, *_rest in rows.values() if not live] == ["entry-2"]

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left pending
        cursor.execute("TRUNCATE directory_socialenterprise CASCADE")
    assert search_rows() == ({}, set())


@postgres_only
def test_a_search_finds_only_public_rows_through_the_search_rows(gql, entries):
    """The search rows carry what publication is judged by: an unpublished, expired or
    scheduled translation is not searched, its public sibling is."""
    from datetime import timedelta

    from django.utils import timezone

    hidden = [entries[0], entries[1], entries[2]]
    SocialEnterprise.objects.filter(pk=hidden[0].pk).update(live=False)
    SocialEnterprise.objects.filter(pk=hidden[1].pk).update(
        expire_at=timezone.now() - timedelta(hours=1)
    )
    SocialEnterprise.objects.filter(pk=hidden[2].pk).update(
        go_live_at=timezone.now() + timedelta(hours=1)
    )
    data = gql(COUNTED, {"search": "aarhus"})["data"]
    assert data["enterprises"]["totalCount"] == 9


def test_root_search_ranks_only_visible_rows(gql, monkeypatch):
    """Drafts that rank above a public entry cannot take its place among the hits kept."""
    monkeypatch.setattr(root_search, "HITS_PER_KIND", 2)
    for number in range(3):
        factories.SocialEnterpriseFactory(
            slug=f"draft-{number}",
            name=f"Kombucha kombucha kombucha {number}",
            summary="Kombucha, kombucha and kombucha.",
            live=False,
        )
    factories.SocialEnterpriseFactory(
        slug="public", name="Tea room", summary="Tea, and some kombucha."
    )
    data = gql(ROOT, {"query": "kombucha"})["data"]
    assert [hit["title"] for hit in data["search"]] == ["Tea room"]
