"""Chat request bodies (hunyuan_tokenhub._chat_request), no server needed."""

from __future__ import annotations

from typing import Any

import pytest

from hunyuan_tokenhub._chat_request import (
    _body_before_model_rules,
    format_assistant_message,
    format_tool_call,
    normalize_tool_choice,
)
from hunyuan_tokenhub._exceptions import InvalidParameterError

USER = [{"role": "user", "content": "北京今天天气怎么样?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "获取指定城市的天气信息",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
TIME_TOOL = {"type": "function", "function": {"name": "get_time", "parameters": {}}}


def test_payload_drops_none_and_passes_unknown_params_through() -> None:
    payload = _body_before_model_rules(
        "deepseek-v3.2",
        USER,
        {"temperature": 0.5, "top_p": None, "seed": 7, "frequency_penalty": 0.1},
    )
    assert payload == {
        "model": "deepseek-v3.2",
        "messages": USER,
        "temperature": 0.5,
        "seed": 7,
        "frequency_penalty": 0.1,
    }


def test_extra_body_is_merged_last_and_validated() -> None:
    payload = _body_before_model_rules(
        "glm-5", USER, {"temperature": 0.1}, extra_body={"temperature": 0.9, "thinking": {}}
    )
    assert payload["temperature"] == 0.9
    assert payload["thinking"] == {}
    with pytest.raises(InvalidParameterError, match="temperature"):
        _body_before_model_rules("glm-5", USER, extra_body={"temperature": 2.5})


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("temperature", 2.01, "[0.0, 2.0]"),
        ("temperature", -0.1, "[0.0, 2.0]"),
        ("temperature", "hot", "[0.0, 2.0]"),
        ("temperature", True, "[0.0, 2.0]"),
        ("top_p", 1.5, "[0.0, 1.0]"),
        ("max_tokens", 0, "integer > 0"),
        ("max_tokens", 1.5, "integer > 0"),
        ("seed", "x", "integer"),
        ("stop", ["a", "b", "c", "d", "e"], "up to 4"),
        ("stop", [1], "up to 4"),
        ("stop", 3, "up to 4"),
    ],
)
def test_bad_parameters_are_rejected_naming_parameter_and_allowed_values(
    name: str, value: Any, allowed: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _body_before_model_rules("hunyuan-2.0-instruct-20251111", USER, {name: value})
    assert caught.value.param == name
    assert name in str(caught.value)
    assert allowed in str(caught.value)


def test_bounds_are_inclusive_and_stop_forms_accepted() -> None:
    payload = _body_before_model_rules(
        "m", USER, {"temperature": 2, "top_p": 0, "max_tokens": 1, "stop": ("11.", "x")}
    )
    assert (payload["temperature"], payload["top_p"], payload["stop"]) == (2, 0, ["11.", "x"])
    assert _body_before_model_rules("m", USER, {"stop": "11."})["stop"] == "11."
    assert "stop" not in _body_before_model_rules("m", USER, {"stop": []})


def test_model_and_messages_are_required() -> None:
    with pytest.raises(InvalidParameterError, match="model"):
        _body_before_model_rules(" ", USER)
    with pytest.raises(InvalidParameterError, match="messages"):
        _body_before_model_rules("m", [])


def test_a_system_message_after_the_conversation_started_is_sent_as_user() -> None:
    # TokenHub wants system? -> user -> assistant -> user ... ending with user or tool
    # (the gateway's message-order rule); LlamaIndex's early stopping appends a system message at the end.
    call = format_tool_call("c1", "get_weather", {"city": "北京"})
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "system", "content": "answer in Chinese"},
        {"role": "user", "content": "北京天气?"},
        format_assistant_message("", [call]),
        {"role": "tool", "tool_call_id": "c1", "content": "晴"},
        {"role": "system", "content": "Give your final answer now.", "name": "stop"},
    ]
    sent = _body_before_model_rules("deepseek-v3.2", messages)["messages"]

    assert [m["role"] for m in sent] == ["system", "system", "user", "assistant", "tool", "user"]
    assert sent[-1] == {"role": "user", "content": "Give your final answer now.", "name": "stop"}
    assert sent[:5] == messages[:5]
    assert messages[-1]["role"] == "system"  # the caller's message is not modified


def test_stream_usage_sets_stream_options_and_keeps_user_options() -> None:
    payload = _body_before_model_rules(
        "m", USER, {"stream_options": {"foo": 1}}, stream=True, stream_usage=True
    )
    assert payload["stream"] is True
    assert payload["stream_options"] == {"foo": 1, "include_usage": True}
    assert "stream_options" not in _body_before_model_rules("m", USER, stream=True)
    plain = _body_before_model_rules("m", USER, {"stream": True, "stream_options": {"a": 1}})
    assert "stream" not in plain and "stream_options" not in plain


@pytest.mark.parametrize(
    ("given", "wire"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("any", "required"),
        (True, "required"),
        (False, None),
        (None, None),
        ("get_weather", {"type": "function", "function": {"name": "get_weather"}}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"type": "function", "function": {"name": "get_weather"}},
        ),
        (
            {"type": "function", "name": "get_weather"},
            {"type": "function", "function": {"name": "get_weather"}},
        ),
    ],
)
def test_tool_choice_forms(given: Any, wire: Any) -> None:
    assert normalize_tool_choice(given, ["get_weather"]) == wire
    payload = _body_before_model_rules("m", USER, {"tools": [WEATHER_TOOL], "tool_choice": given})
    assert payload.get("tool_choice") == wire


def test_tool_choice_naming_an_unbound_tool_lists_the_allowed_values() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        normalize_tool_choice("get_stock", ["get_weather", "get_time"])
    assert caught.value.param == "tool_choice"
    assert "get_weather" in str(caught.value) and "required" in str(caught.value)
    with pytest.raises(InvalidParameterError, match="tool_choice"):
        normalize_tool_choice({"type": "function"})
    with pytest.raises(InvalidParameterError, match="tool_choice"):
        normalize_tool_choice(3)


def test_forced_tool_choice_without_tools_fails_and_harmless_settings_are_dropped() -> None:
    with pytest.raises(InvalidParameterError, match="no tools are bound"):
        _body_before_model_rules("m", USER, {"tool_choice": "required"})
    payload = _body_before_model_rules(
        "m", USER, {"tool_choice": "auto", "parallel_tool_calls": False}
    )
    assert "tool_choice" not in payload and "parallel_tool_calls" not in payload


def test_parallel_tool_calls_sent_only_when_set() -> None:
    tools = [WEATHER_TOOL, TIME_TOOL]
    assert "parallel_tool_calls" not in _body_before_model_rules("m", USER, {"tools": tools})
    payload = _body_before_model_rules("m", USER, {"tools": tools, "parallel_tool_calls": False})
    assert payload["parallel_tool_calls"] is False
    with pytest.raises(InvalidParameterError, match="parallel_tool_calls"):
        _body_before_model_rules("m", USER, {"tools": tools, "parallel_tool_calls": "yes"})


def test_malformed_tools_are_rejected() -> None:
    with pytest.raises(InvalidParameterError, match=r"tools\[1\]"):
        _body_before_model_rules("m", USER, {"tools": [WEATHER_TOOL, {"name": "x"}]})
    with pytest.raises(InvalidParameterError, match="tools"):
        _body_before_model_rules("m", USER, {"tools": {"get_weather": WEATHER_TOOL}})


# ------------------------------------------------------------------ outbound messages


def test_assistant_tool_call_message_has_null_content_as_documented() -> None:
    call = format_tool_call("call_abc123", "get_weather", {"city": "北京"})
    message = format_assistant_message("", [call])
    # Seed example 5: the assistant message repeated in the follow-up request.
    assert message == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_abc123",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "北京"}'},
            }
        ],
    }
    assert format_assistant_message(None) == {"role": "assistant", "content": ""}
    assert format_assistant_message("hi", [call])["content"] == "hi"
