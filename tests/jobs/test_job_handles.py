"""A job handle alone finds a job again: start now, look later, in another client."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient, JobHandle

from .conftest import CLIENT_OPTIONS


def test_handle_round_trips_and_refuses_what_is_not_one() -> None:
    handle = JobHandle("tokenhub", "hy-video-1.5", "1259388371-1764399486-fd7b5e60:0")
    assert JobHandle.parse(str(handle)) == handle  # a ':' inside the job id survives
    for text in ("1429890795996585001", "tokenhub:hy-video-1.5:", "::"):
        with pytest.raises(InvalidParameterError, match="not a job handle") as caught:
            JobHandle.parse(text)
        assert caught.value.param == "job"


def test_started_job_is_found_by_its_handle_from_a_new_client(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.02, running_s=0.05)
    handle = jobs.start_job("hy-video-1.5", prompt="a paper boat")
    assert (handle.backend, handle.model) == ("tokenhub", "hy-video-1.5")
    assert emulator.jobs.get(handle.job_id) is not None

    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as later:  # type: ignore[arg-type]
        first = later.query_job(str(handle))
        result = later.wait_for_job(str(handle))
    assert first.job_id == handle.job_id and first.model == "hy-video-1.5"
    assert result.job_id == handle.job_id and result.assets[0].kind == "video"
    queries = [r.json for r in emulator.requests if r.path.endswith("/video/query")]
    assert queries and all(q == {"model": "hy-video-1.5", "id": handle.job_id} for q in queries)


async def test_async_twin_starts_and_waits_by_handle(
    ajobs: AsyncJobClient, emulator: TokenHubEmulator
) -> None:
    handle = await ajobs.start_job("hy-3d-express", prompt="a chair")
    result = await ajobs.wait_for_job(handle)
    assert result.model == "hy-3d-express"
    assert (await ajobs.query_job(handle)).state == "completed"


def test_a_handle_from_another_backend_is_refused_before_any_request(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError, match="'ai3d' backend") as caught:
        jobs.query_job("ai3d:hy-3d-3.0:abc")
    assert caught.value.param == "job"
    assert not [r for r in emulator.requests if r.path.endswith("/query")]


def test_a_bare_id_still_works_with_its_model(jobs: JobClient) -> None:
    job_id = jobs.submit_job("hy-image-v3.0", prompt="a koi")
    assert jobs.wait_for_job(job_id, model="hy-image-v3.0").job_id == job_id
    with pytest.raises(InvalidParameterError, match="give the model too"):
        jobs.query_job(job_id)


def test_expected_duration_is_learned_else_documented(jobs: JobClient) -> None:
    assert jobs.expected_seconds("hy-3d-express") == 90  # the TokenHub page: within 1 min 30 s
    assert jobs.expected_seconds("hy-video-1.5") is None  # nothing documented, nothing learned
    jobs.generate("hy-video-1.5", prompt="a boat")
    learned = jobs.expected_seconds("hy-video-1.5")
    assert learned is not None and 0 < learned < 10
