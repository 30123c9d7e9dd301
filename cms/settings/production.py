import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Opening a connection per request costs a round trip and authentication each time; keeping one
# for a minute raised throughput from 19 to 33 requests/s in one measurement. A reused
# connection is checked first, so one the server dropped meanwhile is replaced, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Tasks wait in the database for `manage.py db_worker`: a publish never waits for a webhook.
TASKS["default"]["BACKEND"] = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")  # noqa: F405

# Every worker must see one generation of cached answers (cms/graphql/cache.py): without Redis,
# the database table that the workers already share, at the price of a query per answer.
if not REDIS_URL:  # noqa: F405
    GRAPHQL_RESPONSE_CACHE_ALIAS = "shared"

# Redis through cms/redis_cache.py: Django's backend builds a redis-py client per call, a quarter
# of the CPU of a cached answer.
for _cache in CACHES.values():  # noqa: F405
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "cms.redis_cache.RedisCache"
