"""``HunyuanGenerationToolSpec`` against the emulator's generation jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.tools import FunctionTool, ToolMetadata
from llama_index.core.tools.tool_spec.base import BaseToolSpec

from hunyuan_tokenhub import ConfigurationError, InvalidParameterError, JobFailedError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import JobResult, JobStatus
from llama_index_hunyuan import (
    GenerationProgressEvent,
    GenerationToolError,
    Hunyuan,
    HunyuanGenerationToolSpec,
)
from tests.llama_index._support import API_KEY, recording_events


def _spec(emulator: TokenHubEmulator, **kwargs: Any) -> HunyuanGenerationToolSpec:
    return HunyuanGenerationToolSpec(
        api_key=API_KEY, base_url=emulator.base_url, poll_interval=0.01, **kwargs
    )


@pytest.fixture
def spec(emulator: TokenHubEmulator) -> Iterator[HunyuanGenerationToolSpec]:
    tool_spec = _spec(emulator)
    yield tool_spec
    tool_spec.close()


def _tools(spec: HunyuanGenerationToolSpec) -> dict[str, FunctionTool]:
    return {tool.metadata.name or "": tool for tool in spec.to_tool_list()}


def _submits(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests if r.path.endswith("/submit")]


# ---------------------------------------------------------------------------- the tool list


def test_is_a_tool_spec_with_async_twins() -> None:
    assert issubclass(HunyuanGenerationToolSpec, BaseToolSpec)
    assert HunyuanGenerationToolSpec.spec_functions == [
        ("generate_image", "agenerate_image"),
        ("generate_video", "agenerate_video"),
        ("generate_3d", "agenerate_3d"),
    ]


def test_tools_have_clear_descriptions_and_model_schemas(spec: HunyuanGenerationToolSpec) -> None:
    tools = _tools(spec)
    assert list(tools) == ["generate_image", "generate_video", "generate_3d"]
    image = tools["generate_image"].metadata
    assert "hy-image-v3.0" in image.description and "image" in image.description
    parameters = image.get_parameters_dict()
    assert parameters["required"] == ["prompt"]
    assert set(parameters["properties"]) == {"prompt", "reference_image_urls", "resolution", "seed"}
    assert all(p.get("description") for p in parameters["properties"].values())
    assert "hy-video-1.5" in tools["generate_video"].metadata.description
    assert "3D" in tools["generate_3d"].metadata.description
    for tool in tools.values():
        assert tool.async_fn is not None
        assert len(tool.metadata.description) < 1024  # fits OpenAI's tool description limit


def test_model_choice_changes_what_agents_are_offered(emulator: TokenHubEmulator) -> None:
    tools = _tools(_spec(emulator, image_model="HY-Image-Lite", video_model="yt-video-2.0"))
    lite = tools["generate_image"].metadata.get_parameters_dict()
    assert "negative_prompt" in lite["properties"]
    assert "reference_image_urls" not in lite["properties"]
    assert tools["generate_video"].metadata.get_parameters_dict()["required"] == ["image_url"]


def test_tool_selection_and_metadata_override(spec: HunyuanGenerationToolSpec) -> None:
    [video] = spec.to_tool_list(spec_functions=["generate_video"])
    assert video.metadata.name == "generate_video"
    custom = ToolMetadata(name="make_picture", description="Paint something.")
    [image] = spec.to_tool_list(
        spec_functions=[("generate_image", "agenerate_image")],
        func_to_metadata_mapping={"generate_image": custom},
    )
    assert image.metadata.name == "make_picture"
    with pytest.raises(ValueError, match="generate_audio"):
        spec.to_tool_list(spec_functions=["generate_audio"])


@pytest.mark.parametrize(
    "kwargs", [{"image_model": "hy-video-1.5"}, {"model_3d": "hy-image-v3.0"}, {"video_model": "x"}]
)
def test_wrong_model_for_a_kind_fails_at_construction(
    emulator: TokenHubEmulator, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError):
        _spec(emulator, **kwargs)


def test_missing_key_fails_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-never-used")
    with pytest.raises(ConfigurationError, match="TOKENHUB_API_KEY"):
        HunyuanGenerationToolSpec()


# ------------------------------------------------------------------------------ results


def test_image_tool_lists_every_url_with_the_result_as_raw_output(
    spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    output = _tools(spec)["generate_image"].call(
        prompt="在图片中增加一个橘猫", reference_image_urls=["https://example.com/room.jpeg"]
    )
    result = output.raw_output
    assert isinstance(result, JobResult) and result.kind == "image"
    assert result.assets and all(url in output.content for url in result.urls)
    assert "expire" in output.content
    assert not output.is_error
    assert _submits(emulator)[-1] == {
        "model": "hy-image-v3.0",
        "prompt": "在图片中增加一个橘猫",
        "images": ["https://example.com/room.jpeg"],
    }


async def test_3d_tool_async_lists_files_and_previews(
    spec: HunyuanGenerationToolSpec,
) -> None:
    output = await _tools(spec)["generate_3d"].acall(prompt="一只小狗")
    result = output.raw_output
    assert [a.kind for a in result.assets] == ["obj", "glb"]
    for asset in result.assets:
        assert asset.url in output.content
        assert asset.preview_url and asset.preview_url in output.content


async def test_video_tool_sync_and_async(spec: HunyuanGenerationToolSpec) -> None:
    tool = _tools(spec)["generate_video"]
    async_output = await tool.acall(prompt="小河流水")
    sync_output = await asyncio.to_thread(tool.call, prompt="小河流水")
    for output in (async_output, sync_output):
        assert output.raw_output.kind == "video"
        assert output.raw_output.urls[0].endswith(".mp4")
        assert output.raw_output.urls[0] in output.content


def test_request_defaults_are_merged_per_kind(emulator: TokenHubEmulator) -> None:
    spec = _spec(emulator, request_defaults={"image": {"logo_add": 0, "resolution": "768:1024"}})
    spec.generate_image(prompt="a koi pond", resolution="1024:1024")
    assert _submits(emulator)[-1] == {
        "model": "hy-image-v3.0",
        "prompt": "a koi pond",
        "logo_add": 0,
        "resolution": "1024:1024",  # the agent's choice wins over the default
    }


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ({"image": {"logo_add": 5}}, "request_defaults['logo_add'] for hy-image-v3.0"),
        ({"3d": {"result_format": "PLY"}}, "request_defaults['result_format'] for hy-3d-3.0"),
        ({"images": {"logo_add": 0}}, "keyed by kind: 'image', 'video' or '3d'"),
    ],
)
def test_bad_request_defaults_fail_at_construction(
    emulator: TokenHubEmulator, defaults: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        _spec(emulator, request_defaults=defaults)
    assert message in str(info.value)
    assert len(emulator.requests) == 0


def test_one_spec_across_event_loops(spec: HunyuanGenerationToolSpec) -> None:
    async def generate_and_close() -> JobResult:
        try:
            return await spec.agenerate_image(prompt="a red panda")
        finally:
            await spec.aclose()

    for _ in range(2):
        assert asyncio.run(generate_and_close()).urls


# ------------------------------------------------------------------------------ progress


def test_progress_reaches_the_dispatcher_and_the_callback(emulator: TokenHubEmulator) -> None:
    seen: list[JobStatus] = []
    spec = _spec(emulator, on_progress=seen.append)
    with recording_events() as recorder:
        result = spec.generate_video(prompt="a paper boat")
    progress_events = [e for e in recorder.events if isinstance(e, GenerationProgressEvent)]
    assert seen[-1].state == "completed" and seen[-1].progress == 100
    assert [(e.job_id, e.state, e.progress) for e in progress_events] == [
        (s.job_id, s.state, s.progress) for s in seen
    ]
    assert progress_events[-1].job_id == result.job_id


async def test_async_progress_callback_is_awaited(emulator: TokenHubEmulator) -> None:
    seen: list[str] = []

    async def on_progress(status: JobStatus) -> None:
        await asyncio.sleep(0)
        seen.append(status.state)

    await _spec(emulator, on_progress=on_progress).agenerate_3d(prompt="a teapot")
    assert seen[-1] == "completed"


# -------------------------------------------------------------------------------- errors


def test_invalid_arguments_tell_the_agent_what_to_fix(
    spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(GenerationToolError, match=r"Invalid arguments.*size") as excinfo:
        spec.generate_image(prompt="a cat", size="1024x1024")
    assert isinstance(excinfo.value.__cause__, InvalidParameterError)
    with pytest.raises(GenerationToolError, match="Invalid arguments"):
        spec.generate_image(prompt="")
    assert _submits(emulator) == []


def test_failed_job_is_reported_with_its_code(
    spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.fail_next("hy-image-v3.0")
    with pytest.raises(GenerationToolError, match=r"ModerationFailed.*rephrase") as excinfo:
        spec.generate_image(prompt="a cat")
    cause = excinfo.value.__cause__
    assert isinstance(cause, JobFailedError) and cause.job_id


async def test_agents_receive_failures_as_error_outputs(
    spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.fail_next()
    llm = Hunyuan(api_key=API_KEY, base_url=emulator.base_url)
    handler = FunctionAgent(tools=spec.to_tool_list(), llm=llm).run(user_msg="Draw a cat")
    [result] = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)
    assert result.tool_output.is_error
    assert "ModerationFailed" in result.tool_output.content
    assert "ModerationFailed" in answer  # the model was told, and told the user


def test_local_files_are_refused_unless_allowed(emulator: TokenHubEmulator, tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    refusing = _spec(emulator)
    with pytest.raises(GenerationToolError, match="Invalid arguments"):
        refusing.generate_3d(prompt="a cat", image_url=str(picture))
    assert _submits(emulator) == []
    allowing = _spec(emulator, model_3d="hy-3d-3.1", allowed_local_dirs=[tmp_path])
    assert allowing.generate_3d(prompt="a cat", image_url=str(picture)).urls
    submitted = _submits(emulator)[-1]
    assert "image_base64" in submitted and "image_url" not in submitted


def test_no_attribute_of_the_spec_holds_a_secret_in_clear(emulator: TokenHubEmulator) -> None:
    spec = HunyuanGenerationToolSpec(
        backend="tencentcloud", secret_id="AKIDspec0001", secret_key="spec-secret-key-42",
        api_key="sk-spec-key-77", base_url=emulator.root_url,
    )  # fmt: skip
    shown = repr(spec) + str(vars(spec)) + "".join(repr(t) for t in spec.to_tool_list())
    assert "spec-secret-key-42" not in shown and "sk-spec-key-77" not in shown
