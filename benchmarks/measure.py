"""Timing loops bounded both in count and in time, and their medians.

Every loop runs a few unmeasured warm-up calls, then measured calls until ``max_runs`` or until
``max_seconds`` have passed (but at least ``min_runs``).

Before measuring, the heap is collected and frozen (``gc.freeze``): this process has LangChain,
LlamaIndex, openai and both our adapters loaded, and a full collection walks all of that
(~100 ms here). A streamed call that allocates enough (LangChain keeps every chunk of a stream)
triggers such collections at points that depend on the previous contender's allocations, which
made stream timings jump between ~50 and ~150 ms. Frozen, a collection walks only what was
allocated since, so each client pays for its own garbage and not for the benchmark's imports.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Budget:
    warmup: int
    min_runs: int
    max_runs: int
    max_seconds: float


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


@dataclass(frozen=True)
class Sample:
    """One measured call: wall seconds, this process's CPU seconds, seconds to the first chunk."""

    wall: float
    cpu: float
    first: float | None = None
    chunks: int = 0


def call_sample(call: Callable[[], Any]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


async def acall_sample(call: Callable[[], Awaitable[Any]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await call()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


def stream_sample(open_stream: Callable[[], Iterator[Any]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    first: float | None = None
    count = 0
    for _ in open_stream():
        if first is None:
            first = time.perf_counter() - wall
        count += 1
    return Sample(time.perf_counter() - wall, time.process_time() - cpu, first, count)


async def astream_sample(open_stream: Callable[[], AsyncIterator[Any]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    first: float | None = None
    count = 0
    async for _ in open_stream():
        if first is None:
            first = time.perf_counter() - wall
        count += 1
    return Sample(time.perf_counter() - wall, time.process_time() - cpu, first, count)


def interleave(
    runners: Mapping[str, Callable[[], Sample]], budget: Budget
) -> dict[str, list[Sample]]:
    """Warm every runner, then take turns, one sample each per round, until the budget ends.

    Taking turns spreads any drift in the machine's load evenly over the contenders, so their
    ratios stay meaningful even when absolute times wander.
    """
    for run in runners.values():
        for _ in range(budget.warmup):
            run()
    with frozen_heap():
        return _rounds(runners, budget)


def _rounds(runners: Mapping[str, Callable[[], Sample]], budget: Budget) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {name: [] for name in runners}
    scaled = _for(budget, len(runners))
    started = time.perf_counter()
    rounds = 0
    while _keep_going(rounds, started, scaled):
        for name, run in runners.items():
            samples[name].append(run())
        rounds += 1
    return samples


async def ainterleave(
    runners: Mapping[str, Callable[[], Awaitable[Sample]]], budget: Budget
) -> dict[str, list[Sample]]:
    """Async :func:`interleave`."""
    for run in runners.values():
        for _ in range(budget.warmup):
            await run()
    with frozen_heap():
        samples: dict[str, list[Sample]] = {name: [] for name in runners}
        scaled = _for(budget, len(runners))
        started = time.perf_counter()
        rounds = 0
        while _keep_going(rounds, started, scaled):
            for name, run in runners.items():
                samples[name].append(await run())
            rounds += 1
        return samples


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Collect, then exempt every object alive now from later collections (see module doc)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _for(budget: Budget, contenders: int) -> Budget:
    """The budget of a whole round-robin: the same runs each, the seconds of all together."""
    return Budget(budget.warmup, budget.min_runs, budget.max_runs, budget.max_seconds * contenders)


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
