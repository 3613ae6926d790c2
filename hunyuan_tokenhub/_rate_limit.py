"""A request rate shared through Redis by every process and machine using one URL.

The rule is GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp): Redis
holds the theoretical arrival time ``tat`` of the next request. A request at ``now`` may start at
``max(now, tat - (burst - 1) * interval)``, and moves ``tat`` on by one ``interval``. One Lua
script, atomic on the server and timed by the server's clock, both decides and reserves, so a
blocked caller sleeps exactly until its turn and never asks again: no polling, and callers are
served in the order they asked. The framework adapters (LangChain's ``BaseRateLimiter``,
LlamaIndex's ``rate_limiter=``) wrap :class:`RedisRateLimit`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol, runtime_checkable

from ._redis import RedisLink

__all__ = ["RateLimiter", "RedisRateLimit"]

# ARGV: interval (microseconds), burst, 1 to reserve a later start / 0 to take only a free one.
# Returns {1, microseconds to wait before starting} or {0, 0} when not taken.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, burst, reserve = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local wait = math.max(0, tat - (burst - 1) * interval - now)
if wait > 0 and not reserve then
  return {0, 0}
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
  'PX', math.ceil((next_tat - now) / 1000) + 1)
return {1, math.floor(wait)}
"""


@runtime_checkable
class RateLimiter(Protocol):
    """What a chat model calls before each request (LangChain's ``BaseRateLimiter`` shape)."""

    def acquire(self, *, blocking: bool = True) -> bool:
        """Take a request's turn; ``blocking=False`` returns False instead of waiting."""
        ...

    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async :meth:`acquire`."""
        ...


class RedisRateLimit:
    """At most ``requests_per_second`` (bursts of ``max_bucket_size``) across every worker.

    Example:
        .. code-block:: python

            import os
            from hunyuan_tokenhub import RedisRateLimit

            limit = RedisRateLimit(
                os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
                requests_per_second=2, max_bucket_size=2, name="chat",
            )
            for _ in range(3):
                limit.acquire()  # the third waits about half a second, in any process
            limit.close()

    Every process using the same URL, ``namespace`` and ``name`` shares one budget; use one
    ``name`` per budget (e.g. per account). An unreachable Redis raises
    :class:`SharedLimitsUnavailableError` naming the URL (password masked) at the first call.
    Cancelling a waiting call gives up its turn without handing it to anyone (never more than
    the rate).
    """

    def __init__(
        self,
        url: str,
        *,
        requests_per_second: float,
        max_bucket_size: int = 1,
        name: str = "default",
        namespace: str = "hunyuan-tokenhub",
    ) -> None:
        if not requests_per_second > 0:
            raise ValueError(f"requests_per_second must be > 0, got {requests_per_second}")
        if max_bucket_size < 1:
            raise ValueError(f"max_bucket_size must be >= 1, got {max_bucket_size}")
        self.requests_per_second = requests_per_second
        self.max_bucket_size = max_bucket_size
        self.key = f"{namespace}:rate:{{{name}}}"
        self.link = RedisLink(url, purpose=f"shared rate limit {name!r}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.link.masked_url!r}, requests_per_second="
            f"{self.requests_per_second}, max_bucket_size={self.max_bucket_size})"
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> RedisRateLimit:
        # A handle on a budget shared through Redis: a copied model must share it, not split it.
        return self

    def _args(self, blocking: bool) -> list[int]:
        interval_us = max(1, round(1_000_000 / self.requests_per_second))
        return [interval_us, self.max_bucket_size, int(blocking)]

    def acquire(self, *, blocking: bool = True) -> bool:
        """Take one request's turn, sleeping until it comes; False only when not ``blocking``
        and the budget is spent right now."""
        taken, wait_us = self.link.run(_TAKE, [self.key], self._args(blocking))
        if taken and wait_us:
            time.sleep(wait_us / 1_000_000)
        return bool(taken)

    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async :meth:`acquire` (sleeps with ``asyncio.sleep``)."""
        taken, wait_us = await self.link.arun(_TAKE, [self.key], self._args(blocking))
        if taken and wait_us:
            await asyncio.sleep(wait_us / 1_000_000)
        return bool(taken)

    def close(self) -> None:
        """Close the sync Redis connections."""
        self.link.close()

    async def aclose(self) -> None:
        """Close the running event loop's Redis connections."""
        await self.link.aclose()
