"""Every generation model TokenHub serves in the data, end to end against the emulator: through
the core client, a LangChain tool, a LlamaIndex tool and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from typer.testing import CliRunner

from hunyuan_tokenhub import list_models
from hunyuan_tokenhub.cli._app import app
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import JobClient, JobKind
from langchain_hunyuan import (
    Hunyuan3DGenerationTool,
    HunyuanImageGenerationTool,
    HunyuanVideoGenerationTool,
)
from llama_index_hunyuan import HunyuanGenerationToolSpec

from .conftest import API_KEY, CLIENT_OPTIONS

IMAGE = "https://example.com/portrait.png"
AUDIO = "https://example.com/hello.mp3"
ON_TOKENHUB = [
    m for m in list_models() if m.generation is not None and "tokenhub" in m.generation.backends
]
# What an agent (and a terminal user) must give beyond a prompt, per model that needs more.
TOOL_ARGS: dict[str, dict[str, Any]] = {
    "yt-video-2.0": {"image_url": IMAGE},
    "yt-video-fx": {"template": "hug", "image_urls": [IMAGE, IMAGE]},
    "yt-video-humanactor": {"prompt": "hello", "image_url": IMAGE, "audio_url": AUDIO},
}
CLI_ARGS: dict[str, list[str]] = {
    "yt-video-2.0": ["--image", IMAGE],
    "yt-video-fx": ["-p", "template=hug", "--image", IMAGE, "--image", IMAGE],
    "yt-video-humanactor": ["hello", "--image", IMAGE, "-p", f"audio_url={AUDIO}"],
}
LANGCHAIN_TOOLS = {
    "image": HunyuanImageGenerationTool,
    "video": HunyuanVideoGenerationTool,
    "3d": Hunyuan3DGenerationTool,
}


@pytest.fixture
def quick(emulator: TokenHubEmulator) -> Iterator[TokenHubEmulator]:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.02)
    yield emulator


def _tool_args(model: str) -> dict[str, Any]:
    return TOOL_ARGS.get(model, {"prompt": "a paper boat"})


def _submitted_model(emulator: TokenHubEmulator) -> str:
    return next(r.json["model"] for r in reversed(emulator.requests) if r.method == "POST")


@pytest.mark.parametrize("info", ON_TOKENHUB, ids=lambda m: m.id)
def test_model_runs_through_core_tools_and_cli(info: Any, quick: TokenHubEmulator) -> None:
    model, kind = info.id, info.kind
    with JobClient(base_url=quick.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        route = jobs.backend.route(model)
        params = args_for_core(model)
        result = jobs.generate(model, params)
    assert result.model == model and result.assets and _submitted_model(quick) == model

    options: dict[str, Any] = {"api_key": API_KEY, "base_url": quick.base_url}
    tool = LANGCHAIN_TOOLS[kind](model=model, poll_interval=0.005, **options)
    call = {"type": "tool_call", "id": "c", "name": tool.name, "args": _tool_args(model)}
    message = tool.invoke(call)
    assert isinstance(message, ToolMessage) and message.status == "success", message.content
    assert message.artifact["model"] == model

    spec = HunyuanGenerationToolSpec(**_spec_model(kind, model), poll_interval=0.005, **options)
    (function,) = spec.to_tool_list(spec_functions=[f"generate_{kind}"])
    output = function.call(**_tool_args(model))
    assert output.raw_output.model == model and not output.is_error, output.content

    env = {"TOKENHUB_API_KEY": API_KEY, "TOKENHUB_BASE_URL": quick.base_url}
    words = CLI_ARGS.get(model, ["a paper boat"])
    made = CliRunner().invoke(
        app, [kind, "-m", model, *words, "--poll-interval", "0.01", "--json"], env=env
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["model"] == model
    assert route.kind == kind


def args_for_core(model: str) -> dict[str, Any]:
    """The request fields the tool arguments stand for (the core takes the model's own)."""
    core: dict[str, dict[str, Any]] = {
        "yt-video-2.0": {"image": IMAGE},
        "yt-video-fx": {"template": "hug", "images": [IMAGE, IMAGE]},
        "yt-video-humanactor": {"prompt": "hello", "image_url": IMAGE, "audio_url": AUDIO},
    }
    return core.get(model, {"prompt": "a paper boat"})


def _spec_model(kind: JobKind, model: str) -> dict[str, str]:
    return {{"image": "image_model", "video": "video_model", "3d": "model_3d"}[kind]: model}
