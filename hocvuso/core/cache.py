"""The cache when ``REDIS_URL`` is set: Redis, and the process's own memory while Redis cannot
be reached.

What the project keeps in the cache can be lost or computed again: the public statistics and
the API's request allowances (``core/api.py``). A Redis that is stopped, restarting or out of
reach must therefore not turn every API call and ``/statistics/`` into a server error: each
operation that fails to reach Redis is answered from an in-process cache instead, one warning
is logged for the whole outage (not one per request), and Redis is tried again every
``RETRY_SECONDS`` — meanwhile no request waits on a connection that is known to fail.

While Redis is away each server process counts its own allowances and keeps its own figures,
which is what a single process without ``REDIS_URL`` does anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What a Redis that is down, unreachable or too slow raises (socket errors are wrapped).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# How long a connection attempt or a reply may take. Redis answers on the local network in
# well under a millisecond; a dead host must not add seconds to a request.
DEFAULT_SOCKET_TIMEOUT = 0.5
DEFAULT_RETRY_SECONDS = 30.0


class RedisWithFallbackCache(RedisCache):
    """Django's Redis cache that falls back to an in-process cache while Redis is unreachable.

    ``OPTIONS`` are Django's (passed to redis-py's connection pool), with short
    ``socket_connect_timeout`` and ``socket_timeout`` by default, plus ``RETRY_SECONDS``: how
    long after a failure Redis is left alone before it is tried again.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(
            f"redis-fallback-{id(self)}",
            {
                "TIMEOUT": params.get("TIMEOUT", DEFAULT_TIMEOUT),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
            },
        )
        self._lock = threading.Lock()
        self._down_until = 0.0  # time.monotonic() before which Redis is not tried
        self._down = False  # an outage has been logged and not yet seen to end

    @property
    def redis_available(self) -> bool:
        """Whether the next operation will try Redis (False during an outage's pause)."""
        return time.monotonic() >= self._down_until

    def _call(self, redis_call: Callable[[], T], fallback_call: Callable[[], T]) -> T:
        if not self.redis_available:
            return fallback_call()
        try:
            result = redis_call()
        except UNREACHABLE as exc:
            self._mark_down(exc)
            return fallback_call()
        if self._down:
            self._mark_up()
        return result

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_seconds
            if self._down:
                return
            self._down = True
        logger.warning(
            "Redis cache unreachable (%s: %s); using this process's memory and trying Redis "
            "again every %g s.",
            type(exc).__name__,
            exc,
            self.retry_seconds,
        )

    def _mark_up(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("Redis cache reachable again; back from this process's memory.")

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
        )

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).get(key, default, version),
            lambda: self.fallback.get(key, default, version),
        )

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
        )

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
        )

    def delete(self, key: str, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).delete(key, version),
            lambda: self.fallback.delete(key, version),
        )

    def get_many(self, keys: Any, version: Any = None) -> Any:
        keys = list(keys)
        return self._call(
            lambda: super(RedisWithFallbackCache, self).get_many(keys, version),
            lambda: self.fallback.get_many(keys, version),
        )

    def has_key(self, key: str, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).has_key(key, version),
            lambda: self.fallback.has_key(key, version),
        )

    def incr(self, key: str, delta: int = 1, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call(
            lambda: super(RedisWithFallbackCache, self).set_many(data, timeout, version),
            lambda: self.fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        keys = list(keys)
        return self._call(
            lambda: super(RedisWithFallbackCache, self).delete_many(keys, version),
            lambda: self.fallback.delete_many(keys, version),
        )

    def clear(self) -> Any:
        # Both: what was kept in memory during an outage must not come back after a clear.
        self.fallback.clear()
        return self._call(lambda: super(RedisWithFallbackCache, self).clear(), lambda: True)
