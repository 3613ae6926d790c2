"""``image``, ``video``, ``3d`` and ``job status|wait`` against the emulator's job endpoints."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from hunyuan_tokenhub.cli._common import ExitCode
from hunyuan_tokenhub.cli._jobs import _progress_display
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import JobClient, JobStatus
from tests.cli.conftest import RunCli

FAST = ("--poll-interval", "0.01")


def submitted(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests if r.path.endswith("/submit")]


def test_image_prints_each_url_and_the_expiry(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("image", "a red panda in the snow", *FAST)

    assert result.exit_code == ExitCode.OK, result.output
    assert submitted(emulator) == [{"model": "hy-image-v3.0", "prompt": "a red panda in the snow"}]
    urls = [
        line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("image: ")
    ]
    assert len(urls) == 1 and urls[0].startswith(emulator.root_url)
    assert "Links valid until" in result.stdout
    assert "Submitted job" in result.stderr
    assert "completed" in result.stderr


def test_3d_json_with_out_downloads_every_file(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    out = tmp_path / "models"
    result = cli_on_emulator("3d", "一只小狗", "--out", str(out), "--json", *FAST)

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["model"] == "hy-3d-3.0"
    assert document["status"] == "completed"
    assert {a["kind"] for a in document["assets"]} >= {"obj", "glb"}
    files = [Path(f) for f in document["files"]]
    assert len(files) == len(document["assets"])
    assert all(f.parent == out and f.stat().st_size > 0 for f in files)
    assert any(f.suffix == ".zip" for f in files)  # OBJ models come zipped


@pytest.mark.parametrize(
    ("command", "model", "expected"),
    [
        ("image", "hy-image-v3.0", {"images": ["https://example.com/ref.png"]}),
        ("video", "hy-video-1.5", {"image": {"url": "https://example.com/ref.png"}}),
        ("video", "yt-video-2.0", {"image": {"url": "https://example.com/ref.png"}}),
        ("3d", "hy-3d-express", {"image_url": "https://example.com/ref.png"}),
    ],
)
def test_image_input_goes_to_the_models_field(
    cli_on_emulator: RunCli,
    emulator: TokenHubEmulator,
    command: str,
    model: str,
    expected: dict[str, Any],
) -> None:
    prompt = [] if command == "3d" else ["make it move"]
    args = [command, *prompt, "-m", model, "--image", "https://example.com/ref.png", *FAST]

    result = cli_on_emulator(*args)

    assert result.exit_code == ExitCode.OK, result.output
    body = submitted(emulator)[0]
    assert {key: body[key] for key in expected} == expected


def test_template_video_takes_its_template_and_several_images(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    pictures = ["https://example.com/1.png", "https://example.com/2.png"]
    args = [
        "video",
        "-m",
        "yt-video-fx",
        "-p",
        "template=hug",
        "-i",
        pictures[0],
        "-i",
        pictures[1],
    ]

    result = cli_on_emulator(*args, *FAST)

    assert result.exit_code == ExitCode.OK, result.output
    body = submitted(emulator)[0]
    assert body["template"] == "hug"
    assert body["images"] == [{"url": pictures[0]}, {"url": pictures[1]}]
    assert "video: " in result.stdout


def test_local_image_file_is_sent_inline(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    picture = tmp_path / "dog.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\nnot-really-a-png")

    result = cli_on_emulator("3d", "-m", "hy-3d-3.0", "--image", str(picture), *FAST)

    assert result.exit_code == ExitCode.OK, result.output
    body = submitted(emulator)[0]
    assert base64.b64decode(body["image_base64"]) == picture.read_bytes()
    assert "image_url" not in body


def test_params_are_parsed_as_json_when_possible(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator(
        "image", "a koi pond", "-p", "resolution=1024:768", "-p", "seed=7", "-p", "revise=0", *FAST
    )

    assert result.exit_code == ExitCode.OK, result.output
    assert submitted(emulator)[0] == {
        "model": "hy-image-v3.0",
        "prompt": "a koi pond",
        "resolution": "1024:768",
        "seed": 7,
        "revise": 0,
    }


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["image", "x", "-p", "seed=0"], "seed"),
        (["image", "x", "-p", "noequals"], "--param"),
        (["video", "x", "-m", "hy-image-v3.0"], "makes image"),
        (["image", "x", "-m", "hy-image-lite", "--no-wait"], "--no-wait"),
        (["image", "x", "-m", "hy-image-lite", "--image", "https://e.com/a.png"], "--image"),
        (["3d", "x", "-m", "no-such-model"], "hy-3d-3.1"),
        (["image"], "prompt"),
        (["video", "-m", "yt-video-fx", "-i", "https://e.com/a.png"], "template"),
    ],
)
def test_bad_requests_are_usage_errors_before_any_submit(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, args: list[str], named: str
) -> None:
    result = cli_on_emulator(*args)

    assert result.exit_code == ExitCode.USAGE, result.output
    assert named in result.stderr
    assert submitted(emulator) == []


def test_synchronous_lite_model_needs_no_job(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("image", "雨中, 竹林, 小路", "-m", "hy-image-lite", "--json")

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["model"] == "hy-image-lite"
    assert document["assets"][0]["url"].startswith(emulator.root_url)
    assert [r.path for r in emulator.requests] == ["/v1/api/image/lite"]


def test_no_wait_then_status_then_wait_resumes_the_job(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.05, running_s=0.3)
    submit = cli_on_emulator("video", "a paper boat", "--no-wait", "--json")
    job_id = json.loads(submit.stdout)["job_id"]

    status = cli_on_emulator("job", "status", job_id, "--model", "hy-video-1.5", "--json")
    waited = cli_on_emulator("job", "wait", job_id, "-m", "hy-video-1.5", "--json", *FAST)

    assert submit.exit_code == status.exit_code == waited.exit_code == ExitCode.OK
    assert json.loads(status.stdout)["state"] in ("queued", "in_progress")
    result = json.loads(waited.stdout)
    assert result["job_id"] == job_id
    assert result["assets"][0]["kind"] == "video"
    assert len(submitted(emulator)) == 1
    done = cli_on_emulator("job", "status", job_id, "--model", "hy-video-1.5")
    assert f"{job_id} hy-video-1.5: completed" in done.stdout
    assert result["assets"][0]["url"] in done.stdout


def test_failed_job_exits_1_with_the_servers_code(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.fail_next("hy-image-v3.0", code="FailedOperation.ModerationFailed")

    result = cli_on_emulator("image", "something", "--json", *FAST)

    assert result.exit_code == ExitCode.ERROR
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "JobFailedError"
    assert error["code"] == "FailedOperation.ModerationFailed"
    assert error["job_id"] == submitted_job_id(emulator)


def submitted_job_id(emulator: TokenHubEmulator) -> str:
    return next(iter(emulator.jobs)).id


def test_timeout_exits_3_and_says_how_to_resume(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=30, running_s=30)

    result = cli_on_emulator("3d", "a teapot", "--wait-timeout", "0.05", "--json", *FAST)

    assert result.exit_code == ExitCode.JOB_STILL_RUNNING
    error = json.loads(result.stdout)["error"]
    job_id = submitted_job_id(emulator)
    assert error["type"] == "JobTimeoutError"
    assert error["job_id"] == job_id
    assert f"job wait tokenhub:hy-3d-3.0:{job_id}" in error["hint"]
    assert f"job wait tokenhub:hy-3d-3.0:{job_id}" in result.stderr


def test_ctrl_c_while_waiting_exits_130_and_leaves_a_resume_hint(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: JobClient, job_id: str, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(JobClient, "wait_for_job", interrupted)

    result = cli_on_emulator("video", "waves", "-m", "hy-video-1.5")

    assert result.exit_code == ExitCode.INTERRUPTED
    job_id = submitted_job_id(emulator)
    assert "keeps running on the server" in result.stderr
    assert f"job wait tokenhub:hy-video-1.5:{job_id}" in result.stderr


def test_terminal_progress_bar_shows_state_percentage_and_elapsed_time() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)

    with _progress_display(console, "42") as update:
        update(JobStatus(job_id="42", model="hy-video-1.5", state="in_progress", progress=40))
        update(JobStatus(job_id="42", model="hy-video-1.5", state="completed", progress=100))

    final_frame = screen.getvalue().rsplit("\r", 1)[-1]
    assert "job 42" in final_frame
    assert "100%" in final_frame
    assert "completed" in final_frame
    assert re.search(r"\d+:\d\d:\d\d", final_frame)


def test_a_local_file_that_is_not_an_image_is_refused_before_uploading(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("just text, whatever the name says")
    webp = tmp_path / "photo.webp"
    webp.write_bytes(b"RIFF\x10\x00\x00\x00WEBPVP8 ")

    result = cli_on_emulator("3d", "-m", "hy-3d-3.0", "--image", str(notes), *FAST)

    assert result.exit_code == ExitCode.USAGE
    assert f"{notes} is not a JPEG, PNG, BMP, TIFF or WEBP image" in " ".join(result.stderr.split())
    assert submitted(emulator) == []
    accepted = cli_on_emulator("3d", "-m", "hy-3d-3.0", "--image", str(webp), *FAST)
    assert accepted.exit_code == ExitCode.OK, accepted.output
