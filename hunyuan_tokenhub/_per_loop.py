"""One object per asyncio event loop, built on first use in that loop.

An ``httpx.AsyncClient`` pool is bound to the loop it first ran on (a second ``asyncio.run``
would otherwise fail with "Event loop is closed"), so async clients and their pools are kept
per loop; an entry goes away with its loop.

Usage::

    pools: PerLoop[httpx.AsyncClient] = PerLoop()
    pool = pools.get(httpx.AsyncClient)  # inside a running loop: the same object every time
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["PerLoop"]

T = TypeVar("T")


class PerLoop(Generic[T]):
    """Objects keyed by the running event loop; thread-safe."""

    __slots__ = ("_items", "_lock")

    def __init__(self) -> None:
        self._items: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, build: Callable[[], T]) -> T:
        """The running loop's object, made with ``build()`` if this loop has none yet."""
        loop = asyncio.get_running_loop()
        with self._lock:
            item = self._items.get(loop)
            if item is None:
                item = self._items[loop] = build()
            return item

    def pop(self) -> T | None:
        """Forget the running loop's object and return it (``None`` if it had none)."""
        with self._lock:
            return self._items.pop(asyncio.get_running_loop(), None)
