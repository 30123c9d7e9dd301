"""Settings of `make bench-http`'s gunicorn: production's, plus the bench's URLs.

Production settings as deployed (DEBUG off, persistent database connections, Redis caches from
REDIS_URL); bench/http.py sets SECRET_KEY, ALLOWED_HOSTS and the rest in the environment. The
URLs are bench/urls.py's, which add the raw-JSON ceiling (bench/ceiling.py) to ours.
"""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import INSTALLED_APPS

# bench/urls.py also mounts Wagtail's API v2 for `make bench-api`.
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2", "rest_framework"]
ROOT_URLCONF = "bench.urls"
