"""Two user turns with tools on every chat model of the data, through ``create_agent``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import chat_bodies, get_time, get_weather
from tests.multi_turn_cases import (
    CASES,
    FIRST_QUESTION,
    SECOND_QUESTION,
    build_quietly,
    check_tool_call_history,
)

MakeLLM = Callable[..., ChatHunyuan]


@pytest.mark.parametrize(("model", "thinking"), CASES)
def test_two_turn_tool_conversation(
    make_llm: MakeLLM, emulator: TokenHubEmulator, model: str, thinking: bool | None
) -> None:
    llm = build_quietly(make_llm, model=model, thinking=thinking)
    agent = create_agent(llm, [get_weather, get_time])
    first = agent.invoke({"messages": [HumanMessage(FIRST_QUESTION)]})
    sent_before = len(chat_bodies(emulator))
    second = agent.invoke({"messages": [*first["messages"], HumanMessage(SECOND_QUESTION)]})

    tools_used = [
        m.tool_calls[0]["name"]
        for m in second["messages"]
        if isinstance(m, AIMessage) and m.tool_calls
    ]
    assert tools_used == ["get_weather", "get_time"]
    results = [m.content for m in second["messages"] if isinstance(m, ToolMessage)]
    assert results == ["Paris: sunny, 22 degrees", "Paris: 12:00"]
    assert isinstance(second["messages"][-1], AIMessage)
    assert "12:00" in second["messages"][-1].text
    # Turn 2's first request already carries turn 1's tool call (LangGraph keeps it).
    check_tool_call_history(chat_bodies(emulator)[sent_before], model, thinking)
