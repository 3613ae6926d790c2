"""RedisJobSlots in one process: fairness, leases, leaving the queue, and the job clients."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
import redis

from hunyuan_tokenhub import ConfigurationError, SharedLimitsUnavailableError
from hunyuan_tokenhub._redis import mask_url
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    JobClient,
    JobFailedError,
    JobSlots,
    JobTimeoutError,
    RedisJobSlots,
    get_backend,
    open_job_slots,
)
from hunyuan_tokenhub.jobs._redis_slots import _ACQUIRE
from hunyuan_tokenhub.jobs._slots import SlotWaitTimeout
from tests.redis_server import free_port
from tests.shared_limits.conftest import CLIENT_OPTIONS

FAMILY = "test-family"
IMAGE = "hy-image-v3.0"


def _queue_length(url: str, slots: RedisJobSlots, family: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.zcard(slots.keys(family)[1]))
    finally:
        client.close()


def test_waiters_get_the_slot_in_arrival_order(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=5)
    holder = slots.acquire(FAMILY, default_limit=1, timeout=1)
    order: list[int] = []

    def wait_then_hold(index: int) -> None:
        lease = slots.acquire(FAMILY, default_limit=1, timeout=10)
        order.append(index)
        time.sleep(0.01)
        lease.release()

    threads = []
    for index in range(5):
        thread = threading.Thread(target=wait_then_hold, args=(index,))
        thread.start()
        threads.append(thread)
        while _queue_length(redis_url, slots, FAMILY) < index + 1:
            time.sleep(0.005)  # queued before the next one arrives
    holder.release()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2, 3, 4]
    assert slots.active(FAMILY) == 0
    slots.close()


def test_the_limit_is_the_documented_default_unless_configured(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, {"configured": 2}, lease_seconds=5)
    held = [slots.acquire(FAMILY, default_limit=3, timeout=1) for _ in range(3)]
    with pytest.raises(SlotWaitTimeout):
        slots.acquire(FAMILY, default_limit=3, timeout=0.05)
    assert slots.active(FAMILY) == 3
    held += [slots.acquire("configured", default_limit=5, timeout=1) for _ in range(2)]
    with pytest.raises(SlotWaitTimeout):
        slots.acquire("configured", default_limit=5, timeout=0.05)
    for lease in held:
        lease.release()
    assert slots.active(FAMILY) == slots.active("configured") == 0
    slots.close()


def test_a_timed_out_waiter_leaves_the_queue(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=5)
    holder = slots.acquire(FAMILY, default_limit=1, timeout=1)
    started = time.monotonic()
    with pytest.raises(SlotWaitTimeout):
        slots.acquire(FAMILY, default_limit=1, timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 1.0
    assert _queue_length(redis_url, slots, FAMILY) == 0
    holder.release()
    # Had the timed-out waiter stayed first in the queue, this would wait for it.
    slots.acquire(FAMILY, default_limit=1, timeout=0).release()
    slots.close()


async def test_a_cancelled_async_waiter_leaves_the_queue(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=5)
    holder = await slots.acquire_async(FAMILY, default_limit=1, timeout=1)
    waiter = asyncio.create_task(slots.acquire_async(FAMILY, default_limit=1, timeout=10))
    while _queue_length(redis_url, slots, FAMILY) == 0:
        await asyncio.sleep(0.005)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert _queue_length(redis_url, slots, FAMILY) == 0
    await holder.release_async()
    lease = await slots.acquire_async(FAMILY, default_limit=1, timeout=0)
    assert slots.active(FAMILY) == 1
    await lease.release_async()
    await lease.release_async()  # twice gives back nothing more
    assert slots.active(FAMILY) == 0
    await slots.aclose()
    slots.close()


def test_a_held_lease_is_renewed_until_released(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=0.3)
    lease = slots.acquire(FAMILY, default_limit=1, timeout=1)
    time.sleep(1.0)  # more than three lease times
    with pytest.raises(SlotWaitTimeout):
        slots.acquire(FAMILY, default_limit=1, timeout=0)
    lease.release()
    slots.acquire(FAMILY, default_limit=1, timeout=0).release()
    slots.close()


def test_a_lease_lost_while_held_is_reported_once(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=0.3)
    lease = slots.acquire(FAMILY, default_limit=1, timeout=1)
    # As if this process had been paused past its lease and another worker took the slot.
    client = redis.Redis.from_url(redis_url)
    client.delete(slots.keys(FAMILY)[0])
    client.close()
    with caplog.at_level("WARNING", logger="hunyuan_tokenhub"):
        time.sleep(0.5)  # more than one renewal period
    lapsed = [r for r in caplog.records if "lapsed before it was renewed" in r.getMessage()]
    assert len(lapsed) == 1
    lease.release()  # nothing left to give back: no error
    assert slots.active(FAMILY) == 0
    slots.close()


def test_a_waiter_that_stopped_checking_in_loses_its_place(redis_url: str) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=0.5)
    # A waiter that queued and died (its process was killed before its turn came).
    holder = slots.acquire(FAMILY, default_limit=1, timeout=1)
    dead = slots._wait(FAMILY, 1, None)
    granted, _ = slots.link.run(_ACQUIRE, dead.keys, dead.acquire_args)
    assert granted == 0
    holder.release()
    started = time.monotonic()
    slots.acquire(FAMILY, default_limit=1, timeout=5).release()
    assert time.monotonic() - started <= slots.lease_seconds + 0.3
    assert _queue_length(redis_url, slots, FAMILY) == 0
    slots.close()


@pytest.fixture
def slots_from_env(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUNYUAN_JOB_SLOTS_URL", redis_url)
    return redis_url


def _family(model: str) -> str:
    return get_backend().route(model).family


@pytest.mark.usefixtures("slots_from_env")
def test_the_env_var_puts_job_clients_on_redis_and_every_end_releases(
    emulator: TokenHubEmulator,
) -> None:
    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        assert isinstance(jobs.slots, RedisJobSlots)
        assert jobs.generate(IMAGE, prompt="a koi pond").urls
        assert jobs.slots.active(_family(IMAGE)) == 0
        emulator.jobs.fail_next(IMAGE)
        with pytest.raises(JobFailedError):
            jobs.generate(IMAGE, prompt="fails")
        assert jobs.slots.active(_family(IMAGE)) == 0
        emulator.jobs.timing = JobTiming(queued_s=60, running_s=0)
        with pytest.raises(JobTimeoutError):
            jobs.generate(IMAGE, prompt="slow", timeout=0.1)
        assert jobs.slots.active(_family(IMAGE)) == 0


@pytest.mark.usefixtures("slots_from_env")
async def test_a_cancelled_async_job_releases_its_redis_slot(emulator: TokenHubEmulator) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0, running_s=60)
    async with AsyncJobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        started = asyncio.Event()
        task = asyncio.create_task(
            jobs.generate(IMAGE, prompt="x", on_progress=lambda _: started.set())
        )
        await asyncio.wait_for(started.wait(), 5)
        assert jobs.slots.active(_family(IMAGE)) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert jobs.slots.active(_family(IMAGE)) == 0


def test_sync_and_async_clients_share_one_redis_store(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    slots = RedisJobSlots(redis_url, lease_seconds=5)
    active: list[int] = []

    def watch(_: Any) -> None:
        active.append(slots.active(_family(IMAGE)))

    async def twin() -> str:
        async with AsyncJobClient(
            base_url=emulator.base_url, slots=slots, **CLIENT_OPTIONS
        ) as jobs:  # type: ignore[arg-type]
            done = await asyncio.gather(
                *(jobs.generate(IMAGE, prompt=f"a{i}", on_progress=watch) for i in range(2))
            )
            await slots.aclose()
            return ",".join(r.job_id for r in done)

    with JobClient(base_url=emulator.base_url, slots=slots, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        thread_result: list[str] = []
        thread = threading.Thread(target=lambda: thread_result.append(asyncio.run(twin())))
        thread.start()
        ids = [jobs.generate(IMAGE, prompt=f"s{i}", on_progress=watch).job_id for i in range(2)]
        thread.join(30)
    assert len({*ids, *thread_result[0].split(",")}) == 4
    assert active and max(active) == 1
    assert not [r for r in emulator.requests if r.path.endswith("/submit") and r.status == 429]
    slots.close()


def test_an_unreachable_redis_fails_at_first_use_naming_the_masked_url(
    emulator: TokenHubEmulator,
) -> None:
    url = f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0"
    with JobClient(base_url=emulator.base_url, job_slots_url=url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        with pytest.raises(SharedLimitsUnavailableError) as info:
            jobs.generate(IMAGE, prompt="x")
    message = str(info.value)
    assert info.value.url in message and ":***@127.0.0.1:" in message
    assert "s3cret-pass" not in message + repr(jobs.slots)
    assert not emulator.requests  # never a silent fall-back to per-process slots


async def test_an_unreachable_redis_fails_async_clients_too(emulator: TokenHubEmulator) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    async with AsyncJobClient(
        base_url=emulator.base_url, job_slots_url=url, **CLIENT_OPTIONS
    ) as jobs:  # type: ignore[arg-type]
        with pytest.raises(
            SharedLimitsUnavailableError, match=r"shared job slots: Redis at redis://127"
        ):
            await jobs.generate(IMAGE, prompt="x")
    assert not emulator.requests


def test_open_job_slots_chooses_by_url_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUNYUAN_JOB_SLOTS_URL", raising=False)
    assert type(open_job_slots(2)) is JobSlots
    monkeypatch.setenv("HUNYUAN_JOB_SLOTS_URL", "redis://cache.internal:6379/3")
    chosen = open_job_slots({"hy-3d-pro": 2})
    assert isinstance(chosen, RedisJobSlots) and chosen.limit("hy-3d-pro", 3) == 2
    assert isinstance(open_job_slots(url="unix:///run/redis.sock"), RedisJobSlots)
    with pytest.raises(ConfigurationError, match=r"not a Redis URL; use redis://"):
        open_job_slots(url="memcached://:pw@cache:11211")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://user:p%40ss@[::1]:6380/2", "rediss://user:***@[::1]:6380/2"),
        ("redis://host/0", "redis://host/0"),
    ],
)
def test_urls_are_shown_with_the_password_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert shown in repr(RedisJobSlots(url))


def test_the_llama_index_tool_spec_takes_a_slots_url(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    from llama_index_hunyuan import HunyuanGenerationToolSpec

    spec = HunyuanGenerationToolSpec(
        api_key=CLIENT_OPTIONS["api_key"],  # type: ignore[arg-type]
        base_url=emulator.base_url,
        job_slots_url=redis_url,
        poll_interval=0.005,
    )
    jobs = spec._clients.sync()
    assert isinstance(jobs.slots, RedisJobSlots)
    assert spec.generate_image(prompt="a koi pond").urls
    assert jobs.slots.active(_family(IMAGE)) == 0
