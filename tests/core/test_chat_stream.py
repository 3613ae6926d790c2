"""The stream normaliser and its assembled state (hunyuan_tokenhub._chat_stream)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hunyuan_tokenhub._chat_request import format_tool_call
from hunyuan_tokenhub._chat_response import (
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    parse_completion,
)
from hunyuan_tokenhub._chat_stream import ChatStreamNormalizer


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
