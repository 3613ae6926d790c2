"""A submit the server refuses for its concurrency limit lowers the family's limit in Redis, for
every worker sharing it, until a submit is accepted."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import redis

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient, JobResult, RedisJobSlots
from tests.shared_limits.conftest import CLIENT_OPTIONS

FAMILY = "test-video"
VIDEO = "hy-video-1.5"  # its own concurrency family


def _lowered(url: str, slots: RedisJobSlots, family: str) -> bytes | None:
    client = redis.Redis.from_url(url)
    try:
        value = client.get(slots.keys(family)[4])
        return value if isinstance(value, bytes) else None
    finally:
        client.close()


def _refusals(emulator: TokenHubEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path.endswith("/video/submit") and r.status == 429)


def test_a_refusal_in_one_worker_lowers_the_limit_of_every_worker(redis_url: str) -> None:
    worker, other = (RedisJobSlots(redis_url, 3, lease_seconds=5) for _ in range(2))
    leases = [worker.acquire(FAMILY, default_limit=1, timeout=1) for _ in range(3)]
    worker.refused(FAMILY)  # the third submit was refused: 2 run on the server
    assert _lowered(redis_url, worker, FAMILY) == b"2"
    leases[2].release()  # the refused job gave up its slot
    got: list[Any] = []
    waiter = threading.Thread(
        target=lambda: got.append(other.acquire(FAMILY, default_limit=1, timeout=5))
    )
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # 2 held, lowered limit 2: the other worker waits too
    worker.accepted(FAMILY)
    waiter.join(5)
    assert got and other.active(FAMILY) == 3
    assert _lowered(redis_url, worker, FAMILY) is None
    for lease in [*leases[:2], *got]:
        lease.release()
    worker.close()
    other.close()


def test_a_refusal_never_lowers_the_limit_below_one(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, 2, lease_seconds=5)
    lease = slots.acquire(FAMILY, default_limit=1, timeout=1)
    slots.refused(FAMILY)  # refused with no other job running: the account may still run one
    assert _lowered(redis_url, slots, FAMILY) == b"1"
    lease.release()
    again = slots.acquire(FAMILY, default_limit=1, timeout=1)
    again.release()
    slots.close()


def test_two_workers_above_the_server_limit_wait_in_redis_after_the_first_refusal(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    # The account runs 2 video jobs at once; both workers were told 4.
    emulator.jobs.set_concurrency({VIDEO: 2})
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.15)
    options: dict[str, Any] = {**CLIENT_OPTIONS, "max_concurrent_jobs": 4}
    stores = [RedisJobSlots(redis_url, 4, lease_seconds=5) for _ in range(2)]
    clients = [JobClient(base_url=emulator.base_url, slots=s, **options) for s in stores]
    results: list[JobResult] = []

    def make(index: int) -> None:
        results.append(clients[index % 2].generate(VIDEO, prompt=f"boat {index}"))

    threads = [threading.Thread(target=make, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len({r.job_id for r in results}) == 6
    assert emulator.jobs.submit_count(VIDEO) == 6
    # Each accepted submit restores the configured limit, so a few more refusals follow; without
    # the lowering, the refused submits go straight back to the server (30-40 refusals here).
    assert 1 <= _refusals(emulator) <= 12
    assert _lowered(redis_url, stores[0], VIDEO) is None  # accepted again: the limit is back
    assert stores[0].active(VIDEO) == 0
    for client, store in zip(clients, stores, strict=True):
        client.close()
        store.close()


async def test_the_async_client_lowers_and_restores_the_redis_limit(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.set_concurrency({VIDEO: 2})
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.15)
    slots = RedisJobSlots(redis_url, 4, lease_seconds=5)
    options: dict[str, Any] = {**CLIENT_OPTIONS, "max_concurrent_jobs": 4}
    async with AsyncJobClient(base_url=emulator.base_url, slots=slots, **options) as jobs:
        results = await asyncio.gather(
            *(jobs.generate(VIDEO, prompt=f"boat {i}") for i in range(4))
        )
    assert len({r.job_id for r in results}) == 4
    assert 1 <= _refusals(emulator) <= 8  # without the lowering: 12-14
    assert _lowered(redis_url, slots, VIDEO) is None
    await slots.aclose()
    slots.close()
