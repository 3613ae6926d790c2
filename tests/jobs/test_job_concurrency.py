"""Concurrency: N parallel jobs never exceed the family's limit, and none is duplicated."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient, JobSlots
from tests.jobs.conftest import CLIENT_OPTIONS


def _peak_overlap(emulator: TokenHubEmulator, family_models: set[str]) -> int:
    """Most jobs of the family that were unfinished at one instant, per the server's clock."""
    events = []
    for job in emulator.jobs:
        if job.model in family_models:
            end = job.state().completed_at
            assert end is not None
            events += [(job.created_at, 1), (end, -1)]
    peak = running = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        running += delta
        peak = max(peak, running)
    return peak


def _refusals(emulator: TokenHubEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path.endswith("/submit") and r.status == 429)


def test_parallel_threads_respect_the_default_limit_of_one(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: jobs.generate("hy-video-1.5", prompt=f"{i}"), range(4)))
    assert len({r.job_id for r in results}) == 4
    assert emulator.jobs.submit_count("hy-video-1.5") == 4
    assert _refusals(emulator) == 0
    assert _peak_overlap(emulator, {"hy-video-1.5"}) == 1


async def test_parallel_tasks_share_three_slots_across_3d_pro_models(
    ajobs: AsyncJobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.02, running_s=0.1)
    peak = 0

    def watch(_: object) -> None:
        nonlocal peak
        peak = max(peak, ajobs.slots.active("hy-3d-pro"))

    results = await asyncio.gather(
        *(
            ajobs.generate(model, prompt=f"{i}", on_progress=watch)
            for i, model in enumerate(["hy-3d-3.0", "hy-3d-3.1"] * 4)
        )
    )
    assert len({r.job_id for r in results}) == 8
    assert emulator.jobs.submit_count() == 8
    assert _refusals(emulator) == 0
    assert peak == 3
    assert _peak_overlap(emulator, {"hy-3d-3.0", "hy-3d-3.1"}) <= 3


def test_families_do_not_block_each_other(jobs: JobClient, emulator: TokenHubEmulator) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.3)
    with ThreadPoolExecutor(2) as pool:
        video = pool.submit(jobs.generate, "hy-video-1.5", prompt="x")
        image = pool.submit(jobs.generate, "hy-image-v3.0", prompt="y")
        assert video.result().urls and image.result().urls
    assert _peak_overlap(emulator, {"hy-video-1.5", "hy-image-v3.0"}) == 2


def test_server_refusals_are_waited_out_and_resubmitted_without_duplicates(
    emulator: TokenHubEmulator,
) -> None:
    # A client allowing more jobs than the account: the server refuses the surplus with
    # 429 RequestLimitExceeded.JobNumExceed, and the client waits and submits again.
    with (
        JobClient(
            base_url=emulator.base_url,
            max_concurrent_jobs=5,
            **CLIENT_OPTIONS,  # type: ignore[arg-type]
        ) as client,
        ThreadPoolExecutor(3) as pool,
    ):
        results = list(
            pool.map(lambda i: client.generate("hy-image-v3.0", prompt=f"{i}"), range(3))
        )
    assert len({r.job_id for r in results}) == 3
    assert emulator.jobs.submit_count("hy-image-v3.0") == 3
    assert _refusals(emulator) > 0
    assert _peak_overlap(emulator, {"hy-image-v3.0"}) == 1


async def test_async_refusals_are_resubmitted_without_duplicates(
    emulator: TokenHubEmulator,
) -> None:
    async with AsyncJobClient(
        base_url=emulator.base_url,
        max_concurrent_jobs={"yt-video-fx": 4},
        **CLIENT_OPTIONS,  # type: ignore[arg-type]
    ) as client:
        results = await asyncio.gather(
            *(
                client.generate("yt-video-fx", template="hug", images=["https://e/a.png"])
                for _ in range(3)
            )
        )
    assert len({r.job_id for r in results}) == 3
    assert emulator.jobs.submit_count("yt-video-fx") == 3
    assert _refusals(emulator) > 0


def test_one_slot_pool_is_shared_by_sync_and_async_clients(emulator: TokenHubEmulator) -> None:
    slots = JobSlots()
    options = {**CLIENT_OPTIONS, "slots": slots}

    async def async_jobs() -> list[str]:
        async with AsyncJobClient(base_url=emulator.base_url, **options) as client:  # type: ignore[arg-type]
            done = await asyncio.gather(
                *(client.generate("hy-3d-express", prompt="a") for _ in range(2))
            )
            return [r.job_id for r in done]

    with JobClient(base_url=emulator.base_url, **options) as client, ThreadPoolExecutor(3) as pool:  # type: ignore[arg-type]
        sync_futures = [pool.submit(client.generate, "hy-3d-express", prompt="s") for _ in range(2)]
        async_future = pool.submit(asyncio.run, async_jobs())
        ids = [f.result().job_id for f in sync_futures] + async_future.result()
    assert len(set(ids)) == 4
    assert _refusals(emulator) == 0
    assert _peak_overlap(emulator, {"hy-3d-express"}) == 1


@pytest.mark.parametrize("limits", [0, {"hy-3d-pro": 0}])
def test_limits_must_be_positive(limits: object) -> None:
    with pytest.raises(ValueError, match=">= 1"):
        JobSlots(limits)  # type: ignore[arg-type]


def test_slot_wait_times_out_without_submitting(emulator: TokenHubEmulator) -> None:
    slots = JobSlots()
    lease = slots.acquire("hy-image-v3.0", default_limit=1, timeout=None)
    with JobClient(base_url=emulator.base_url, slots=slots, **CLIENT_OPTIONS) as client:  # type: ignore[arg-type]
        from hunyuan_tokenhub.jobs import SubmitTimeoutError

        with pytest.raises(SubmitTimeoutError, match="no free job slot"):
            client.generate("hy-image-v3.0", prompt="x", timeout=0.05)
    assert not emulator.requests
    lease.release()
    lease.release()  # a second release gives nothing back twice
    assert slots.active("hy-image-v3.0") == 0
