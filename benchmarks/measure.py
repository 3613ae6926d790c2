"""Timing loops bounded both in count and in time, and their medians.

Every loop runs a few unmeasured warm-up calls, then measured calls until ``max_runs`` or until
``max_seconds`` have passed (but at least ``min_runs``). The garbage collector is run before
each loop so one contender does not pay for another's garbage.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    warmup: int
    min_runs: int
    max_runs: int
    max_seconds: float

    def scaled(self, factor: float) -> Budget:
        """The same budget with fewer/more runs and seconds (for long calls such as streams)."""
        return Budget(
            self.warmup,
            self.min_runs,
            max(self.min_runs, round(self.max_runs * factor)),
            self.max_seconds * factor,
        )


CALL_BUDGET = Budget(warmup=20, min_runs=20, max_runs=400, max_seconds=2.0)
STREAM_BUDGET = Budget(warmup=1, min_runs=3, max_runs=15, max_seconds=3.0)
QUICK_CALL_BUDGET = Budget(warmup=3, min_runs=5, max_runs=30, max_seconds=0.3)
QUICK_STREAM_BUDGET = Budget(warmup=1, min_runs=2, max_runs=3, max_seconds=0.5)


def median(values: list[float]) -> float:
    return statistics.median(values)


def _keep_going(runs: int, started: float, budget: Budget) -> bool:
    if runs < budget.min_runs:
        return True
    return runs < budget.max_runs and time.perf_counter() - started < budget.max_seconds


def time_calls(call: Callable[[], Any], budget: Budget) -> list[float]:
    """Seconds per call."""
    for _ in range(budget.warmup):
        call()
    gc.collect()
    durations: list[float] = []
    started = time.perf_counter()
    while _keep_going(len(durations), started, budget):
        begin = time.perf_counter()
        call()
        durations.append(time.perf_counter() - begin)
    return durations


async def atime_calls(call: Callable[[], Awaitable[Any]], budget: Budget) -> list[float]:
    """Seconds per awaited call, one at a time."""
    for _ in range(budget.warmup):
        await call()
    gc.collect()
    durations: list[float] = []
    started = time.perf_counter()
    while _keep_going(len(durations), started, budget):
        begin = time.perf_counter()
        await call()
        durations.append(time.perf_counter() - begin)
    return durations


@dataclass
class StreamTimes:
    """Per run: seconds to the first chunk, seconds to the end, chunks the client yielded."""

    first: list[float]
    total: list[float]
    yielded: int


def _drain(stream: Iterator[Any], begin: float) -> tuple[float, float, int]:
    first = 0.0
    count = 0
    for _ in stream:
        if count == 0:
            first = time.perf_counter() - begin
        count += 1
    return first, time.perf_counter() - begin, count


async def _adrain(stream: AsyncIterator[Any], begin: float) -> tuple[float, float, int]:
    first = 0.0
    count = 0
    async for _ in stream:
        if count == 0:
            first = time.perf_counter() - begin
        count += 1
    return first, time.perf_counter() - begin, count


def time_stream(open_stream: Callable[[], Iterator[Any]], budget: Budget) -> StreamTimes:
    for _ in range(budget.warmup):
        _drain(open_stream(), time.perf_counter())
    gc.collect()
    times = StreamTimes([], [], 0)
    started = time.perf_counter()
    while _keep_going(len(times.total), started, budget):
        begin = time.perf_counter()
        first, total, times.yielded = _drain(open_stream(), begin)
        times.first.append(first)
        times.total.append(total)
    return times


async def atime_stream(
    open_stream: Callable[[], AsyncIterator[Any]], budget: Budget
) -> StreamTimes:
    for _ in range(budget.warmup):
        await _adrain(open_stream(), time.perf_counter())
    gc.collect()
    times = StreamTimes([], [], 0)
    started = time.perf_counter()
    while _keep_going(len(times.total), started, budget):
        begin = time.perf_counter()
        first, total, times.yielded = await _adrain(open_stream(), begin)
        times.first.append(first)
        times.total.append(total)
    return times


_LOOP: asyncio.AbstractEventLoop | None = None


def run_async(coro: Awaitable[Any]) -> Any:
    """Run ``coro`` on the one event loop of the whole run.

    Some clients (langchain-openai's default async ``httpx`` client) are cached per process,
    and pooled connections belong to the loop that opened them; one loop keeps them valid.
    """
    global _LOOP
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
        asyncio.set_event_loop(_LOOP)
    return _LOOP.run_until_complete(coro)
