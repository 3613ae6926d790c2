"""A LangGraph agent that plans, makes an image and a 3D model, and reports the links.

    pip install -e ".[examples]"
    python examples/langgraph_agent.py

The agent is LangChain's ``create_agent`` (a LangGraph graph) with a thinking ChatHunyuan
model and the generation toolkit. ``astream_events`` shows everything as it happens: the
model's plan, each tool call, the job progress the tools send as ``hunyuan_job_progress``
custom events, and the final answer with the URLs.

The plan, the calls and the answer are read from the graph's own updates (what
``agent.astream(stream_mode="updates")`` yields), not from ``on_chat_model_*`` events: on
Python 3.10 asyncio cannot hand the run's context to the model call ``create_agent`` makes,
so the model's own events never reach the stream there. The tools pass their config
explicitly, so their progress events arrive on every Python version.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from textwrap import shorten
from typing import Any

from _support import tokenhub_or_emulator
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage

from langchain_hunyuan import PROGRESS_EVENT, ChatHunyuan, HunyuanGenerationToolkit

SYSTEM_PROMPT = (
    "You are a concept-art assistant. First say in one sentence what you will make, then call "
    "the generation tools (several at once when they do not depend on each other), then give "
    "the user every link the tools returned, unchanged."
)
REQUEST = (
    "Design a friendly robot mascot for a tea shop: generate an image of it and a 3D model of "
    "it, and give me the links."
)


def show(event: Mapping[str, Any]) -> None:
    """Print the events a user wants to see, in the order they arrive."""
    kind, data = event["event"], event["data"]
    if kind == "on_chain_stream" and event["name"] == "LangGraph":
        for message in data["chunk"].get("model", {}).get("messages", []):
            show_model_turn(message)
    elif kind == "on_custom_event" and event["name"] == PROGRESS_EVENT:
        progress = "" if data["progress"] is None else f" {data['progress']}%"
        print(f"   job {data['job_id']} ({data['model']}): {data['state']}{progress}")
    elif kind == "on_tool_end":
        print(f"<- {event['name']} finished")


def show_model_turn(message: AIMessage) -> None:
    """A turn that calls tools shows its plan and calls; the last turn is the answer."""
    if not message.tool_calls:
        print("\nAnswer:\n" + message.text)
        return
    plan = message.additional_kwargs.get("reasoning_content") or message.text
    if plan:
        print(f"Plan: {shorten(plan, 300)}")
    for call in message.tool_calls:
        print(f"-> {call['name']}({call['args']})")


async def main() -> None:
    # A thinking model: its reasoning is the plan, and it is sent back with the tool results
    # as the model requires (the catalogue's "tool_turns" pass-back policy).
    llm = ChatHunyuan(model="kimi-k2.6")
    tools = HunyuanGenerationToolkit(include=("image", "3d")).get_tools()
    agent = create_agent(llm, tools, system_prompt=SYSTEM_PROMPT)

    async for event in agent.astream_events(
        {"messages": [HumanMessage(REQUEST)]}, version="v2", stream_mode="updates"
    ):
        show(event)


if __name__ == "__main__":
    with tokenhub_or_emulator():
        asyncio.run(main())
