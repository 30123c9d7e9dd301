"""Benchmark the directory at 10,000 entries (`make bench-directory`).

In a throwaway database (SQLite in memory, or `test_<name>` on the server of DATABASE_URL),
writes a 10,000-row CSV of social enterprises, then times `import_directory --publish` of it,
the re-import of the same file (which changes nothing), and the GraphQL query

    enterprises(limit: 20) { totalCount items { slug name }
                             facets { countries sectors sdgs { value label count } } }

over those entries: SQL queries of one request and the median latency of several (after
warm-ups), as `make bench-api` measures. `facets` is asked for when the schema has it (found by
introspection), so the figures stay comparable as the API grows.

Run with DJANGO_SETTINGS_MODULE=bench.settings.
"""

import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/directory.py` puts bench/ first on the path; the project root is what we import.
sys.path[0] = str(ROOT)

from bench.api import (  # noqa: E402
    OURS,
    RUNS,
    WARMUP,
    Endpoint,
    fail,
    graphql_items,
    graphql_request,
    measure,
    progress,
    throwaway_database,
)

ROWS = 10_000
LIMIT = 20
SEED = 2014
COUNTRIES = ["DK", "SE", "FI", "NO", "EE", "LV", "LT", "PL", "DE", "IS"]
SECTORS = "ABCDEFGHIJKLMNOPQRSTU"
OFFERS = ["funding", "mentoring", "training", "eu-project-partner", "supplier", "customer"]
TARGET_GROUPS = ["youth", "older-people", "long-term-unemployed", "migrants-and-refugees"]

FACETS = (
    "facets { countries { value label count } sectors { value label count } "
    "sdgs { value label count } }"
)


def enterprises_query(with_facets):
    return (
        "query BenchDirectory($limit: Int!) { enterprises(limit: $limit) { totalCount "
        f"items {{ slug name }} {FACETS if with_facets else ''} }} }}"
    )


# Data --------------------------------------------------------------------------------------


def write_csv(path):
    """10,000 enterprises in the import's CSV columns, the same on every run."""
    rng = random.Random(SEED)
    columns = [
        "external_id",
        "name",
        "summary",
        "description",
        "country",
        "city",
        "latitude",
        "longitude",
        "website",
        "email",
        "sectors",
        "sdgs",
        "target_groups",
        "languages",
        "seeking_partners",
        "offers",
        "needs",
        "founded_year",
        "employees",
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for index in range(ROWS):
            writer.writerow(
                [
                    f"bench-{index:05d}",
                    f"Bench enterprise {index:05d}",
                    "A social enterprise that employs people far from the labour market.",
                    "<p>It repairs, resells and <b>trains</b>.</p>",
                    rng.choice(COUNTRIES),
                    f"Town {index % 97}",
                    f"{rng.uniform(53.5, 66):.6f}",
                    f"{rng.uniform(8, 28):.6f}",
                    f"https://bench-{index:05d}.example",
                    f"info@bench-{index:05d}.example",
                    "|".join(sorted(rng.sample(SECTORS, rng.randint(1, 3)))),
                    "|".join(str(n) for n in sorted(rng.sample(range(1, 18), rng.randint(1, 4)))),
                    "|".join(rng.sample(TARGET_GROUPS, rng.randint(0, 2))),
                    "en",
                    rng.choice(["true", "false"]),
                    "|".join(rng.sample(OFFERS, rng.randint(0, 2))),
                    "|".join(rng.sample(OFFERS, rng.randint(0, 2))),
                    rng.randint(1990, 2024),
                    rng.randint(1, 250),
                ]
            )


# Measurements ------------------------------------------------------------------------------


def timed_command(*args, **options):
    """Run a management command; its SQL statements, seconds and last output line."""
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stdout = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command(*args, stdout=stdout, stderr=io.StringIO(), **options)
        seconds = time.perf_counter() - started
    return len(queries.captured_queries), seconds, stdout.getvalue().strip()


def has_facets(client):
    query = '{ __type(name: "EnterpriseList") { fields { name } } }'
    response = client.post("/graphql/", {"query": query}, content_type="application/json")
    if response.status_code != 200:
        fail(f"introspection answered {response.status_code}: {response.content[:300]!r}")
    fields = response.json()["data"]["__type"]["fields"]
    return any(field["name"] == "facets" for field in fields)


def check_item(item):
    if not item["slug"].startswith("bench-enterprise-") or not item["name"]:
        fail(f"unexpected enterprise item: {item}")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

    from django.test import Client

    from directory.models import SocialEnterprise

    started = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="sesn-bench-directory-")
    path = os.path.join(folder, "enterprises.csv")
    try:
        write_csv(path)
        progress(f"bench-directory: wrote {ROWS} rows to a CSV file")
        with throwaway_database() as vendor:
            progress(f"bench-directory: importing into a throwaway {vendor} database")
            rows = []
            options = {"type": "enterprises", "publish": True, "no_progress": True}
            queries, seconds, output = timed_command("import_directory", path, **options)
            if f"{ROWS} created" not in output:
                fail(f"the import did not create {ROWS} records: {output}")
            rows.append((f"import_directory ({ROWS} new rows)", queries, f"{seconds:.1f} s"))
            progress("bench-directory: re-importing")
            queries, seconds, output = timed_command("import_directory", path, **options)
            if f"{ROWS} unchanged" not in output:
                fail(f"the re-import changed records: {output}")
            rows.append(
                (f"import_directory again ({ROWS} unchanged)", queries, f"{seconds:.1f} s")
            )
            if SocialEnterprise.objects.public().count() != ROWS:
                fail("the imported enterprises are not all published")

            progress("bench-directory: querying")
            client = Client()
            with_facets = has_facets(client)
            send = graphql_request(client, enterprises_query(with_facets), LIMIT)
            body = send().json()
            if body.get("errors") or body["data"]["enterprises"]["totalCount"] != ROWS:
                fail(f"unexpected answer: {str(body)[:500]}")
            endpoint = Endpoint(
                "enterprises",
                OURS,
                "enterprises",
                send,
                lambda r: graphql_items(r, "enterprises"),
                check_item,
            )
            queries, ms = measure([endpoint], LIMIT)["enterprises"]
            label = "with facets" if with_facets else "facets not in the schema yet"
            rows.append((f"enterprises(limit: {LIMIT}), {label}", queries, f"{ms:.1f} ms"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    progress(f"bench-directory: done in {time.perf_counter() - started:.0f} s\n")
    print(
        f"Directory benchmark on {vendor}: {ROWS} social enterprises; query latency is the "
        f"median of {RUNS} requests after {WARMUP} warm-ups"
    )
    print(table(rows))


def table(rows):
    header = ("step", "SQL queries", "time")
    lines = [header, *((name, str(queries), value) for name, queries, value in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(3)]

    def render(line):
        return "  ".join(
            [line[0].ljust(widths[0]), line[1].rjust(widths[1]), line[2].rjust(widths[2])]
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


if __name__ == "__main__":
    main()
