"""``hunyuan-tokenhub chat`` and ``models`` against the emulator, and the error contract."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from hunyuan_tokenhub import HOSTS, __version__, list_models
from hunyuan_tokenhub.cli._app import app
from hunyuan_tokenhub.cli._common import ExitCode
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.cli.conftest import API_KEY, RunCli


def test_chat_streams_the_answer_to_stdout(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("chat", "计算 1+1", "--system", "你是一个有帮助的 AI 助手。")

    assert result.exit_code == ExitCode.OK, result.output
    assert "2" in result.stdout
    sent = emulator.requests[-1].json
    assert sent["stream"] is True
    assert sent["model"] == "deepseek-v4-flash"
    assert sent["messages"] == [
        {"role": "system", "content": "你是一个有帮助的 AI 助手。"},
        {"role": "user", "content": "计算 1+1"},
    ]


def test_chat_json_gives_content_usage_and_model(cli_on_emulator: RunCli) -> None:
    result = cli_on_emulator("chat", "计算 1+1", "--model", "deepseek-v3.2", "--json")

    assert result.exit_code == ExitCode.OK, result.output
    reply = json.loads(result.stdout)
    assert "2" in reply["content"]
    assert reply["model"] == "deepseek-v3.2"
    assert reply["finish_reason"] == "stop"
    assert reply["usage"]["total_tokens"] == (
        reply["usage"]["prompt_tokens"] + reply["usage"]["completion_tokens"]
    )


def test_thinking_model_reasoning_stays_out_of_stdout(cli_on_emulator: RunCli) -> None:
    shown = cli_on_emulator("chat", "计算 1+1", "--model", "deepseek-r1-0528")
    data = json.loads(
        cli_on_emulator("chat", "计算 1+1", "-m", "deepseek-r1-0528", "--json").stdout
    )

    assert shown.exit_code == ExitCode.OK, shown.output
    assert data["reasoning_content"]
    assert "Thinking:" in shown.stderr
    assert data["reasoning_content"][:20] in shown.stderr
    assert data["reasoning_content"][:20] not in shown.stdout
    assert shown.stdout.strip() == data["content"].strip()


def test_chat_reads_the_prompt_from_stdin(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("chat", "-", input="计算 2+3\n")

    assert result.exit_code == ExitCode.OK, result.output
    assert emulator.requests[-1].json["messages"][-1]["content"] == "计算 2+3"
    assert "5" in result.stdout


def test_missing_key_is_a_configuration_error_naming_the_variable(cli: RunCli) -> None:
    result = cli("chat", "hello")

    assert result.exit_code == ExitCode.USAGE
    assert "TOKENHUB_API_KEY" in result.stderr
    assert result.stdout == ""


def test_rejected_key_exits_1_and_never_shows_the_key(
    cli: RunCli, emulator: TokenHubEmulator
) -> None:
    wrong_key = "sk-wrong-key-do-not-print-1234"
    result = cli("--api-key", wrong_key, "--base-url", emulator.base_url, "chat", "hi", "--json")

    assert result.exit_code == ExitCode.ERROR
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "AuthenticationError"
    assert error["status_code"] == 401
    assert "TOKENHUB_API_KEY" in error["hint"]
    assert wrong_key not in result.output


def test_invalid_parameter_fails_before_any_request(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("chat", "hi", "--temperature", "3", "--json")

    assert result.exit_code == ExitCode.USAGE
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "InvalidParameterError"
    assert error["param"] == "temperature"
    assert len(emulator.requests) == 0


def test_server_error_reports_code_and_request_id(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(route="/v1/chat/completions", status=400, times=1)

    result = cli_on_emulator("chat", "hi", "--json")

    assert result.exit_code == ExitCode.ERROR
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "BadRequestError"
    assert error["code"] == "invalid_request_error"
    assert "BadRequestError" in result.stderr


def test_unknown_option_is_a_usage_error(cli: RunCli) -> None:
    result = cli("chat", "hi", "--no-such-option")

    assert result.exit_code == ExitCode.USAGE
    assert "--no-such-option" in result.stderr


def test_version(cli: RunCli) -> None:
    result = cli("--version")

    assert result.exit_code == ExitCode.OK
    assert result.stdout == f"hunyuan-tokenhub {__version__}\n"


def test_models_json_is_the_catalogue(cli: RunCli) -> None:
    everything = json.loads(cli("models", "--json").stdout)
    videos = json.loads(cli("models", "--kind", "video", "--json").stdout)

    assert [m["id"] for m in everything] == [m.id for m in list_models()]
    assert {m["kind"] for m in videos} == {"video"}
    assert [m["id"] for m in videos] == [m.id for m in list_models("video")]


def test_models_table_lists_every_id(cli: RunCli) -> None:
    result = cli("models")

    assert result.exit_code == ExitCode.OK
    for model in list_models():
        assert model.id in result.stdout


def test_importing_the_package_or_the_cli_module_loads_no_cli_dependency() -> None:
    # Only typer is checked: httpx itself imports rich and click when they are installed.
    code = (
        "import sys, hunyuan_tokenhub, hunyuan_tokenhub.cli\n"
        "loaded = {'typer', 'hunyuan_tokenhub.cli._app'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_the_cli_extra_an_install_hint_is_printed() -> None:
    code = (
        "import sys\n"
        "sys.modules['typer'] = None  # as if the 'cli' extra were not installed\n"
        "from hunyuan_tokenhub.cli import main\n"
        "main(['models'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.returncode == ExitCode.USAGE
    assert 'pip install "hunyuan-tokenhub[cli]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_console_script_runs(emulator: TokenHubEmulator) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hunyuan_tokenhub.cli",
            "--base-url",
            emulator.base_url,
            "chat",
            "计算 1+1",
        ],
        capture_output=True,
        text=True,
        env={"TOKENHUB_API_KEY": API_KEY, "PATH": "/usr/bin:/bin"},
    )

    assert done.returncode == ExitCode.OK, done.stderr
    assert "2" in done.stdout


def test_emulator_command_serves_until_terminated(cli: RunCli) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "hunyuan_tokenhub.cli", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        base_url = first_line.rsplit(" ", 1)[-1].strip()
        assert first_line.startswith("TokenHub emulator listening on http://127.0.0.1:")

        result = cli("--api-key", "anything", "--base-url", base_url, "chat", "计算 2+2")

        assert result.exit_code == ExitCode.OK, result.output
        assert "2+2=4" in result.stdout
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert server.returncode == ExitCode.OK
    assert "TOKENHUB_BASE_URL" in errors


@pytest.mark.parametrize("kind", ["image", "video", "3d"])
def test_models_of_a_generation_kind_show_only_the_fields_it_has(cli: RunCli, kind: str) -> None:
    documents = json.loads(cli("models", "--kind", kind, "--json").stdout)
    table = cli("models", "--kind", kind).stdout

    chat_only = {"chat", "embedding", "context_window", "max_output_tokens"}
    assert documents and all(not chat_only & set(d) for d in documents)
    header = set(table.splitlines()[1].replace("┃", " ").split())
    assert {"model", "name"} <= header
    assert not {"context", "thinking", "tools", "kind"} & header


def test_chat_models_show_their_context_thinking_and_tools(cli: RunCli) -> None:
    table = cli("models", "--kind", "chat").stdout

    assert set(table.splitlines()[1].replace("┃", " ").split()) == {
        "model", "name", "status", "context", "thinking", "tools"
    }  # fmt: skip
    documents = json.loads(cli("models", "--kind", "chat", "--json").stdout)
    assert all("context_window" in d and "chat" in d for d in documents)


def test_help_shows_flags_as_flags_and_is_never_cut(cli: RunCli) -> None:
    narrow = CliRunner().invoke(app, ["emulator", "--help"], env={"COLUMNS": "60"})
    top = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "60"})

    for result in (narrow, top):
        assert result.exit_code == ExitCode.OK
        assert "<bool>" not in result.stdout
        assert "…" not in result.stdout
    assert "--no-job-limits " in narrow.stdout and "--no-no-job-limits" not in narrow.stdout
    # Wrapped at 60 columns, the long help text is all there.
    words = re.sub(r"-\s+", "-", " ".join(top.stdout.split()))  # a word wrapped at its hyphen
    assert "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY" in words
    for region in HOSTS:
        assert region in words


def test_a_busy_port_for_the_emulator_is_a_usage_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "hunyuan_tokenhub.cli", "emulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == ExitCode.USAGE
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "choose another --port" in done.stderr


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_load_no_http_client_models_or_jobs(argv: list[str]) -> None:
    # What keeps `hunyuan-tokenhub --help` fast (benchmarks/scenarios/footprint.py times it).
    # rich is left out: older typer releases (0.16, the lowest allowed) import it themselves.
    code = (
        "import sys\n"
        "from hunyuan_tokenhub.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('httpx', 'pydantic', 'hunyuan_tokenhub.jobs', 'hunyuan_tokenhub._client')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_models_remote_shows_the_gateway_list_beside_the_data(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("models", "--kind", "chat", "--remote", "--json")

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert [m["id"] for m in document["local"]] == [m.id for m in list_models("chat")]
    remote = {m["id"]: m for m in document["remote"]}
    assert remote["kimi-k2.6"]["status"] == "online"
    assert emulator.requests[-1].method == "GET"
    assert emulator.requests[-1].path == "/v1/models"


def test_chat_thinking_switch_and_effort(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator(
        "chat", "hi", "--model", "glm-5.2", "--no-thinking", "--reasoning-effort", "low"
    )

    assert result.exit_code == ExitCode.OK, result.output
    sent = emulator.requests[-1].json
    assert sent["thinking"] == {"type": "disabled"} and sent["reasoning_effort"] == "low"
