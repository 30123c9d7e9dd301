"""cms/redis_cache.py: Django's Redis cache, one redis-py client per pool (production uses it)."""

import json
import uuid

import pytest
import redis

from cms.redis_cache import RedisCache
from tests.cms.test_settings import load_production_settings

REDIS_URL = "redis://127.0.0.1:6379/13"

PRINT_BACKENDS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({alias: cache["BACKEND"] for alias, cache in settings.CACHES.items()}))
"""


def production_backends(**env):
    result = load_production_settings(
        script=PRINT_BACKENDS, SECRET_KEY="x" * 50, ALLOWED_HOSTS="cms.example", **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_uses_it_for_every_redis_cache():
    assert production_backends(REDIS_URL=REDIS_URL) == {
        "default": "cms.redis_cache.RedisCache",
        "shared": "cms.redis_cache.RedisCache",
    }


def test_production_without_redis_keeps_its_other_caches():
    backends = production_backends(REDIS_URL="")
    assert "cms.redis_cache.RedisCache" not in backends.values()


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")
    prefix = f"test-{uuid.uuid4().hex}"
    yield RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_one_client_serves_every_call(cache):
    backend = cache._cache

    assert backend.get_client() is backend.get_client(write=True)
    assert backend.get_client("a key") is backend.get_client("another key")


def test_it_reads_and_writes_as_djangos_backend_does(cache):
    assert cache.add("slot", 1, timeout=60)
    assert not cache.add("slot", 2, timeout=60)
    cache.set_many({"a": {"json": [1, 2]}, "b": "text"}, timeout=60)

    assert cache.get("slot") == 1
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"json": [1, 2]}, "b": "text"}
    assert cache.incr("slot") == 2
    cache.delete_many(["a", "b"])
    assert cache.get("a", "gone") == "gone"
