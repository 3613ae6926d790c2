"""The LlamaIndex ToolSpec on each backend: one FunctionAgent run per backend against the
emulator (the Hunyuan LLM on the emulated TokenHub chat, the tools on the legacy endpoint)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult

from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan, HunyuanGenerationToolSpec

from .conftest import POLLING, SECRET_ID, SECRET_KEY, client_options, legacy_requests

_URL = re.compile(r"https?://[^\s)\]]+")


def _spec(backend: str, emulator: TokenHubEmulator, **kwargs: Any) -> HunyuanGenerationToolSpec:
    options = client_options(backend, emulator)
    options.pop("max_retries")
    options.pop("download_policy")
    options.pop("max_poll_interval")
    return HunyuanGenerationToolSpec(**options, **kwargs)


@pytest.mark.parametrize(
    "backend, ask, functions, called, model, path",
    [
        ("aiart", "Please draw an image of a red panda", ["generate_image"], "generate_image",
         "hy-image-v3.0", "/v1/aiart/query"),
        ("ai3d", "Build a 3d model of a teapot", ["generate_3d"], "generate_3d",
         "hy-3d-3.0", "/v1/ai3d/query"),
        ("tencentcloud", "Please draw an image of a red panda",
         ["generate_image", "generate_video", "generate_3d"], "generate_image",
         "hy-image-v3.0", "/"),
    ],
)  # fmt: skip
async def test_function_agent_on_each_backend(
    emulator: TokenHubEmulator,
    backend: str,
    ask: str,
    functions: list[str],
    called: str,
    model: str,
    path: str,
) -> None:
    spec = _spec(backend, emulator)
    tools = spec.to_tool_list()
    assert [t.metadata.name for t in tools] == functions  # only what the backend makes
    llm = Hunyuan(
        "hunyuan-2.0-instruct-20251111", api_key="tokenhub-key", base_url=emulator.base_url
    )
    handler = FunctionAgent(tools=tools, llm=llm).run(user_msg=ask)
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)
    assert [r.tool_name for r in results] == [called]
    result = results[0].tool_output.raw_output
    assert result.model == model
    assert result.urls and set(result.urls) <= set(_URL.findall(answer))
    assert legacy_requests(emulator, path)
    spec.close()


def test_hunyuan_image_job_through_the_spec_from_the_environment(
    emulator: TokenHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUNYUAN_BACKEND", "tencentcloud")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    spec = HunyuanGenerationToolSpec(
        base_url=emulator.root_url,
        image_model="hunyuan-image-job",
        poll_interval=POLLING["poll_interval"],
    )
    (image,) = spec.to_tool_list(spec_functions=["generate_image"])
    output = image.call(prompt="雨中, 竹林, 小路", num=2)
    assert len(output.raw_output.assets) == 2
    assert all(asset.revised_prompt for asset in output.raw_output.assets)
    assert legacy_requests(emulator, "/")[0].headers["x-tc-action"] == "SubmitHunyuanImageJob"
    spec.close()


def test_a_kind_the_backend_does_not_make_has_no_tool(emulator: TokenHubEmulator) -> None:
    spec = _spec("aiart", emulator)
    with pytest.raises(ValueError, match="generate_image"):
        spec.to_tool_list(spec_functions=["generate_video"])
    with pytest.raises(Exception, match="makes no video"):
        spec.generate_video(prompt="小河流水")
    assert len(emulator.requests) == 0
    spec.close()


def test_missing_credentials_fail_at_construction() -> None:
    with pytest.raises(Exception, match="TENCENTCLOUD_SECRET_KEY"):
        HunyuanGenerationToolSpec(backend="tencentcloud", secret_id=SECRET_ID)
