"""Generation tools: progress events, errors an agent can act on, downloads, inputs, toolkit,
and a LangGraph agent that draws an image through the tool."""

from __future__ import annotations

import asyncio
import base64
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from hunyuan_tokenhub import HOSTS
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy
from langchain_hunyuan import (
    PROGRESS_EVENT,
    ChatHunyuan,
    Hunyuan3DGenerationTool,
    HunyuanGenerationToolkit,
    HunyuanImageGenerationTool,
    HunyuanVideoGenerationTool,
)

FAST = {"poll_interval": 0.005, "max_poll_interval": 0.02}


@pytest.fixture
def options(emulator: TokenHubEmulator, tokenhub_api_key: str) -> dict[str, Any]:
    emulator.jobs.timing = JobTiming(queued_s=0.01, running_s=0.05)
    return {
        "api_key": tokenhub_api_key,
        "base_url": emulator.base_url,
        "download_policy": DownloadPolicy(allow_loopback_http=True),
        **FAST,
    }


def _call(tool: BaseTool, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call_1", "name": tool.name, "args": args}


def _submitted(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests if r.path.endswith(("/submit", "/lite"))]


class _Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append((name, data))


def test_content_lists_every_url_and_artifact_is_the_result(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    tool = Hunyuan3DGenerationTool(**options)
    message = tool.invoke(_call(tool, {"prompt": "一只小狗"}))
    assert isinstance(message, ToolMessage) and message.status == "success"
    artifact = message.artifact
    assert artifact["model"] == "hy-3d-3.0" and artifact["kind"] == "3d"
    assert [a["kind"] for a in artifact["assets"]] == ["obj", "glb"]
    for asset in artifact["assets"]:
        assert asset["url"] in message.content
        assert asset["preview_url"] in message.content
    assert artifact["job_id"] in message.content and "expire" in message.content
    json.dumps(artifact)  # plain JSON, storable as is


def test_sync_progress_is_dispatched_as_custom_events(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.1, running_s=0.1)
    tool = HunyuanVideoGenerationTool(**options)
    handler = _Events()
    tool.invoke({"prompt": "小河流水"}, config={"callbacks": [handler]})
    names = {name for name, _ in handler.events}
    assert names == {PROGRESS_EVENT}
    states = [data["state"] for _, data in handler.events]
    assert states[0] == "queued" and states[-1] == "completed"
    assert handler.events[-1][1]["progress"] == 100
    assert all(data["model"] == "hy-video-1.5" and data["job_id"] for _, data in handler.events)


async def test_astream_events_shows_progress_under_the_tool_run(options: dict[str, Any]) -> None:
    tool = HunyuanImageGenerationTool(**options)
    progress = []
    tool_run_ids = set()
    async for event in tool.astream_events({"prompt": "a lighthouse"}, version="v2"):
        if event["event"] == "on_tool_start":
            tool_run_ids.add(event["run_id"])
        if event["event"] == "on_custom_event" and event["name"] == PROGRESS_EVENT:
            progress.append(event)
    assert progress and progress[-1]["data"]["state"] == "completed"
    # A custom event carries the run id of the run that dispatched it: the tool's.
    assert {e["run_id"] for e in progress} == tool_run_ids


async def test_arun_does_not_block_the_event_loop(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.05, running_s=0.15)
    tool = HunyuanVideoGenerationTool(**options)
    running = True
    ticks_while_running = 0

    async def ticker() -> None:
        nonlocal ticks_while_running
        while running:
            await asyncio.sleep(0.005)
            ticks_while_running += 1

    ticking = asyncio.create_task(ticker())
    await tool.ainvoke({"prompt": "x"})
    running = False
    await ticking
    assert ticks_while_running > 3


def test_failed_job_becomes_an_actionable_error_message(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    emulator.jobs.fail_next(code="FailedOperation.ModerationFailed", message="审核未通过")
    tool = HunyuanImageGenerationTool(**options)
    message = tool.invoke(_call(tool, {"prompt": "x"}))
    assert message.status == "error"
    assert "FailedOperation.ModerationFailed" in message.content
    assert "rephrase the prompt" in message.content


async def test_timeout_tells_the_agent_not_to_resubmit(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    tool = HunyuanVideoGenerationTool(**{**options, "timeout": 0.05})
    message = await tool.ainvoke(_call(tool, {"prompt": "x"}))
    assert message.status == "error"
    assert "still running" in message.content and "do not submit it again" in message.content
    assert emulator.jobs.submit_count() == 1


def test_invalid_arguments_are_reported_before_any_request(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    tool = HunyuanImageGenerationTool(**options)
    message = tool.invoke(_call(tool, {"prompt": "x", "resolution": "4096:4096"}))
    assert message.status == "error"
    assert "resolution" in message.content and "512..2048" in message.content
    assert "call the tool again" in message.content
    assert _submitted(emulator) == []


def test_local_files_are_refused_unless_their_directory_is_allowed(
    options: dict[str, Any], emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    photo = tmp_path / "dog.png"
    photo.write_bytes(b"\x89PNG-dog")
    refusing = Hunyuan3DGenerationTool(**options)
    message = refusing.invoke(_call(refusing, {"prompt": "a dog", "image_url": str(photo)}))
    assert message.status == "error" and "local file paths are not accepted" in message.content
    assert _submitted(emulator) == []
    allowing = Hunyuan3DGenerationTool(**options, allowed_local_dirs=[str(tmp_path)])
    message = allowing.invoke(_call(allowing, {"prompt": "a dog", "image_url": str(photo)}))
    assert message.status == "success"
    (body,) = _submitted(emulator)
    assert body == {"model": "hy-3d-3.0", "image_base64": base64.b64encode(b"\x89PNG-dog").decode()}


def test_download_dir_saves_files_and_lists_them(options: dict[str, Any], tmp_path: Path) -> None:
    tool = HunyuanImageGenerationTool(**options, download_dir=str(tmp_path / "media"))
    message = tool.invoke(_call(tool, {"prompt": "x"}))
    (path,) = message.artifact["local_paths"]
    assert Path(path).read_bytes().startswith(b"\x89PNG")
    assert path in message.content


def test_download_dir_works_against_the_emulator_without_a_policy(
    options: dict[str, Any], tmp_path: Path
) -> None:
    # As a user's own tests run it: pointed at the loopback emulator, no DownloadPolicy given.
    plain = {k: v for k, v in options.items() if k != "download_policy"}
    tool = HunyuanImageGenerationTool(**plain, download_dir=str(tmp_path))
    message = tool.invoke(_call(tool, {"prompt": "x"}))
    assert len(message.artifact["local_paths"]) == 1
    assert "Saving the files failed" not in message.content


def test_download_failure_keeps_the_urls(options: dict[str, Any], tmp_path: Path) -> None:
    strict = {**options, "download_policy": DownloadPolicy()}  # refuses loopback http
    tool = HunyuanImageGenerationTool(**strict, download_dir=str(tmp_path))
    message = tool.invoke(_call(tool, {"prompt": "x"}))
    assert message.status == "success" and message.artifact["local_paths"] == []
    assert "Saving the files failed" in message.content
    assert message.artifact["assets"][0]["url"] in message.content


def test_request_defaults_are_sent_and_agent_arguments_mapped(
    options: dict[str, Any], emulator: TokenHubEmulator
) -> None:
    tool = HunyuanImageGenerationTool(**options, request_defaults={"revise": 0, "logo_add": 0})
    tool.invoke({"prompt": "edit", "reference_image_urls": ["https://e.com/a.png"]})
    video = HunyuanVideoGenerationTool(**options, model="YT-Video-FX")
    video.invoke({"template": "hug", "image_urls": ["https://e.com/a.png", "https://e.com/b.png"]})
    assert _submitted(emulator) == [
        {"model": "hy-image-v3.0", "prompt": "edit", "images": ["https://e.com/a.png"],
         "revise": 0, "logo_add": 0},
        {"model": "yt-video-fx", "template": "hug",
         "images": [{"url": "https://e.com/a.png"}, {"url": "https://e.com/b.png"}]},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("defaults", "field"),
    [
        ({"logo_add": 5}, "logo_add"),
        ({"logo_param": {"logo_rect": {"x": 0, "y": 0, "width": 0, "height": 1}}},
         "logo_param.logo_rect.width"),
        ({"resolution": "4096:4096"}, "resolution"),
        ({"model": "hy-image-lite"}, "model"),
    ],
)  # fmt: skip
def test_bad_request_defaults_fail_at_construction_not_in_the_agent_loop(
    options: dict[str, Any], emulator: TokenHubEmulator, defaults: dict[str, Any], field: str
) -> None:
    # An agent cannot fix a developer's default, so it must never see it as "invalid arguments".
    with pytest.raises(ValueError, match="request_defaults") as info:
        HunyuanImageGenerationTool(**options, request_defaults=defaults)
    assert field in str(info.value)
    assert len(emulator.requests) == 0


@pytest.mark.parametrize(
    ("tool_class", "model", "fields"),
    [
        (HunyuanImageGenerationTool, "hy-image-v3.0",
         {"prompt", "reference_image_urls", "resolution", "seed"}),
        (HunyuanImageGenerationTool, "hy-image-lite",
         {"prompt", "negative_prompt", "resolution", "seed"}),
        (HunyuanVideoGenerationTool, "hy-video-1.5", {"prompt", "first_frame_image_url"}),
        (HunyuanVideoGenerationTool, "yt-video-2.0", {"image_url", "prompt", "resolution"}),
        (HunyuanVideoGenerationTool, "yt-video-fx", {"template", "image_urls"}),
        (HunyuanVideoGenerationTool, "yt-video-humanactor", {"prompt", "image_url", "audio_url"}),
        (Hunyuan3DGenerationTool, "hy-3d-3.1", {"prompt", "image_url", "result_format"}),
        (Hunyuan3DGenerationTool, "hy-3d-express", {"prompt", "image_url", "result_format"}),
    ],
)  # fmt: skip
def test_each_model_asks_the_agent_only_for_its_own_arguments(
    tool_class: type[BaseTool], model: str, fields: set[str]
) -> None:
    tool = tool_class(api_key="k", model=model)
    schema = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
    assert set(schema["properties"]) == fields
    assert all(p.get("description") or "enum" in str(p) for p in schema["properties"].values())
    assert model in tool.description


def test_wrong_model_or_missing_key_fail_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic reports the ConfigurationError inside its ValidationError (both are ValueErrors).
    with pytest.raises(ValueError, match="supports the models"):
        HunyuanImageGenerationTool(api_key="k", model="hy-video-1.5")
    monkeypatch.delenv("TOKENHUB_API_KEY", raising=False)
    monkeypatch.delenv("HUNYUAN_API_KEY", raising=False)
    with pytest.raises(ValueError, match="No TokenHub API key"):
        HunyuanImageGenerationTool()


def test_the_key_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    tool = HunyuanImageGenerationTool(api_key="sk-secret-123")
    toolkit = HunyuanGenerationToolkit(api_key="sk-secret-123")
    for text in (repr(tool), str(tool), repr(toolkit), str(tool.model_dump()), tool.to_json()):
        assert "sk-secret-123" not in str(text)


def test_the_key_never_shows_in_validation_errors() -> None:
    # pydantic shows a validator's input (every constructor argument) unless told not to.
    with pytest.raises(ValueError, match="supports the models") as caught:
        HunyuanImageGenerationTool(model="hy-video-1.5", api_key="sk-secret-123")
    assert "secret-123" not in f"{caught.value}{caught.value!r}"
    with pytest.raises(ValueError) as caught:
        HunyuanGenerationToolkit(include="image", api_key="sk-secret-123")  # type: ignore[arg-type]
    assert "secret-123" not in f"{caught.value}{caught.value!r}"


def test_region_reaches_the_job_client_and_a_bad_one_fails_at_construction() -> None:
    tool = HunyuanImageGenerationTool(api_key="k", region="intl")
    assert tool._sync()._http.settings.base_url == HOSTS["intl"][0]
    toolkit = HunyuanGenerationToolkit(api_key="k", region="intl", include=("3d",))
    (tool_3d,) = toolkit.get_tools()
    assert tool_3d._sync()._http.settings.base_url == HOSTS["intl"][0]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="region must be one of ap-guangzhou, ap-singapore, cn, intl"):
        HunyuanImageGenerationTool(api_key="k", region="eu")


def test_toolkit_builds_configured_tools_sharing_one_slot_pool(
    options: dict[str, Any],
) -> None:
    toolkit = HunyuanGenerationToolkit(
        **options, video_model="yt-video-2.0", model_3d="hy-3d-express", max_concurrent_jobs=2
    )
    tools = toolkit.get_tools()
    assert [t.name for t in tools] == [
        "hunyuan_image_generation", "hunyuan_video_generation", "hunyuan_3d_generation",
    ]  # fmt: skip
    assert [t.model for t in tools] == ["hy-image-v3.0", "yt-video-2.0", "hy-3d-express"]  # type: ignore[attr-defined]
    assert len({id(t.slots) for t in tools}) == 1  # type: ignore[attr-defined]
    only = HunyuanGenerationToolkit(**options, include=("3d",)).get_tools()
    assert [t.name for t in only] == ["hunyuan_3d_generation"]
    with pytest.raises(ValueError, match="unknown tool kinds"):
        HunyuanGenerationToolkit(**options, include=("audio",)).get_tools()


def _react_agent(llm: ChatHunyuan, tools: list[BaseTool]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langgraph.prebuilt import create_react_agent

        return create_react_agent(llm, tools)


def test_langgraph_agent_draws_an_image_and_answers_with_its_url(
    options: dict[str, Any], make_llm: Callable[..., ChatHunyuan]
) -> None:
    tools = HunyuanGenerationToolkit(**options).get_tools()
    agent = _react_agent(make_llm(model="hunyuan-2.0-instruct-20251111"), tools)
    state = agent.invoke({"messages": [HumanMessage("Please draw an image of a red panda")]})
    messages = state["messages"]
    calls = [c["name"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
    assert calls == ["hunyuan_image_generation"]
    (tool_message,) = [m for m in messages if isinstance(m, ToolMessage)]
    url = tool_message.artifact["assets"][0]["url"]
    assert isinstance(messages[-1], AIMessage) and url in messages[-1].content


async def test_async_agent_makes_a_3d_model_and_streams_progress(
    options: dict[str, Any], make_llm: Callable[..., ChatHunyuan]
) -> None:
    tools = HunyuanGenerationToolkit(**options).get_tools()
    agent = _react_agent(make_llm(model="deepseek-v3.2"), tools)
    progress: list[dict[str, Any]] = []
    final: Any = None
    async for event in agent.astream_events(
        {"messages": [HumanMessage("Build a 3d model of a teapot")]}, version="v2"
    ):
        if event["event"] == "on_custom_event" and event["name"] == PROGRESS_EVENT:
            progress.append(event["data"])
        if event["event"] == "on_chain_end" and event["name"] == "LangGraph":
            final = event["data"]["output"]["messages"][-1]
    assert progress and progress[-1]["state"] == "completed"
    assert progress[-1]["model"] == "hy-3d-3.0"
    assert final is not None and ".glb" in final.content
