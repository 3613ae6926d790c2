"""backend="aiart": the Hunyuan image 3.0 OpenAI-compatible endpoint (https://cloud.tencent.com/document/product/1668/129429) on the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from hunyuan_tokenhub import (
    AuthenticationError,
    BadRequestError,
    InvalidParameterError,
    JobFailedError,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient
from hunyuan_tokenhub.jobs.backends import get_backend

from .conftest import AIART_KEY, SEED_000_PARAMS, client_options, legacy_requests

SUBMIT, QUERY = "/v1/aiart/submit", "/v1/aiart/query"


def test_generate_sends_the_documented_request_and_reads_the_result(
    aiart: JobClient, emulator: TokenHubEmulator
) -> None:
    result = aiart.generate("HY-Image-V3.0", **SEED_000_PARAMS)
    submit = legacy_requests(emulator, SUBMIT)[0]
    assert submit.headers["authorization"] == AIART_KEY  # the key as is, no "Bearer"
    assert submit.headers["content-type"] == "application/json"
    assert submit.json == {
        "model": "HY-Image-V3.0",
        "prompt": "在图片中增加一个橘猫",
        "size": "1024:1024",
        "images": ["https://ai.cos.ap-guangzhou.myqcloud.com/cat.png"],
        "extra_body": {
            "seed": 84445,
            "revise": 0,
            "logo_add": 1,
            "logo_param": SEED_000_PARAMS["logo_param"],
        },
    }
    queries = legacy_requests(emulator, QUERY)
    assert queries and all(q.json == {"job_id": result.job_id} for q in queries)
    assert all(q.headers["authorization"] == AIART_KEY for q in queries)
    assert result.model == "hy-image-v3.0" and result.kind == "image"
    assert len(result.assets) == 1 and result.assets[0].kind == "image"
    assert result.assets[0].url.startswith(emulator.root_url + "/legacy-files/")
    assert result.expires_at is not None


def test_minimal_request_has_no_extra_body(aiart: JobClient, emulator: TokenHubEmulator) -> None:
    aiart.submit_job("hy-image-v3.0", prompt="一只猫")
    assert legacy_requests(emulator, SUBMIT)[0].json == {
        "model": "HY-Image-V3.0",
        "prompt": "一只猫",
    }


def test_inline_images_are_sent_as_raw_base64(aiart: JobClient, emulator: TokenHubEmulator) -> None:
    aiart.submit_job("hy-image-v3.0", prompt="猫", images=["data:image/png;base64,iVBORw0KGgo="])
    assert legacy_requests(emulator, SUBMIT)[0].json["images"] == ["iVBORw0KGgo="]


def test_progress_walks_the_numeric_statuses(aiart: JobClient) -> None:
    seen: list[tuple[str, str | None]] = []
    aiart.generate(
        "hy-image-v3.0", prompt="猫", on_progress=lambda s: seen.append((s.state, s.raw_status))
    )
    assert seen[-1] == ("completed", "5")
    assert {raw for _, raw in seen} <= {"1", "2", "5"}


def test_failed_job_raises_with_the_server_code(
    aiart: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.legacy.fail_next_jobs("FailedOperation.GenerateImageFailed", "审核未通过")
    with pytest.raises(JobFailedError) as info:
        aiart.generate("hy-image-v3.0", prompt="猫")
    assert info.value.code == "FailedOperation.GenerateImageFailed"
    assert info.value.message == "审核未通过"
    assert info.value.job_id in emulator.legacy.jobs


def test_wrong_key_is_an_authentication_error_without_the_key(emulator: TokenHubEmulator) -> None:
    options = {**client_options("aiart", emulator), "api_key": "sk-wrong-secret-key"}
    with JobClient(**options) as jobs, pytest.raises(AuthenticationError) as info:
        jobs.submit_job("hy-image-v3.0", prompt="猫")
    assert info.value.status_code == 401
    assert "sk-wrong-secret-key" not in str(info.value) + repr(info.value)


def test_server_side_rejection_is_a_bad_request(
    aiart: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.legacy.reject_next(
        "aiart", "InvalidParameterValue.TextLengthExceed", "prompt too long"
    )
    with pytest.raises(BadRequestError) as info:
        aiart.submit_job("hy-image-v3.0", prompt="猫")
    assert info.value.code == "InvalidParameterValue.TextLengthExceed"


@pytest.mark.parametrize(
    "model, params, param",
    [
        ("hy-video-1.5", {"prompt": "x"}, "model"),
        ("hy-image-lite", {"prompt": "x"}, "model"),
        ("hy-image-v3.0", {"prompt": "x", "resolution": "4096:4096"}, "resolution"),
        ("hy-image-v3.0", {"prompt": "x", "images": ["a", "b", "c", "d"]}, "images"),
    ],
)
def test_what_the_backend_does_not_offer_fails_before_any_request(
    aiart: JobClient, emulator: TokenHubEmulator, model: str, params: dict, param: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        aiart.generate(model, **params)
    assert info.value.param.startswith(param)
    if param == "model":
        assert "hy-image-v3.0" in str(info.value)  # names what the backend offers
    assert len(emulator.requests) == 0


def test_download_saves_the_result(aiart: JobClient, tmp_path: Path) -> None:
    result = aiart.generate("hy-image-v3.0", prompt="猫")
    paths = aiart.download(result, tmp_path)
    assert len(paths) == 1 and paths[0].read_bytes().startswith(b"\x89PNG")


async def test_async_twin(emulator: TokenHubEmulator) -> None:
    async with AsyncJobClient(**client_options("aiart", emulator)) as jobs:
        result = await jobs.generate("HY-Image-V3.0", prompt="猫")
    assert result.assets[0].url.startswith(emulator.root_url)


def test_parse_query_status_codes() -> None:
    aiart = get_backend("aiart")
    route = aiart.route("hy-image-v3.0")
    states = {
        code: aiart.job_status(
            route, "j", {"status": code, "data": [{"url": "https://aiart.example/0"}]}
        ).state
        for code in ("1", "2", "4", "5")
    }
    assert states == {"1": "queued", "2": "in_progress", "4": "failed", "5": "completed"}
    failed = aiart.job_status(
        route, "j", {"status": "4", "job_error_code": "E", "job_error_msg": "m"}
    )
    assert (failed.error_code, failed.error_message) == ("E", "m")
    # an undocumented status with an error counts as failed, without one as running
    assert aiart.job_status(route, "j", {"status": "9", "error_msg": "x"}).state == "failed"
    assert aiart.job_status(route, "j", {"status": "9"}).state == "in_progress"


def test_emulator_refuses_a_bearer_key_and_by_default_accepts_any_other() -> None:
    import httpx

    with TokenHubEmulator() as emu:
        url = emu.root_url + SUBMIT
        body = {"model": "HY-Image-V3.0", "prompt": "猫"}
        bearer = httpx.post(url, json=body, headers={"Authorization": "Bearer sk-1"})
        assert bearer.status_code == 401 and "without 'Bearer'" in bearer.text
        assert httpx.post(url, json=body, headers={"Authorization": "sk-any"}).status_code == 200
        assert httpx.post(url, json=body).status_code == 401


def test_a_given_http_client_supplies_the_key_and_host(emulator: TokenHubEmulator) -> None:
    from hunyuan_tokenhub import TokenHubClient

    with TokenHubClient(api_key=AIART_KEY, base_url=emulator.root_url) as http:
        jobs = JobClient(client=http, backend="aiart", poll_interval=0.005)
        result = jobs.generate("hy-image-v3.0", prompt="猫")
    assert (
        result.urls and legacy_requests(emulator, SUBMIT)[0].headers["authorization"] == AIART_KEY
    )
