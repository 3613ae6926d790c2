"""Client-side concurrency limits per model family: the store interface and its in-process kind.

An account runs one generation job at a time by default (three for HY-3D-3.0/3.1). Queueing
locally is cheaper and fairer than letting the server refuse: each family has a number of
slots, a job holds one from submit until it is done, and waiters are served in order.

A :class:`SlotStore` hands out :class:`SlotLease` objects. :class:`JobSlots` keeps the slots in
this process; one may be shared by a sync and an async client (the LangChain tools do), so the
waiting works for threads and for any event loop alike. :class:`RedisJobSlots` (in
``_redis_slots``) shares them between processes and machines. The stores also carry the job
durations their clients learn (:class:`JobDurations`), so clients sharing slots share those too.
"""

from __future__ import annotations

import asyncio
import os
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Mapping

from ._polling import JobDurations

__all__ = [
    "JOB_SLOTS_URL_ENV_VAR",
    "JobSlots",
    "SlotLease",
    "SlotStore",
    "SlotWaitTimeout",
    "open_job_slots",
]

JOB_SLOTS_URL_ENV_VAR = "HUNYUAN_JOB_SLOTS_URL"


class SlotWaitTimeout(Exception):
    """No slot became free in time (internal; the client turns it into a public error)."""


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _Waiter:
    """A queued acquirer that is woken by handing it a slot."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.granted = False
        self._loop = loop
        self._event = threading.Event() if loop is None else None
        self.future: asyncio.Future[None] | None = loop.create_future() if loop else None

    def grant(self) -> None:
        self.granted = True
        if self._event is not None:
            self._event.set()
        elif self._loop is not None and self.future is not None:
            self._loop.call_soon_threadsafe(_resolve, self.future)

    def wait(self, timeout: float | None) -> None:
        assert self._event is not None
        self._event.wait(timeout)


class SlotLease(ABC):
    """One held slot; give it back exactly once with :meth:`release` (or :meth:`release_async`
    from async code). Releasing twice is harmless."""

    family: str

    @abstractmethod
    def release(self) -> None:
        """Give the slot back (the longest waiter gets it)."""

    async def release_async(self) -> None:
        """Give the slot back from async code (never blocks the event loop on I/O)."""
        self.release()


class SlotStore(ABC):
    """Where job slots live: the per-family limits, waiting, and the durations clients learn.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient, open_job_slots

            # Redis when HUNYUAN_JOB_SLOTS_URL is set, else slots in this process only.
            slots = open_job_slots({"hy-image-v3.0": 1})
            with JobClient(slots=slots) as jobs, JobClient(slots=slots) as other:
                print(jobs.generate("hy-image-v3.0", prompt="a koi pond").urls)
                print(other.slots.active("hy-image-v3.0"))  # 0: the job is done

    ``limits`` is an int for every family or ``{family_or_model: n}``; families not named get
    the documented default the caller passes. :class:`JobSlots` keeps them in this process,
    :class:`RedisJobSlots` shares them between processes and machines.
    """

    def __init__(
        self,
        limits: int | Mapping[str, int] | None = None,
        *,
        durations: JobDurations | None = None,
    ) -> None:
        if isinstance(limits, int) and limits < 1:
            raise ValueError(f"max_concurrent_jobs must be >= 1, got {limits}")
        if isinstance(limits, Mapping) and any(v < 1 for v in limits.values()):
            raise ValueError(f"every max_concurrent_jobs value must be >= 1, got {dict(limits)}")
        self._limits = limits
        self.durations = durations if durations is not None else JobDurations()

    def limit(self, family: str, default_limit: int) -> int:
        """The slots of ``family``: the configured number, else the documented default."""
        if isinstance(self._limits, int):
            return self._limits
        if self._limits is not None and family in self._limits:
            return self._limits[family]
        return default_limit

    @abstractmethod
    def active(self, family: str) -> int:
        """Slots of ``family`` held right now."""

    @abstractmethod
    def close(self) -> None:
        """Close connections to where the slots live."""

    @abstractmethod
    async def aclose(self) -> None:
        """Close the running event loop's connections to where the slots live."""

    @abstractmethod
    def acquire(self, family: str, *, default_limit: int, timeout: float | None) -> SlotLease:
        """Block until a slot of ``family`` is held; :class:`SlotWaitTimeout` after ``timeout``."""

    @abstractmethod
    async def acquire_async(
        self, family: str, *, default_limit: int, timeout: float | None
    ) -> SlotLease:
        """Async :meth:`acquire`; cancelling the awaiting task leaves the queue at once."""


class _LocalLease(SlotLease):
    def __init__(self, slots: JobSlots, family: str) -> None:
        self.family = family
        self._slots: JobSlots | None = slots

    def release(self) -> None:
        slots, self._slots = self._slots, None
        if slots is not None:
            slots.hand_over(self.family)


class JobSlots(SlotStore):
    """Counting slots per family in this process, with FIFO hand-off.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobSlots

            slots = JobSlots({"hy-3d-pro": 3})
            lease = slots.acquire("hy-3d-pro", default_limit=1, timeout=60)
            try:
                ...  # submit and wait
            finally:
                lease.release()
    """

    def __init__(
        self,
        limits: int | Mapping[str, int] | None = None,
        *,
        durations: JobDurations | None = None,
    ) -> None:
        super().__init__(limits, durations=durations)
        self._lock = threading.Lock()
        self._active: dict[str, int] = {}
        self._waiters: dict[str, deque[_Waiter]] = {}

    def active(self, family: str) -> int:
        """Slots of ``family`` held right now."""
        with self._lock:
            return self._active.get(family, 0)

    def _try_take(self, family: str, default_limit: int, waiter: _Waiter) -> bool:
        with self._lock:
            queue = self._waiters.setdefault(family, deque())
            if not queue and self._active.get(family, 0) < self.limit(family, default_limit):
                self._active[family] = self._active.get(family, 0) + 1
                return True
            queue.append(waiter)
            return False

    def _leave_queue(self, family: str, waiter: _Waiter) -> bool:
        """Leave the queue: False when a slot was handed over meanwhile (then it is held)."""
        with self._lock:
            if waiter.granted:
                return False
            self._waiters[family].remove(waiter)
            return True

    def acquire(self, family: str, *, default_limit: int, timeout: float | None) -> SlotLease:
        """Block until a slot of ``family`` is held; :class:`SlotWaitTimeout` after ``timeout``."""
        waiter = _Waiter(None)
        if not self._try_take(family, default_limit, waiter):
            waiter.wait(timeout)
            if not waiter.granted and self._leave_queue(family, waiter):
                raise SlotWaitTimeout(family)
        return _LocalLease(self, family)

    async def acquire_async(
        self, family: str, *, default_limit: int, timeout: float | None
    ) -> SlotLease:
        """Async :meth:`acquire`; cancelling the awaiting task leaves the queue at once."""
        waiter = _Waiter(asyncio.get_running_loop())
        if self._try_take(family, default_limit, waiter):
            return _LocalLease(self, family)
        assert waiter.future is not None
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        except asyncio.TimeoutError:
            if self._leave_queue(family, waiter):
                raise SlotWaitTimeout(family) from None
        except asyncio.CancelledError:
            if not self._leave_queue(family, waiter):
                self.hand_over(family)
            raise
        return _LocalLease(self, family)

    def close(self) -> None:
        """Nothing to close: these slots live in this process."""

    async def aclose(self) -> None:
        """Nothing to close: these slots live in this process."""

    def hand_over(self, family: str) -> None:
        """Give a slot back, handing it to the longest waiter if there is one."""
        with self._lock:
            queue = self._waiters.get(family)
            if queue:
                queue.popleft().grant()
                return
            self._active[family] = max(0, self._active.get(family, 0) - 1)


def open_job_slots(
    limits: int | Mapping[str, int] | None = None, *, url: str | None = None
) -> SlotStore:
    """The slot store the settings choose: Redis at ``url`` (else env ``HUNYUAN_JOB_SLOTS_URL``)
    shared by every worker using it, else slots in this process only."""
    url = url or os.environ.get(JOB_SLOTS_URL_ENV_VAR, "").strip()
    if not url:
        return JobSlots(limits)
    from ._redis_slots import RedisJobSlots

    return RedisJobSlots(url, limits)
