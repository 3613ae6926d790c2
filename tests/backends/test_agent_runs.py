"""One agent run per backend: a LangGraph agent (ChatHunyuan on the emulator's TokenHub chat)
calls the generation tool configured with backend=..., which talks to the emulated legacy
endpoint; the final answer carries the result URL."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy
from langchain_hunyuan import (
    ChatHunyuan,
    Hunyuan3DGenerationTool,
    HunyuanGenerationToolkit,
    HunyuanImageGenerationTool,
)

from .conftest import AI3D_KEY, AIART_KEY, SECRET_ID, SECRET_KEY, legacy_requests

CREDENTIALS: dict[str, dict[str, Any]] = {
    "aiart": {"api_key": AIART_KEY},
    "ai3d": {"api_key": AI3D_KEY},
    "tencentcloud": {"secret_id": SECRET_ID, "secret_key": SECRET_KEY},
}


def _toolkit(backend: str, emulator: TokenHubEmulator) -> HunyuanGenerationToolkit:
    return HunyuanGenerationToolkit(
        backend=backend,
        base_url=emulator.root_url,
        poll_interval=0.005,
        max_poll_interval=0.02,
        download_policy=DownloadPolicy(allow_loopback_http=True),
        **CREDENTIALS[backend],
    )


def _agent(emulator: TokenHubEmulator, tools: list[BaseTool]) -> Any:
    llm = ChatHunyuan(
        model="hunyuan-2.0-instruct-20251111",
        api_key="tokenhub-key",
        base_url=emulator.base_url,
        max_retries=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langgraph.prebuilt import create_react_agent

        return create_react_agent(llm, tools)


_ALL_TOOLS = ["hunyuan_image_generation", "hunyuan_video_generation", "hunyuan_3d_generation"]


@pytest.mark.parametrize(
    "backend, ask, tools_offered, tool_name, paths, model",
    [
        ("aiart", "Please draw an image of a red panda", ["hunyuan_image_generation"],
         "hunyuan_image_generation", ("/v1/aiart/submit", "/v1/aiart/query"), "hy-image-v3.0"),
        ("ai3d", "Build a 3d model of a teapot", ["hunyuan_3d_generation"],
         "hunyuan_3d_generation", ("/v1/ai3d/submit", "/v1/ai3d/query"), "hy-3d-3.0"),
        ("tencentcloud", "Please draw an image of a red panda", _ALL_TOOLS,
         "hunyuan_image_generation", ("/", "/"), "hy-image-v3.0"),
        ("tencentcloud", "Build a 3d model of a teapot", _ALL_TOOLS,
         "hunyuan_3d_generation", ("/", "/"), "hy-3d-3.0"),
    ],
)  # fmt: skip
def test_langgraph_agent_on_each_backend(
    emulator: TokenHubEmulator,
    backend: str,
    ask: str,
    tools_offered: list[str],
    tool_name: str,
    paths: tuple[str, str],
    model: str,
) -> None:
    tools = _toolkit(backend, emulator).get_tools()
    assert [t.name for t in tools] == tools_offered  # only what the backend offers
    state = _agent(emulator, tools).invoke({"messages": [HumanMessage(ask)]})
    messages = state["messages"]
    calls = [c["name"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
    assert calls == [tool_name]
    (tool_message,) = [m for m in messages if isinstance(m, ToolMessage)]
    assert tool_message.artifact["model"] == model
    url = tool_message.artifact["assets"][0]["url"]
    assert url.startswith(emulator.root_url + "/legacy-files/")
    assert isinstance(messages[-1], AIMessage) and url in messages[-1].content
    submit, query = paths  # submitted and polled on the legacy API
    assert (
        len(legacy_requests(emulator, submit)) >= 1 and len(legacy_requests(emulator, query)) >= 1
    )
    assert len(legacy_requests(emulator, submit)) + len(legacy_requests(emulator, query)) >= 2
    assert not [r for r in emulator.requests if r.path.startswith("/v1/api/")]


async def test_async_agent_on_tencentcloud_from_the_environment(
    emulator: TokenHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUNYUAN_BACKEND", "tencentcloud")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    tool = HunyuanImageGenerationTool(
        model="hunyuan-image-job",
        base_url=emulator.root_url,
        poll_interval=0.005,
        max_poll_interval=0.02,
    )
    assert tool.backend is None  # taken from HUNYUAN_BACKEND when the client is built
    state = await _agent(emulator, [tool]).ainvoke(
        {"messages": [HumanMessage("Please draw an image of a red panda")]}
    )
    (tool_message,) = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert tool_message.artifact["assets"][0]["revised_prompt"]
    assert tool_message.artifact["assets"][0]["url"] in state["messages"][-1].content


def test_tool_refuses_a_model_the_backend_does_not_offer(emulator: TokenHubEmulator) -> None:
    with pytest.raises(Exception, match="hy-3d-express"):
        Hunyuan3DGenerationTool(
            model="hy-3d-express", backend="ai3d", base_url=emulator.root_url, api_key=AI3D_KEY
        )
    assert len(emulator.requests) == 0


def test_tool_without_credentials_fails_at_construction() -> None:
    with pytest.raises(Exception, match="TENCENTCLOUD_SECRET_ID"):
        HunyuanImageGenerationTool(backend="tencentcloud")


def test_tool_failure_is_an_actionable_message(emulator: TokenHubEmulator) -> None:
    emulator.legacy.fail_next_jobs("FailedOperation.GenerateImageFailed", "审核未通过")
    (tool,) = _toolkit("aiart", emulator).get_tools()
    message = tool.invoke(
        {"type": "tool_call", "id": "c1", "name": tool.name, "args": {"prompt": "a cat"}}
    )
    assert "FailedOperation.GenerateImageFailed" in message.content
    assert "moderation" in message.content


def test_tool_repr_hides_the_secrets(emulator: TokenHubEmulator) -> None:
    for tool in _toolkit("tencentcloud", emulator).get_tools():
        text = repr(tool) + str(tool) + str(tool.model_dump(exclude={"args_schema"}))
        assert SECRET_KEY not in text and SECRET_ID not in text
