"""ChatHunyuan's thinking settings on the wire: switch, per-call override, effort, aliases,
fixed sampling values."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import last_body

MakeLLM = Callable[..., ChatHunyuan]


def test_instance_switch_and_per_call_override(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm(model="glm-5.2", thinking=False)
    llm.invoke("hi")
    assert last_body(emulator)["thinking"] == {"type": "disabled"}
    llm.invoke("hi", thinking=True)
    assert last_body(emulator)["thinking"] == {"type": "enabled"}
    make_llm(model="glm-5.2").invoke("hi")
    assert "thinking" not in last_body(emulator)


def test_always_thinking_model_cannot_be_switched_off() -> None:
    with pytest.raises(ValidationError, match="always thinks"):
        ChatHunyuan(api_key="k", model="minimax-m2.7", thinking=False)


def test_reasoning_effort_is_sent_and_checked(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    make_llm(model="hy3", reasoning_effort="high").invoke("hi")
    assert last_body(emulator)["reasoning_effort"] == "high"
    with pytest.raises(ValidationError, match="reasoning_effort"):
        ChatHunyuan(api_key="k", model="hy3", reasoning_effort="off")


def test_max_completion_tokens_is_an_alias(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    llm = make_llm(model="deepseek-v4-flash", max_completion_tokens=64)
    assert llm.max_tokens == 64
    llm.invoke("hi")
    assert last_body(emulator)["max_tokens"] == 64
    make_llm(model="kimi-k3", max_tokens=32).invoke("hi")
    body = last_body(emulator)
    assert body["max_completion_tokens"] == 32 and "max_tokens" not in body


def test_kimi_temperature_is_left_out_with_one_warning_per_instance(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    with pytest.warns(UserWarning, match="fixes temperature") as caught:
        llm = make_llm(model="kimi-k2.6", temperature=0.2)
        llm.invoke("hi")
        llm.invoke("hi again")
    assert sum("temperature" in str(w.message) for w in caught) == 1
    assert "temperature" not in last_body(emulator)


def test_forced_tool_choice_becomes_auto_with_one_warning(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    def get_weather(city: str) -> str:
        """Get the weather of a city."""
        return "sunny"

    llm = make_llm(model="kimi-k2.6").bind_tools([get_weather], tool_choice="any")
    with pytest.warns(UserWarning, match="thinking=False"):
        llm.invoke("weather in Paris?")
    assert last_body(emulator)["tool_choice"] == "auto"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_llm(model="kimi-k2.6", thinking=False).bind_tools(
            [get_weather], tool_choice="any"
        ).invoke("weather in Paris?")
    assert last_body(emulator)["tool_choice"] == "required"


def test_minimax_think_block_in_content_becomes_reasoning(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    # MiniMax's own API writes <think>...</think> at the start of content; TokenHub does not
    # say whether it separates it for M2.x, so the emulator can reproduce it.
    emulator.set_quirks(["think_tags_in_content"])
    llm = make_llm(model="minimax-m2.7")
    reply = llm.invoke("计算 1+1")
    assert "<think>" not in reply.text and reply.text
    assert reply.additional_kwargs["reasoning_content"]
    chunks = list(llm.stream("计算 1+1"))
    streamed_text = "".join(c.text for c in chunks)
    streamed_reasoning = "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks)
    assert (streamed_text, streamed_reasoning) == (
        reply.text,
        reply.additional_kwargs["reasoning_content"],
    )
