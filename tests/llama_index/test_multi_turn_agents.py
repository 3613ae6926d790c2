"""Two user turns with tools on every chat model of the data, through ``FunctionAgent``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.tools import FunctionTool
from llama_index.core.workflow import Context

from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import chat_bodies
from tests.multi_turn_cases import (
    CASES,
    FIRST_QUESTION,
    SECOND_QUESTION,
    build_quietly,
    check_tool_call_history,
)

MakeLLM = Callable[..., Hunyuan]


def get_weather(city: str) -> str:
    """Get the weather of a city."""
    return f"{city}: sunny, 22 degrees"


def get_time(city: str) -> str:
    """Get the local time of a city."""
    return f"{city}: 12:00"


TOOLS = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]


async def _turn(agent: FunctionAgent, ctx: Context, question: str) -> tuple[list[str], str]:
    handler = agent.run(user_msg=question, ctx=ctx)
    tools = [e.tool_name async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    return tools, str(await handler)


@pytest.mark.parametrize(("model", "thinking"), CASES)
async def test_two_turn_tool_conversation(
    make_llm: MakeLLM, emulator: TokenHubEmulator, model: str, thinking: bool | None
) -> None:
    llm = build_quietly(make_llm, model, thinking=thinking)
    agent = FunctionAgent(tools=TOOLS, llm=llm)
    ctx = Context(agent)
    first_tools, _ = await _turn(agent, ctx, FIRST_QUESTION)
    second_tools, answer = await _turn(agent, ctx, SECOND_QUESTION)

    assert (first_tools, second_tools) == (["get_weather"], ["get_time"])
    assert "12:00" in answer
    # FunctionAgent's memory keeps each turn's question and answer (its tool calls stay in the
    # run's scratchpad), so the last request of turn 2 holds that turn's tool call.
    check_tool_call_history(chat_bodies(emulator)[-1], model, thinking)
