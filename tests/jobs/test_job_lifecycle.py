"""Job life cycle against the emulator: every model, progress, failure, timeout, resume."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hunyuan_tokenhub import InternalServerError, InvalidParameterError
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    JobClient,
    JobFailedError,
    JobStatus,
    JobTimeoutError,
    SubmitTimeoutError,
)
from tests.jobs.test_job_requests import VALID

KIND_PATH = {"image": "/v1/api/image", "video": "/v1/api/video", "3d": "/v1/api/3d"}
EXPECTED_KINDS = {
    "hy-image-lite": ["image"],
    "hy-image-v3.0": ["image"],
    "hy-video-1.5": ["video"],
    "yt-video-2.0": ["video"],
    "yt-video-fx": ["video"],
    "yt-video-humanactor": ["video"],
    "hy-3d-3.0": ["obj", "glb"],
    "hy-3d-3.1": ["obj", "glb"],
    "hy-3d-express": ["obj", "glb"],
}


def _submits(emulator: TokenHubEmulator) -> list[Any]:
    return [r for r in emulator.requests if r.path.endswith(("/submit", "/lite"))]


@pytest.mark.parametrize("model", sorted(VALID))
def test_generate_every_model_sends_documented_body(
    jobs: JobClient, emulator: TokenHubEmulator, model: str
) -> None:
    result = jobs.generate(model.upper(), **VALID[model])
    assert result.model == model and result.status == "completed"
    assert [a.kind for a in result.assets] == EXPECTED_KINDS[model]
    assert all(a.url.startswith(emulator.root_url) for a in result.assets)
    (submit,) = _submits(emulator)
    assert submit.headers.get("authorization") == "Bearer jobs-test-key"
    expected = {**VALID[model], "model": model}
    if model == "hy-image-lite":
        expected["rsp_img_type"] = "url"
    if model == "yt-video-fx":
        expected["images"] = [{"url": u} for u in VALID[model]["images"]]
    if model == "hy-3d-express":
        expected["result_format"] = "GLB"
    assert submit.json == expected
    if model != "hy-image-lite":
        queries = [r for r in emulator.requests if r.path.endswith("/query")]
        assert queries and all(q.json == {"model": model, "id": result.job_id} for q in queries)


@pytest.mark.parametrize("model", ["hy-image-lite", "hy-image-v3.0", "yt-video-fx", "hy-3d-3.1"])
async def test_async_generate(ajobs: AsyncJobClient, model: str) -> None:
    result = await ajobs.generate(model, **VALID[model])
    assert [a.kind for a in result.assets] == EXPECTED_KINDS[model]


def test_progress_callback_sees_each_new_state(jobs: JobClient, emulator: TokenHubEmulator) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.1, running_s=0.15)
    seen: list[JobStatus] = []
    result = jobs.generate("hy-video-1.5", prompt="小河流水", on_progress=seen.append)
    states = [s.state for s in seen]
    assert states[0] == "queued" and states[-1] == "completed"
    assert "in_progress" in states
    progress = [s.progress for s in seen if s.progress is not None]
    assert progress == sorted(progress) and progress[-1] == 100
    assert all(s.job_id == result.job_id for s in seen)
    assert len(seen) == len({(s.state, s.progress) for s in seen})  # only changes are reported


async def test_async_progress_callback_may_be_a_coroutine(ajobs: AsyncJobClient) -> None:
    seen: list[str] = []

    async def record(status: JobStatus) -> None:
        seen.append(status.state)

    await ajobs.generate("hy-3d-3.0", prompt="一只小狗", on_progress=record)
    assert seen[-1] == "completed"


def test_failed_job_raises_with_server_code_and_message(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.fail_next(
        "hy-image-v3.0", code="FailedOperation.ModerationFailed", message="审核未通过"
    )
    with pytest.raises(JobFailedError) as info:
        jobs.generate("hy-image-v3.0", prompt="x")
    error = info.value
    assert error.code == "FailedOperation.ModerationFailed"
    assert error.message == "审核未通过"
    assert error.model == "hy-image-v3.0"
    assert error.job_id == emulator.jobs.__iter__().__next__().id


async def test_async_failed_job(ajobs: AsyncJobClient, emulator: TokenHubEmulator) -> None:
    emulator.jobs.fail_next(code="FailedOperation.DriverFailed", message="驱动失败")
    with pytest.raises(JobFailedError, match=r"FailedOperation\.DriverFailed"):
        await ajobs.generate("hy-video-1.5", prompt="x")


def test_timeout_names_the_job_and_waiting_can_resume(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    with pytest.raises(JobTimeoutError) as info:
        jobs.generate("hy-3d-express", prompt="x", timeout=0.1)
    job_id = info.value.job_id
    assert info.value.model == "hy-3d-express" and info.value.elapsed >= 0.1
    assert "wait_for_job" in str(info.value)
    emulator.jobs.complete(job_id)
    result = jobs.wait_for_job(job_id, model="hy-3d-express")
    assert result.job_id == job_id and result.assets
    assert emulator.jobs.submit_count() == 1


async def test_async_timeout(ajobs: AsyncJobClient, emulator: TokenHubEmulator) -> None:
    emulator.jobs.timing = JobTiming(queued_s=60, running_s=0)
    with pytest.raises(JobTimeoutError):
        await ajobs.generate("hy-image-v3.0", prompt="x", timeout=0.05)
    assert ajobs.slots.active("hy-image-v3.0") == 0


async def test_cancellation_stops_polling_at_once_and_frees_the_slot(
    ajobs: AsyncJobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    started = asyncio.Event()

    def on_progress(status: JobStatus) -> None:
        started.set()

    task = asyncio.create_task(ajobs.generate("hy-video-1.5", prompt="x", on_progress=on_progress))
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    polls = len([r for r in emulator.requests if r.path.endswith("/query")])
    await asyncio.sleep(0.1)
    assert len([r for r in emulator.requests if r.path.endswith("/query")]) == polls
    assert ajobs.slots.active("hy-video-1.5") == 0
    # The job itself still runs on the server: there is no cancel endpoint.
    (job,) = list(emulator.jobs)
    assert job.state().status == "in_progress"


def test_query_job_and_submit_job(jobs: JobClient, emulator: TokenHubEmulator) -> None:
    job_id = jobs.submit_job("hy-video-1.5", prompt="x")
    status = jobs.query_job(job_id, model="HY-Video-1.5")
    assert status.job_id == job_id and status.state in ("queued", "in_progress", "completed")
    result = jobs.wait_for_job(job_id, model="hy-video-1.5")
    assert result.urls


def test_synchronous_model_has_no_job_id(jobs: JobClient, emulator: TokenHubEmulator) -> None:
    with pytest.raises(InvalidParameterError, match="use generate"):
        jobs.submit_job("hy-image-lite", prompt="x")
    assert not emulator.requests


def test_invalid_parameters_send_nothing(jobs: JobClient, emulator: TokenHubEmulator) -> None:
    with pytest.raises(InvalidParameterError, match="resolution"):
        jobs.generate("hy-image-v3.0", prompt="x", resolution="4096:4096")
    with pytest.raises(InvalidParameterError, match="local file paths are not accepted"):
        jobs.generate("hy-3d-3.0", image_url="/etc/passwd")
    assert not emulator.requests


def test_transient_poll_errors_do_not_lose_the_job(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(route="/v1/api/video/query", status=500, times=2)
    result = jobs.generate("hy-video-1.5", prompt="x")
    assert result.urls and emulator.jobs.submit_count() == 1


def test_a_submit_that_may_have_been_accepted_is_never_repeated(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(route="/v1/api/image/submit", status=500, times=1)
    with pytest.raises(InternalServerError):
        jobs.generate("hy-image-v3.0", prompt="x")
    assert len(_submits(emulator)) == 1
    assert jobs.slots.active("hy-image-v3.0") == 0


def test_refusals_until_the_timeout_raise_submit_timeout(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(
        route="/v1/api/3d/submit", status=429, code="RequestLimitExceeded.JobNumExceed"
    )
    with pytest.raises(SubmitTimeoutError, match="nothing was submitted"):
        jobs.generate("hy-3d-3.0", prompt="x", timeout=0.2)
    assert emulator.jobs.submit_count() == 0
