"""``--backend`` / ``HUNYUAN_BACKEND``: the generation commands on aiart, ai3d and API 3.0."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from hunyuan_tokenhub.cli._app import app
from hunyuan_tokenhub.cli._common import ExitCode
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from tests.cli.conftest import CLEARED_ENV

SECRET_ID = "AKIDclitest000001"
SECRET_KEY = "cli-test-secret-do-not-print-77"
GATEWAY_KEY = "sk-gateway-cli-test-31"
FAST = ("--poll-interval", "0.01")


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(job_timing=JobTiming(queued_s=0.01, running_s=0.03)) as emu:
        emu.legacy.credentials = {SECRET_ID: SECRET_KEY}
        yield emu


def run(*args: str, **env: str) -> Result:
    environment: dict[str, str | None] = {**dict.fromkeys(CLEARED_ENV), **env}
    environment["COLUMNS"] = "200"
    return CliRunner().invoke(app, list(args), env=environment)


def test_tencentcloud_backend_signs_with_the_secret_pair_and_needs_no_tokenhub_key(
    emulator: TokenHubEmulator,
) -> None:
    result = run(
        "--backend", "tencentcloud", "--base-url", emulator.root_url,
        "image", "雨中, 竹林", "-m", "hunyuan-image-job", "-p", "num=2", *FAST, "--json",
        TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
    )  # fmt: skip

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["status"] == "completed" and len(document["assets"]) == 2
    submit = emulator.requests[0]
    assert submit.headers["x-tc-action"] == "SubmitHunyuanImageJob"
    assert submit.json == {"Prompt": "雨中, 竹林", "Num": 2}
    assert SECRET_KEY not in result.output


def test_backend_from_the_environment_sends_the_gateway_key_without_bearer(
    emulator: TokenHubEmulator,
) -> None:
    result = run(
        "--api-key", GATEWAY_KEY, "--base-url", emulator.root_url,
        "image", "a cat", *FAST,
        HUNYUAN_BACKEND="aiart",
    )  # fmt: skip

    assert result.exit_code == ExitCode.OK, result.output
    submit = emulator.requests[0]
    assert submit.path == "/v1/aiart/submit"
    assert submit.headers["authorization"] == GATEWAY_KEY
    assert submit.json == {"model": "HY-Image-V3.0", "prompt": "a cat"}


def test_rejected_cloud_credentials_name_the_secret_variables(
    emulator: TokenHubEmulator,
) -> None:
    result = run(
        "--backend", "tencentcloud", "--base-url", emulator.root_url,
        "image", "x", "-m", "hunyuan-image-job", "--json",
        TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY="wrong-secret-key-123",
    )  # fmt: skip

    assert result.exit_code == ExitCode.ERROR
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "AuthenticationError"
    assert error["code"] == "AuthFailure.SignatureFailure"
    assert "TENCENTCLOUD_SECRET_KEY" in error["hint"]
    assert "wrong-secret-key-123" not in result.output


def test_chat_hint_names_the_tokenhub_key_whatever_the_generation_backend(
    emulator: TokenHubEmulator,
) -> None:
    emulator.api_key = "the-only-good-key"
    result = run(
        "--api-key", "sk-wrong", "--base-url", emulator.base_url, "chat", "hi", "--json",
        HUNYUAN_BACKEND="tencentcloud",
    )  # fmt: skip

    assert result.exit_code == ExitCode.ERROR
    assert "TOKENHUB_API_KEY" in json.loads(result.stdout)["error"]["hint"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--backend", "aiart", "video", "a boat"), "the aiart backend makes no video results"),
        (("--backend", "nosuch", "image", "x"), "available: tokenhub, aiart, ai3d, tencentcloud"),
        (("--backend", "tencentcloud", "image", "x", "-m", "hunyuan-image-job"),
         "TENCENTCLOUD_SECRET_ID"),
    ],
)  # fmt: skip
def test_what_the_backend_cannot_do_is_a_usage_error_before_any_request(
    emulator: TokenHubEmulator, args: tuple[str, ...], message: str
) -> None:
    result = run("--api-key", GATEWAY_KEY, "--base-url", emulator.root_url, *args)

    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.stderr
    assert len(emulator.requests) == 0


def test_a_cloud_job_submitted_without_waiting_is_resumed_on_the_same_backend(
    emulator: TokenHubEmulator,
) -> None:
    options = ("--backend", "tencentcloud", "--base-url", emulator.root_url)
    secrets = {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    submitted = run(*options, "image", "x", "-m", "hunyuan-image-job", "--no-wait", **secrets)
    assert submitted.exit_code == ExitCode.OK, submitted.output
    handle = submitted.stdout.strip()  # backend:model:job_id, enough to find the job again
    backend, model, job_id = handle.split(":", 2)
    assert (backend, model) == ("tencentcloud", "hunyuan-image-job")

    waited = run(*options, "job", "wait", handle, *FAST, "--json", **secrets)

    assert waited.exit_code == ExitCode.OK, waited.output
    assert json.loads(waited.stdout)["job_id"] == job_id
    actions = [r.headers["x-tc-action"] for r in emulator.requests]
    assert actions[0] == "SubmitHunyuanImageJob" and set(actions[1:]) == {"QueryHunyuanImageJob"}
