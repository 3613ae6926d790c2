"""The framework-free chat protocol (hunyuan_tokenhub._chat_request, _chat_response,
_chat_stream), no server needed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hunyuan_tokenhub._chat_request import (
    _body_before_model_rules,
    format_assistant_message,
    format_tool_call,
    normalize_tool_choice,
)
from hunyuan_tokenhub._chat_response import (
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    json_object_from_text,
    parse_completion,
    parse_tool_call,
    parse_usage,
)
from hunyuan_tokenhub._chat_stream import ChatStreamNormalizer
from hunyuan_tokenhub._exceptions import APIError, InvalidParameterError

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


# ----------------------------------------------------------------------------- payload


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


# -------------------------------------------------------------------------- responses

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


# --------------------------------------------------------------------------- streaming


def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcpl-abc123",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


def _calls(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"tool_calls": list(entries)}


def _feed(chunks: list[dict[str, Any]]) -> tuple[ChatStreamNormalizer, list[Any]]:
    normalizer = ChatStreamNormalizer()
    deltas = [d for d in (normalizer.feed(c) for c in chunks) if d is not None]
    return normalizer, deltas


def _merged_calls(deltas: list[Any]) -> dict[int, dict[str, str]]:
    """Merge fragments the way LangChain does: concatenate every string per index."""
    merged: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for call in delta.tool_calls:
            slot = merged.setdefault(call.index, {"id": "", "name": "", "args": ""})
            slot["id"] += call.id or ""
            slot["name"] += call.name or ""
            slot["args"] += call.arguments
    return merged


def test_documented_stream_text_and_finish_reason() -> None:
    chunks = [
        _chunk({"role": "assistant", "content": "1"}),
        _chunk({"content": "+"}),
        _chunk({"content": "1"}),
        _chunk({"content": "="}),
        _chunk({"content": "2"}),
        _chunk({}, "stop"),
    ]
    normalizer, deltas = _feed(chunks)
    assert "".join(d.content for d in deltas) == "1+1=2"
    assert normalizer.finish_reason == "stop"
    assert normalizer.id == "chatcpl-abc123"
    assert normalizer.usage is None


def test_reasoning_passed_through_from_the_first_chunk() -> None:
    chunks = [
        _chunk({"role": "assistant", "content": "", "reasoning_content": "Let"}),
        _chunk({"reasoning_content": " me think"}),
        _chunk({"content": "2"}),
    ]
    _, deltas = _feed(chunks)
    assert "".join(d.reasoning_content or "" for d in deltas) == "Let me think"
    assert deltas[0].reasoning_content == "Let"


def test_openai_style_parallel_tool_call_stream() -> None:
    chunks = [
        _chunk(_calls({"index": 0, "id": "a", "type": "function",
                       "function": {"name": "get_weather", "arguments": ""}})),
        _chunk(_calls({"index": 0, "function": {"arguments": '{"city": "Pa'}})),
        _chunk(_calls({"index": 1, "id": "b", "type": "function",
                       "function": {"name": "get_time", "arguments": "{}"}})),
        _chunk(_calls({"index": 0, "function": {"arguments": 'ris"}'}})),
        _chunk({}, "tool_calls"),
    ]  # fmt: skip
    normalizer, deltas = _feed(chunks)
    assert _merged_calls(deltas) == {
        0: {"id": "a", "name": "get_weather", "args": '{"city": "Paris"}'},
        1: {"id": "b", "name": "get_time", "args": "{}"},
    }
    assert normalizer.tool_calls() == (
        [ToolCall("a", "get_weather", {"city": "Paris"}), ToolCall("b", "get_time", {})],
        [],
    )
    assert normalizer.finish_reason == "tool_calls"


def test_name_and_id_repeated_in_every_chunk_are_emitted_once() -> None:
    def repeat(args: str) -> dict[str, Any]:
        return _chunk(_calls({"index": 0, "id": "call_1", "type": "function",
                              "function": {"name": "get_weather", "arguments": args}}))  # fmt: skip

    _, deltas = _feed([repeat('{"city":'), repeat(' "北京"'), repeat("}")])
    assert _merged_calls(deltas) == {
        0: {"id": "call_1", "name": "get_weather", "args": '{"city": "北京"}'}
    }


def test_fragments_without_index_merge_by_position_and_new_id_starts_a_call() -> None:
    chunks = [
        _chunk(_calls({"id": "a", "function": {"name": "get_weather", "arguments": '{"ci'}})),
        _chunk(_calls({"function": {"arguments": 'ty": "Rome"}'}})),
        _chunk(_calls({"id": "b", "function": {"name": "get_time", "arguments": ""}})),
        _chunk(_calls({"function": {"arguments": "{}"}})),
    ]
    normalizer, deltas = _feed(chunks)
    assert _merged_calls(deltas) == {
        0: {"id": "a", "name": "get_weather", "args": '{"city": "Rome"}'},
        1: {"id": "b", "name": "get_time", "args": "{}"},
    }
    assert [c.name for c in normalizer.tool_calls()[0]] == ["get_weather", "get_time"]


def test_several_calls_in_one_chunk_are_all_kept() -> None:
    chunks = [
        _chunk(_calls(
            {"id": "a", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}},
            {"id": "b", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}},
        )),
    ]  # fmt: skip
    _, deltas = _feed(chunks)
    assert [(c.index, c.id) for c in deltas[0].tool_calls] == [(0, "a"), (1, "b")]


def test_reused_index_with_a_new_id_is_a_new_call() -> None:
    chunks = [
        _chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}})),
        _chunk(_calls({"index": 0, "id": "b", "function": {"name": "g", "arguments": "{}"}})),
    ]
    _, deltas = _feed(chunks)
    assert _merged_calls(deltas) == {
        0: {"id": "a", "name": "f", "args": "{}"},
        1: {"id": "b", "name": "g", "args": "{}"},
    }


def test_streamed_invalid_arguments_are_reported_not_raised() -> None:
    chunks = [_chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{x"}}))]
    normalizer, _ = _feed(chunks)
    valid, invalid = normalizer.tool_calls()
    assert valid == [] and invalid[0].args == "{x" and "not valid JSON" in invalid[0].error


def test_usage_on_several_chunks_is_counted_once() -> None:
    def usage(prompt: int, completion: int) -> dict[str, Any]:
        return {"prompt_tokens": prompt, "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_token": 1}}  # fmt: skip

    chunks = [
        _chunk({"content": "a"}, usage=usage(9, 1)),
        _chunk({"content": "b"}, usage=usage(9, 2)),
        _chunk({}, "stop", usage=usage(9, 3)),
        {"id": "chatcpl-abc123", "choices": [], "usage": usage(9, 3)},
    ]
    normalizer, deltas = _feed(chunks)
    assert normalizer.usage == ChatUsage(9, 3, 12, cached_tokens=1)
    assert [d.content for d in deltas] == ["a", "b"]


def test_zero_usage_placeholders_do_not_replace_the_real_report() -> None:
    zero = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    real = {"prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6}
    normalizer, _ = _feed([_chunk({"content": "x"}, usage=real), _chunk({}, usage=zero)])
    assert normalizer.usage == ChatUsage(4, 2, 6)


def test_arguments_sent_as_an_object_are_serialised() -> None:
    raw_call = {"index": 0, "id": "a", "function": {"name": "f", "arguments": {"n": 1}}}
    chunks = [_chunk(_calls(raw_call))]
    _, deltas = _feed(chunks)
    assert json.loads(deltas[0].tool_calls[0].arguments) == {"n": 1}


@pytest.mark.parametrize(
    "chunk",
    [
        {"choices": [None]},
        {"choices": {"0": {}}},
        {"choices": [{"delta": None}]},
        {"choices": [{"delta": "text"}]},
        {"choices": [{"delta": {"content": None}}]},
        {"choices": [{"delta": {"content": ["part"]}}]},
        {"choices": [], "usage": "n/a"},
        {"choices": [{"delta": {"tool_calls": [None, {"index": 0, "function": "f"}]}}]},
    ],
)
def test_odd_chunks_add_nothing_instead_of_raising(chunk: dict[str, Any]) -> None:
    assert ChatStreamNormalizer().feed(chunk) is None


def test_finished_stream_as_one_completion_body() -> None:
    normalizer = ChatStreamNormalizer()
    normalizer.feed(
        {"id": "c1", "model": "deepseek-v3.2", "choices": [{"index": 0, "delta": {"content": "2"}}]}
    )
    normalizer.feed({"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    normalizer.feed(
        {
            "id": "c1",
            "choices": [],
            "usage": {
                "prompt_tokens": 3,
                "completion_tokens": 1,
                "total_tokens": 4,
                "prompt_tokens_details": {"cached_token": 2},
            },
        }
    )
    body = normalizer.completion_body(default_model="x")
    assert body == {
        "id": "c1",
        "object": "chat.completion",
        "model": "deepseek-v3.2",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "2"}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": 3,
            "completion_tokens": 1,
            "total_tokens": 4,
            "prompt_tokens_details": {"cached_tokens": 2},
        },
    }


# ------------------------------------------------------------ the normaliser's assembled state


def test_the_normaliser_holds_the_text_and_reasoning_of_a_tagged_stream() -> None:
    normalizer = ChatStreamNormalizer(model="minimax-m2.7")
    pieces = ["<thi", "nk>Add the two.</th", "ink>\n\n1+1", "=2"]
    deltas = [normalizer.feed(_chunk({"content": piece})) for piece in pieces]
    assert normalizer.finish() is None

    emitted = [d for d in deltas if d is not None]
    assert normalizer.content == "".join(d.content for d in emitted) == "1+1=2"
    assert normalizer.reasoning_content == "Add the two."


def test_the_held_back_tail_joins_the_state_once() -> None:
    normalizer = ChatStreamNormalizer(model="minimax-m2.7")
    normalizer.feed(_chunk({"content": "<think>step 1"}))
    normalizer.feed(_chunk({"content": " and 2</thi"}))
    assert normalizer.reasoning_content == "step 1 and 2"  # "</thi" may still close the block
    tail = normalizer.finish()

    assert tail is not None and tail.reasoning_content == "</thi"
    assert normalizer.reasoning_content == "step 1 and 2</thi"
    assert normalizer.finish() is None
    assert normalizer.reasoning_content == "step 1 and 2</thi" and normalizer.content == ""


def test_a_stream_without_reasoning_has_none_and_reading_mid_stream_changes_nothing() -> None:
    normalizer = ChatStreamNormalizer()
    seen = []
    for piece in ["a", "b", "", "c"]:
        normalizer.feed(_chunk({"content": piece}))
        seen.append(normalizer.content)
    assert seen == ["a", "ab", "ab", "abc"]
    assert normalizer.reasoning_content is None


def test_a_call_is_parsed_again_only_after_a_fragment_changed_it() -> None:
    normalizer, _ = _feed(
        [
            _chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}})),
            _chunk(_calls({"index": 1, "id": "b", "function": {"name": "g", "arguments": '{"n'}})),
        ]
    )
    first, second = normalizer.tool_calls_in_order()
    assert first == ToolCall("a", "f", {})
    assert isinstance(second, InvalidToolCall) and second.args == '{"n'
    again = normalizer.tool_calls_in_order()
    assert again[0] is first and again[1] is second

    normalizer.feed(_chunk(_calls({"index": 1, "function": {"arguments": '": 1}'}})))
    after = normalizer.tool_calls_in_order()
    assert after[0] is first
    assert after[1] == ToolCall("b", "g", {"n": 1})
    assert normalizer.tool_calls() == ([first, after[1]], [])


def test_wire_tool_calls_are_new_dicts_each_time() -> None:
    normalizer, _ = _feed(
        [_chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": '{"x"'}}))]
    )
    earlier = normalizer.wire_tool_calls()
    normalizer.feed(_chunk(_calls({"index": 0, "function": {"arguments": ": 1}"}})))

    assert earlier == [format_tool_call("a", "f", '{"x"')]
    assert normalizer.wire_tool_calls() == [format_tool_call("a", "f", '{"x": 1}')]


def test_a_fragment_that_carries_nothing_starts_no_call() -> None:
    normalizer, deltas = _feed(
        [
            _chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}})),
            _chunk(_calls({"index": 1, "function": {"arguments": ""}})),
        ]
    )
    assert [c.index for d in deltas for c in d.tool_calls] == [0]
    assert normalizer.tool_calls_in_order() == [ToolCall("a", "f", {})]
    assert normalizer.wire_tool_calls() == [format_tool_call("a", "f", "{}")]


def test_the_completion_body_carries_the_assembled_tool_calls_and_reasoning() -> None:
    normalizer, _ = _feed(
        [
            _chunk({"reasoning_content": "Weather first."}),
            _chunk(_calls({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{x"}})),
            _chunk({}, "tool_calls"),
        ]
    )
    body = normalizer.completion_body(default_model="glm-5")

    assert body["model"] == "glm-5"
    assert body["choices"][0] == {
        "index": 0,
        "message": {
            "role": "assistant",
            "content": None,
            "tool_calls": [format_tool_call("a", "f", "{x")],
            "reasoning_content": "Weather first.",
        },
        "finish_reason": "tool_calls",
    }
    reparsed = parse_completion(body)
    assert (reparsed.tool_calls, reparsed.invalid_tool_calls) == normalizer.tool_calls()
