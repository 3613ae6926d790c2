"""backend="ai3d": the Hunyuan 3D pro OpenAI-compatible endpoint (https://cloud.tencent.com/document/product/1804/126189) on the emulator."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import AuthenticationError, InvalidParameterError, JobFailedError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient
from hunyuan_tokenhub.jobs.backends import BackendOptions, get_backend

from .conftest import AI3D_KEY, client_options, legacy_requests

SUBMIT, QUERY = "/v1/ai3d/submit", "/v1/ai3d/query"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_text_to_3d_sends_pascal_case_and_maps_every_format(
    ai3d: JobClient, emulator: TokenHubEmulator
) -> None:
    result = ai3d.generate("hy-3d-3.0", prompt="小狗")
    submit = legacy_requests(emulator, SUBMIT)[0]
    assert submit.headers["authorization"] == AI3D_KEY
    assert submit.headers["content-type"] == "application/json"
    assert submit.json == {"Prompt": "小狗"}
    assert all(q.json == {"JobId": result.job_id} for q in legacy_requests(emulator, QUERY))
    assert [asset.kind for asset in result.assets] == ["obj", "glb"]
    assert result.assets[0].url.endswith(".zip")  # OBJ arrives zipped
    assert all(
        asset.preview_url and asset.preview_url.endswith("preview.png") for asset in result.assets
    )


def test_options_are_pascal_cased_and_3_1_is_named(
    ai3d: JobClient, emulator: TokenHubEmulator
) -> None:
    result = ai3d.generate(
        "HY-3D-3.1",
        image_url="https://example.com/dog.png",
        enable_pbr=True,
        face_count=40000,
        result_format="stl",
        multi_view_images=[{"view_type": "back", "view_image_url": "https://example.com/back.png"}],
    )
    assert legacy_requests(emulator, SUBMIT)[0].json == {
        "Model": "3.1",
        "ImageUrl": {"Url": "https://example.com/dog.png"},
        "EnablePBR": True,
        "FaceCount": 40000,
        "ResultFormat": "STL",
        "MultiViewImages": [{"ViewType": "back", "ViewImageUrl": "https://example.com/back.png"}],
    }
    assert [asset.kind for asset in result.assets] == ["obj", "glb", "stl"]


def test_inline_image_goes_in_image_url_as_a_data_url(
    ai3d: JobClient, emulator: TokenHubEmulator
) -> None:
    ai3d.submit_job("hy-3d-3.0", image_url=f"data:image/png;base64,{PNG_B64}")
    assert legacy_requests(emulator, SUBMIT)[0].json == {
        "ImageUrl": {"Url": f"data:image/png;base64,{PNG_B64}"}
    }


def test_answers_inside_a_response_envelope_are_read_too(
    ai3d: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.legacy.ai3d_envelope = True
    result = ai3d.generate("hy-3d-3.0", prompt="小狗")
    assert [asset.kind for asset in result.assets] == ["obj", "glb"]


def test_failed_job(ai3d: JobClient, emulator: TokenHubEmulator) -> None:
    emulator.legacy.fail_next_jobs("InvalidParameter", "参数错误")
    with pytest.raises(JobFailedError) as info:
        ai3d.generate("hy-3d-3.0", prompt="小狗")
    assert (info.value.code, info.value.message) == ("InvalidParameter", "参数错误")


def test_wrong_key(emulator: TokenHubEmulator) -> None:
    options = {**client_options("ai3d", emulator), "api_key": "sk-not-the-key"}
    with JobClient(**options) as jobs, pytest.raises(AuthenticationError) as info:
        jobs.submit_job("hy-3d-3.0", prompt="小狗")
    assert info.value.code == "AuthFailure.InvalidAuthorization"
    assert "sk-not-the-key" not in str(info.value)


@pytest.mark.parametrize(
    "model, params",
    [
        ("hy-3d-express", {"prompt": "小狗"}),  # the gateway serves the pro job only
        ("hy-image-v3.0", {"prompt": "小狗"}),
        ("hy-3d-3.0", {"prompt": "小狗", "image_url": "https://example.com/a.png"}),
        ("hy-3d-3.1", {"prompt": "小狗", "generate_type": "LowPoly"}),
        ("hy-3d-3.0", {"image_url": "/etc/passwd"}),  # local paths need allowed_local_dirs
    ],
)
def test_refused_before_any_request(
    ai3d: JobClient, emulator: TokenHubEmulator, model: str, params: dict
) -> None:
    with pytest.raises(InvalidParameterError):
        ai3d.generate(model, **params)
    assert len(emulator.requests) == 0


async def test_async_twin(emulator: TokenHubEmulator) -> None:
    async with AsyncJobClient(**client_options("ai3d", emulator)) as jobs:
        job_id = await jobs.submit_job("hy-3d-3.0", prompt="小狗")
        result = await jobs.wait_for_job(job_id, model="hy-3d-3.0")
    assert result.job_id == job_id and len(result.assets) == 2


@pytest.mark.parametrize("envelope", [False, True])
def test_parse_query_statuses(envelope: bool) -> None:
    ai3d = get_backend("ai3d")
    route = ai3d.route("hy-3d-3.0")

    def parse(payload: dict) -> object:
        return ai3d.job_status(route, "j", {"Response": payload} if envelope else payload)

    for raw, state in (("WAIT", "queued"), ("RUN", "in_progress"), ("FAIL", "failed")):
        assert parse({"Status": raw, "ErrorCode": "", "ErrorMessage": ""}).state == state  # type: ignore[attr-defined]
    done = parse(
        {
            "Status": "DONE",
            "ResultFile3Ds": [
                {"Type": "GLB", "Url": "https://x/m.glb", "PreviewImageUrl": "https://x/p.png"}
            ],
            "RequestId": "r-1",
        }
    )
    assert done.result.assets[0].model_dump() == {  # type: ignore[attr-defined]
        "url": "https://x/m.glb",
        "kind": "glb",
        "preview_url": "https://x/p.png",
        "revised_prompt": None,
    }
    assert done.request_id == "r-1"  # type: ignore[attr-defined]


def test_emulator_reset_restores_the_legacy_defaults(emulator: TokenHubEmulator) -> None:
    emulator.legacy.ai3d_envelope = True
    emulator.legacy.fail_next_jobs("X", "y")
    emulator.reset()
    assert emulator.legacy.ai3d_envelope is False
    assert emulator.legacy.ai3d_key is None and "AKIDtest" in emulator.legacy.credentials
    assert not emulator.legacy.jobs


@pytest.mark.parametrize(
    "raw, mime", [(PNG_B64, "image/png"), ("/9j/4AAQSkZJRg==", "image/jpeg"), ("a", "image/jpeg")]
)
def test_raw_base64_becomes_a_data_url_with_its_type(raw: str, mime: str) -> None:
    ai3d = get_backend("ai3d").configure(BackendOptions.of(api_key="k", env={}))
    route = ai3d.route("hy-3d-3.0")
    request = route.request_type(model="hy-3d-3.0", image_base64=raw)
    body = ai3d.submit_call(route, request).body
    assert body == {"ImageUrl": {"Url": f"data:{mime};base64,{raw}"}}
