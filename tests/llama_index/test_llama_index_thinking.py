"""Hunyuan's thinking settings on the wire, as for ChatHunyuan."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from llama_index.core.base.llms.types import ChatMessage

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import chat_bodies

MakeLLM = Callable[..., Hunyuan]
HI = [ChatMessage(role="user", content="hi")]


def test_switch_effort_and_alias(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    llm = make_llm("glm-5.2", thinking=False, reasoning_effort="low", max_completion_tokens=50)
    assert llm.max_tokens == 50
    llm.chat(HI)
    llm.chat(HI, thinking=True)
    first, second = chat_bodies(emulator)
    assert first["thinking"] == {"type": "disabled"} and second["thinking"] == {"type": "enabled"}
    assert first["reasoning_effort"] == "low" and first["max_tokens"] == 50


def test_bad_settings_fail_at_construction(emulator: TokenHubEmulator) -> None:
    with pytest.raises(InvalidParameterError, match="always thinks"):
        Hunyuan(model="minimax-m2.5", api_key="k", thinking=False)
    with pytest.raises(InvalidParameterError, match="reasoning_effort"):
        Hunyuan(model="hy3", api_key="k", reasoning_effort="off")


def test_tool_required_is_auto_while_thinking_and_required_without(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    from llama_index.core.tools import FunctionTool

    def get_weather(city: str) -> str:
        """Get the weather of a city."""
        return "sunny"

    tool = FunctionTool.from_defaults(get_weather)
    make_llm("kimi-k2.6").chat_with_tools([tool], "weather in Paris?", tool_required=True)
    make_llm("kimi-k2.6", thinking=False).chat_with_tools(
        [tool], "weather in Paris?", tool_required=True
    )
    thinking, plain = chat_bodies(emulator)
    assert (thinking["tool_choice"], plain["tool_choice"]) == ("auto", "required")


def test_minimax_think_block_in_content_becomes_thinking(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.set_quirks(["think_tags_in_content"])
    llm = make_llm("minimax-m2.5")
    reply = llm.chat(HI)
    thinking = "".join(b.content or "" for b in reply.message.blocks if b.block_type == "thinking")
    assert thinking and "<think>" not in (reply.message.content or "")
    *_, last = llm.stream_chat(HI)
    assert last.message.content == reply.message.content
