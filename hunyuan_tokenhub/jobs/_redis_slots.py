"""Job slots shared by every process and machine using one Redis: a fair distributed semaphore.

Per family, Redis holds (all keys share the ``{family}`` hash tag, so a cluster keeps them on
one node):

* ``holders``: a sorted set of lease tokens scored by when each lease expires (server clock);
* ``queue``: waiting tokens scored by a ticket drawn from the ``tickets`` counter (arrival order);
* ``waiters``: the same tokens scored by when the waiter must next check in.

Every step is one Lua script, atomic on the server. A waiter takes a slot only when it is among
the first ``limit - holders`` of the queue, so slots go first come, first served. It then blocks
on its own wake-up list (BLPOP) until a release pushes to it, or until the oldest lease could
have expired, or until it must check in again: it never polls in a tight loop. Each script first
drops leases whose holder stopped renewing them (a worker killed with SIGKILL frees its slot
within one lease time) and waiters that stopped checking in. The holder's process renews its
leases from one background thread every third of the lease time while the job runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from .._exceptions import SharedLimitsUnavailableError
from .._redis import MAX_BLOCK_SECONDS, RedisLink
from ._polling import JobDurations
from ._slots import SlotLease, SlotStore, SlotWaitTimeout

__all__ = ["DEFAULT_LEASE_SECONDS", "RedisJobSlots"]

logger = logging.getLogger("hunyuan_tokenhub")

DEFAULT_LEASE_SECONDS = 30.0
_PURPOSE = "shared job slots"

_COMMON = """
local holders, queue, waiters, tickets = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Leases not renewed in time (their holder died) and waiters that stopped checking in.
local function purge(now)
  local dropped = redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  for _, token in ipairs(redis.call('ZRANGEBYSCORE', waiters, '-inf', now)) do
    redis.call('ZREM', waiters, token)
    redis.call('ZREM', queue, token)
    dropped = dropped + 1
  end
  return dropped
end
-- Tells the waiters at the head of the queue that a slot is theirs to take.
local function wake(limit, wake_prefix, ttl)
  local free = limit - redis.call('ZCARD', holders)
  if free > 0 then
    for _, token in ipairs(redis.call('ZRANGE', queue, 0, free - 1)) do
      local key = wake_prefix .. token
      redis.call('RPUSH', key, 1)
      redis.call('PEXPIRE', key, ttl)
    end
  end
end
"""

# ARGV: token, limit, lease ms, waiter check-in ms, wake-up key prefix.
# Returns {1, 0} when the slot is held, else {0, ms until the oldest lease could expire}.
_ACQUIRE = (
    _COMMON
    + """
local token, limit, lease, ttl, wake_prefix =
  ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local now = now_ms()
local dropped = purge(now)
if redis.call('ZSCORE', holders, token) then
  redis.call('ZADD', holders, now + lease, token)
  return {1, 0}
end
if not redis.call('ZSCORE', queue, token) then
  redis.call('ZADD', queue, redis.call('INCR', tickets), token)
end
local granted = 0
if redis.call('ZRANK', queue, token) < limit - redis.call('ZCARD', holders) then
  redis.call('ZREM', queue, token)
  redis.call('ZREM', waiters, token)
  redis.call('DEL', wake_prefix .. token)
  redis.call('ZADD', holders, now + lease, token)
  granted = 1
else
  redis.call('ZADD', waiters, now + ttl, token)
end
if dropped > 0 then
  wake(limit, wake_prefix, ttl)
end
if granted == 1 then
  return {1, 0}
end
local oldest = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
if oldest[2] then
  return {0, math.max(1, tonumber(oldest[2]) - now + 1)}
end
return {0, ttl}
"""
)

# ARGV: token, limit, waiter check-in ms, wake-up key prefix. Also abandons a wait.
_RELEASE = (
    _COMMON
    + """
local token, limit, ttl, wake_prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local held = redis.call('ZREM', holders, token)
redis.call('ZREM', queue, token)
redis.call('ZREM', waiters, token)
redis.call('DEL', wake_prefix .. token)
purge(now_ms())
wake(limit, wake_prefix, ttl)
return held
"""
)

# ARGV: token, lease ms. Returns 0 when the lease was already lost.
_RENEW = (
    _COMMON
    + """
if redis.call('ZSCORE', holders, ARGV[1]) then
  redis.call('ZADD', holders, now_ms() + tonumber(ARGV[2]), ARGV[1])
  return 1
end
return 0
"""
)

_ACTIVE = _COMMON + "return redis.call('ZCOUNT', holders, now_ms(), '+inf')"


class _RedisLease(SlotLease):
    def __init__(self, store: RedisJobSlots, family: str, token: str, limit: int) -> None:
        self.family = family
        self.token = token
        self.limit = limit
        self._store = store

    def release(self) -> None:
        if self._store.keeper.forget(self):
            self._store.give_back(self)

    async def release_async(self) -> None:
        if self._store.keeper.forget(self):
            await self._store.give_back_async(self)


class _LeaseKeeper:
    """Renews the leases one store holds, from one daemon thread, while any is held."""

    def __init__(self, store: RedisJobSlots) -> None:
        self._store = store
        self._leases: dict[str, _RedisLease] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def hold(self, lease: _RedisLease) -> None:
        with self._wake:
            if self._pid != os.getpid():
                # A forked child (gunicorn --preload) has neither the parent's thread nor its
                # leases: start afresh.
                self._pid, self._leases, self._thread = os.getpid(), {}, None
            self._leases[lease.token] = lease
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._renew_while_held, name="hunyuan-slot-leases", daemon=True
                )
                self._thread.start()

    def forget(self, lease: _RedisLease) -> bool:
        """Stop renewing ``lease``; False when it was already given back."""
        with self._wake:
            return self._leases.pop(lease.token, None) is not None

    def _renew_while_held(self) -> None:
        period = self._store.lease_seconds / 3
        while True:
            with self._wake:
                self._wake.wait(period)
                if not self._leases:
                    self._thread = None
                    return
                held = list(self._leases.values())
            for lease in held:
                # A lease released meanwhile is not renewed either: only a held one lapsed.
                if not self._store.renew(lease) and self.forget(lease):
                    self._store.lapsed(lease)


def _release_args(store: RedisJobSlots, lease: _RedisLease) -> list[Any]:
    return [lease.token, lease.limit, store.lease_ms, store.wake_prefix(lease.family)]


class _Wait:
    """One acquire: its lease-to-be, deadline, and what each attempt sends."""

    def __init__(self, store: RedisJobSlots, lease: _RedisLease, timeout: float | None) -> None:
        self.store = store
        self.lease = lease
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.keys = store.keys(lease.family)
        prefix = store.wake_prefix(lease.family)
        self.wake_key = prefix + lease.token
        self.acquire_args = [lease.token, lease.limit, store.lease_ms, store.lease_ms, prefix]
        self.release_args = _release_args(store, lease)

    def after(self, reply: list[int]) -> float:
        """0 once an attempt holds the slot, else how long to block for a wake-up;
        :class:`SlotWaitTimeout` when the time is up."""
        granted, retry_ms = reply
        if granted:
            return 0.0
        remaining = None if self.deadline is None else self.deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise SlotWaitTimeout(self.lease.family)
        # Check in well before the waiter entry lapses, and when the oldest lease may lapse.
        window = min(retry_ms / 1000, self.store.lease_seconds / 3, MAX_BLOCK_SECONDS)
        return max(0.001, window if remaining is None else min(window, remaining))


class RedisJobSlots(SlotStore):
    """Job slots shared through Redis by every worker process and machine using ``url``.

    Example:
        .. code-block:: python

            import os
            from hunyuan_tokenhub.jobs import JobClient, RedisJobSlots

            # Every worker (gunicorn, Celery, LangGraph replicas) points at the same Redis.
            slots = RedisJobSlots(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
            with JobClient(slots=slots) as jobs:  # key from TOKENHUB_API_KEY
                print(jobs.generate("hy-image-v3.0", prompt="a koi pond").urls)
            slots.close()

    Waiters get slots first come, first served across all workers. A held slot is a lease of
    ``lease_seconds`` that this process renews while the job runs, so the slot of a worker
    that dies (even by SIGKILL) is free again within ``lease_seconds``. ``limits`` works as for
    :class:`JobSlots`; workers sharing a URL should agree on it. ``namespace`` prefixes every
    key. An unreachable Redis raises :class:`SharedLimitsUnavailableError` at the first use:
    there is no fall-back to per-process slots. The usual choice is ``HUNYUAN_JOB_SLOTS_URL``,
    which every job client and tool reads when given no ``slots``.
    """

    def __init__(
        self,
        url: str,
        limits: int | Mapping[str, int] | None = None,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        namespace: str = "hunyuan-tokenhub",
        durations: JobDurations | None = None,
    ) -> None:
        super().__init__(limits, durations=durations)
        if lease_seconds < 0.1:
            raise ValueError(f"lease_seconds must be >= 0.1, got {lease_seconds}")
        self.lease_seconds = lease_seconds
        self.namespace = namespace
        self.link = RedisLink(url, purpose=_PURPOSE)
        self.keeper = _LeaseKeeper(self)

    def __repr__(self) -> str:
        return f"RedisJobSlots({self.link.masked_url!r}, lease_seconds={self.lease_seconds})"

    def keys(self, family: str) -> list[str]:
        """The Redis keys of ``family``'s slots (holders, queue, waiters, tickets)."""
        base = self._base(family)
        return [f"{base}:holders", f"{base}:queue", f"{base}:waiters", f"{base}:tickets"]

    def _base(self, family: str) -> str:
        return f"{self.namespace}:slots:{{{family}}}"

    def wake_prefix(self, family: str) -> str:
        """Where a waiter of ``family`` is woken: this prefix and its token."""
        return f"{self._base(family)}:wake:"

    @property
    def lease_ms(self) -> int:
        """The lease time (also a waiter's check-in time) in milliseconds."""
        return max(1, round(self.lease_seconds * 1000))

    def active(self, family: str) -> int:
        """Unexpired leases of ``family`` held right now, by any worker."""
        return int(self.link.run(_ACTIVE, self.keys(family), []))

    def _wait(self, family: str, default_limit: int, timeout: float | None) -> _Wait:
        limit = self.limit(family, default_limit)
        return _Wait(self, _RedisLease(self, family, uuid.uuid4().hex, limit), timeout)

    def acquire(self, family: str, *, default_limit: int, timeout: float | None) -> SlotLease:
        """Block until a slot of ``family`` is held; :class:`SlotWaitTimeout` after ``timeout``."""
        wait = self._wait(family, default_limit, timeout)
        try:
            while block := wait.after(self.link.run(_ACQUIRE, wait.keys, wait.acquire_args)):
                self.link.wait_for_push(wait.wake_key, block)
        except BaseException:
            # Leave the queue, and give back a slot whose grant reply may have been lost; if
            # Redis is down, the entry lapses on its own.
            with contextlib.suppress(SharedLimitsUnavailableError):
                self.link.run(_RELEASE, wait.keys, wait.release_args)
            raise
        self.keeper.hold(wait.lease)
        return wait.lease

    async def acquire_async(
        self, family: str, *, default_limit: int, timeout: float | None
    ) -> SlotLease:
        """Async :meth:`acquire`; cancelling the awaiting task leaves the queue at once."""
        wait = self._wait(family, default_limit, timeout)
        try:
            while block := wait.after(await self.link.arun(_ACQUIRE, wait.keys, wait.acquire_args)):
                await self.link.await_push(wait.wake_key, block)
        except BaseException:
            # Shielded: a second cancellation must not leave the token queued or holding.
            with contextlib.suppress(SharedLimitsUnavailableError):
                await asyncio.shield(self.link.arun(_RELEASE, wait.keys, wait.release_args))
            raise
        self.keeper.hold(wait.lease)
        return wait.lease

    def give_back(self, lease: _RedisLease) -> None:
        """Release ``lease`` in Redis; a failure is logged (the lease lapses on its own)."""
        try:
            self.link.run(_RELEASE, self.keys(lease.family), _release_args(self, lease))
        except SharedLimitsUnavailableError as exc:
            self._release_failed(lease, exc)

    async def give_back_async(self, lease: _RedisLease) -> None:
        """Async :meth:`give_back`."""
        try:
            await self.link.arun(_RELEASE, self.keys(lease.family), _release_args(self, lease))
        except SharedLimitsUnavailableError as exc:
            self._release_failed(lease, exc)

    def _release_failed(self, lease: _RedisLease, exc: SharedLimitsUnavailableError) -> None:
        # Raising here would lose a finished (paid) job's result; the slot frees itself.
        logger.warning(
            "could not release a %s job slot (%s); it frees itself within %.0f s",
            lease.family,
            exc,
            self.lease_seconds,
        )

    def renew(self, lease: _RedisLease) -> bool:
        """Extend ``lease`` by ``lease_seconds``; False once it is not held any more."""
        try:
            kept = self.link.run(_RENEW, self.keys(lease.family), [lease.token, self.lease_ms])
            return bool(kept)
        except SharedLimitsUnavailableError as exc:
            logger.warning("could not renew a %s job slot lease: %s", lease.family, exc)
            return True  # Redis may come back before the lease lapses: keep trying.

    def lapsed(self, lease: _RedisLease) -> None:
        """Say that a held lease lapsed before its renewal (the keeper has let it go)."""
        logger.warning(
            "a %s job slot lease lapsed before it was renewed (process paused for more than "
            "%.0f s?); another worker may start a job of that family meanwhile",
            lease.family,
            self.lease_seconds,
        )

    def close(self) -> None:
        """Close the sync Redis connections (held leases stay held)."""
        self.link.close()

    async def aclose(self) -> None:
        """Close the running event loop's Redis connections."""
        await self.link.aclose()
