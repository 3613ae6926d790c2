"""No paid result is ever lost from the command line: bad options fail before a job is
submitted, a finished job's URLs survive a failed download, and every resume line works."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest

from hunyuan_tokenhub.cli._common import PROG, ExitCode
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from tests.cli.conftest import API_KEY, RunCli

FAST = ("--poll-interval", "0.01")


def _submits(emulator: TokenHubEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path.endswith("/submit"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_unwritable_out_fails_before_any_submit(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = cli_on_emulator("image", "a koi", "--out", str(locked / "sub"), *FAST)
    finally:
        locked.chmod(0o700)
    assert result.exit_code == ExitCode.USAGE
    assert "--out" in result.output and "cannot" in result.output
    assert _submits(emulator) == 0


def test_out_that_is_a_file_fails_before_any_submit(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    result = cli_on_emulator("3d", "a teapot", "--out", str(a_file / "models"), *FAST)
    assert result.exit_code == ExitCode.USAGE
    assert "--out" in result.output
    assert _submits(emulator) == 0


def test_out_is_created_before_the_job(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    out = tmp_path / "new" / "dir"
    result = cli_on_emulator("image", "a koi", "--out", str(out), *FAST)
    assert result.exit_code == ExitCode.OK, result.output
    assert len(list(out.iterdir())) == 1


def test_failed_download_still_prints_urls_and_expiry_and_exits_partial(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    emulator.faults.add(route="/files/*", status=500, times=100)
    text = cli_on_emulator("3d", "a teapot", "--out", str(tmp_path / "a"), *FAST)
    as_json = cli_on_emulator("3d", "a vase", "--out", str(tmp_path / "b"), "--json", *FAST)

    assert text.exit_code == as_json.exit_code == ExitCode.PARTIAL_SUCCESS
    assert "glb: http" in text.stdout and "Links valid until" in text.stdout
    assert "Saving the files failed" in text.stderr
    document = json.loads(as_json.stdout)
    assert document["status"] == "completed" and document["files"] == []
    assert document["expires_at"] and all(a["url"] for a in document["assets"])
    assert "download_error" in document


def test_missing_local_image_says_file_not_found(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.png"
    result = cli_on_emulator("video", "-m", "yt-video-2.0", "--image", str(missing), *FAST)
    assert result.exit_code == ExitCode.USAGE
    assert f"file not found: {missing}" in result.output
    assert "not accepted" not in result.output
    assert _submits(emulator) == 0


def test_template_video_names_every_missing_field_at_once(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("video", "-m", "yt-video-fx", "--json", *FAST)
    assert result.exit_code == ExitCode.USAGE
    error = json.loads(result.stdout)["error"]
    assert error["param"] == "template, images"
    assert _submits(emulator) == 0


def test_models_for_a_kind_lists_each_parameter_and_its_values(cli: RunCli) -> None:
    result = cli("models", "--kind", "video")
    assert result.exit_code == ExitCode.OK
    assert "yt-video-fx parameters: template (required;" in result.stdout
    assert "https://cloud.tencent.com/document/product/1616/119194" in result.stdout
    assert "known values: kissing, hearting, hug," in result.stdout
    assert "resolution (360p|540p|720p)" in result.stdout


def test_unknown_param_keys_are_warned_about_and_sent(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("image", "a koi", "-p", "resolutoin=1024:768", *FAST)
    assert result.exit_code == ExitCode.OK, result.output
    assert "-p resolutoin is not a documented parameter of hy-image-v3.0" in result.stderr
    submitted = next(r.json for r in emulator.requests if r.path.endswith("/submit"))
    assert submitted["resolutoin"] == "1024:768"


def test_resume_line_is_one_command_with_every_option_it_needs(
    cli: RunCli, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=30, running_s=30)
    base = ("--api-key", API_KEY, "--base-url", emulator.base_url)
    result = cli(*base, "video", "a paper boat", "--wait-timeout", "0.05", *FAST)

    assert result.exit_code == ExitCode.JOB_STILL_RUNNING
    line = next(x for x in result.stderr.splitlines() if x.startswith("Resume waiting with: "))
    words = shlex.split(line.removeprefix("Resume waiting with: "))
    assert words[0] == PROG and "--base-url" in words and emulator.base_url in words
    job = next(iter(emulator.jobs))
    emulator.jobs.complete(job.id)
    # The line, run as printed (the key comes from the environment), finishes the wait.
    resumed = cli("--api-key", API_KEY, *words[1:], *FAST)
    assert resumed.exit_code == ExitCode.OK, resumed.output
    assert "video: http" in resumed.stdout
