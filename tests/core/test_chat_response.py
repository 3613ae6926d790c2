"""Parsed chat completions, usage and tool calls (hunyuan_tokenhub._chat_response)."""

from __future__ import annotations

from typing import Any

import pytest

from hunyuan_tokenhub._chat_response import (
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    json_object_from_text,
    parse_completion,
    parse_tool_call,
    parse_usage,
)
from hunyuan_tokenhub._exceptions import APIError

SEED_BASIC = {
    "id": "5e9c7ae9-e0e4-4ec1-bbd0-22bcfda61e45",
    "object": "chat.completion",
    "model": "deepseek-v3.1-terminus",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "你好!很高兴见到你!"},
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 10,
        "completion_tokens": 244,
        "total_tokens": 254,
        "prompt_tokens_details": {"cached_token": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    },
}


def test_parse_documented_basic_completion() -> None:
    reply = parse_completion(SEED_BASIC)
    assert reply.content == "你好!很高兴见到你!"
    assert reply.id == "5e9c7ae9-e0e4-4ec1-bbd0-22bcfda61e45"
    assert reply.model == "deepseek-v3.1-terminus"
    assert reply.finish_reason == "stop"
    assert reply.usage == ChatUsage(10, 244, 254, cached_tokens=0, reasoning_tokens=0)
    assert reply.tool_calls == [] and reply.invalid_tool_calls == []


def test_parse_documented_tool_call_completion() -> None:
    response = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_abc123",
                            "type": "function",
                            "function": {
                                "name": "get_weather",
                                "arguments": '{"city": "北京"}',
                            },
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    reply = parse_completion(response)
    assert reply.content == ""
    assert reply.tool_calls == [ToolCall("call_abc123", "get_weather", {"city": "北京"})]
    assert reply.finish_reason == "tool_calls"
    assert reply.usage is None and reply.id is None


def test_parse_reasoning_content() -> None:
    response = {"choices": [{"message": {"content": "2", "reasoning_content": "1+1=2"}}]}
    assert parse_completion(response).reasoning_content == "1+1=2"
    alias = {"choices": [{"message": {"content": "2", "reasoning": "1+1=2"}}]}
    assert parse_completion(alias).reasoning_content == "1+1=2"


def test_completion_without_choices_raises_api_error_with_body() -> None:
    with pytest.raises(APIError, match="no choices") as caught:
        parse_completion({"id": "r1", "choices": []})
    assert caught.value.body == {"id": "r1", "choices": []}


def test_usage_variants() -> None:
    plural = {
        "prompt_tokens": 5,
        "completion_tokens": 2,
        "prompt_tokens_details": {"cached_tokens": 3},
    }
    assert parse_usage(plural) == ChatUsage(5, 2, 7, cached_tokens=3)
    assert parse_usage({"prompt_tokens": 1}) == ChatUsage(1, 0, 1)
    assert parse_usage(None) is None
    assert parse_usage({"prompt_tokens": 4.0, "completion_tokens": "2"}) == ChatUsage(4, 2, 6)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"city": "北京"}', {"city": "北京"}),
        ("", {}),
        ("  ", {}),
        (None, {}),
        ({"city": "Rome"}, {"city": "Rome"}),
    ],
)
def test_valid_tool_arguments(arguments: Any, expected: dict[str, Any]) -> None:
    call = parse_tool_call({"id": "c", "function": {"name": "f", "arguments": arguments}})
    assert call == ToolCall("c", "f", expected)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ('{"city": ', "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("42", "not a JSON object"),
    ],
)
def test_invalid_tool_arguments_become_records_not_exceptions(arguments: str, error: str) -> None:
    call = parse_tool_call({"id": "c", "function": {"name": "f", "arguments": arguments}})
    assert isinstance(call, InvalidToolCall)
    assert (call.id, call.name, call.args) == ("c", "f", arguments)
    assert error in call.error


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Alice", "age": 30}',
        '  \n{"name": "Alice", "age": 30}\n',
        '```json\n{"name": "Alice", "age": 30}\n```',
        'Here it is:\n```\n{"name": "Alice", "age": 30}\n```\nAnything else?',
        'Fields {name, age} filled in: {"name": "Alice", "age": 30} as asked.',
    ],
    ids=["bare", "padded", "fenced", "fence-without-language", "after-prose-and-braces"],
)
def test_json_object_from_text_finds_the_answer_however_wrapped(text: str) -> None:
    assert json_object_from_text(text) == {"name": "Alice", "age": 30}


def test_json_object_from_text_takes_the_first_object_whole() -> None:
    text = '{"person": {"name": "Alice"}, "tags": ["a"]} and then {"other": 1}'
    assert json_object_from_text(text) == {"person": {"name": "Alice"}, "tags": ["a"]}


@pytest.mark.parametrize(
    "text", ["You said: Alice is 30", "", "{broken", '[{"name": "Alice"}]', '"{}"']
)
def test_json_object_from_text_without_an_object_fails_quoting_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"no JSON object|JSON but not an object") as caught:
        json_object_from_text(text)
    assert repr(text) in str(caught.value)


def test_tool_call_without_name_is_invalid() -> None:
    call = parse_tool_call({"id": "c", "function": {"arguments": "{}"}})
    assert call == InvalidToolCall("c", None, "{}", "tool call has no name")
