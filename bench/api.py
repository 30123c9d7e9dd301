"""Benchmark our GraphQL list queries against Wagtail's REST API v2 (`make bench-api`).

Creates a throwaway database (SQLite in memory, or `test_<name>` on the server of
DATABASE_URL), fills it with 110 articles and 110 social enterprises, then asks each API for
10 and 100 of them through django.test.Client and prints, per endpoint, the number of SQL
queries of one request and the median latency of 15 (after 2 warm-up requests).

Run with DJANGO_SETTINGS_MODULE=bench.settings (bench/urls.py holds the v2 endpoints).
"""

import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/api.py` puts bench/ first on the path; the project root is what we import from.
sys.path[0] = str(ROOT)

RECORDS = 110
LIMITS = (10, 100)
WARMUP = 2
RUNS = 15
COUNTRIES = ["DK", "SE", "FI", "NO", "EE", "LV", "LT", "PL", "DE"]

PAGES_QUERY = """
query BenchPages($limit: Int!) {
  pages(type: ARTICLE, limit: $limit) {
    items {
      id title path locale key
      ... on ArticlePage {
        heroImage { url }
        topics { slug name }
        relatedEnterprises { name }
      }
    }
  }
}
"""

ENTERPRISES_QUERY = """
query BenchEnterprises($limit: Int!) {
  enterprises(limit: $limit) {
    items {
      name slug
      country { code name }
      sectors { code name }
      sdgs { number name }
      logo { url }
    }
  }
}
"""

# `_` drops the default listing fields, so that v2 serves what the GraphQL query asks for.
V2_PAGE_FIELDS = ",".join(
    [
        "_",
        "id",
        "title",
        "html_url",
        "locale",
        "translation_key",
        "hero_image",
        "topics",
        "related_enterprises(name)",
    ]
)


def progress(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    raise SystemExit(f"bench-api: {message}")


# Data --------------------------------------------------------------------------------------


def create_data():
    from wagtail.models import Collection

    from directory.models import Sdg, Sector, Topic
    from pages.models import ArticlePage
    from tests.factories import ImageFactory, SocialEnterpriseFactory, add_page, library

    collection = Collection.get_first_root_node()
    sectors = list(Sector.objects.filter(locale__language_code="en").order_by("code"))
    sdgs = list(Sdg.objects.filter(locale__language_code="en").order_by("number"))
    topics = list(Topic.objects.filter(locale__language_code="en").order_by("slug"))
    if len(sectors) < 2 or len(sdgs) < 2 or len(topics) < 2:
        fail("the migrations did not load the vocabularies")

    def pair(terms, index):
        return [terms[index % len(terms)], terms[(index + 1) % len(terms)]]

    enterprises = []
    for index in range(RECORDS):
        enterprise = SocialEnterpriseFactory(
            name=f"Bench enterprise {index:03d}",
            slug=f"bench-enterprise-{index:03d}",
            country=COUNTRIES[index % len(COUNTRIES)],
            sectors=[sector.code for sector in pair(sectors, index)],
            logo=ImageFactory(title=f"Logo {index:03d}", collection=collection),
        )
        enterprise.sdgs.set(pair(sdgs, index))
        enterprise.save()
        enterprises.append(enterprise)
    progress(f"  {RECORDS} social enterprises")

    parent = library()
    for index in range(RECORDS):
        page = ArticlePage(
            title=f"Bench article {index:03d}",
            slug=f"bench-article-{index:03d}",
            intro="An article for the API benchmark.",
            hero_image=ImageFactory(title=f"Hero {index:03d}", collection=collection),
        )
        page.topics.set(pair(topics, index))
        page.related_enterprises.set([enterprises[index]])
        add_page(parent, page)
    progress(f"  {RECORDS} articles")


# Requests ----------------------------------------------------------------------------------


def graphql_request(client, query, limit):
    body = json.dumps({"query": query, "variables": {"limit": limit}})
    return lambda: client.post("/graphql/", data=body, content_type="application/json")


def v2_request(client, url):
    return lambda: client.get(url)


def graphql_items(response, root):
    if response.status_code != 200:
        fail(f"/graphql/ answered {response.status_code}: {response.content[:500]!r}")
    body = response.json()
    if body.get("errors"):
        fail(f"/graphql/ answered errors: {body['errors']}")
    return body["data"][root]["items"]


def v2_items(response):
    if response.status_code != 200:
        fail(f"API v2 answered {response.status_code}: {response.content[:500]!r}")
    return response.json()["items"]


def check_page(item, hero, topics, enterprises):
    """The same content from both APIs: an image URL, two topics, one related enterprise."""
    if not item[hero]["url"] or len(item[topics]) != 2 or len(item[enterprises]) != 1:
        fail(f"incomplete page item: {item}")


def check_enterprise(item):
    complete = (
        item["name"]
        and item["country"]["code"]
        and len(item["sectors"]) == 2
        and len(item["sdgs"]) == 2
        and item["logo"]["url"]
    )
    if not complete:
        fail(f"incomplete enterprise item: {item}")


def endpoints(client, limit):
    """(name, send, items of the response) for each endpoint, ours first in each pair."""
    v2_pages = (
        f"/api/v2/pages/?type=pages.ArticlePage&locale=en&order=-first_published_at"
        f"&limit={limit}&fields={V2_PAGE_FIELDS}"
    )
    return [
        (
            "GraphQL pages(type: ARTICLE)",
            graphql_request(client, PAGES_QUERY, limit),
            lambda r: graphql_items(r, "pages"),
            lambda item: check_page(item, "heroImage", "topics", "relatedEnterprises"),
        ),
        (
            "API v2 /api/v2/pages/",
            v2_request(client, v2_pages),
            v2_items,
            lambda item: check_page(item, "hero_image", "topics", "related_enterprises"),
        ),
        (
            "GraphQL enterprises",
            graphql_request(client, ENTERPRISES_QUERY, limit),
            lambda r: graphql_items(r, "enterprises"),
            check_enterprise,
        ),
        (
            "API v2 /api/v2/enterprises/",
            v2_request(client, f"/api/v2/enterprises/?limit={limit}"),
            v2_items,
            check_enterprise,
        ),
    ]


def measure(send, items_of, check, limit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        send()
    with CaptureQueriesContext(connection) as queries:
        response = send()
    # Read now: captured_queries slices connection.queries, which the next request resets.
    query_count = len(queries.captured_queries)
    items = items_of(response)
    if len(items) != limit:
        fail(f"asked for {limit} items, got {len(items)}")
    for item in items:
        check(item)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = send()
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            fail(f"a timed request answered {response.status_code}")
    return query_count, statistics.median(timings)


# Output ------------------------------------------------------------------------------------


def table(rows):
    header = ("endpoint", "N", "SQL queries", "median ms", "queries ours/v2", "ms ours/v2")
    lines = [header]
    for name, limit, queries, ms, ratios in rows:
        query_ratio, ms_ratio = (f"{ratios[0]:.2f}", f"{ratios[1]:.2f}") if ratios else ("", "")
        lines.append((name, str(limit), str(queries), f"{ms:.1f}", query_ratio, ms_ratio))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def render(line):
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


@contextlib.contextmanager
def throwaway_database():
    """A test database for the run, dropped afterwards, with media in a temporary folder."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import (
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )

    media = tempfile.mkdtemp(prefix="sesn-bench-media-")
    setup_test_environment()
    old_name = settings.DATABASES["default"]["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(MEDIA_ROOT=media):
            cache.clear()
            yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(media, ignore_errors=True)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

    from django.test import Client

    started = time.perf_counter()
    with throwaway_database() as vendor:
        progress(f"bench-api: created a throwaway {vendor} database; creating content")
        create_data()
        client = Client()
        rows = []
        for limit in LIMITS:
            progress(f"bench-api: measuring N={limit}")
            results = []
            for name, send, items_of, check in endpoints(client, limit):
                queries, ms = measure(send, items_of, check, limit)
                results.append((name, limit, queries, ms))
            for ours, theirs in zip(results[::2], results[1::2], strict=True):
                ratios = (ours[2] / theirs[2], ours[3] / theirs[3])
                rows += [(*ours, ratios), (*theirs, None)]
    progress(f"bench-api: done in {time.perf_counter() - started:.0f} s\n")
    print(f"API benchmark on {vendor}: {RECORDS} articles, {RECORDS} enterprises; ", end="")
    print(f"median of {RUNS} requests after {WARMUP} warm-ups")
    print(table(rows))


if __name__ == "__main__":
    main()
