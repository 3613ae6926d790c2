"""Concurrency limits from the model data, lowered while the server refuses more, and refusals
that come as HTTP 2xx answers retried in the same place as a 429."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient, JobResult, JobSlots

from .conftest import CLIENT_OPTIONS

JOB_LIMIT = "RequestLimitExceeded.JobNumExceed"


def _refusals(emulator: TokenHubEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path.endswith("/video/submit") and r.status == 429)


def test_limits_come_from_the_data_and_can_be_raised(emulator: TokenHubEmulator) -> None:
    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        assert jobs.backend.route("hy-3d-3.1").max_concurrent_jobs == 3
        assert jobs.slots.limit("hy-video-1.5", 1) == 1
    raised = JobSlots({"hy-video-1.5": 5})
    assert raised.limit("hy-video-1.5", 1) == 5


def test_a_server_limit_below_the_clients_lowers_it_until_a_submit_is_accepted(
    emulator: TokenHubEmulator,
) -> None:
    # The account turns out to run 2 video jobs at once; the client was told 4.
    emulator.jobs.set_concurrency({"hy-video-1.5": 2})
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.15)
    options: dict[str, Any] = {**CLIENT_OPTIONS, "max_concurrent_jobs": 4}
    results: list[JobResult] = []
    with JobClient(base_url=emulator.base_url, **options) as jobs:

        def make(index: int) -> None:
            results.append(jobs.generate("hy-video-1.5", prompt=f"boat {index}"))

        threads = [threading.Thread(target=make, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert jobs.slots.limit("hy-video-1.5", 1) == 4  # accepted again: the limit is back

    assert len(results) == 4 and len({r.job_id for r in results}) == 4
    assert emulator.jobs.submit_count("hy-video-1.5") == 4
    # Lowered to the 2 running jobs after the first refusal, the client waits locally instead
    # of sending submit after submit into the server's limit.
    assert 1 <= _refusals(emulator) <= 4


def test_slots_lowered_by_a_refusal_let_waiters_in_once_accepted() -> None:
    slots = JobSlots(3)
    leases = [slots.acquire("video", default_limit=1, timeout=0) for _ in range(3)]
    slots.refused("video")  # the third submit was refused: 2 run on the server
    assert slots.limit("video", 1) == 2
    leases[2].release()  # the refused job gave up its slot
    waiter = threading.Thread(target=slots.acquire, args=("video",), kwargs={
        "default_limit": 1, "timeout": 5})  # fmt: skip
    waiter.start()
    waiter.join(0.05)
    assert waiter.is_alive()  # 2 held, lowered limit 2: it waits
    slots.accepted("video")
    waiter.join(5)
    assert not waiter.is_alive() and slots.active("video") == 3


def test_a_refusal_answered_with_http_200_is_retried_like_a_429(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    refusal = {"error": {"code": JOB_LIMIT, "message": "too many jobs"}, "request_id": "r1"}
    emulator.faults.add(route="/v1/api/video/submit", status=200, body=refusal, times=2)
    result = jobs.generate("hy-video-1.5", prompt="a paper boat")
    assert result.assets[0].kind == "video"
    assert emulator.jobs.submit_count("hy-video-1.5") == 1
    submits = [r for r in emulator.requests if r.path.endswith("/video/submit")]
    assert len(submits) == 3


def test_a_failed_job_with_only_a_top_level_message_keeps_it() -> None:
    backend = JobClient(api_key="k", base_url="http://127.0.0.1:9/v1").backend
    route = backend.route("hy-video-1.5")
    body = {"status": "failed", "request_id": "r2", "message": "invalid model"}
    status = backend.job_status(route, "42", body)
    assert (status.state, status.error_message) == ("failed", "invalid model")


async def test_async_twin_also_waits_here_once_the_server_refuses(
    emulator: TokenHubEmulator,
) -> None:
    emulator.jobs.set_concurrency({"hy-video-1.5": 2})
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.15)
    options: dict[str, Any] = {**CLIENT_OPTIONS, "max_concurrent_jobs": 4}
    async with AsyncJobClient(base_url=emulator.base_url, **options) as jobs:
        results = await asyncio.gather(
            *(jobs.generate("hy-video-1.5", prompt=f"boat {i}") for i in range(4))
        )
    assert len({r.job_id for r in results}) == 4
    assert 1 <= _refusals(emulator) <= 4
