"""ChatHunyuan drives LangChain/LangGraph agents through multi-step tool loops (emulator)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import chat_bodies, get_time, get_weather

MakeLLM = Callable[..., ChatHunyuan]
QUESTION = "What is the weather and the local time in Paris?"


def _react_agent(llm: ChatHunyuan) -> Any:
    with warnings.catch_warnings():
        # LangGraph 1.x points users to langchain.agents.create_agent, tested below too.
        warnings.simplefilter("ignore", DeprecationWarning)
        from langgraph.prebuilt import create_react_agent

        return create_react_agent(llm, [get_weather, get_time])


def _check_loop(messages: list[Any], emulator: TokenHubEmulator) -> None:
    """One tool per round (parallel calls off): weather, then time, then the answer."""
    kinds = [type(m).__name__ for m in messages]
    assert kinds == [
        "HumanMessage", "AIMessage", "ToolMessage", "AIMessage", "ToolMessage", "AIMessage",
    ]  # fmt: skip
    assert [
        m.tool_calls[0]["name"] for m in messages if isinstance(m, AIMessage) and m.tool_calls
    ] == [
        "get_weather",
        "get_time",
    ]
    tool_results = [m.content for m in messages if isinstance(m, ToolMessage)]
    assert tool_results == ["Paris: sunny, 22 degrees", "Paris: 12:00"]
    final = messages[-1]
    assert "Paris: sunny, 22 degrees" in final.content and "Paris: 12:00" in final.content
    bodies = chat_bodies(emulator)
    assert len(bodies) == 3
    # The last request carried the whole loop in the documented shapes.
    roles = [m["role"] for m in bodies[-1]["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "tool"]
    assert bodies[-1]["messages"][1]["content"] is None


# kimi-k2-thinking-turbo: reasoning must be passed back on tool turns or the emulator answers
# 400, as Kimi/DeepSeek thinking modes do; the agent loop must survive that.
MODELS = ["hunyuan-2.0-instruct-20251111", "kimi-k2-thinking-turbo"]


@pytest.mark.parametrize("model", MODELS)
def test_create_agent_multi_step_sync(
    make_llm: MakeLLM, emulator: TokenHubEmulator, model: str
) -> None:
    llm = make_llm(model=model, model_kwargs={"parallel_tool_calls": False})
    agent = create_agent(llm, [get_weather, get_time])
    result = agent.invoke({"messages": [HumanMessage(QUESTION)]})
    _check_loop(result["messages"], emulator)


@pytest.mark.parametrize("model", MODELS)
async def test_create_agent_multi_step_async(
    make_llm: MakeLLM, emulator: TokenHubEmulator, model: str
) -> None:
    llm = make_llm(model=model, model_kwargs={"parallel_tool_calls": False})
    agent = create_agent(llm, [get_weather, get_time])
    result = await agent.ainvoke({"messages": [HumanMessage(QUESTION)]})
    _check_loop(result["messages"], emulator)


def test_langgraph_react_agent_sync(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    agent = _react_agent(make_llm(model_kwargs={"parallel_tool_calls": False}))
    result = agent.invoke({"messages": [HumanMessage(QUESTION)]})
    _check_loop(result["messages"], emulator)


async def test_langgraph_react_agent_async_streaming_tokens(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    # stream_mode="messages" streams LLM tokens: the tool-call chunks must still merge.
    agent = _react_agent(
        make_llm(model="deepseek-v3.2", model_kwargs={"parallel_tool_calls": False})
    )
    emulator.set_quirks(["repeat_tool_name", "no_index"])
    streamed: list[Any] = []
    async for message, _metadata in agent.astream(
        {"messages": [HumanMessage(QUESTION)]}, stream_mode="messages"
    ):
        streamed.append(message)
    tool_messages = [m for m in streamed if isinstance(m, ToolMessage)]
    assert [m.content for m in tool_messages] == ["Paris: sunny, 22 degrees", "Paris: 12:00"]
    assert all(m.status == "success" for m in tool_messages)
    assert len(chat_bodies(emulator)) == 3


async def test_parallel_calls_in_one_round(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    agent = create_agent(make_llm(), [get_weather, get_time])
    result = await agent.ainvoke({"messages": [HumanMessage(QUESTION)]})
    messages = result["messages"]
    assert [type(m).__name__ for m in messages] == [
        "HumanMessage", "AIMessage", "ToolMessage", "ToolMessage", "AIMessage",
    ]  # fmt: skip
    assert len(messages[1].tool_calls) == 2
    assert len(chat_bodies(emulator)) == 2


async def test_agent_structured_response(make_llm: MakeLLM) -> None:
    from pydantic import BaseModel

    class WeatherReport(BaseModel):
        """A weather report for a city."""

        city: str
        summary: str

    agent = create_agent(make_llm(), [get_weather], response_format=WeatherReport)
    result = await agent.ainvoke({"messages": [HumanMessage("Give me a weather report for Paris")]})
    report = result["structured_response"]
    assert isinstance(report, WeatherReport) and report.city == "Paris"
