"""A LangGraph agent that starts a video, keeps talking, and picks the result up later, even
after the process restarts.

    pip install -e ".[examples]"
    python examples/langgraph_long_jobs.py

A video takes minutes: an agent should not spend them inside one tool call. With
``wait=False`` the generation tools start the job and answer at once with its handle
(``backend:model:job_id``) and expected duration; ``hunyuan_job_status`` takes that handle and
answers with the progress, or with the result URLs once the job is done. The handle lives in
the conversation, and the conversation lives in the graph's checkpointer, so a new process
finds the job again from the checkpoint alone. Here the checkpointer keeps its state in files
(LangGraph's ``PersistentDict``); in production use ``SqliteSaver`` or ``PostgresSaver``.

The second part runs only the status tool, as a later request that collects results would:
the bundled emulator's rule-based model calls every tool a question mentions, and the handle
names the video model. A real model given the whole toolkit reads the handle from the restored
conversation itself.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from _support import tokenhub_or_emulator
from langchain.agents import create_agent
from langchain_core.messages import HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver, PersistentDict

from langchain_hunyuan import ChatHunyuan, HunyuanGenerationToolkit, HunyuanJobStatusTool

MODEL = "hy3"
THREAD = {"configurable": {"thread_id": "paper-boat"}}
MAX_WAIT_S = 900


def saver_on_disk(directory: Path) -> InMemorySaver:
    """A checkpointer whose state a later process reads back from ``directory``."""
    names = iter(("storage", "writes", "blobs"))

    def persistent(*default: Any) -> PersistentDict:
        stored = PersistentDict(*default, filename=str(directory / f"{next(names)}.pickle"))
        if Path(stored.filename).exists():
            stored.load()
        return stored

    return InMemorySaver(factory=partial(persistent))  # type: ignore[arg-type]


def start(directory: Path) -> None:
    """Process 1: the user asks for a video; the agent starts it and answers at once."""
    saver = saver_on_disk(directory)
    tools = HunyuanGenerationToolkit(wait=False).get_tools()
    agent = create_agent(ChatHunyuan(model=MODEL), tools, checkpointer=saver)
    state = agent.invoke(
        {"messages": [HumanMessage("Make a video of a paper boat drifting down a stream")]},
        THREAD,
    )
    print("Agent:", state["messages"][-1].text)
    saver.stack.close()  # the process ends; only the checkpoint files remain


def collect(directory: Path) -> None:
    """Process 2: the conversation is read back; the job is picked up by its handle."""
    saver = saver_on_disk(directory)
    agent = create_agent(ChatHunyuan(model=MODEL), [HunyuanJobStatusTool()], checkpointer=saver)
    history = agent.get_state(THREAD).values["messages"]
    handle = next(m.artifact["job"] for m in history if isinstance(m, ToolMessage))
    print(f"Restored {len(history)} messages; the job handle is {handle}")
    deadline, pause = time.monotonic() + MAX_WAIT_S, 1.0
    while True:
        question = HumanMessage(f'What is the status of job "{handle}"?')
        state = agent.invoke({"messages": [question]}, THREAD)
        checked = [m for m in state["messages"] if isinstance(m, ToolMessage)][-1]
        print("Status:", checked.artifact["state"], checked.artifact.get("progress") or "")
        if checked.artifact["state"] in ("completed", "failed") or time.monotonic() > deadline:
            break
        time.sleep(pause)  # each question costs a model call: ask less often as time passes
        pause = min(pause * 2, 30.0)
    print("Agent:", state["messages"][-1].text)


def main() -> None:
    with tokenhub_or_emulator(), tempfile.TemporaryDirectory() as directory:
        start(Path(directory))
        print("--- the process restarts ---")
        collect(Path(directory))


if __name__ == "__main__":
    main()
