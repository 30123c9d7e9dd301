"""The raw-JSON ceiling of `make bench-http`: what the same gunicorn, middleware and URL
resolution serve when the answer costs nothing.

It answers the bytes of a GraphQL answer that bench/http.py fetched and wrote to the file named
by BENCH_CEILING_FILE, read once per worker process. A cached GraphQL answer can at best be as
fast as this; the benchmark prints each scenario's throughput as a fraction of it.
"""

import os
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@cache
def _body():
    return Path(os.environ["BENCH_CEILING_FILE"]).read_bytes()


@require_safe
def ceiling(request):
    return HttpResponse(_body(), content_type="application/json")
