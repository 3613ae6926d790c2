"""backend="tencentcloud": API 3.0 hunyuan image jobs (https://cloud.tencent.com/document/api/1729/105969), TC3-signed, on the emulator.

The emulator recomputes every signature from the headers and bytes it received, so a passing
job proves the client signs what it sends.
"""

from __future__ import annotations

import logging
import time

import pytest

from hunyuan_tokenhub import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    InvalidParameterError,
    JobFailedError,
    RateLimitError,
)
from hunyuan_tokenhub._tc3 import TencentCloudCredentials, tc3_headers
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.emulator._signature import read_authorization
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient, SubmitTimeoutError

from .conftest import SECRET_ID, SECRET_KEY, client_options, legacy_requests

MODEL = "hunyuan-image-job"


def test_generate_signs_and_reads_the_documented_fields(
    tencentcloud: JobClient, emulator: TokenHubEmulator
) -> None:
    result = tencentcloud.generate(MODEL, prompt="雨中, 竹林, 小路", num=2, resolution="1280:720")
    calls = legacy_requests(emulator, "/")
    submit = calls[0]
    assert submit.headers["x-tc-action"] == "SubmitHunyuanImageJob"
    assert submit.headers["x-tc-version"] == "2023-09-01"
    assert submit.headers["x-tc-region"] == "ap-guangzhou"
    assert submit.headers["content-type"] == "application/json; charset=utf-8"
    assert submit.headers["host"] == emulator.root_url.removeprefix("http://")
    assert abs(int(submit.headers["x-tc-timestamp"]) - time.time()) < 300
    auth = read_authorization(submit.headers["authorization"])
    assert auth.secret_id == SECRET_ID and auth.service == "hunyuan"
    assert auth.signed_headers == ("content-type", "host", "x-tc-action")
    assert submit.json == {"Prompt": "雨中, 竹林, 小路", "Num": 2, "Resolution": "1280:720"}
    assert {c.headers["x-tc-action"] for c in calls[1:]} == {"QueryHunyuanImageJob"}
    assert all(c.json == {"JobId": result.job_id} for c in calls[1:])
    assert len(result.assets) == 2
    assert all(a.revised_prompt and a.revised_prompt.startswith("雨中") for a in result.assets)


def test_nested_parameters_are_pascal_cased(
    tencentcloud: JobClient, emulator: TokenHubEmulator
) -> None:
    tencentcloud.submit_job(
        MODEL,
        prompt="猫",
        content_image="https://example.com/cat.png",
        logo_add=1,
        logo_param={
            "logo_url": "https://example.com/l.png",
            "logo_rect": {"x": 1, "y": 2, "width": 3, "height": 4},
        },
        style="riman",
        clarity="x2",
        revise=0,
        seed=7,
    )
    assert legacy_requests(emulator, "/")[0].json == {
        "Prompt": "猫",
        "ContentImage": {"ImageUrl": "https://example.com/cat.png"},
        "LogoAdd": 1,
        "LogoParam": {
            "LogoUrl": "https://example.com/l.png",
            "LogoRect": {"X": 1, "Y": 2, "Width": 3, "Height": 4},
        },
        "Style": "riman",
        "Clarity": "x2",
        "Revise": 0,
        "Seed": 7,
    }


def test_wrong_secret_key_is_a_signature_failure(emulator: TokenHubEmulator) -> None:
    options = {**client_options("tencentcloud", emulator), "secret_key": "not-the-secret-key"}
    with JobClient(**options) as jobs, pytest.raises(AuthenticationError) as info:
        jobs.submit_job(MODEL, prompt="猫")
    assert info.value.code == "AuthFailure.SignatureFailure"
    assert info.value.status_code == 200  # API 3.0 reports errors in the body of an HTTP 200
    assert info.value.request_id
    assert "not-the-secret-key" not in str(info.value) + repr(info.value)
    assert not emulator.legacy.jobs


def test_unknown_secret_id(emulator: TokenHubEmulator) -> None:
    options = {**client_options("tencentcloud", emulator), "secret_id": "AKIDunknown"}
    with JobClient(**options) as jobs, pytest.raises(AuthenticationError) as info:
        jobs.submit_job(MODEL, prompt="猫")
    assert info.value.code == "AuthFailure.SecretIdNotFound"


def test_a_tampered_body_fails_the_signature_check(emulator: TokenHubEmulator) -> None:
    import httpx

    creds = TencentCloudCredentials.resolve(SECRET_ID, SECRET_KEY, env={})
    host = emulator.root_url.removeprefix("http://")
    headers = tc3_headers(
        creds,
        host=host,
        service="hunyuan",
        action="SubmitHunyuanImageJob",
        version="2023-09-01",
        payload=b'{"Prompt":"a"}',
    )
    reply = httpx.post(emulator.root_url + "/", content=b'{"Prompt":"b"}', headers=headers)
    assert reply.status_code == 200
    assert reply.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"
    stale = tc3_headers(
        creds,
        host=host,
        service="hunyuan",
        action="SubmitHunyuanImageJob",
        version="2023-09-01",
        payload=b"{}",
        timestamp=int(time.time()) - 600,
    )
    reply = httpx.post(emulator.root_url + "/", content=b"{}", headers=stale)
    assert reply.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureExpire"


def test_rate_limit_on_submit_is_retried_without_a_duplicate_job(
    tencentcloud: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.legacy.reject_next(
        "tencentcloud", "RequestLimitExceeded.JobNumExceed", "busy", times=2
    )
    result = tencentcloud.generate(MODEL, prompt="猫")
    submits = [
        c
        for c in legacy_requests(emulator, "/")
        if c.headers["x-tc-action"] == "SubmitHunyuanImageJob"
    ]
    assert len(submits) == 3
    # each attempt is signed afresh (the timestamp may differ), and only one job exists
    assert list(emulator.legacy.jobs) == [result.job_id]


def test_rate_limit_on_submit_job_without_retry_budget_raises_rate_limit(
    emulator: TokenHubEmulator,
) -> None:
    emulator.legacy.reject_next("tencentcloud", "RequestLimitExceeded", "too fast", times=1000)
    options = {**client_options("tencentcloud", emulator), "timeout": 0.05}
    with JobClient(**options) as jobs, pytest.raises(SubmitTimeoutError) as info:
        jobs.submit_job(MODEL, prompt="猫")
    assert isinstance(info.value.__cause__, RateLimitError)
    assert "nothing was submitted" in str(info.value)
    assert not emulator.legacy.jobs


@pytest.mark.parametrize(
    "code, error",
    [
        ("InvalidParameterValue.TextLengthExceed", BadRequestError),
        ("MissingParameter", BadRequestError),
    ],
)
def test_parameter_errors(
    tencentcloud: JobClient, emulator: TokenHubEmulator, code: str, error: type
) -> None:
    emulator.legacy.reject_next("tencentcloud", code, "bad")
    with pytest.raises(error) as info:
        tencentcloud.submit_job(MODEL, prompt="猫")
    assert info.value.code == code


def test_failed_job(tencentcloud: JobClient, emulator: TokenHubEmulator) -> None:
    emulator.legacy.fail_next_jobs("FailedOperation.DownloadError", "文件下载失败。")
    with pytest.raises(JobFailedError) as info:
        tencentcloud.generate(MODEL, prompt="猫")
    assert (info.value.code, info.value.message) == (
        "FailedOperation.DownloadError",
        "文件下载失败。",
    )


@pytest.mark.parametrize(
    "model, params, param",
    [
        ("deepseek-v3.2", {"prompt": "猫"}, "model"),
        (MODEL, {"prompt": "猫", "resolution": "1024:1025"}, "resolution"),
        (MODEL, {"prompt": "猫", "num": 5}, "num"),
        (MODEL, {"prompt": "猫", "clarity": "x3"}, "clarity"),
        (
            MODEL,
            {"prompt": "猫", "content_image": "https://e.com/a.png", "resolution": "720:1280"},
            "parameters",
        ),
        (MODEL, {"prompt": ""}, "prompt"),
    ],
)
def test_refused_before_any_request(
    tencentcloud: JobClient, emulator: TokenHubEmulator, model: str, params: dict, param: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        tencentcloud.generate(model, **params)
    assert info.value.param.startswith(param), info.value
    assert len(emulator.requests) == 0


def test_region_other_than_guangzhou_is_refused_before_any_request(
    emulator: TokenHubEmulator,
) -> None:
    options = {**client_options("tencentcloud", emulator), "tencentcloud_region": "ap-shanghai"}
    with JobClient(**options) as jobs, pytest.raises(InvalidParameterError) as info:
        jobs.submit_job(MODEL, prompt="猫")
    assert info.value.param == "region" and "ap-guangzhou" in str(info.value)
    assert len(emulator.requests) == 0


def test_credentials_from_the_environment(
    emulator: TokenHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("HUNYUAN_BACKEND", "tencentcloud")
    options = {
        k: v
        for k, v in client_options("tencentcloud", emulator).items()
        if k not in ("backend", "secret_id", "secret_key")
    }
    with JobClient(**options) as jobs:
        assert jobs.backend.name == "tencentcloud"
        assert jobs.generate(MODEL, prompt="猫").assets


def test_missing_credentials_fail_at_construction(emulator: TokenHubEmulator) -> None:
    with pytest.raises(ConfigurationError, match="TENCENTCLOUD_SECRET_KEY"):
        JobClient(backend="tencentcloud", secret_id=SECRET_ID, base_url=emulator.root_url)


def test_secrets_never_leak(emulator: TokenHubEmulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    options = client_options("tencentcloud", emulator)
    with JobClient(**options) as jobs:
        jobs.generate(MODEL, prompt="猫")
        texts = [repr(jobs), str(jobs), repr(jobs.backend), repr(jobs.backend.route(MODEL))]
    texts.append(caplog.text)
    for text in texts:
        assert SECRET_KEY not in text and SECRET_ID not in text


async def test_async_twin(emulator: TokenHubEmulator) -> None:
    async with AsyncJobClient(**client_options("tencentcloud", emulator)) as jobs:
        result = await jobs.generate(MODEL, prompt="猫", num=3)
    assert len(result.assets) == 3


def test_a_server_error_in_a_200_body_is_retried_inside_the_request_loop(
    emulator: TokenHubEmulator,
) -> None:
    """The response check runs in the one loop: a Cloud API ``InternalError`` (HTTP 200) on a
    query is retried like a 500, within ``max_retries``; on a submit it is final (the job may
    exist), as after a 500."""
    options = {**client_options("tencentcloud", emulator), "max_retries": 1}
    with JobClient(**options) as jobs:
        handle = jobs.start_job(MODEL, prompt="猫")
        emulator.legacy.reject_next("tencentcloud", "InternalError", "busy", times=1)
        status = jobs.query_job(handle)
        emulator.legacy.reject_next("tencentcloud", "InternalError", "busy", times=1)
        with pytest.raises(InternalServerError):
            jobs.submit_job(MODEL, prompt="狗")
    actions = [c.headers["x-tc-action"] for c in legacy_requests(emulator, "/")]
    assert actions == [
        "SubmitHunyuanImageJob",
        "QueryHunyuanImageJob",
        "QueryHunyuanImageJob",
        "SubmitHunyuanImageJob",
    ]
    assert status.job_id == handle.job_id


def test_no_tokenhub_key_is_needed_nor_sent(emulator: TokenHubEmulator) -> None:
    """Every Cloud API call is signed by its own TC3 auth: with no TokenHub key anywhere, the
    client's settings have none (no placeholder) and no request carries a Bearer token."""
    with JobClient(**client_options("tencentcloud", emulator)) as jobs:
        assert jobs._http.settings.api_key is None
        assert jobs.generate(MODEL, prompt="猫").assets
    calls = legacy_requests(emulator, "/")
    assert calls and all(c.headers["authorization"].startswith("TC3-") for c in calls)
    assert not any("Bearer" in c.headers.get("authorization", "") for c in emulator.requests)


def test_gateway_backends_still_need_their_key_at_construction(
    emulator: TokenHubEmulator,
) -> None:
    for backend in ("tokenhub", "aiart", "ai3d"):
        with pytest.raises(ConfigurationError, match="TOKENHUB_API_KEY"):
            JobClient(backend=backend, base_url=emulator.root_url)
