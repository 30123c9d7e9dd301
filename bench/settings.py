"""Settings for the benchmarks: the test settings plus Wagtail's REST API v2 to compare with."""

from cms.settings.test import *  # noqa: F403
from cms.settings.test import INSTALLED_APPS, LOGGING

INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2", "rest_framework"]
ROOT_URLCONF = "bench.urls"

# The v2 API caps ?limit= at 20 by default; the benchmark asks for up to 100, as GraphQL allows.
WAGTAILAPI_LIMIT_MAX = 100

# Publishing 110 pages logs a line each; the runner prints only its progress and the table.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}

# Every request does its work: a cached answer would measure the cache, not the lists.
GRAPHQL_RESPONSE_CACHE_SECONDS = 0
