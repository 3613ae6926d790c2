"""Input media policy: URLs pass, local files only from allowed directories, sent as base64."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.jobs import MediaPolicy, build_request

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "cat.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("key")
    return folder


def test_urls_and_data_urls_pass_without_any_allowed_directory() -> None:
    request = build_request(
        "hy-image-v3.0",
        prompt="x",
        images=["https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo="],
    )
    assert MediaPolicy().resolve(request) == request


def test_local_paths_are_refused_by_default(uploads: Path) -> None:
    request = build_request("hy-image-v3.0", prompt="x", images=[str(uploads / "cat.png")])
    with pytest.raises(InvalidParameterError, match="local file paths are not accepted") as info:
        MediaPolicy().resolve(request)
    assert info.value.param == "images[0]"


def test_allowed_file_becomes_a_data_url_when_no_base64_field_exists(uploads: Path) -> None:
    request = build_request("hy-image-v3.0", prompt="x", images=[str(uploads / "cat.png")])
    resolved = MediaPolicy([uploads]).resolve(request)
    assert resolved.images == [  # type: ignore[attr-defined]
        "data:image/png;base64," + base64.b64encode(PNG).decode()
    ]


def test_allowed_file_goes_to_the_documented_base64_twin(uploads: Path) -> None:
    request = build_request("hy-3d-3.0", image_url=str(uploads / "cat.png"))
    body = MediaPolicy([uploads]).resolve(request).model_dump(exclude_none=True)
    assert body == {"model": "hy-3d-3.0", "image_base64": base64.b64encode(PNG).decode()}
    video = build_request("yt-video-2.0", image=str(uploads / "cat.png"))
    body = MediaPolicy([uploads]).resolve(video).model_dump(exclude_none=True)
    assert body["image"] == {"base64": base64.b64encode(PNG).decode()}


def test_nested_lists_of_images_are_resolved(uploads: Path) -> None:
    fx = build_request(
        "yt-video-fx", template="hug", images=[str(uploads / "cat.png"), "https://e.com/b.png"]
    )
    body = MediaPolicy([uploads]).resolve(fx).model_dump(exclude_none=True)
    assert body["images"] == [
        {"base64": base64.b64encode(PNG).decode()},
        {"url": "https://e.com/b.png"},
    ]


def test_data_url_moves_to_the_base64_twin_without_its_prefix() -> None:
    request = build_request("hy-3d-express", image_url="data:image/png;base64,iVBORw0KGgo=")
    body = MediaPolicy().resolve(request).model_dump(exclude_none=True)
    assert body["image_base64"] == "iVBORw0KGgo=" and "image_url" not in body


@pytest.mark.parametrize("escape", ["../secret.txt", "sub/../../secret.txt"])
def test_paths_leaving_the_allowed_directory_are_refused(uploads: Path, escape: str) -> None:
    request = build_request("hy-3d-3.0", image_url=str(uploads / escape))
    with pytest.raises(InvalidParameterError, match="outside the allowed directories"):
        MediaPolicy([uploads]).resolve(request)


def test_symlink_out_of_the_allowed_directory_is_refused(uploads: Path) -> None:
    link = uploads / "link.png"
    link.symlink_to(uploads.parent / "secret.txt")
    request = build_request("hy-3d-3.0", image_url=str(link))
    with pytest.raises(InvalidParameterError, match="outside the allowed directories"):
        MediaPolicy([uploads]).resolve(request)


def test_missing_and_oversized_files_are_refused(uploads: Path) -> None:
    missing = build_request("hy-3d-3.0", image_url=str(uploads / "nope.png"))
    with pytest.raises(InvalidParameterError, match="no such file"):
        MediaPolicy([uploads]).resolve(missing)
    big = build_request("hy-3d-3.0", image_url=str(uploads / "cat.png"))
    with pytest.raises(InvalidParameterError, match="at most 8"):
        MediaPolicy([uploads], max_bytes=8).resolve(big)


def test_url_only_fields_refuse_files_and_inline_data() -> None:
    for value in ("/tmp/a.mp3", "data:audio/mp3;base64,AAAA", "file:///tmp/a.mp3"):
        with pytest.raises(InvalidParameterError, match="must be an http"):
            build_request(
                "yt-video-humanactor", prompt="x", audio_url=value, image_url="https://e/f.png"
            )
    with pytest.raises(InvalidParameterError, match=r"logo_param\.logo_url"):
        build_request("hy-image-v3.0", prompt="x", logo_param={"logo_url": "file:///etc/passwd"})


def test_malformed_data_url_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="base64 encoded"):
        build_request("hy-3d-3.0", image_url="data:image/png,rawbytes")


def test_inline_data_urls_share_the_size_cap_of_local_files() -> None:
    payload = base64.b64encode(PNG).decode()
    for model, field in (("hy-3d-3.0", "image_url"), ("yt-video-2.0", "image")):
        request = build_request(model, **{field: f"data:image/png;base64,{payload}"})
        with pytest.raises(InvalidParameterError, match="at most 8") as info:
            MediaPolicy(max_bytes=8).resolve(request)
        assert info.value.param.startswith(field)
        assert MediaPolicy(max_bytes=len(PNG)).resolve(request) is not None


@pytest.mark.parametrize(
    "name", ["bad\0name.png", "a" * 5000 + ".png", "~no-such-user-zz/cat.png", "locked.png"]
)
def test_unusable_agent_paths_are_clear_refusals_not_os_errors(uploads: Path, name: str) -> None:
    locked = uploads / "locked.png"
    locked.write_bytes(PNG)
    locked.chmod(0)
    value = name if name.startswith("~") else str(uploads / name)
    request = build_request("hy-3d-3.0", image_url=value)
    try:
        if name == "locked.png" and os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read any file")
        with pytest.raises(InvalidParameterError) as info:
            MediaPolicy([uploads]).resolve(request)
        assert info.value.param == "image_url"
    finally:
        locked.chmod(0o600)
