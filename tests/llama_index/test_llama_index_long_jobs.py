"""LlamaIndex agents and long jobs: progress in the workflow's event stream, a non-blocking
start with ``hunyuan_job_status`` to pick the result up, and the ToolSpec settings the
LangChain tools have (``download_dir``, ``max_poll_interval``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import JobHandle, JobResult, JobStatus
from llama_index_hunyuan import Hunyuan, HunyuanGenerationToolSpec, JobProgressStreamEvent
from tests.llama_index._support import API_KEY

MakeLLM = Callable[..., Hunyuan]


def _spec(emulator: TokenHubEmulator, **kwargs: object) -> HunyuanGenerationToolSpec:
    return HunyuanGenerationToolSpec(
        api_key=API_KEY, base_url=emulator.base_url, poll_interval=0.005, **kwargs
    )


async def test_progress_reaches_the_agents_event_stream(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.02, running_s=0.1)
    spec = _spec(emulator, max_poll_interval=0.01)
    agent = FunctionAgent(tools=spec.to_tool_list(), llm=make_llm())
    handler = agent.run(user_msg="Make a video of a paper boat on a stream")
    progress = [e async for e in handler.stream_events() if isinstance(e, JobProgressStreamEvent)]
    await handler

    assert progress and {e.model for e in progress} == {"hy-video-1.5"}
    assert progress[-1].state == "completed"
    assert any(e.state == "in_progress" and e.progress is not None for e in progress)


async def test_agent_starts_a_video_then_picks_it_up_with_the_status_tool(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    spec = _spec(emulator, wait=False)
    names = [tool.metadata.name for tool in spec.to_tool_list()]
    assert names == ["generate_image", "generate_video", "generate_3d", "hunyuan_job_status"]

    first = FunctionAgent(tools=spec.to_tool_list(), llm=make_llm())
    handler = first.run(user_msg="Make a video of a paper boat on a stream")
    started = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    await handler
    (call,) = started
    handle = call.tool_output.raw_output
    assert isinstance(handle, JobHandle) and handle.model == "hy-video-1.5"
    assert f"Job handle: {handle}" in call.tool_output.content

    (job,) = emulator.jobs
    emulator.jobs.complete(job.id)
    # Later (another request, another agent): the handle is all it needs.
    status_only = spec.to_tool_list(spec_functions=["job_status"])
    later = FunctionAgent(tools=status_only, llm=make_llm())
    handler = later.run(user_msg=f'What is the status of job "{handle}"?')
    checked = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)

    (status_call,) = checked
    status = status_call.tool_output.raw_output
    assert isinstance(status, JobStatus) and status.state == "completed"
    assert status.result is not None and status.result.urls[0] in answer
    assert emulator.jobs.submit_count() == 1


def test_download_dir_saves_files_and_names_them_for_the_agent(
    emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    spec = _spec(emulator, download_dir=tmp_path)
    (tool,) = spec.to_tool_list(spec_functions=["generate_image"])
    output = tool.call(prompt="a koi pond")

    assert isinstance(output.raw_output, JobResult)
    saved = list(tmp_path.iterdir())
    assert len(saved) == 1 and saved[0].stat().st_size > 0
    assert f"Saved to: {saved[0]}" in output.content


def test_direct_calls_need_no_workflow_context(emulator: TokenHubEmulator) -> None:
    spec = _spec(emulator, wait=False)
    tools = {tool.metadata.name: tool for tool in spec.to_tool_list()}
    started = tools["generate_3d"].call(prompt="a teapot")
    handle = started.raw_output
    assert isinstance(handle, JobHandle) and "hunyuan_job_status" in started.content
    checked = tools["hunyuan_job_status"].call(job=str(handle))
    assert isinstance(checked.raw_output, JobStatus)
    assert checked.raw_output.job_id == handle.job_id
