"""One object per asyncio event loop, built on first use in that loop, gone when the loop ends.

An ``httpx.AsyncClient`` pool is bound to the loop it first ran on (a second ``asyncio.run``
would otherwise fail with "Event loop is closed"), so async clients and their pools are kept
per loop. A pool's open connections refer to their loop, so a cache keyed weakly by the loop
would keep both alive for good: every ``asyncio.run(...)`` of a script, notebook cell or task
queue would leave a socket, a pool and a closed loop behind.

So each entry is closed while its loop can still run the closing: an async generator started
in the loop is registered with it (``sys.set_asyncgen_hooks``), and the loop's shutdown
(``loop.shutdown_asyncgens()``, which ``asyncio.run`` and ``asyncio.Runner`` call before they
close the loop) finalises it, which closes the entry's object with ``close`` and forgets it. A
loop closed without that shutdown is found closed on the next use of the cache from any loop;
its entries are forgotten then (their sockets close as the objects are collected).

Usage::

    pools: PerLoop[httpx.AsyncClient] = PerLoop(close=lambda pool: pool.aclose())
    pool = pools.get(httpx.AsyncClient)  # inside a running loop: the same object every time
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["PerLoop"]

logger = logging.getLogger("hunyuan_tokenhub")

T = TypeVar("T")


class _Entry(Generic[T]):
    __slots__ = ("closer", "forgotten", "loop_is_closed", "value")

    def __init__(self, value: T, loop_is_closed: Callable[[], bool]) -> None:
        self.value = value
        # The bound method keeps the loop alive only as long as this entry lives.
        self.loop_is_closed = loop_is_closed
        self.closer: AsyncGenerator[None, None] | None = None
        self.forgotten = False

    def forget(self) -> None:
        """Finish the closer without closing the value (the loop cannot or need not)."""
        self.forgotten = True
        closer, self.closer = self.closer, None
        if closer is not None:
            # A finished generator is not handed to its (maybe closed) loop's finaliser.
            with contextlib.suppress(StopIteration):
                closer.aclose().send(None)


class PerLoop(Generic[T]):
    """Objects keyed by the running event loop; thread-safe.

    ``close`` (optional) is awaited on an object when its loop shuts down.
    """

    __slots__ = ("_close", "_items", "_lock")

    def __init__(self, close: Callable[[T], Awaitable[object]] | None = None) -> None:
        # Keyed by id(loop), not by the loop: a closed loop must not stay reachable from here.
        self._items: dict[int, _Entry[T]] = {}
        self._lock = threading.Lock()
        self._close = close

    def get(self, build: Callable[[], T]) -> T:
        """The running loop's object, made with ``build()`` if this loop has none yet."""
        loop = asyncio.get_running_loop()
        key = id(loop)
        with self._lock:
            stale = self._forget_closed_loops()
            entry = self._items.get(key)
            if entry is None:
                entry = self._items[key] = _Entry(build(), loop.is_closed)
                fresh = True
            else:
                fresh = False
        for old in stale:
            old.forget()
        if not fresh:
            return entry.value
        entry.closer = self._closer(key, entry)
        # Starting the generator registers it with the running loop (its first-iteration
        # hook); it then waits at its yield until the loop's shutdown finalises it.
        with contextlib.suppress(StopIteration):
            entry.closer.asend(None).send(None)
        return entry.value

    def pop(self) -> T | None:
        """Forget the running loop's object and return it (``None`` if it had none)."""
        with self._lock:
            entry = self._items.pop(id(asyncio.get_running_loop()), None)
        if entry is None:
            return None
        entry.forget()  # the caller closes the object
        return entry.value

    async def _closer(self, key: int, entry: _Entry[T]) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if entry.forgotten:
                return  # noqa: B012 - nothing to close; the generator just ends
            with self._lock:
                owned = self._items.get(key) is entry
                if owned:
                    del self._items[key]
            if owned and self._close is not None:
                try:
                    await self._close(entry.value)
                except Exception:  # a failed close must not break the loop's shutdown
                    logger.debug("closing a per-loop client at loop shutdown failed", exc_info=True)

    def _forget_closed_loops(self) -> list[_Entry[T]]:
        closed = [key for key, entry in self._items.items() if entry.loop_is_closed()]
        return [self._items.pop(key) for key in closed]
