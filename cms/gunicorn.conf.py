"""gunicorn's configuration for `make serve` and the Procfile: `gunicorn -c cms/gunicorn.conf.py
cms.wsgi`. Every value comes from the environment (listed in `.env.example`).

Sync workers: the work of a request is Python (resolvers, serialisation) holding the GIL, so
processes, not threads, use the cores; the usual 2 x cores + 1 keeps a core busy while another
worker waits for PostgreSQL or Redis.
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name) or default)


# BIND wins; else PORT, which platforms that read a Procfile set; else the local default.
bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT') or 8000}"
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# A worker silent this long is killed and its request answered 502: a GraphQL query is refused
# above GRAPHQL_MAX_COST long before, so only an editor's big admin action gets near it.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (a deploy) workers finish the requests they hold for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replace a worker after about this many requests, at different moments for different workers
# (jitter), so that slow growth of memory never adds up. Evenly loaded workers reach the count
# together, so the jitter is a quarter of it: with 10 % all five restarted within one second
# under make bench-http. Not sooner: a new worker's first requests are slow (connections,
# caches), and at 2,000 make bench-http restarted 165 workers in five minutes, which took the
# 99th percentile from 2 to 30-150 times the median.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)

# Import Django, Wagtail and the GraphQL schema once, in the master, and fork the workers from
# it: a worker replaced by max_requests then starts in milliseconds, not in the seconds of
# imports during which its share of the requests waits (under load, the site stopped answering
# for over 30 s when all workers restarted at once without this). Code changes need a restart,
# not a HUP, which a deploy does anyway.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in {
    "0",
    "false",
    "no",
    "off",
}


def when_ready(server):
    """In the master, after the app is loaded and before the first fork: load the URLs (and
    with them the schema and the views), then close any database connection that loading
    opened, since a connection must never be shared by forked workers."""
    if not preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL modules)
    connections.close_all()


# Access log to stdout, error log to stderr: the process manager collects both. An empty
# GUNICORN_ACCESS_LOG turns the access log off (the load benchmark does, to measure the app).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address first, then the time taken in microseconds (%(D)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# Heartbeat files in memory: on a container's overlay disk a blocked write would look like a
# hung worker and get it killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn 27 opens a control socket at one fixed path in the home folder, which a second
# instance on the same machine (two instances, the load benchmark) would take over; only when
# asked for, at a path of its own.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
