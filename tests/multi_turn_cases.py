"""The chat models and thinking settings every multi-turn agent test runs through.

Each model of the data runs with its default thinking, and, where the model lets thinking be
switched, with it switched the other way. ``expects_reasoning_back`` says what the request
must carry for an earlier tool-call turn; the emulator, whose rules come from the vendor pages
on their own, answers 400 where the gateway would.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from hunyuan_tokenhub import get_model_info, list_models
from hunyuan_tokenhub._thinking import thinking_state

FIRST_QUESTION = "What is the weather in Paris?"
SECOND_QUESTION = "And what is the local time in Paris?"


def _settings(model: str) -> list[bool | None]:
    chat = get_model_info(model).chat
    assert chat is not None
    default = chat.thinking.default
    if default in ("on", "unknown"):
        return [None, False]
    if default == "off":
        return [None, True]
    return [None]


CASES = [
    pytest.param(m.id, thinking, id=f"{m.id}-thinking={thinking}")
    for m in list_models("chat")
    for thinking in _settings(m.id)
]


Model = TypeVar("Model")


def build_quietly(make: Callable[..., Model], *args: Any, **kwargs: Any) -> Model:
    """Build a model without the retired-model warning: retired ids are still served here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make(*args, **kwargs)


def expects_reasoning_back(model: str, thinking: bool | None) -> bool:
    info = get_model_info(model)
    return thinking_state(info, thinking) != "off" and info.reasoning_passback != "never"


def check_tool_call_history(body: dict[str, Any], model: str, thinking: bool | None) -> None:
    """A request whose history holds a tool call carries it as the model's rules want."""
    calls = [m for m in body["messages"] if m["role"] == "assistant" and m.get("tool_calls")]
    assert calls, "the request holds no earlier tool call"
    if expects_reasoning_back(model, thinking):
        assert all(isinstance(m.get("reasoning_content"), str) for m in calls), body
    else:
        assert all("reasoning_content" not in m for m in body["messages"]), body
    switch = body.get("thinking")
    if thinking is None:
        assert switch is None
    else:
        assert switch is not None and (switch["type"] != "disabled") is thinking
