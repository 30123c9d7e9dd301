"""What a response-cache hit costs against a miss, in process (`make bench-cache`).

Creates a throwaway database (SQLite in memory, or `test_<name>` on the server of
DATABASE_URL), loads the demo content with 300 synthetic enterprises, then asks /graphql/
through django.test.Client the lists a frontend asks (translations included). Per query it
prints the SQL statements and median latency of a miss (the stored answer removed before each
ask, the generation kept, so the miss also pays for storing) and of a hit, interleaved, and
their ratio. Goal (issue 11): a hit costs at most 5 % of a miss.

Run with DJANGO_SETTINGS_MODULE=bench.settings.
"""

import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/cache.py` puts bench/ first on the path; the project root is what we import from.
sys.path[0] = str(ROOT)

RUNS = 25
WARMUP = 3
GOAL = 0.05
ENTERPRISES = 300

QUERIES = {
    "enterprises (20, translations)": """{ enterprises(limit: 20) { totalCount items {
        name slug summary country { code name } sectors { code name }
        translations { locale status } } } }""",
    "enterprises da + facets": """{ enterprises(limit: 20, locale: da) { totalCount
        items { name slug locale } facets { countries { value count } sectors { value count } }
        } }""",
    "pages (20, translations)": """{ pages(limit: 20) { totalCount items { title path locale
        translations { locale title path status } } } }""",
    "events": "{ events(limit: 20) { items { title slug start end city } } }",
}


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from cms import public_cache
    from cms.graphql import cache

    setup_test_environment()
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 600
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("seed_demo", enterprises=ENTERPRISES, stdout=io.StringIO())
        client = Client()
        rows = []
        for label, query in QUERIES.items():
            key = cache.request_key(query, None, None, None)
            ask = lambda q=query: client.get("/graphql/", {"query": q})  # noqa: E731
            first = ask()
            assert first.status_code == 200 and "errors" not in first.json(), first.content
            misses, hits = [], []
            for run in range(WARMUP + RUNS):
                public_cache.cache().delete(public_cache.ANSWER_PREFIX + key)
                with CaptureQueriesContext(connection) as miss_sql:
                    start = time.perf_counter()
                    response = ask()
                    miss = time.perf_counter() - start
                assert response["X-Cache"] == "miss", response.headers
                with CaptureQueriesContext(connection) as hit_sql:
                    start = time.perf_counter()
                    response = ask()
                    hit = time.perf_counter() - start
                assert response["X-Cache"] == "hit", response.headers
                if run >= WARMUP:
                    misses.append(miss)
                    hits.append(hit)
            rows.append(
                (
                    label,
                    len(miss_sql),
                    len(hit_sql),
                    statistics.median(misses) * 1000,
                    statistics.median(hits) * 1000,
                    len(first.content),
                )
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"\nResponse cache, in process ({connection.vendor}), p50 of {RUNS} interleaved runs")
    header = (
        f"{'query':34} {'bytes':>7} {'SQL miss/hit':>12} {'miss ms':>8} {'hit ms':>7} "
        f"{'hit/miss':>9}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for label, miss_sql, hit_sql, miss, hit, size in rows:
        ratio = hit / miss
        worst = max(worst, ratio)
        print(
            f"{label:34} {size:>7} {f'{miss_sql}/{hit_sql}':>12} {miss:>8.2f} {hit:>7.3f} "
            f"{ratio:>8.1%}"
        )
    verdict = "ok" if worst <= GOAL else "MISSED"
    print(f"\nGoal: a hit costs at most {GOAL:.0%} of a miss: worst {worst:.1%} ({verdict})")
    print(json.dumps({"worst_ratio": round(worst, 4)}))


if __name__ == "__main__":
    main()
