"""What sharing limits through Redis costs: slot acquire + release, and a rate-limit turn.

Usage (from the repository root; needs Debian's ``redis-server`` and the ``[redis]`` extra)::

    python -m benchmarks.shared_limits            # starts its own redis-server on loopback
    python -m benchmarks.shared_limits --redis-url redis://127.0.0.1:6379/0

Rows, microseconds per operation (median of rounds):

* ``acquire+release``: one uncontended slot taken and given back, in-process ``JobSlots`` vs
  ``RedisJobSlots`` (two Lua scripts, two round trips), sync and asyncio;
* ``hand-off``: a waiting thread gets the slot another thread releases (in-process: a
  ``threading.Event``; Redis: the release script's push waking the waiter's BLPOP, then its
  acquire script);
* ``rate-limit turn``: one ``RedisRateLimit.acquire`` that need not wait (one round trip).

A generation job lasts seconds to minutes, so any of these is noise next to it; the numbers
show what Redis adds per job.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hunyuan_tokenhub import RedisRateLimit
from hunyuan_tokenhub.jobs import JobSlots, RedisJobSlots, SlotStore

FAMILY = "bench-family"


def _per_op_us(run_round: Callable[[], float], rounds: int) -> float:
    """Median over rounds of microseconds per operation (``run_round`` returns that)."""
    run_round()  # warm: connections, scripts loaded, threads started
    return statistics.median(run_round() for _ in range(rounds))


def _acquire_release(slots: SlotStore, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        slots.acquire(FAMILY, default_limit=1, timeout=5).release()
    return (time.perf_counter() - started) / count * 1e6


def _acquire_release_async(slots: SlotStore, count: int) -> float:
    async def rounds() -> float:
        started = time.perf_counter()
        for _ in range(count):
            lease = await slots.acquire_async(FAMILY, default_limit=1, timeout=5)
            await lease.release_async()
        elapsed = (time.perf_counter() - started) / count * 1e6
        await slots.aclose()
        return elapsed

    return asyncio.run(rounds())


def _hand_off(slots: SlotStore, count: int) -> float:
    """Median microseconds from a release to the waiting thread holding the slot."""
    delays = []
    got: list[float] = []

    def wait_for_the_slot() -> None:
        lease = slots.acquire(FAMILY, default_limit=1, timeout=5)
        got.append(time.perf_counter())
        lease.release()

    for _ in range(count):
        lease = slots.acquire(FAMILY, default_limit=1, timeout=5)
        waiter = threading.Thread(target=wait_for_the_slot)
        waiter.start()
        time.sleep(0.002)  # let it queue
        released = time.perf_counter()
        lease.release()
        waiter.join(5)
        delays.append((got.pop() - released) * 1e6)
    return statistics.median(delays)


def _rate_turns(limit: RedisRateLimit, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        limit.acquire()
    return (time.perf_counter() - started) / count * 1e6


@contextmanager
def _redis(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.redis_server import running_redis  # the tests' loopback server

    with tempfile.TemporaryDirectory() as directory, running_redis(Path(directory)) as started:
        yield started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shared_limits")
    parser.add_argument("--redis-url", help="an existing Redis (default: start one)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=500, help="operations per round")
    args = parser.parse_args(argv)
    rounds, count = args.rounds, args.count
    with _redis(args.redis_url) as url:
        local = JobSlots()
        shared = RedisJobSlots(url, namespace="bench")
        limit = RedisRateLimit(url, requests_per_second=1e9, max_bucket_size=10**9, name="bench")
        rows = [
            ("acquire+release, sync", lambda s: _acquire_release(s, count)),
            ("acquire+release, asyncio", lambda s: _acquire_release_async(s, count)),
            ("hand-off to a waiting thread", lambda s: _hand_off(s, count // 10)),
        ]
        print(f"{'µs per operation (median)':<34}{'in-process':>12}{'Redis':>12}")
        for name, measure in rows:
            ours = _per_op_us(lambda m=measure: m(local), rounds)
            redis_us = _per_op_us(lambda m=measure: m(shared), rounds)
            print(f"{name:<34}{ours:>12.1f}{redis_us:>12.1f}")
        turn = _per_op_us(lambda: _rate_turns(limit, count), rounds)
        print(f"{'rate-limit turn (no wait)':<34}{'-':>12}{turn:>12.1f}")
        shared.close()
        limit.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
