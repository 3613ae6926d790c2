"""Refused submits are retried in exactly one place: the job client's wait for capacity.

A refusal (rate or concurrency limit: the job cannot have been accepted) is waited out and the
submit sent again until the job's ``timeout``; ``max_retries`` (transient failures) does not
count refusals, and the request loop does not retry them on its own. So a client facing five
refusals sends exactly six submits (five refused, one accepted), whatever its ``max_retries``;
two nested loops used to multiply their budgets instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from hunyuan_tokenhub._retry import RetryPolicy, SubmitRefusals
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient

from .conftest import POLLING, client_options

JOB_LIMIT = "RequestLimitExceeded.JobNumExceed"
REFUSALS = 5
TOKENHUB_MODEL = "hy-image-v3.0"
TOKENHUB_SUBMIT = "/v1/api/image/submit"
CLOUD_MODEL = "hy-image-v3.0"
CLOUD_SUBMIT_ACTION = "SubmitTextToImageJob"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[float]]:
    """Every wait either retry rule computes: the request loop's backoff ("loop") and the job
    client's refusal waits ("refusals"); the loop's is not slept."""
    seen: dict[str, list[float]] = {"loop": [], "refusals": []}
    loop_delay, refusal_wait = RetryPolicy.delay, SubmitRefusals.after

    def record_loop(
        self: RetryPolicy, retry_number: int, retry_after: float | None = None
    ) -> float:
        seen["loop"].append(loop_delay(self, retry_number, retry_after))
        return 0.0

    def record_refusal(self: SubmitRefusals, exc: Any) -> float:
        seen["refusals"].append(refusal_wait(self, exc))
        return seen["refusals"][-1]

    monkeypatch.setattr(RetryPolicy, "delay", record_loop)
    monkeypatch.setattr(SubmitRefusals, "after", record_refusal)
    return seen


def _options(backend: str, emulator: TokenHubEmulator) -> dict[str, Any]:
    if backend == "tokenhub":
        options = {"api_key": "tokenhub-key", "base_url": emulator.base_url, **POLLING}
    else:
        options = client_options(backend, emulator)
    return {**options, "max_retries": 2}


def _refuse(emulator: TokenHubEmulator, backend: str, status: int) -> None:
    if backend == "tencentcloud":
        emulator.legacy.reject_next(
            backend, JOB_LIMIT, "too many jobs", times=REFUSALS, status=status
        )
    elif status == 200:
        refusal = {"error": {"code": JOB_LIMIT, "message": "too many jobs"}, "request_id": "r1"}
        emulator.faults.add(route=TOKENHUB_SUBMIT, status=200, body=refusal, times=REFUSALS)
    else:
        emulator.faults.add(route=TOKENHUB_SUBMIT, status=status, code=JOB_LIMIT, times=REFUSALS)


def _submits(emulator: TokenHubEmulator, backend: str) -> list[Any]:
    if backend == "tokenhub":
        return [r for r in emulator.requests if r.path == TOKENHUB_SUBMIT]
    return [
        r
        for r in emulator.requests
        if r.path == "/" and r.headers.get("x-tc-action") == CLOUD_SUBMIT_ACTION
    ]


def _model(backend: str) -> str:
    return TOKENHUB_MODEL if backend == "tokenhub" else CLOUD_MODEL


CASES = [
    pytest.param(backend, status, id=f"{backend}-http{status}")
    for backend in ("tokenhub", "tencentcloud")
    for status in (429, 200)
]


def _check(emulator: TokenHubEmulator, backend: str, waits: dict[str, list[float]]) -> None:
    submits = _submits(emulator, backend)
    assert len(submits) == REFUSALS + 1
    assert [r.status for r in submits[-1:]] == [200]
    assert len(waits["refusals"]) == REFUSALS
    assert waits["loop"] == []  # max_retries=2 spent on none of them


@pytest.mark.parametrize(("backend", "status"), CASES)
def test_five_refusals_cost_exactly_six_submits(
    emulator: TokenHubEmulator, backend: str, status: int, waits: dict[str, list[float]]
) -> None:
    _refuse(emulator, backend, status)
    with JobClient(**_options(backend, emulator)) as jobs:
        result = jobs.generate(_model(backend), prompt="a koi pond")
    assert result.urls
    _check(emulator, backend, waits)


@pytest.mark.parametrize(("backend", "status"), CASES)
async def test_async_five_refusals_cost_exactly_six_submits(
    emulator: TokenHubEmulator, backend: str, status: int, waits: dict[str, list[float]]
) -> None:
    _refuse(emulator, backend, status)
    async with AsyncJobClient(**_options(backend, emulator)) as jobs:
        result = await jobs.generate(_model(backend), prompt="a koi pond")
    assert result.urls
    _check(emulator, backend, waits)


def test_a_plain_submit_retries_refusals_in_the_loop_within_max_retries(
    emulator: TokenHubEmulator, waits: dict[str, list[float]]
) -> None:
    """Without a job client, the request loop is the one place: 1 + max_retries sends."""
    from hunyuan_tokenhub import RateLimitError, TokenHubClient

    _refuse(emulator, "tokenhub", 429)
    body = {"model": TOKENHUB_MODEL, "prompt": "x"}
    with TokenHubClient(api_key="tokenhub-key", base_url=emulator.base_url, max_retries=2) as c:
        with pytest.raises(RateLimitError):
            c.post_json("/api/image/submit", body, submit=True)
    assert len(_submits(emulator, "tokenhub")) == 3
    assert len(waits["loop"]) == 2
