"""backend="tencentcloud" serves every TokenHub generation model through the Cloud API action
it mirrors (the Cloud API SDKs' services, versions and actions): right service, version and
action, the same validated parameters in PascalCase, answers read into the normalised result."""

from __future__ import annotations

from typing import Any

import pytest

from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.emulator._signature import read_authorization
from hunyuan_tokenhub.jobs import JobClient

from .conftest import legacy_requests

IMAGE = "https://example.com/cat.png"
CASES: list[tuple[str, dict[str, Any], str, str, str, dict[str, Any], list[str]]] = [
    # model, params, service, version, submit action, body sent, asset kinds
    ("hy-image-lite", {"prompt": "雨中, 竹林, 小路", "resolution": "768:1024"},
     "aiart", "2022-12-29", "TextToImageLite",
     {"Prompt": "雨中, 竹林, 小路", "Resolution": "768:1024", "RspImgType": "url"}, ["image"]),
    ("hy-image-v3.0", {"prompt": "猫", "images": ["data:image/png;base64,iVBORw0KGgo="], "revise": 0},
     "aiart", "2022-12-29", "SubmitTextToImageJob",
     {"Prompt": "猫", "Images": ["iVBORw0KGgo="], "Revise": 0}, ["image"]),
    ("hy-video-1.5", {"prompt": "小河流水", "image": IMAGE, "logo_add": 0},
     "vclm", "2024-05-23", "SubmitHunyuanToVideoJob",
     {"Prompt": "小河流水", "Image": {"Url": IMAGE}, "LogoAdd": 0}, ["video"]),
    ("yt-video-2.0", {"image": {"url": IMAGE}, "fps": 24, "resolution": "720P"},
     "vclm", "2024-05-23", "SubmitImageToVideoGeneralJob",
     {"Image": {"Url": IMAGE}, "Fps": 24, "Resolution": "720p"}, ["video"]),
    ("yt-video-fx", {"template": "hug", "images": [IMAGE, IMAGE], "bgm": True,
                     "extra_param": {"bgm_text": "la"}},
     "vclm", "2024-05-23", "SubmitTemplateToVideoJob",
     {"Template": "hug", "Images": [{"Url": IMAGE}, {"Url": IMAGE}], "BGM": True,
      "ExtraParam": {"BGMText": "la"}}, ["video"]),
    ("yt-video-humanactor", {"prompt": "说话", "image_url": IMAGE,
                             "audio_url": "https://example.com/a.mp3", "frame_rate": 25},
     "vclm", "2024-05-23", "SubmitHumanActorJob",
     {"Prompt": "说话", "ImageUrl": IMAGE, "AudioUrl": "https://example.com/a.mp3",
      "FrameRate": 25}, ["video"]),
    ("hy-3d-3.0", {"prompt": "一只小狗", "enable_pbr": True},
     "ai3d", "2025-05-13", "SubmitHunyuanTo3DProJob",
     {"Prompt": "一只小狗", "EnablePBR": True}, ["obj", "glb"]),
    ("hy-3d-3.1", {"prompt": "一只小狗", "generate_type": "geometry"},
     "ai3d", "2025-05-13", "SubmitHunyuanTo3DProJob",
     {"Prompt": "一只小狗", "GenerateType": "Geometry", "Model": "3.1"}, ["glb"]),
    ("hy-3d-express", {"image_url": IMAGE, "result_format": "stl"},
     "ai3d", "2025-05-13", "SubmitHunyuanTo3DRapidJob",
     {"ImageUrl": IMAGE, "ResultFormat": "STL"}, ["stl"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "model, params, service, version, action, body, kinds", CASES, ids=[c[0] for c in CASES]
)
def test_model_through_its_cloud_action(
    tencentcloud: JobClient,
    emulator: TokenHubEmulator,
    model: str,
    params: dict[str, Any],
    service: str,
    version: str,
    action: str,
    body: dict[str, Any],
    kinds: list[str],
) -> None:
    result = tencentcloud.generate(model, **params)
    calls = legacy_requests(emulator, "/")
    submit = calls[0]
    assert submit.headers["x-tc-action"] == action
    assert submit.headers["x-tc-version"] == version
    assert read_authorization(submit.headers["authorization"]).service == service
    assert submit.json == body
    assert [asset.kind for asset in result.assets] == kinds
    assert result.model == model
    if action == "TextToImageLite":  # synchronous: one call, no job to poll
        assert len(calls) == 1
    else:
        query_actions = {c.headers["x-tc-action"] for c in calls[1:]}
        assert len(query_actions) == 1 and query_actions != {action}
        assert all(c.json == {"JobId": result.job_id} for c in calls[1:])


def test_three_d_files_come_with_previews(tencentcloud: JobClient) -> None:
    result = tencentcloud.generate("hy-3d-3.0", prompt="一只小狗", result_format="FBX")
    assert [a.kind for a in result.assets] == ["obj", "glb", "fbx"]
    assert all(a.preview_url for a in result.assets)


def test_a_video_failure_carries_the_vclm_code(
    tencentcloud: JobClient, emulator: TokenHubEmulator
) -> None:
    from hunyuan_tokenhub import JobFailedError

    emulator.legacy.fail_next_jobs("FailedOperation.DriverFailed", "驱动失败")
    with pytest.raises(JobFailedError) as info:
        tencentcloud.generate("hy-video-1.5", prompt="小河流水")
    assert (info.value.code, info.value.message) == ("FailedOperation.DriverFailed", "驱动失败")


def test_each_service_has_its_documented_host() -> None:
    from hunyuan_tokenhub.jobs.backends import BackendOptions, get_backend

    backend = get_backend("tencentcloud").configure(
        BackendOptions.of(secret_id="AKIDx", secret_key="k", env={})
    )
    hosts = {model: backend.service_url(backend.route(model)) for model in backend.models}
    assert hosts["hunyuan-image-job"] == "https://hunyuan.tencentcloudapi.com"
    assert hosts["hy-image-v3.0"] == "https://aiart.tencentcloudapi.com"
    assert hosts["yt-video-fx"] == "https://vclm.tencentcloudapi.com"
    assert hosts["hy-3d-express"] == "https://ai3d.tencentcloudapi.com"
    assert backend.route("hy-3d-3.1").family == backend.route("hy-3d-3.0").family == "hy-3d-pro"
