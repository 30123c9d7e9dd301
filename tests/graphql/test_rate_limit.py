"""The submission rate limit holds across worker processes and cannot be dodged with a header.

Every worker counts in the shared cache (Redis when REDIS_URL is set, the database otherwise),
so N workers allow what one does. The client is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = N
the X-Forwarded-For entry N from the right: the part a client writes itself is never read.
"""

import importlib
import json
import threading
import uuid
from unittest import mock

from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connection, connections
from django.test import Client, RequestFactory

import pytest

from cms.client_address import client_address
from cms.graphql.errors import RateLimited
from cms.settings.base import cache_settings
from directory.mutations import count_submission

REDIS_URL = "redis://127.0.0.1:6379/0"

SPAM = """
mutation { submitEnterprise(input: {name: "Spam", homepage: "filled"}) { ok } }
"""


def run_as_another_worker(work):
    """Run `work` as another worker process would: with memory of its own (where local-memory
    caches live), its own cache clients and its own database connection."""
    outcome = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    with mock.patch.multiple(locmem, _caches={}, _expire_info={}, _locks={}):
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def submit_spam(**headers):
    """One submission through the real view; True when it was accepted. The honeypot is
    filled, so nothing but the count is written."""
    response = Client().post(
        "/graphql/", json.dumps({"query": SPAM}), content_type="application/json", **headers
    )
    body = response.json()
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED", body
        return False
    return body["data"]["submitEnterprise"]["ok"]


@pytest.fixture
def redis_shared_cache(settings):
    """The shared alias on the Redis server, under a prefix of this test's own (other
    programs use the same server: nothing else is read or cleared)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {**cache_settings(REDIS_URL)["shared"], "KEY_PREFIX": prefix},
    }
    yield
    client = caches["shared"]._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_shared_cache_is_redis_when_configured_and_the_database_otherwise():
    assert cache_settings("")["shared"]["BACKEND"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )
    assert cache_settings("")["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    with_redis = cache_settings(REDIS_URL)
    for alias in ("default", "shared"):
        assert with_redis[alias]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert with_redis[alias]["LOCATION"] == REDIS_URL


def test_migrations_create_the_table_the_shared_cache_reads(db):
    migration = importlib.import_module("cms.migrations.0004_shared_cache_table")

    assert cache_settings("")["shared"]["LOCATION"] == migration.TABLE
    assert migration.TABLE in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_limit_holds_across_workers_sharing_the_database_cache(settings):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 2

    accepted = [run_as_another_worker(submit_spam) for _ in range(3)]

    assert accepted == [True, True, False]


@pytest.mark.django_db(transaction=True)
def test_limit_holds_across_workers_sharing_redis(settings, redis_shared_cache):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 2

    accepted = [run_as_another_worker(submit_spam) for _ in range(3)]

    assert accepted == [True, True, False]


def _concurrent_counts(count):
    """`count` workers counting one submission each from one address at the same moment;
    returns how many were let through and how many refused."""
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="192.0.2.50")
    start = threading.Barrier(count)
    outcomes = []

    def work():
        start.wait()
        try:
            count_submission(request)
            outcomes.append("accepted")
        except RateLimited:
            outcomes.append("refused")
        except Exception as error:  # reported by the assertion, not lost in the thread
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_never_exceed_the_limit_in_redis(settings, redis_shared_cache):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 5

    assert _concurrent_counts(20) == ["accepted"] * 5 + ["refused"] * 15


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_never_exceed_the_limit_in_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: only PostgreSQL runs them at once.")
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 5

    assert _concurrent_counts(20) == ["accepted"] * 5 + ["refused"] * 15


# Client address -----------------------------------------------------------------------------


def address(settings, proxies, forwarded_for=None, remote="192.0.2.1"):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().post("/graphql/", **headers))


def test_without_trusted_proxies_the_client_is_remote_addr(settings):
    assert address(settings, 0, "198.51.100.7") == "192.0.2.1"


def test_with_trusted_proxies_the_client_is_the_entry_that_many_from_the_right(settings):
    assert address(settings, 1, "10.9.9.9, 198.51.100.7") == "198.51.100.7"
    assert address(settings, 2, "10.9.9.9, 198.51.100.7, 203.0.113.2") == "198.51.100.7"
    assert address(settings, 1, " 2001:db8::1 ") == "2001:db8::1"


@pytest.mark.parametrize(
    "forwarded_for",
    ["", "   ", "not-an-address", "198.51.100.7, not-an-address", ",", "198.51.100.7,,"],
)
def test_malformed_forwarded_for_falls_back_to_remote_addr(settings, forwarded_for):
    assert address(settings, 1, forwarded_for) == "192.0.2.1"


def test_missing_or_short_forwarded_for_falls_back_to_remote_addr(settings):
    assert address(settings, 1) == "192.0.2.1"
    assert address(settings, 2, "198.51.100.7") == "192.0.2.1"


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_spoofed_forwarded_for_does_not_reset_the_limit(settings, proxies):
    """The client writes whatever it likes left of what our proxy appends; a new value on
    every request must not open a new count."""
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 2
    settings.TRUSTED_PROXY_COUNT = proxies
    seen_by_proxy = ", 203.0.113.7" if proxies else ""

    accepted = [
        submit_spam(HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}{seen_by_proxy}")
        for attempt in range(4)
    ]

    assert accepted == [True, True, False, False]


@pytest.mark.django_db
def test_behind_a_proxy_other_clients_keep_their_own_count(settings):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1

    assert submit_spam(HTTP_X_FORWARDED_FOR="203.0.113.7") is True
    assert submit_spam(HTTP_X_FORWARDED_FOR="203.0.113.7") is False
    assert submit_spam(HTTP_X_FORWARDED_FOR="203.0.113.8") is True


@pytest.mark.django_db
def test_addresses_of_one_ipv6_network_share_a_count(settings):
    """An IPv6 client is handed a whole /64 and may pick a new address for every request."""
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 1

    assert submit_spam(REMOTE_ADDR="2001:db8:1:2::1") is True
    assert submit_spam(REMOTE_ADDR="2001:db8:1:2:ffff::9") is False
    assert submit_spam(REMOTE_ADDR="2001:db8:1:3::1") is True
