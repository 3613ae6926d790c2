from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pytest
from typer.testing import CliRunner, Result

from hunyuan_tokenhub.cli._app import app
from hunyuan_tokenhub.emulator import TokenHubEmulator

API_KEY = "sk-cli-test-secret-9f8e7d6c5b4a"
# Variables that would leak the developer's own configuration into the tests.
CLEARED_ENV = (
    "TOKENHUB_API_KEY",
    "HUNYUAN_API_KEY",
    "TOKENHUB_BASE_URL",
    "TOKENHUB_REGION",
    "HUNYUAN_BACKEND",
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_REGION",
)


class RunCli(Protocol):
    def __call__(self, *args: str, input: str | None = None) -> Result: ...


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def cli() -> RunCli:
    """Run ``hunyuan-tokenhub ARGS`` in-process with a clean environment."""

    def run(*args: str, input: str | None = None) -> Result:
        env: dict[str, str | None] = dict.fromkeys(CLEARED_ENV)
        env["COLUMNS"] = "200"
        return CliRunner().invoke(app, list(args), input=input, env=env)

    return run


@pytest.fixture
def cli_on_emulator(cli: RunCli, emulator: TokenHubEmulator) -> RunCli:
    """Like ``cli``, pointed at the emulator with its key."""

    def run(*args: str, input: str | None = None) -> Result:
        return cli("--api-key", API_KEY, "--base-url", emulator.base_url, *args, input=input)

    return run
