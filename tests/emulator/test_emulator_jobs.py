"""Generation jobs: documented shapes, life cycle, failures, concurrency, result files."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import httpx
import pytest

from hunyuan_tokenhub.emulator import (
    JOB_LIMIT_CODE,
    JOB_NOT_FOUND_CODE,
    JobTiming,
    TokenHubEmulator,
)
from tests.emulator._emulator_support import error_of

SLOW = JobTiming(queued_s=0.0, running_s=30.0)


def submit(client: httpx.Client, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/{kind}/submit", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def query(client: httpx.Client, kind: str, model: str, job_id: str) -> dict[str, Any]:
    response = client.post(f"/api/{kind}/query", json={"model": model, "id": job_id})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["request_id"] == response.headers["x-request-id"]
    return result


def wait_done(client: httpx.Client, kind: str, model: str, job_id: str) -> dict[str, Any]:
    for _ in range(200):
        result = query(client, kind, model, job_id)
        if result["status"] in ("completed", "failed"):
            return result
        time.sleep(0.01)
    raise AssertionError("job did not finish")


def test_lite_is_synchronous_with_the_documented_shape(client: httpx.Client) -> None:
    body = {"model": "hy-image-lite", "prompt": "雨中, 竹林, 小路", "rsp_img_type": "url"}
    response = client.post("/api/image/lite", json=body)

    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"created", "request_id", "data"}
    assert result["request_id"] == response.headers["x-request-id"]
    [image] = result["data"]
    assert set(image) == {"url"}
    download = httpx.get(image["url"])
    assert download.headers["content-type"] == "image/png"
    assert download.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("kind", "body", "object_name"),
    [
        ("image", {"model": "hy-image-v3.0", "prompt": "在图片中增加一个橘猫"}, "image_job"),
        ("video", {"model": "hy-video-1.5", "prompt": "小河流水"}, "video"),
        ("video", {"model": "yt-video-2.0", "image": {"url": "https://x.test/a.jpeg"}}, "video"),
        ("3d", {"model": "hy-3d-3.0", "prompt": "一只小狗"}, "3d_job"),
    ],
)
def test_submit_has_the_documented_shape(
    client: httpx.Client, kind: str, body: dict[str, Any], object_name: str
) -> None:
    result = submit(client, kind, body)

    assert set(result) == {"id", "request_id", "object", "created_at", "status"}
    assert result["object"] == object_name
    assert result["status"] == "queued"
    assert isinstance(result["created_at"], int) and result["id"]


def test_video_life_cycle_with_progress(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.jobs.timing = JobTiming(queued_s=0.05, running_s=0.2)
    job = submit(client, "video", {"model": "hy-video-1.5", "prompt": "小河流水"})

    queued = query(client, "video", "hy-video-1.5", job["id"])
    assert queued["status"] == "queued"
    assert "progress" not in queued and "data" not in queued and "completed_at" not in queued

    statuses = []
    progress = []
    while True:
        result = query(client, "video", "hy-video-1.5", job["id"])
        statuses.append(result["status"])
        if result["status"] == "in_progress":
            progress.append(result["progress"])
            assert "data" not in result
        if result["status"] == "completed":
            break
        time.sleep(0.02)
    assert "in_progress" in statuses
    assert progress == sorted(progress) and all(0 <= p < 100 for p in progress)
    assert set(result) == {
        "request_id",
        "object",
        "created_at",
        "completed_at",
        "status",
        "progress",
        "data",
    }
    assert result["progress"] == 100
    assert set(result["data"]) == {"url"}
    video = httpx.get(result["data"]["url"])
    assert video.headers["content-type"] == "video/mp4" and video.content[4:8] == b"ftyp"


def test_image_job_result_is_a_list_with_revised_prompt(client: httpx.Client) -> None:
    job = submit(client, "image", {"model": "HY-Image-V3.0", "prompt": "橘猫"})
    result = wait_done(client, "image", "hy-image-v3.0", job["id"])

    assert result["status"] == "completed" and "progress" not in result
    assert result["data"] == [{"url": result["data"][0]["url"], "revised_prompt": "橘猫"}]


def test_3d_result_lists_obj_glb_and_the_extra_format(client: httpx.Client) -> None:
    job = submit(client, "3d", {"model": "hy-3d-3.1", "prompt": "小狗", "result_format": "STL"})
    result = wait_done(client, "3d", "hy-3d-3.1", job["id"])

    assert [entry["type"] for entry in result["data"]] == ["obj", "glb", "stl"]
    assert all(set(e) == {"type", "url", "preview_image_url"} for e in result["data"])
    archive = httpx.get(result["data"][0]["url"])
    assert archive.headers["content-type"] == "application/zip"
    assert "model.obj" in zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    glb = httpx.get(result["data"][1]["url"])
    assert glb.headers["content-type"] == "model/gltf-binary" and glb.content[:4] == b"glTF"


def test_fail_next_makes_the_job_fail_with_an_error(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.jobs.fail_next("yt-video-humanactor", code="FailedOperation.ModerationFailed")
    ok = submit(client, "video", {"model": "hy-video-1.5", "prompt": "x"})
    job = submit(
        client,
        "video",
        {
            "model": "yt-video-humanactor",
            "prompt": "挥手",
            "audio_url": "https://x.test/a.mp3",
            "image_url": "https://x.test/a.png",
        },
    )

    failed = wait_done(client, "video", "yt-video-humanactor", job["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "FailedOperation.ModerationFailed"
    assert failed["error"]["message"]
    assert "data" not in failed
    assert wait_done(client, "video", "hy-video-1.5", ok["id"])["status"] == "completed"


def test_fail_and_complete_settle_running_jobs(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.jobs.set_concurrency(False)
    emu.jobs.timing = SLOW
    first = submit(client, "3d", {"model": "hy-3d-express", "image_url": "https://x.test/a.png"})
    second = submit(client, "3d", {"model": "hy-3d-express", "prompt": "cup"})
    assert query(client, "3d", "hy-3d-express", first["id"])["status"] == "in_progress"

    emu.jobs.fail(first["id"], code="FailedOperation.InnerError", message="boom")
    emu.jobs.complete(second["id"])

    assert query(client, "3d", "hy-3d-express", first["id"])["error"] == {
        "code": "FailedOperation.InnerError",
        "message": "boom",
    }
    assert query(client, "3d", "hy-3d-express", second["id"])["status"] == "completed"
    assert emu.jobs.submit_count("hy-3d-express") == 2
    assert emu.jobs.get(first["id"]) is not None


def test_concurrency_limit_refuses_submits_with_job_num_exceed(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.jobs.timing = SLOW
    first = submit(client, "video", {"model": "hy-video-1.5", "prompt": "a"})

    refused = client.post("/api/video/submit", json={"model": "hy-video-1.5", "prompt": "b"})
    assert refused.status_code == 429
    error = error_of(refused)
    assert error["code"] == JOB_LIMIT_CODE and error["type"] == "rate_limit_exceeded"
    # Another model has its own slot.
    submit(client, "video", {"model": "yt-video-2.0", "image": {"url": "https://x.test/a.png"}})
    assert emu.jobs.submit_count("hy-video-1.5") == 1

    emu.jobs.complete(first["id"])
    submit(client, "video", {"model": "hy-video-1.5", "prompt": "c"})


def test_pro_3d_models_share_three_slots(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.jobs.timing = SLOW
    for model in ("hy-3d-3.0", "hy-3d-3.1", "hy-3d-3.0"):
        submit(client, "3d", {"model": model, "prompt": "dog"})

    refused = client.post("/api/3d/submit", json={"model": "hy-3d-3.1", "prompt": "dog"})
    assert refused.status_code == 429
    emu.jobs.set_concurrency(False)
    submit(client, "3d", {"model": "hy-3d-3.1", "prompt": "dog"})


@pytest.mark.tokenhub_emulator(job_concurrency=False)
def test_marker_configures_the_fixture(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.jobs.timing = SLOW
    for _ in range(3):
        submit(client, "image", {"model": "hy-image-v3.0", "prompt": "cat"})
    assert emu.jobs.submits == {"hy-image-v3.0": 3}


def test_unknown_job_id_is_job_not_exist(client: httpx.Client) -> None:
    response = client.post("/api/video/query", json={"model": "hy-video-1.5", "id": "123"})

    assert response.status_code == 400
    assert error_of(response)["code"] == JOB_NOT_FOUND_CODE


def test_job_is_not_found_on_another_kind_or_with_another_model(client: httpx.Client) -> None:
    job = submit(client, "image", {"model": "hy-image-v3.0", "prompt": "cat"})

    other_kind = client.post("/api/video/query", json={"model": "hy-video-1.5", "id": job["id"]})
    assert error_of(other_kind)["code"] == JOB_NOT_FOUND_CODE
    other_model = client.post("/api/3d/query", json={"model": "hy-3d-3.0", "id": job["id"]})
    assert other_model.status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "status", "param"),
    [
        ("/api/video/submit", {"model": "hy-image-v3.0", "prompt": "x"}, 400, "model"),
        ("/api/video/submit", {"model": "sora", "prompt": "x"}, 403, "model"),
        ("/api/video/submit", {"prompt": "x"}, 400, "model"),
        ("/api/image/submit", {"model": "hy-image-v3.0"}, 400, "prompt"),
        ("/api/image/lite", {"model": "hy-image-v3.0", "prompt": "x"}, 400, "model"),
        ("/api/video/submit", {"model": "yt-video-2.0", "image": "x"}, 400, "image"),
        ("/api/video/submit", {"model": "yt-video-fx", "template": "hug"}, 400, "images"),
        ("/api/3d/submit", {"model": "hy-3d-3.0"}, 400, "prompt"),
        (
            "/api/3d/submit",
            {"model": "hy-3d-3.0", "prompt": "x", "image_url": "https://x.test/a.png"},
            400,
            "prompt",
        ),
        (
            "/api/3d/submit",
            {"model": "hy-3d-3.0", "prompt": "x", "result_format": "ply"},
            400,
            "result_format",
        ),
        ("/api/image/query", {"model": "hy-image-v3.0"}, 400, "id"),
    ],
)
def test_bad_job_requests_name_the_parameter(
    client: httpx.Client, path: str, body: dict[str, Any], status: int, param: str
) -> None:
    response = client.post(path, json=body)

    assert response.status_code == status
    assert param in error_of(response)["message"].lower()


def test_backup_host_shares_jobs(emu: TokenHubEmulator, tokenhub_api_key: str) -> None:
    headers = {"Authorization": f"Bearer {tokenhub_api_key}"}
    job = httpx.post(
        f"{emu.base_url}/api/video/submit",
        headers=headers,
        json={"model": "hy-video-1.5", "prompt": "x"},
    ).json()
    seen = httpx.post(
        f"{emu.backup_base_url}/api/video/query",
        headers=headers,
        json={"model": "hy-video-1.5", "id": job["id"]},
    )

    assert seen.status_code == 200
    assert [r.host for r in emu.requests] == ["primary", "backup"]


# Result files for download tests ------------------------------------------------------------


def test_files_can_send_hostile_names_and_oversized_bodies(emu: TokenHubEmulator) -> None:
    url = f"{emu.root_url}/files/42/image_0.png"

    hostile = httpx.get(url, params={"disposition": "../../etc/passwd"})
    assert hostile.headers["content-disposition"] == 'attachment; filename="../../etc/passwd"'
    assert httpx.get(url, params={"size": "100000"}).content.__len__() == 100000

    emu.files.content_disposition = "报告.png"
    emu.files.body_size = 5000
    emu.files.chunked = True
    response = httpx.get(url)
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A.png" in response.headers["content-disposition"]
    assert "content-length" not in response.headers
    assert len(response.content) == 5000


def test_files_are_deterministic_and_unknown_types_404(emu: TokenHubEmulator) -> None:
    url = f"{emu.root_url}/files/42/model.glb"

    assert httpx.get(url).content == httpx.get(url).content
    assert httpx.get(f"{emu.root_url}/files/42/secret.txt").status_code == 404
    head = httpx.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) > 0


def test_signed_urls_carry_a_query_string(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.files.signed_urls = True
    job = submit(client, "video", {"model": "hy-video-1.5", "prompt": "x"})
    url = wait_done(client, "video", "hy-video-1.5", job["id"])["data"]["url"]
    lite = client.post("/api/image/lite", json={"model": "hy-image-lite", "prompt": "x"})

    assert "/video.mp4?sign=" in url
    assert "/image_0.png?sign=" in lite.json()["data"][0]["url"]
    assert httpx.get(url).headers["content-type"] == "video/mp4"
