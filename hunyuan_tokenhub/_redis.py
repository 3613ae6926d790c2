"""The Redis connection behind limits shared by many worker processes (job slots, rate limits).

redis-py is an optional extra (``pip install "hunyuan-tokenhub[redis]"``) imported on first
use. Nothing connects before the first operation; every failure then becomes a
:class:`SharedLimitsUnavailableError` naming the URL with its password masked, and never falls
back to per-process limits. All state changes run as Lua scripts, each atomic on the server,
sent by SHA after the first call. Async clients are kept per event loop (a redis-py asyncio
connection belongs to the loop it was opened on).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ._exceptions import ConfigurationError, SharedLimitsUnavailableError
from ._per_loop import PerLoop

if TYPE_CHECKING:
    import redis
    import redis.asyncio
    from redis.commands.core import AsyncScript, Script

__all__ = ["REDIS_SCHEMES", "RedisLink", "mask_url"]

REDIS_SCHEMES = ("redis", "rediss", "unix")
# A blocking wait (BLPOP) never lasts longer than this; a reply is awaited this much longer.
MAX_BLOCK_SECONDS = 5.0
_CONNECT_TIMEOUT_SECONDS = 5.0
_REPLY_TIMEOUT_SECONDS = MAX_BLOCK_SECONDS + 5.0


def mask_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (safe to show in errors and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port is not None else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _checked_url(url: str, purpose: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in REDIS_SCHEMES:
        raise ConfigurationError(
            f"{purpose}: {mask_url(url)!r} is not a Redis URL; use redis://, rediss:// or unix://"
        )
    return url


def _redis_module() -> Any:
    try:
        import redis
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ConfigurationError(
            'limits shared through Redis need redis-py: pip install "hunyuan-tokenhub[redis]"'
        ) from None
    return redis


class _LoopClient:
    """One event loop's async client and its registered scripts."""

    def __init__(self, client: redis.asyncio.Redis) -> None:
        self.client = client
        self.scripts: dict[str, AsyncScript] = {}


class RedisLink:
    """Lazily connected sync and per-loop async redis-py clients for one URL.

    ``purpose`` says what the store is for; it leads every error message.
    """

    def __init__(self, url: str, *, purpose: str) -> None:
        self.url = _checked_url(url, purpose)
        self.masked_url = mask_url(url)
        self.purpose = purpose
        self._redis = _redis_module()
        self._lock = threading.Lock()
        self._sync: redis.Redis | None = None
        self._scripts: dict[str, Script] = {}
        # A loop's connections are closed when the loop shuts down (see PerLoop).
        self._loops: PerLoop[_LoopClient] = PerLoop(close=lambda each: each.client.aclose())

    def __repr__(self) -> str:
        return f"RedisLink({self.masked_url!r})"

    def _options(self) -> dict[str, Any]:
        return {
            "socket_connect_timeout": _CONNECT_TIMEOUT_SECONDS,
            "socket_timeout": _REPLY_TIMEOUT_SECONDS,
            "health_check_interval": 30,
        }

    def unavailable(self, exc: Exception) -> SharedLimitsUnavailableError:
        """The error to raise for a failed operation (the cause stays chained)."""
        reason = str(exc).replace(self.url, self.masked_url) or type(exc).__name__
        return SharedLimitsUnavailableError(
            f"{self.purpose}: Redis at {self.masked_url} failed ({type(exc).__name__}: "
            f"{reason}); limits shared between workers need it, so nothing was sent",
            url=self.masked_url,
        )

    def _sync_client(self) -> redis.Redis:
        with self._lock:
            if self._sync is None:
                self._sync = self._redis.Redis.from_url(self.url, **self._options())
            return self._sync

    def _loop_client(self) -> _LoopClient:
        return self._loops.get(
            lambda: _LoopClient(self._redis.asyncio.Redis.from_url(self.url, **self._options()))
        )

    def run(self, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """Run a Lua script (atomic on the server) and return its reply."""
        client = self._sync_client()
        with self._lock:
            registered = self._scripts.get(script)
            if registered is None:
                registered = self._scripts[script] = client.register_script(script)
        try:
            return registered(keys=list(keys), args=list(args))
        except self._redis.RedisError as exc:
            raise self.unavailable(exc) from exc

    async def arun(self, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """Async :meth:`run`, on the running loop's client."""
        loop_client = self._loop_client()
        registered = loop_client.scripts.get(script)
        if registered is None:
            registered = loop_client.client.register_script(script)
            loop_client.scripts[script] = registered
        try:
            return await registered(keys=list(keys), args=list(args))
        except self._redis.RedisError as exc:
            raise self.unavailable(exc) from exc

    def wait_for_push(self, key: str, timeout: float) -> None:
        """Block until something is pushed on list ``key`` or ``timeout`` passes (at most
        :data:`MAX_BLOCK_SECONDS`)."""
        try:
            self._sync_client().blpop([key], timeout=_block_window(timeout))
        except self._redis.RedisError as exc:
            raise self.unavailable(exc) from exc

    async def await_push(self, key: str, timeout: float) -> None:
        """Async :meth:`wait_for_push`."""
        try:
            await self._loop_client().client.blpop([key], timeout=_block_window(timeout))
        except self._redis.RedisError as exc:
            raise self.unavailable(exc) from exc

    def close(self) -> None:
        """Close the sync client's connections."""
        with self._lock:
            client, self._sync = self._sync, None
            self._scripts.clear()
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the running loop's async client."""
        loop_client = self._loops.pop()
        if loop_client is not None:
            await loop_client.client.aclose()


def _block_window(timeout: float) -> float:
    # BLPOP takes seconds with millisecond resolution; 0 would mean "forever".
    return min(MAX_BLOCK_SECONDS, max(0.001, round(timeout, 3)))
