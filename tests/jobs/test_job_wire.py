"""The TokenHub route table and wire format against the documented exchanges (https://cloud.tencent.com/document/product/1823/130080 and its video and 3D siblings 130081, 130082)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hunyuan_tokenhub import APIError
from hunyuan_tokenhub.jobs import build_request, get_backend, normalize_state
from hunyuan_tokenhub.jobs._status import find_error

BACKEND = get_backend("tokenhub")


@pytest.mark.parametrize(
    ("model", "submit", "query", "family", "slots"),
    [
        ("hy-image-lite", "/api/image/lite", None, "hy-image-lite", 1),
        ("hy-image-v3.0", "/api/image/submit", "/api/image/query", "hy-image-v3.0", 1),
        ("hy-video-1.5", "/api/video/submit", "/api/video/query", "hy-video-1.5", 1),
        ("yt-video-2.0", "/api/video/submit", "/api/video/query", "yt-video-2.0", 1),
        ("yt-video-fx", "/api/video/submit", "/api/video/query", "yt-video-fx", 1),
        ("yt-video-humanactor", "/api/video/submit", "/api/video/query", "yt-video-humanactor", 1),
        ("hy-3d-3.0", "/api/3d/submit", "/api/3d/query", "hy-3d-pro", 3),
        ("hy-3d-3.1", "/api/3d/submit", "/api/3d/query", "hy-3d-pro", 3),
        ("hy-3d-express", "/api/3d/submit", "/api/3d/query", "hy-3d-express", 1),
    ],
)
def test_route_table(model: str, submit: str, query: str | None, family: str, slots: int) -> None:
    route = BACKEND.route(model.upper())
    assert route.submit_path == submit
    assert route.query_path == query
    assert (route.family, route.max_concurrent_jobs) == (family, slots)


def test_submit_body_is_the_documented_shape() -> None:
    route = BACKEND.route("hy-image-v3.0")
    request = build_request(
        "HY-Image-V3.0", prompt="在图片中增加一个橘猫", images=["https://x/a.jpeg"]
    )
    call = BACKEND.submit_call(route, request)
    assert call.submit is True
    assert call.body == {
        "model": "hy-image-v3.0",
        "prompt": "在图片中增加一个橘猫",
        "images": ["https://x/a.jpeg"],
    }
    video = BACKEND.route("yt-video-2.0")
    call = BACKEND.submit_call(video, build_request("yt-video-2.0", image="https://x/o.jpeg"))
    assert call.body == {"model": "yt-video-2.0", "image": {"url": "https://x/o.jpeg"}}


def test_lite_defaults_to_url_answers_as_in_the_documented_example() -> None:
    route = BACKEND.route("hy-image-lite")
    call = BACKEND.submit_call(route, build_request("hy-image-lite", prompt="雨中, 竹林, 小路"))
    assert call.body == {
        "model": "hy-image-lite",
        "prompt": "雨中, 竹林, 小路",
        "rsp_img_type": "url",
    }


def test_query_body_and_parsing_of_a_completed_image_job() -> None:
    route = BACKEND.route("hy-image-v3.0")
    assert BACKEND.query_call(route, "2510").body == {"model": "hy-image-v3.0", "id": "2510"}
    answer = {
        "request_id": "5785da7f2af",
        "object": "image_job",
        "created_at": 1774806639,
        "completed_at": 1774806639,
        "status": "completed",
        "data": [{"url": "https://img/965e", "revised_prompt": "<think>..."}],
    }
    status = BACKEND.job_status(route, "2510", answer)
    assert (status.state, status.progress, status.request_id) == ("completed", 100, "5785da7f2af")
    result = status.result
    assert result is not None
    assert [(a.kind, a.url, a.revised_prompt) for a in result.assets] == [
        ("image", "https://img/965e", "<think>...")
    ]
    assert result.completed_at is not None
    assert result.expires_at == result.completed_at + timedelta(hours=1)
    assert result.raw == answer


def test_video_data_is_one_object_and_urls_live_24_hours() -> None:
    route = BACKEND.route("hy-video-1.5")
    answer = {
        "request_id": "bb93",
        "object": "video",
        "created_at": 1774807628,
        "completed_at": 1774807628,
        "status": "completed",
        "progress": 100,
        "data": {"url": "https://vc/e6a6"},
    }
    result = BACKEND.job_status(route, "1429", answer).result
    assert result is not None
    assert [(a.kind, a.url) for a in result.assets] == [("video", "https://vc/e6a6")]
    assert result.completed_at and result.expires_at == result.completed_at + timedelta(hours=24)


def test_3d_lists_one_asset_per_format_with_preview() -> None:
    route = BACKEND.route("hy-3d-3.0")
    in_progress = {"request_id": "c41", "object": "3d_job", "created_at": 1774806968,
                   "status": "in_progress"}  # fmt: skip
    status = BACKEND.job_status(route, "1429", in_progress)
    assert (status.state, status.progress, status.result) == ("in_progress", None, None)
    done = {
        "status": "completed",
        "completed_at": 1774807344,
        "data": [
            {"type": "obj", "url": "https://h/552a3", "preview_image_url": "https://h/p1"},
            {"type": "GLB", "url": "https://h/9ae", "preview_image_url": "https://h/p2"},
        ],
    }
    result = BACKEND.job_status(route, "1429", done).result
    assert result is not None and result.kind == "3d"
    assert [(a.kind, a.preview_url) for a in result.assets] == [
        ("obj", "https://h/p1"),
        ("glb", "https://h/p2"),
    ]


def test_completed_without_any_file_is_a_failure() -> None:
    route = BACKEND.route("hy-video-1.5")
    status = BACKEND.job_status(route, "7", {"status": "completed", "data": {}})
    assert (status.state, status.result) == ("failed", None)
    assert status.error_message == "the job completed without any result file"


def test_video_progress_is_reported() -> None:
    route = BACKEND.route("yt-video-2.0")
    status = BACKEND.job_status(route, "7", {"status": "in_progress", "progress": 42.4})
    assert (status.state, status.progress) == ("in_progress", 42)


@pytest.mark.parametrize(
    "answer",
    [
        {
            "status": "failed",
            "error": {"code": "FailedOperation.ModerationFailed", "message": "no"},
        },
        {"status": "FAIL", "error_code": "FailedOperation.ModerationFailed", "error_message": "no"},
        {
            "status": "4",
            "job_error_code": "FailedOperation.ModerationFailed",
            "job_error_msg": "no",
        },
        {
            "status": "weird",
            "JobErrorCode": "FailedOperation.ModerationFailed",
            "JobErrorMsg": "no",
        },
    ],
)
def test_failures_in_every_documented_error_shape(answer: dict[str, object]) -> None:
    route = BACKEND.route("hy-image-v3.0")
    status = BACKEND.job_status(route, "9", answer)
    assert status.state == "failed"
    assert (status.error_code, status.error_message) == ("FailedOperation.ModerationFailed", "no")


@pytest.mark.parametrize(
    ("raw", "has_error", "state"),
    [
        ("queued", False, "queued"),
        ("in_progress", False, "in_progress"),
        ("completed", False, "completed"),
        ("failed", False, "failed"),
        ("1", False, "queued"),
        (2, False, "in_progress"),
        ("4", False, "failed"),
        (5, False, "completed"),
        ("WAIT", False, "queued"),
        ("RUN", False, "in_progress"),
        ("DONE", False, "completed"),
        ("FAIL", False, "failed"),
        ("succeeded", False, "completed"),
        ("running", False, "in_progress"),
        ("mystery", False, "in_progress"),
        ("mystery", True, "failed"),
        (None, False, "in_progress"),
    ],
)
def test_status_vocabularies_map_onto_one(raw: object, has_error: bool, state: str) -> None:
    assert normalize_state(raw, has_error=has_error) == state


def test_successful_answers_carry_no_error() -> None:
    assert find_error({"status": "completed", "error_code": "", "error": None}) == (None, None)


def test_submit_answer_without_id_is_a_typed_error() -> None:
    route = BACKEND.route("hy-3d-3.0")
    assert BACKEND.job_id(route, {"id": 14984, "status": "queued"}) == "14984"
    with pytest.raises(APIError, match="no job id: busy") as info:
        BACKEND.job_id(route, {"error": {"code": "X", "message": "busy"}})
    assert info.value.code == "X"


def test_lite_answer_is_a_finished_result() -> None:
    route = BACKEND.route("hy-image-lite")
    answer = {"created": 1774806537, "request_id": "cec3", "data": [{"url": "https://hyimg/85"}]}
    result = BACKEND.sync_result(route, answer)
    assert (result.job_id, result.urls, result.kind) == ("cec3", ["https://hyimg/85"], "image")
    assert result.created_at and result.expires_at == result.created_at + timedelta(hours=1)
    with pytest.raises(APIError, match="no image"):
        BACKEND.sync_result(route, {"request_id": "x", "data": []})
