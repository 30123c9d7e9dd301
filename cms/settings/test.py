from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost"]
# Fast hashing and a private cache, as bakerydemo's test settings do.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The shared alias stays the database table whether or not REDIS_URL is set, so tests never
# flush a Redis server that others use; the Redis tests name their own key prefix.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": cache_settings("")["shared"],  # noqa: F405
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GRAPHQL_INTROSPECTION = True
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks run at once, in the test's own transaction; tests of enqueuing switch to the dummy backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The tests' receivers listen on loopback.
WEBHOOKS_ALLOW_PRIVATE_URLS = True
# Off unless a test asks for it (the `response_cache` fixture): a cached answer would outlive
# the rollback that ends each test. tests/graphql/test_response_cache.py tests the cache itself.
GRAPHQL_RESPONSE_CACHE_SECONDS = 0
