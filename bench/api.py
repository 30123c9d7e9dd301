"""Benchmark our GraphQL list queries against Wagtail's REST API v2 (`make bench-api`).

Creates a throwaway database (SQLite in memory, or `test_<name>` on the server of
DATABASE_URL), fills it with 110 articles and 110 social enterprises, half of each translated
into Danish and Polish with wagtail-localize, then asks for 10 and 100 of them what a
frontend's list of cards asks: our GraphQL without and with `translations` (the language
switcher), and API v2 with its own `translations` field (bench/urls.py). The requests take
turns; it prints, per list and N, the SQL queries of one request of each, their p50 latency
over 25 requests (after 2 warm-ups), what translations add to our list and ours/v2. The
server-side response cache is off (bench/settings.py): every request does its work.

`--save FILE` writes the results as JSON; `--compare FILE` prints them beside a saved run (run
this file from a checkout of the old code to get the "before").

Run with DJANGO_SETTINGS_MODULE=bench.settings (bench/urls.py holds the v2 endpoints).
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/api.py` puts bench/ first on the path; the project root is what we import from.
sys.path[0] = str(ROOT)

RECORDS = 110
LIMITS = (10, 100)
WARMUP = 2
RUNS = 25
COUNTRIES = ["DK", "SE", "FI", "NO", "EE", "LV", "LT", "PL", "DE"]

# What a frontend's list of cards selects, language switcher included; `{translations}` is
# where the switcher's fields go, left empty for the runs without them.
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
      {translations}
    }
  }
}
"""
PAGE_TRANSLATIONS = "translations { locale title path status }"

ENTERPRISES_QUERY = """
query BenchEnterprises($limit: Int!) {
  enterprises(limit: $limit) {
    items {
      name slug locale key
      country { code name }
      sectors { code name }
      sdgs { number name }
      logo { url }
      {translations}
    }
  }
}
"""
ENTERPRISE_TRANSLATIONS = "translations { locale slug status }"

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
        "translations",
    ]
)
# Every other item gets these translations, made with wagtail-localize.
TRANSLATED_INTO = ("da", "pl")


def progress(message):
    print(message, file=sys.stderr, flush=True)


def fail(message):
    raise SystemExit(f"bench-api: {message}")


# Data --------------------------------------------------------------------------------------


def create_data():
    from wagtail.models import Collection

    from directory.models import Sdg, Sector, Topic
    from pages.models import ArticlePage
    from tests.factories import (
        ImageFactory,
        SocialEnterpriseFactory,
        add_page,
        library,
        translate_page,
    )

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
        if index % 2 == 0:
            translate(enterprise)
    progress(f"  {RECORDS} social enterprises, half of them in {', '.join(TRANSLATED_INTO)}")

    parent = library()
    for code in TRANSLATED_INTO:
        translate_page(parent, code)
    for index in range(RECORDS):
        page = ArticlePage(
            title=f"Bench article {index:03d}",
            slug=f"bench-article-{index:03d}",
            intro="An article for the API benchmark.",
            hero_image=ImageFactory(title=f"Hero {index:03d}", collection=collection),
        )
        page.topics.set(pair(topics, index))
        page.related_enterprises.set([enterprises[index]])
        page = add_page(parent, page)
        if index % 2 == 0:
            translate(page)
    progress(f"  {RECORDS} articles, half of them in {', '.join(TRANSLATED_INTO)}")


def translate(instance):
    """Published, fully translated copies of `instance`, made as wagtail-localize's own tests
    make them, so that statuses and progress come from its tables as on a real site."""
    from wagtail.models import Locale
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationSource,
    )

    source, _created = TranslationSource.get_or_create_from_instance(instance)
    segments = StringSegment.objects.filter(source=source).select_related("string")
    for code in TRANSLATED_INTO:
        locale = Locale.objects.get(language_code=code)
        for segment in segments:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                data=f"{segment.string.data} [{code}]",
            )
        translation = Translation.objects.create(source=source, target_locale=locale)
        translation.save_target(publish=True)


def analyze():
    """Statistics for the planner, as autovacuum keeps them on a production database (and as
    `make bench-scale` does): on a database filled a moment ago PostgreSQL plans with default
    guesses of every table's size."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# Requests ----------------------------------------------------------------------------------

OURS_BARE, OURS, V2 = "ours without translations", "ours", "API v2"


@dataclass
class Endpoint:
    """One request to measure: `kind` is OURS_BARE, OURS or V2; `translated(item)` says whether
    an item shows a published translation (None: the request does not ask for them)."""

    list: str
    kind: str
    name: str
    send: object
    items_of: object
    check: object
    translated: object = None


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


def check_translations(item):
    """Ours: one entry per configured language, whatever is translated."""
    from django.conf import settings

    if len(item["translations"]) != len(settings.WAGTAIL_CONTENT_LANGUAGES):
        fail(f"translations missing a language: {item}")


def translated_in_graphql(name_field):
    def translated(item):
        return any(
            entry["status"] == "TRANSLATED" and entry[name_field] for entry in item["translations"]
        )

    return translated


def v2_translated(item):
    return len(item["translations"]) == len(TRANSLATED_INTO)


def endpoints(client, limit):
    """What is measured for each list: ours without and with translations, and API v2."""
    v2_pages = (
        f"/api/v2/pages/?type=pages.ArticlePage&locale=en&order=-first_published_at"
        f"&limit={limit}&fields={V2_PAGE_FIELDS}"
    )

    def page_check(hero, topics, enterprises, translations=False):
        def check(item):
            check_page(item, hero, topics, enterprises)
            if translations:
                check_translations(item)

        return check

    def enterprise_check(item):
        check_enterprise(item)
        check_translations(item)

    return [
        Endpoint(
            "pages",
            OURS_BARE,
            "GraphQL pages(type: ARTICLE), no translations",
            graphql_request(client, PAGES_QUERY.replace("{translations}", ""), limit),
            lambda r: graphql_items(r, "pages"),
            page_check("heroImage", "topics", "relatedEnterprises"),
        ),
        Endpoint(
            "pages",
            OURS,
            "GraphQL pages(type: ARTICLE)",
            graphql_request(
                client, PAGES_QUERY.replace("{translations}", PAGE_TRANSLATIONS), limit
            ),
            lambda r: graphql_items(r, "pages"),
            page_check("heroImage", "topics", "relatedEnterprises", translations=True),
            translated_in_graphql("path"),
        ),
        Endpoint(
            "pages",
            V2,
            "API v2 /api/v2/pages/",
            v2_request(client, v2_pages),
            v2_items,
            page_check("hero_image", "topics", "related_enterprises"),
            v2_translated,
        ),
        Endpoint(
            "enterprises",
            OURS_BARE,
            "GraphQL enterprises, no translations",
            graphql_request(client, ENTERPRISES_QUERY.replace("{translations}", ""), limit),
            lambda r: graphql_items(r, "enterprises"),
            check_enterprise,
        ),
        Endpoint(
            "enterprises",
            OURS,
            "GraphQL enterprises",
            graphql_request(
                client, ENTERPRISES_QUERY.replace("{translations}", ENTERPRISE_TRANSLATIONS), limit
            ),
            lambda r: graphql_items(r, "enterprises"),
            enterprise_check,
            translated_in_graphql("slug"),
        ),
        Endpoint(
            "enterprises",
            V2,
            "API v2 /api/v2/enterprises/",
            v2_request(client, f"/api/v2/enterprises/?limit={limit}"),
            v2_items,
            check_enterprise,
            v2_translated,
        ),
    ]


def count_and_check(endpoint, limit):
    """SQL queries of one request, after checking that its answer is complete."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        endpoint.send()
    with CaptureQueriesContext(connection) as queries:
        response = endpoint.send()
    # Read now: captured_queries slices connection.queries, which the next request resets.
    query_count = len(queries.captured_queries)
    items = endpoint.items_of(response)
    if len(items) != limit:
        fail(f"{endpoint.name}: asked for {limit} items, got {len(items)}")
    for item in items:
        endpoint.check(item)
    if endpoint.translated and not any(endpoint.translated(item) for item in items):
        fail(f"{endpoint.name}: no item shows its translations")
    return query_count


def measure(measured, limit):
    """{name: (SQL queries, median ms)}; the requests of all endpoints take turns, so that a
    change in the machine's load weighs on each of them alike."""
    counts = {endpoint.name: count_and_check(endpoint, limit) for endpoint in measured}
    timings = {endpoint.name: [] for endpoint in measured}
    for _ in range(RUNS):
        for endpoint in measured:
            start = time.perf_counter()
            response = endpoint.send()
            timings[endpoint.name].append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                fail(f"a timed request to {endpoint.name} answered {response.status_code}")
    return {name: (counts[name], statistics.median(timings[name])) for name in counts}


# Output ------------------------------------------------------------------------------------


def table(header, lines):
    """Plain-text table; the first column left-aligned, the others right-aligned."""
    lines = [tuple(header), *(tuple(str(cell) for cell in line) for line in lines)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def render(line):
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def by_list(results):
    """{(list, N): {kind: row}} of a run's results."""
    found = {}
    for row in results:
        found.setdefault((row["list"], row["limit"]), {})[row["kind"]] = row
    return found


def summary(kinds):
    """The numbers of one list at one N: SQL queries and p50 of ours without translations, ours
    and v2, what translations add to ours and ours/v2."""
    bare, ours, v2 = kinds[OURS_BARE], kinds[OURS], kinds[V2]
    return {
        "sql": f"{bare['queries']} / {ours['queries']} / {v2['queries']}",
        "bare": bare["ms"],
        "ours": ours["ms"],
        "v2": v2["ms"],
        "added": ours["ms"] / bare["ms"] - 1,
        "ratio": ours["ms"] / v2["ms"],
    }


def report(run, before=None):
    """One line per list and N; with `before` (an earlier run, as saved), both side by side."""
    lists = by_list(run["results"])
    if before is None:
        lines = []
        for (name, limit), kinds in lists.items():
            found = summary(kinds)
            lines.append(
                (
                    name,
                    limit,
                    found["sql"],
                    f"{found['bare']:.1f}",
                    f"{found['ours']:.1f}",
                    f"{found['v2']:.1f}",
                    f"{found['added']:+.0%}",
                    f"{found['ratio']:.2f}",
                )
            )
        header = (
            "list",
            "N",
            "SQL bare/ours/v2",
            "p50 ms bare",
            "p50 ms ours",
            "p50 ms v2",
            "translations add",
            "ours/v2",
        )
        return table(header, lines) + GOALS
    earlier = by_list(before["results"])
    lines = []
    for key, kinds in lists.items():
        found = summary(kinds)
        old = summary(earlier[key]) if key in earlier else None

        def pair(name, form, found=found, old=old):
            return (format(old[name], form) if old else "?", format(found[name], form))

        lines.append(
            (
                *key,
                *pair("sql", ""),
                *pair("ours", ".1f"),
                *pair("v2", ".1f"),
                *pair("added", "+.0%"),
                *pair("ratio", ".2f"),
            )
        )
    header = (
        "list",
        "N",
        "SQL before",
        "after",
        "p50 ours before",
        "after",
        "p50 v2 before",
        "after",
        "translations add, before",
        "after",
        "ours/v2, before",
        "after",
    )
    return table(header, lines) + GOALS


GOALS = (
    "\n\nSQL: queries of one request (ours without translations / ours / API v2). Issue 10's"
    " goals:\ntranslations add at most +30 % to our list; ours/v2 at most 0.50."
)


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


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument(
        "--compare",
        metavar="FILE",
        help="print the results beside those of an earlier run saved with --save",
    )
    return parser.parse_args()


def main():
    options = arguments()
    before = json.loads(Path(options.compare).read_text()) if options.compare else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

    from django.test import Client

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = []
    with throwaway_database() as vendor:
        progress(f"bench-api: created a throwaway {vendor} database; creating content")
        create_data()
        analyze()
        client = Client()
        for limit in LIMITS:
            progress(f"bench-api: measuring N={limit}")
            measured = endpoints(client, limit)
            timed = measure(measured, limit)
            for endpoint in measured:
                queries, ms = timed[endpoint.name]
                results.append(
                    {
                        "list": endpoint.list,
                        "kind": endpoint.kind,
                        "name": endpoint.name,
                        "limit": limit,
                        "queries": queries,
                        "ms": ms,
                    }
                )
    progress(f"bench-api: done in {time.perf_counter() - started:.0f} s\n")
    run = {"vendor": vendor, "results": results}
    if options.save:
        Path(options.save).write_text(json.dumps(run, indent=2))
    print(
        f"API benchmark on {vendor}: {RECORDS} articles, {RECORDS} enterprises, half of them ",
        end="",
    )
    print(f"translated; p50 of {RUNS} requests each, taking turns, after {WARMUP} warm-ups")
    # The machine's load: a busy machine stretches every p50, and ratios less so.
    print(f"load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}\n")
    print(report(run, before))


if __name__ == "__main__":
    main()
