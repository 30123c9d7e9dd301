"""The directory at 10,000 and 100,000 enterprises on PostgreSQL (`make bench-scale`).

For each size, copies a template database (`sesn_scale_10k`, `sesn_scale_100k`; built when
missing, see `bench/scale_data.py` for what is in them) into a throwaway database, applies the
migrations the template lacks to the copy, and asks the real /graphql/ view, through
django.test.Client, the queries of issue 10 with the fields a frontend selects. It prints, per
query, the SQL statements of one request and the median latency of several (after warm-ups) at
both sizes with the growth, then EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of the
slowest query at the largest size. The copies are dropped at the end.

Templates are never changed once built, because migrations in the working tree may still be in
progress: a copy is migrated instead. `--rebuild` builds them again (about 2 minutes for 10,000,
12 for 100,000). They refuse connections (ALLOW_CONNECTIONS false), so that nobody's open
session stops another from copying them: `createdb -T sesn_scale_100k <copy>`.

The server is DATABASE_URL's (only its host, port and user are used), else the local one.
Run with DJANGO_SETTINGS_MODULE=bench.settings.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# `python bench/scale.py` puts bench/ first on the path; the project root is what we import from.
sys.path[0] = str(ROOT)

#: Bump when bench/scale_data.py or seed_demo change what a template holds.
CONTENT_VERSION = 1
SIZES = {
    "10k": {"enterprises": 10_000, "events": 500, "pages": 300},
    "100k": {"enterprises": 100_000, "events": 3_000, "pages": 1_000},
}
WARMUP = 3
RUNS = 15
LIMIT = 20
GOAL_MS, PARTNER_GOAL_MS, GOAL_GROWTH = 100, 150, 3.0

ITEM_FIELDS = """
  name slug summary
  country { code name }
  sectors { code name }
  translations { locale status }
"""
LIST_QUERY = (
    "query Scale($limit: Int!, $filter: EnterpriseFilter, $search: String, $locale: Locale) {\n"
    "  enterprises(limit: $limit, filter: $filter, search: $search, locale: $locale) {\n"
    "    totalCount items {%s} %s\n  }\n}"
)
FACETS = (
    "facets { countries { value label count } sectors { value label count } "
    "sdgs { value label count } }"
)
PARTNER_QUERY = """
query ScaleMatches($enterprise: String!) {
  partnerMatches(enterprise: $enterprise, limit: 10) {
    score
    reasons { kind text codes }
    partner { name slug summary country { code name } translations { locale status }
              ... on SocialEnterprise { sectors { code name } } }
  }
}
"""


def list_query(facets=False):
    return LIST_QUERY % (ITEM_FIELDS, FACETS if facets else "")


def queries(subject):
    """(label, GraphQL query, variables) of what is measured, the issue's order."""
    page = {"limit": LIMIT}
    return [
        ("unfiltered", list_query(), page),
        (
            "filter 3 countries + 2 sectors",
            list_query(),
            {**page, "filter": {"countries": ["DK", "SE", "PL"], "sectors": ["Q", "S"]}},
        ),
        ("search, one word", list_query(), {**page, "search": "bicycles"}),
        ("search matching everything", list_query(), {**page, "search": "synthetic"}),
        ("facets on three dimensions", list_query(facets=True), page),
        ("partnerMatches", PARTNER_QUERY, {"enterprise": subject}),
        ("unfiltered, locale: da", list_query(), {**page, "locale": "da"}),
    ]


def progress(message):
    print(f"bench-scale: {message}", file=sys.stderr, flush=True)


def fail(message):
    raise SystemExit(f"bench-scale: {message}")


# Databases ---------------------------------------------------------------------------------


def server_url(name):
    url = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/")
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        fail("needs PostgreSQL: DATABASE_URL must be a postgres:// address or unset.")
    return urlunsplit((url.scheme, url.netloc, f"/{name}", "", ""))


def admin():
    import psycopg

    return psycopg.connect(
        server_url("postgres").replace("pgsql://", "postgres://"), autocommit=True
    )


def template_name(size):
    return f"sesn_scale_{size}"


def marker(size):
    return f"bench-scale content {CONTENT_VERSION}: " + json.dumps(SIZES[size], sort_keys=True)


def template_is_current(cursor, size):
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [template_name(size)],
    )
    row = cursor.fetchone()
    return row is not None and row[0] == marker(size)


def drop(cursor, name):
    cursor.execute(f'ALTER DATABASE "{name}" IS_TEMPLATE false') if exists(cursor, name) else None
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def build_template(size):
    """Fill a new database in a child process, then put it in place of the template."""
    name = template_name(size)
    building = f"{name}_building"
    with admin() as conn, conn.cursor() as cursor:
        drop(cursor, building)
        cursor.execute(f'CREATE DATABASE "{building}"')
    progress(f"building {name} ({SIZES[size]['enterprises']:,} enterprises)")
    started = time.monotonic()
    child("fill", size, database=building)
    seconds = time.monotonic() - started
    with admin() as conn, conn.cursor() as cursor:
        drop(cursor, name)
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker(size)}'")
        cursor.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
    progress(f"built {name} in {seconds:.0f} s")
    return seconds


def copy_template(size):
    name = f"sesn_scale_run_{size}_{os.getpid()}"
    with admin() as conn, conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name(size)}"')
    return name


def drop_database(name):
    with admin() as conn, conn.cursor() as cursor:
        drop(cursor, name)


def child(command, size, database):
    """Run `bench/scale.py <command>` against `database`; its stdout (JSON) is the result."""
    env = {
        **os.environ,
        "DATABASE_URL": server_url(database),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    result = subprocess.run(
        [sys.executable, __file__, command, size],
        env=env,
        stdout=subprocess.PIPE,
        check=False,
    )
    if result.returncode:
        fail(f"`{command} {size}` failed (exit {result.returncode})")
    return json.loads(result.stdout or "null")


# In the child: filling and measuring -------------------------------------------------------


def run_fill(size):
    from bench.scale_data import fill

    report = io.StringIO()
    fill(**SIZES[size], out=report)
    print(report.getvalue(), file=sys.stderr)
    print("null")


def run_measure(size):
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory.models import SocialEnterprise

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    # New columns and expression indexes have no statistics, and freshly written tables no
    # visibility map (index-only scans then read the rows too), until autovacuum gets to them;
    # a server in production has both, and autovacuum starting during the runs made their
    # medians wander by a tenth.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    migrated = time.monotonic() - started
    # The first synthetic enterprise that seeks partners and needs something: the same one at
    # every size, since synthetic records do not depend on how many there are.
    subject = (
        SocialEnterprise.objects.filter(
            locale__language_code="en",
            slug__startswith="demo-enterprise-",
            seeking_partners=True,
            needs__isnull=False,
        )
        .order_by("slug")
        .values_list("slug", flat=True)
        .first()
    )
    counts = {
        "enterprises": SocialEnterprise.objects.filter(locale__language_code="en").count(),
        "seeking": SocialEnterprise.objects.filter(
            locale__language_code="en", seeking_partners=True
        ).count(),
        "translations": SocialEnterprise.objects.exclude(locale__language_code="en").count(),
    }
    client = Client()
    results = []
    for label, query, variables in queries(subject):
        body = json.dumps({"query": query, "variables": variables})

        def send(body=body, label=label):
            response = client.post("/graphql/", data=body, content_type="application/json")
            payload = response.json() if response.status_code in (200, 400) else None
            if response.status_code != 200 or payload.get("errors"):
                fail(f"{label}: HTTP {response.status_code}: {response.content[:600]!r}")
            return payload["data"]

        for _ in range(WARMUP):
            data = send()
        with CaptureQueriesContext(connection) as captured:
            send()
        statements = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            send()
            timings.append((time.perf_counter() - start) * 1000)
        root = next(iter(data.values()))
        found = root["totalCount"] if isinstance(root, dict) else len(root)
        results.append(
            {
                "label": label,
                "sql": len(statements),
                "p50": statistics.median(timings),
                "found": found,
                "slowest": max(statements, default=(0.0, "")),
            }
        )
        progress(f"  {size} {label}: {statistics.median(timings):.0f} ms")
    slowest = max(results, key=lambda result: result["p50"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["slowest"][1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(
        json.dumps(
            {
                "counts": counts,
                "subject": subject,
                "migrated_seconds": migrated,
                "results": results,
                "explain": {"query": slowest["label"], "sql": slowest["slowest"][1], "plan": plan},
            }
        )
    )


# Output ------------------------------------------------------------------------------------


def verdict(label, small, large):
    goal = PARTNER_GOAL_MS if label == "partnerMatches" else GOAL_MS
    growth = large / small
    return "ok" if large <= goal and growth <= GOAL_GROWTH else f"goal {goal} ms, {GOAL_GROWTH:g}x"


def table(small, large):
    header = ("query", "SQL", "p50 10k ms", "p50 100k ms", "100k/10k", "found 100k", "")
    lines = [header]
    for a, b in zip(small["results"], large["results"], strict=True):
        sql = str(a["sql"]) if a["sql"] == b["sql"] else f"{a['sql']}/{b['sql']}"
        lines.append(
            (
                a["label"],
                sql,
                f"{a['p50']:.0f}",
                f"{b['p50']:.0f}",
                f"{b['p50'] / a['p50']:.1f}x",
                f"{b['found']:,}",
                verdict(a["label"], a["p50"], b["p50"]),
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def render(line):
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:-1], strict=True)]
        return "  ".join([*cells, line[-1]]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="Build the templates again.")
    parser.add_argument("command", nargs="?", choices=["fill", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("size", nargs="?", choices=list(SIZES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.command:
        import django

        django.setup()
        (run_fill if args.command == "fill" else run_measure)(args.size)
        return

    started = time.monotonic()
    measured, built = {}, {}
    for size in SIZES:
        with admin() as conn, conn.cursor() as cursor:
            current = template_is_current(cursor, size)
        if args.rebuild or not current:
            built[size] = build_template(size)
        copy = copy_template(size)
        try:
            progress(f"measuring {SIZES[size]['enterprises']:,} enterprises in {copy}")
            measured[size] = child("measure", size, database=copy)
        finally:
            drop_database(copy)
    small, large = measured["10k"], measured["100k"]
    progress(f"done in {time.monotonic() - started:.0f} s\n")
    for size, seconds in built.items():
        print(f"Built {template_name(size)} in {seconds:.0f} s.")
    print(
        f"Directory at scale on PostgreSQL: median of {RUNS} requests after {WARMUP} warm-ups, "
        f"limit {LIMIT}, through /graphql/. Enterprises (English / seeking partners / copies in "
        f"other locales): 10k {small['counts']['enterprises']:,} / "
        f"{small['counts']['seeking']:,} / {small['counts']['translations']:,}; 100k "
        f"{large['counts']['enterprises']:,} / {large['counts']['seeking']:,} / "
        f"{large['counts']['translations']:,}. partnerMatches for {large['subject']}. "
        f"Goals: p50 at 100k <= {GOAL_MS} ms (partnerMatches {PARTNER_GOAL_MS}), "
        f"growth <= {GOAL_GROWTH:g}x."
    )
    print(table(small, large))
    explain = large["explain"]
    print(f"\nSlowest statement of the slowest query at 100k ({explain['query']}):\n")
    print(explain["sql"])
    print(f"\nEXPLAIN (ANALYZE, BUFFERS):\n{explain['plan']}")


if __name__ == "__main__":
    main()
