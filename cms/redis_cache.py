"""Django's Redis cache with one redis-py client per connection pool, not one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every get, set or add, and
redis-py's constructor fills a table of about 170 response callbacks each time. A cached GraphQL
answer makes two cache reads, so that was a quarter of its CPU (1,100 -> 820 us a request in
process, make bench-http's query). A client holds nothing but its pool and is thread-safe, and a
pool reconnects by itself in a forked worker, so one client per pool behaves the same.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
