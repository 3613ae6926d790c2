"""Downloads: streamed to safe names inside the directory, https only, size cap, redirects."""

from __future__ import annotations

import zipfile
from pathlib import Path

import httpx
import pytest

from hunyuan_tokenhub import APIError, InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator, file_bytes
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    DownloadPolicy,
    JobAsset,
    JobClient,
    JobResult,
    adownload,
    download,
)

LOOPBACK = DownloadPolicy(allow_loopback_http=True)


def _result(job_id: str, *assets: JobAsset) -> JobResult:
    return JobResult(job_id=job_id, model="hy-3d-3.0", kind="3d", assets=list(assets))


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_3d_result_downloads_obj_as_zip_and_glb(
    jobs: JobClient, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    result = jobs.generate("hy-3d-3.0", prompt="一只小狗")
    paths = jobs.download(result, tmp_path / "out")
    assert [p.name for p in paths] == [f"{result.job_id}-1-obj.zip", f"{result.job_id}-2-glb.glb"]
    with zipfile.ZipFile(paths[0]) as archive:
        assert "model.obj" in archive.namelist()
    assert paths[1].read_bytes().startswith(b"glTF")
    assert all(p.parent == (tmp_path / "out").resolve() for p in paths)
    # The API key never goes to the file host.
    file_requests = [r for r in emulator.requests if r.path.startswith("/files/")]
    assert file_requests and all("authorization" not in r.headers for r in file_requests)


async def test_async_download_of_image_and_video(ajobs: AsyncJobClient, tmp_path: Path) -> None:
    image = await ajobs.generate("hy-image-v3.0", prompt="x")
    video = await ajobs.generate("hy-video-1.5", prompt="x")
    (png,) = await ajobs.download(image, tmp_path)
    (mp4,) = await ajobs.download(video, tmp_path)
    assert png.suffix == ".png" and png.read_bytes().startswith(b"\x89PNG")
    assert mp4.suffix == ".mp4" and mp4.read_bytes()[4:8] == b"ftyp"


def test_previews_are_downloaded_on_request(jobs: JobClient, tmp_path: Path) -> None:
    result = jobs.generate("hy-3d-express", prompt="x")
    policy = DownloadPolicy(allow_loopback_http=True, include_previews=True)
    paths = download(result, tmp_path, policy=policy)
    assert [p.name.split("-", 1)[1] for p in paths] == [
        "1-obj.zip", "1-obj-preview.png", "2-glb.glb", "2-glb-preview.png"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "hostile_name",
    ["..%2F..%2Fescape.png", "%2Fetc%2Fpasswd.png", "a%5C..%5C..%5Cb.png", "%00..%2Fx.png"],
)
def test_hostile_server_strings_cannot_leave_the_directory(
    emulator: TokenHubEmulator, tmp_path: Path, hostile_name: str
) -> None:
    emulator.files.content_disposition = "../../../../tmp/owned.png"
    folder = tmp_path / "safe"
    url = f"{emulator.root_url}/files/..%2F..%2Fjob/{hostile_name}"
    result = _result("../../../etc/cron.d/x", JobAsset(url=url, kind="../../glb"))
    paths = download(result, folder, policy=LOOPBACK)
    assert len(paths) == 1
    assert paths[0].parent == folder.resolve()
    assert _files(tmp_path) == [paths[0].name]
    assert "/" not in paths[0].name and ".." not in paths[0].name.replace("...", "")


def test_existing_files_are_never_overwritten(jobs: JobClient, tmp_path: Path) -> None:
    result = jobs.generate("hy-image-v3.0", prompt="x")
    first = jobs.download(result, tmp_path)
    first[0].write_bytes(b"mine")
    second = jobs.download(result, tmp_path)
    assert first[0].read_bytes() == b"mine"
    assert second[0] != first[0] and second[0].name.endswith("-2.png")


def test_plain_http_is_refused_unless_loopback_is_explicitly_allowed(
    emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    local = _result("1", JobAsset(url=f"{emulator.root_url}/files/1/model.glb", kind="glb"))
    with pytest.raises(InvalidParameterError, match="refusing to download"):
        download(local, tmp_path)
    remote = _result("2", JobAsset(url="http://example.com/model.glb", kind="glb"))
    with pytest.raises(InvalidParameterError, match="refusing to download"):
        download(remote, tmp_path, policy=LOOPBACK)
    for bad in ("file:///etc/passwd", "ftp://example.com/x.glb"):
        with pytest.raises(InvalidParameterError):
            download(_result("3", JobAsset(url=bad, kind="glb")), tmp_path, policy=LOOPBACK)
    assert _files(tmp_path) == []


def test_size_cap_aborts_and_leaves_no_partial_file(
    emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    emulator.files.body_size = 300_000
    emulator.files.chunked = True
    result = _result("9", JobAsset(url=f"{emulator.root_url}/files/9/video.mp4", kind="video"))
    with pytest.raises(APIError, match="larger than 100000 bytes"):
        download(
            result, tmp_path, policy=DownloadPolicy(allow_loopback_http=True, max_bytes=100_000)
        )
    assert _files(tmp_path) == []


def test_http_errors_are_typed(emulator: TokenHubEmulator, tmp_path: Path) -> None:
    result = _result("9", JobAsset(url=f"{emulator.root_url}/files/9/model.unknown", kind="glb"))
    with pytest.raises(APIError, match="HTTP 404") as info:
        download(result, tmp_path, policy=LOOPBACK)
    assert info.value.status_code == 404
    assert _files(tmp_path) == []


def _redirecting(target: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start.png":
            return httpx.Response(302, headers={"location": target})
        return httpx.Response(200, content=b"\x89PNG-data", headers={"content-type": "image/png"})

    return httpx.MockTransport(handler)


def test_redirects_are_followed_only_to_allowed_urls(tmp_path: Path) -> None:
    result = JobResult(
        job_id="r", model="hy-image-v3.0", kind="image",
        assets=[JobAsset(url="https://cdn.example.com/start.png", kind="image")],
    )  # fmt: skip
    with httpx.Client(transport=_redirecting("/final")) as client:
        (path,) = download(result, tmp_path, http_client=client)
    assert path.read_bytes() == b"\x89PNG-data"
    with (
        httpx.Client(transport=_redirecting("http://evil.example.com/x")) as client,
        pytest.raises(InvalidParameterError, match="refusing to download"),
    ):
        download(result, tmp_path / "b", http_client=client)
    assert not (tmp_path / "b").exists() or _files(tmp_path / "b") == []


async def test_inline_data_urls_are_saved_without_any_request(tmp_path: Path) -> None:
    result = JobResult(
        job_id="lite", model="hy-image-lite", kind="image",
        assets=[JobAsset(url="data:image/png;base64,iVBORw0KGgo=", kind="image")],
    )  # fmt: skip
    (path,) = await adownload(result, tmp_path)
    assert path.name == "lite-1-image.png" and path.read_bytes() == b"\x89PNG\r\n\x1a\n"


def test_emulator_file_bytes_are_what_was_saved(jobs: JobClient, tmp_path: Path) -> None:
    result = jobs.generate("hy-video-1.5", prompt="x")
    (path,) = jobs.download(result, tmp_path)
    assert path.read_bytes() == file_bytes(result.job_id, "video.mp4")


@pytest.mark.parametrize(
    ("base_url", "origins"),
    [
        ("http://127.0.0.1:8765/v1", {"127.0.0.1:8765"}),
        ("http://localhost:8765/v1", {"localhost:8765"}),
        ("https://tokenhub.tencentmaas.com/v1", set()),
    ],
)
def test_policy_for_a_service_allows_plain_http_only_to_a_loopback_service(
    monkeypatch: pytest.MonkeyPatch, base_url: str, origins: set[str]
) -> None:
    # The environment no longer matters: the caller names the service (its resolved settings).
    monkeypatch.setenv("TOKENHUB_BASE_URL", "http://127.0.0.1:9999/v1")
    policy = DownloadPolicy.for_service(base_url, max_bytes=10)
    assert (policy.local_origins, policy.max_bytes) == (origins, 10)
    with pytest.raises(InvalidParameterError):
        policy.check_url("http://files.example.com/a.png")  # never a real host over http


def test_job_client_downloads_from_a_loopback_service_by_default(tmp_path: Path) -> None:
    """A JobClient pointed at the emulator may fetch its plain-http result files; one pointed
    at a real https service keeps the https-only policy."""
    with (
        TokenHubEmulator(api_key="k") as emu,
        JobClient(api_key="k", base_url=emu.base_url) as jobs,
    ):
        assert jobs.download_policy.local_origins == {emu.base_url.split("/")[2]}
        result = jobs.generate("hy-image-lite", prompt="雨中, 竹林, 小路")
        paths = jobs.download(result, tmp_path)
        assert [p.suffix for p in paths] == [".png"]
        assert paths[0].read_bytes().startswith(b"\x89PNG")
    with JobClient(api_key="k", base_url="https://tokenhub.tencentmaas.com/v1") as real:
        assert real.download_policy.local_origins == frozenset()
