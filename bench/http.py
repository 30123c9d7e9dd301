"""The CMS under HTTP load (`make bench-http`): gunicorn on loopback, wrk against it.

1. Installs wrk from Debian if it is missing (`apt-get install -y wrk`).
2. Creates a throwaway PostgreSQL database, `sesn_bench_http` (on DATABASE_URL's server, else
   127.0.0.1:5432 as postgres), migrates it and loads `seed_demo --enterprises 2000 --events 100`.
3. Flushes Redis database 3 (only that one) and starts gunicorn with cms/gunicorn.conf.py (its
   default workers: 2 x cores + 1), settings bench.http_settings (production's, plus the
   ceiling's URL), REDIS_URL=redis://127.0.0.1:6379/3, on 127.0.0.1 at a free port in 8100-8199.
4. Runs wrk for BENCH_SECONDS (default 20) at 16 and at 64 connections per scenario:
   - ceiling: /bench/ceiling/, the cached GET's answer as precomputed bytes (bench/ceiling.py);
   - cached GET: the same GraphQL GET every time;
   - uncached GET: the same query under a new operation name each request (a Lua script), so no
     answer comes from the cache;
   - JSON POST: the same query as a JSON body every time (a Lua script);
   - /events.ics: the calendar feed.
   Then the cached GET for 3 x BENCH_SECONDS (60 s) at 64 connections: any error there fails.
5. Prints rps, p50, p99, errors (non-2xx answers plus socket errors), p99/p50 and throughput as
   a fraction of the ceiling at the same connections, with the goals of issue 11 beside them:
   0 errors at 64 connections for 60 s, p99/p50 at most 3, cached GET at least 70 % of the
   ceiling. Latency percentiles come from a Lua `done()` hook that prints them as JSON.
6. Stops gunicorn, flushes Redis database 3 and drops the database (`--keep` keeps it and uses
   it again next time, to iterate quickly).

Numbers depend on the machine and its load (wrk, PostgreSQL and Redis share its cores with
gunicorn); compare runs on the same machine only. Exits 1 when a goal is missed.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/http.py` would put bench/ first on the path, where this file hides the standard
# library's `http`; the project root is what we import from (`python -m bench.http` is the same).
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import quote, urlsplit  # noqa: E402
from urllib.request import Request, urlopen  # noqa: E402

import psycopg  # noqa: E402
import redis  # noqa: E402

DATABASE = "sesn_bench_http"
REDIS_URL = "redis://127.0.0.1:6379/3"
PORTS = range(8100, 8200)
CONNECTIONS = (16, 64)
SECONDS = int(os.environ.get("BENCH_SECONDS") or 20)
SOAK_SECONDS = 3 * SECONDS
WRK_THREADS = 2
WRK_TIMEOUT = "10s"
GOAL_TAIL = 3.0
GOAL_CACHED = 0.70

QUERY = (
    "{ enterprises(limit: 20) { totalCount items { name slug summary "
    "country { code name } sectors { code name } } } }"
)

# Every script: counts answers outside 2xx per thread (wrk itself counts only >= 400) and prints
# the summary and latency percentiles (microseconds) as one JSON line when the run is done.
REPORT_LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
non2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""

# A new operation name per request: a new cache key, the same work.
UNCACHED_LUA = """
local count = 0
function request()
  count = count + 1
  return wrk.format("GET", %(head)s .. id .. "_" .. count .. %(tail)s)
end
"""

POST_LUA = """
wrk.method = "POST"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
"""


def lua_string(text):
    return json.dumps(text)  # a JSON string with only ASCII escapes is a valid Lua string


def scenarios(run_tag):
    get = "/graphql/?query=" + quote(QUERY)
    head = "/graphql/?query=" + quote(f"query Uncached{run_tag}_")
    return [
        ("ceiling", "/bench/ceiling/", ""),
        ("cached GET", get, ""),
        (
            "uncached GET",
            "/graphql/",
            UNCACHED_LUA % {"head": lua_string(head), "tail": lua_string(quote(" " + QUERY))},
        ),
        ("JSON POST", "/graphql/", POST_LUA % {"body": lua_string(json.dumps({"query": QUERY}))}),
        ("/events.ics", "/events.ics", ""),
    ]


# Setup ---------------------------------------------------------------------------------------


def progress(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    progress("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=True)


def server_url():
    """postgres://user[:password]@host:port of DATABASE_URL's server, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        return f"postgres://{parts.netloc}"
    return "postgres://postgres@127.0.0.1:5432"


def prepare_database(server, keep):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = conn.execute(query, [DATABASE]).fetchone()
        if exists and keep:
            progress(f"Using the kept database {DATABASE}")
            return
        if exists:
            conn.execute(f"DROP DATABASE {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def drop_database(server):
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def base_env(server):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DATABASE_URL": f"{server}/{DATABASE}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }


def seed(env):
    # Seeding runs its tasks (search indexing) at once: no db_worker runs during the benchmark.
    # With Redis as in the benchmark: what seeding invalidates is flushed before gunicorn starts.
    env = {
        **env,
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "REDIS_URL": REDIS_URL,
    }
    manage = [sys.executable, "manage.py"]
    progress("Migrating")
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    progress("Loading seed_demo --enterprises 2000 --events 100")
    subprocess.run(
        [*manage, "seed_demo", "--enterprises", "2000", "--events", "100"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {PORTS.start}-{PORTS.stop - 1}")


class Server:
    def __init__(self, env, ceiling_file):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Kept after the run, to read what gunicorn said (WORKER TIMEOUT, tracebacks).
        self.log_path = Path(tempfile.gettempdir()) / "bench-http-gunicorn.log"
        self.log = self.log_path.open("w")  # noqa: SIM115
        self.env = {
            **env,
            "BIND": f"127.0.0.1:{self.port}",
            "REDIS_URL": REDIS_URL,
            "BENCH_CEILING_FILE": str(ceiling_file),
            "GUNICORN_ACCESS_LOG": "",  # the access log would cost as much as a cached answer
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py", "cms.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def log_tail(self):
        return self.log_tail_all()[-4000:]

    def wait_until_up(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_tail()}")
            try:
                self.get("/graphql/?query=%7B__typename%7D")
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer in {seconds} s:\n{self.log_tail()}")

    def settle(self, seconds=120):
        """Wait until the requests a finished run left queued are served: wrk closes its
        connections, but the workers still answer each request already sent."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.monotonic()
            self.get("/bench/ceiling/")
            if time.monotonic() - start < 0.05:
                return
            time.sleep(0.2)
        progress(f"still slow to answer after {seconds} s")

    def timeouts(self):
        """Workers killed for being silent past the timeout (gunicorn logs each)."""
        return self.log_tail_all().count("WORKER TIMEOUT")

    def log_tail_all(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def get(self, path, data=None, headers=None):
        request = Request(self.base + path, data=data, headers=headers or {})
        with urlopen(request, timeout=30) as response:
            return response.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# Measuring -----------------------------------------------------------------------------------


def run_wrk(server, path, lua, connections, seconds, folder):
    server.settle()
    script = Path(folder) / "script.lua"
    script.write_text(lua + REPORT_LUA)
    command = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        f"-s{script}",
        server.base + path,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    socket_errors = sum(result[kind] for kind in ("connect", "read", "write", "timeout"))
    result["errors"] = result["non2xx"] + socket_errors
    return result


def row(name, connections, result, ceiling):
    tail = result["p99"] / result["p50"] if result["p50"] else float("inf")
    share = result["rps"] / ceiling["rps"] if ceiling else None
    goals = []
    if tail > GOAL_TAIL:
        goals.append(f"p99/p50 > {GOAL_TAIL:g}")
    if name == "cached GET" and share is not None and share < GOAL_CACHED:
        goals.append(f"< {GOAL_CACHED:.0%} of ceiling")
    if connections == 64 and result["errors"]:
        goals.append("errors at 64")
    return {
        "name": name,
        "connections": connections,
        "seconds": round(result["duration_us"] / 1e6),
        "rps": result["rps"],
        "p50_ms": result["p50"] / 1000,
        "p99_ms": result["p99"] / 1000,
        "errors": result["errors"],
        "tail": tail,
        "share": share,
        "missed": goals,
    }


def print_table(rows):
    header = (
        f"{'scenario':<14} {'conns':>5} {'s':>3} {'rps':>8} {'p50 ms':>9} {'p99 ms':>9} "
        f"{'errors':>7} {'p99/p50':>8} {'/ceiling':>9}  goals"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        share = f"{r['share']:.1%}" if r["share"] is not None else "-"
        goals = "missed: " + ", ".join(r["missed"]) if r["missed"] else "ok"
        print(
            f"{r['name']:<14} {r['connections']:>5} {r['seconds']:>3} {r['rps']:>8.1f} "
            f"{r['p50_ms']:>9.1f} {r['p99_ms']:>9.1f} {r['errors']:>7} {r['tail']:>8.2f} "
            f"{share:>9}  {goals}"
        )


def measure(server, folder):
    run_tag = secrets.token_hex(4)
    plan = scenarios(run_tag)
    rows = []
    # Warm-up, not measured: every worker connects and builds its schema; the answer is cached.
    progress("Warming up")
    run_wrk(server, plan[1][1], "", 16, min(3, SECONDS), folder)
    for connections in CONNECTIONS:
        ceiling = None
        for name, path, lua in plan:
            progress(f"{name} at {connections} connections, {SECONDS} s")
            result = run_wrk(server, path, lua, connections, SECONDS, folder)
            if name == "ceiling":
                ceiling = result
            rows.append(row(name, connections, result, ceiling))
    progress(f"cached GET at 64 connections, {SOAK_SECONDS} s")
    soak = run_wrk(server, plan[1][1], "", 64, SOAK_SECONDS, folder)
    ceiling_64 = next(r for r in rows if r["name"] == "ceiling" and r["connections"] == 64)
    rows.append(row("cached GET", 64, soak, {"rps": ceiling_64["rps"]}))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", action="store_true", help=f"keep {DATABASE} afterwards, reuse it if it exists"
    )
    parser.add_argument("--save", metavar="FILE", help="write the rows as JSON")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    ensure_wrk()
    server_address = server_url()
    prepare_database(server_address, args.keep)
    env = base_env(server_address)
    rows, server = [], None
    try:
        seed(env)
        shared = redis.Redis.from_url(REDIS_URL)
        shared.flushdb()
        with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
            ceiling_file = Path(folder) / "ceiling.json"
            server = Server(env, ceiling_file)
            progress(f"Starting gunicorn on {server.base}")
            server.wait_until_up()
            answer = server.get("/graphql/?query=" + quote(QUERY))
            assert b'"errors"' not in answer, answer[:500]
            ceiling_file.write_bytes(answer)
            assert server.get("/bench/ceiling/") == answer
            workers = len(
                subprocess.run(
                    ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True
                ).stdout.split()
            )
            rows = measure(server, folder)
            timeouts = server.timeouts()
    finally:
        if server is not None:
            server.stop()
        redis.Redis.from_url(REDIS_URL).flushdb()
        if not args.keep:
            drop_database(server_address)

    print(
        f"\ngunicorn: {workers} sync workers, bench.http_settings (production), PostgreSQL "
        f"{DATABASE}, Redis db 3; wrk -t{WRK_THREADS} --timeout {WRK_TIMEOUT} on the same "
        f"{os.cpu_count()} cores; answer {len(answer):,} bytes; load average before: "
        f"{load_before:.1f}; workers killed by the timeout: {timeouts} "
        f"(log: {server.log_path})\n"
    )
    print_table(rows)
    print(
        f"\nGoals: 0 errors at 64 connections for {SOAK_SECONDS} s (the last row), p99/p50 at "
        f"most {GOAL_TAIL:g}, cached GET at least {GOAL_CACHED:.0%} of the ceiling."
    )
    if args.save:
        Path(args.save).write_text(json.dumps(rows, indent=2))
    return 1 if any(r["missed"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
