"""Long jobs for agents: start a video without waiting, keep talking, pick the result up later
with ``hunyuan_job_status``, even after the process restarts (the graph's checkpointer keeps
the conversation, and with it the job handle)."""

from __future__ import annotations

import pickle
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langgraph.checkpoint.memory import InMemorySaver

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy
from langchain_hunyuan import (
    HunyuanGenerationToolkit,
    HunyuanJobStatusTool,
    HunyuanVideoGenerationTool,
)

HANDLE = re.compile(r"Job handle: (\S+)")


class _HistoryReader(BaseChatModel):
    """A stand-in for an LLM that reads the conversation it is given (nothing else): asked
    for a video it calls the video tool; asked whether it is ready, it finds the job handle
    in the history and calls ``hunyuan_job_status``; after a tool it repeats what it said."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        last = messages[-1]
        if isinstance(last, ToolMessage):
            reply = AIMessage(content=str(last.content))
        elif "video" in str(last.content):
            call = {"name": "hunyuan_video_generation", "args": {"prompt": "a paper boat"}}
            reply = AIMessage(content="", tool_calls=[{**call, "id": "call_video"}])
        else:
            handles = [m for msg in messages for m in HANDLE.findall(str(msg.content))]
            call = {"name": "hunyuan_job_status", "args": {"job": handles[-1]}}
            reply = AIMessage(content="", tool_calls=[{**call, "id": f"call_{len(messages)}"}])
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def bind_tools(
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self  # type: ignore[return-value]

    @property
    def _llm_type(self) -> str:
        return "history-reader"


def _restarted(saver: InMemorySaver) -> InMemorySaver:
    """What a new process reads back from a persistent checkpointer: the stored bytes only
    (SqliteSaver or PostgresSaver in production; examples/langgraph_long_jobs.py uses files)."""
    stored = pickle.dumps((dict(saver.storage), dict(saver.writes), dict(saver.blobs)))
    storage, writes, blobs = pickle.loads(stored)
    fresh = InMemorySaver()
    fresh.storage.update(storage)
    fresh.writes.update(writes)
    fresh.blobs.update(blobs)
    return fresh


def _agent(tools: list[Any], saver: InMemorySaver) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langgraph.prebuilt import create_react_agent

        return create_react_agent(_HistoryReader(), tools, checkpointer=saver)


def _options(emulator: TokenHubEmulator, api_key: str) -> dict[str, Any]:
    return {
        "api_key": api_key,
        "base_url": emulator.base_url,
        "poll_interval": 0.005,
        "download_policy": DownloadPolicy(allow_loopback_http=True),
    }


def test_started_video_is_picked_up_after_a_restart(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    options = _options(emulator, tokenhub_api_key)
    config = {"configurable": {"thread_id": "user-42"}}

    # Process 1: the agent starts the video and answers at once.
    saver = InMemorySaver()
    agent = _agent(HunyuanGenerationToolkit(wait=False, **options).get_tools(), saver)
    first = agent.invoke({"messages": [HumanMessage("Make a video of a paper boat")]}, config)
    started = next(m for m in first["messages"] if isinstance(m, ToolMessage))
    handle = started.artifact["job"]
    assert handle.startswith("tokenhub:hy-video-1.5:") and "do not start it again" in started.text
    assert "Job handle: " + handle in first["messages"][-1].text
    restarted = _restarted(saver)  # the process ends: only the checkpoints remain
    del agent, saver, first, started

    (job,) = emulator.jobs
    emulator.jobs.complete(job.id)

    # Process 2: new tools, new graph, the conversation read back from the checkpointer.
    agent = _agent(HunyuanGenerationToolkit(wait=False, **options).get_tools(), restarted)
    later = agent.invoke({"messages": [HumanMessage("Is it ready yet?")]}, config)

    status = [m for m in later["messages"] if isinstance(m, ToolMessage)][-1]
    assert status.name == "hunyuan_job_status" and status.artifact["state"] == "completed"
    url = status.artifact["result"]["assets"][0]["url"]
    assert url in later["messages"][-1].text and "expire" in later["messages"][-1].text
    assert emulator.jobs.submit_count() == 1  # never started twice


def test_status_tool_reports_progress_then_the_saved_result(
    emulator: TokenHubEmulator, tokenhub_api_key: str, tmp_path: Path
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=60)
    options = _options(emulator, tokenhub_api_key)
    start = HunyuanVideoGenerationTool(wait=False, **options)
    status = HunyuanJobStatusTool(download_dir=str(tmp_path), **options)

    started = start.invoke(
        {"type": "tool_call", "id": "1", "name": start.name, "args": {"prompt": "x"}}
    )
    handle = started.artifact["job"]
    running = status.invoke(
        {"type": "tool_call", "id": "2", "name": status.name, "args": {"job": handle}}
    )
    assert running.artifact["state"] == "in_progress" and "not finished yet" in running.text

    emulator.jobs.complete(handle.rsplit(":", 1)[1])
    done = status.invoke(
        {"type": "tool_call", "id": "3", "name": status.name, "args": {"job": handle}}
    )
    assert done.status == "success" and done.artifact["state"] == "completed"
    (saved,) = done.artifact["local_paths"]
    assert Path(saved).parent == tmp_path and Path(saved).stat().st_size > 0
    assert "Saved to: " in done.text


async def test_status_tool_async_reports_a_failure_the_agent_can_act_on(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.01)
    emulator.jobs.fail_next("hy-video-1.5", code="FailedOperation.ModerationFailed")
    options = _options(emulator, tokenhub_api_key)
    start = HunyuanVideoGenerationTool(wait=False, **options)
    status = HunyuanJobStatusTool(**options)
    started = await start.ainvoke(
        {"type": "tool_call", "id": "1", "name": start.name, "args": {"prompt": "x"}}
    )
    text = await status.ainvoke({"job": started.artifact["job"]})
    assert "failed: FailedOperation.ModerationFailed" in text and "rephrase" in text
    bad = await status.ainvoke({"job": "1429890795996585001"})
    assert "not a job handle" in bad


def test_a_synchronous_model_answers_at_once_even_without_waiting(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    from langchain_hunyuan import HunyuanImageGenerationTool

    tool = HunyuanImageGenerationTool(
        model="hy-image-lite", wait=False, **_options(emulator, tokenhub_api_key)
    )
    message = tool.invoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"prompt": "a koi"}}
    )
    assert message.artifact["status"] == "completed" and message.artifact["assets"]
