"""``ChatStreamAssembler``: every cumulative response of a stream, checked chunk by chunk.

The assembler keeps running text and caches each tool call's block between fragments; these
tests pin its output to what the uncached construction (``assistant_message`` on the calls so
far) gives, on streams long enough for any per-chunk bookkeeping slip to show.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatResponse, TextBlock, ThinkingBlock, ToolCallBlock

from llama_index_hunyuan._messages import assistant_message
from llama_index_hunyuan._stream import ChatStreamAssembler


def _chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _feed_all(assembler: ChatStreamAssembler, chunks: list[dict[str, Any]]) -> list[ChatResponse]:
    responses = [assembler.feed(chunk) for chunk in chunks]
    return [r for r in responses if r is not None]


def test_a_long_text_stream_carries_the_joined_text_on_every_response() -> None:
    pieces = [f"w{i} " if i % 7 else f"词{i}\n" for i in range(3_000)]
    assembler = ChatStreamAssembler("hunyuan-turbos-latest")
    responses = _feed_all(assembler, [_chunk({"content": p}) for p in pieces])

    assert len(responses) == len(pieces)
    for count, response in enumerate(responses, start=1):
        assert response.delta == pieces[count - 1]
        assert response.message.content == "".join(pieces[:count])
    final = assembler.final()
    assert final.message.content == "".join(pieces)
    assert final.raw is not None
    assert final.raw["choices"][0]["message"]["content"] == "".join(pieces)


def test_reasoning_accumulates_apart_from_the_text() -> None:
    reasoning = [f"step {i}; " for i in range(200)]
    answer = [f"a{i}" for i in range(50)]
    chunks = [_chunk({"reasoning_content": r, "content": ""}) for r in reasoning]
    chunks += [_chunk({"content": a}) for a in answer]
    assembler = ChatStreamAssembler()
    responses = _feed_all(assembler, chunks)

    for count, response in enumerate(responses[: len(reasoning)], start=1):
        [thinking] = response.message.blocks
        assert isinstance(thinking, ThinkingBlock)
        assert thinking.content == "".join(reasoning[:count])
        assert response.additional_kwargs == {"thinking_delta": reasoning[count - 1]}
    final = assembler.final()
    thinking, text = final.message.blocks
    assert isinstance(thinking, ThinkingBlock) and thinking.content == "".join(reasoning)
    assert isinstance(text, TextBlock) and text.text == "".join(answer)
    assert final.raw is not None
    assert final.raw["choices"][0]["message"]["reasoning_content"] == "".join(reasoning)


def _interleaved_tool_stream() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Three parallel calls whose argument fragments arrive interleaved, a few characters each."""
    calls = [
        {"id": f"call_{i}", "name": name, "arguments": json.dumps(args)}
        for i, (name, args) in enumerate(
            [
                ("get_weather", {"city": "Paris", "unit": "celsius", "days": 3}),
                ("get_time", {"city": "Tokyo", "format": "24h"}),
                ("search", {"query": "paper boats " * 5, "limit": 10}),
            ]
        )
    ]
    chunks = [
        _chunk(
            {
                "tool_calls": [
                    {
                        "index": i,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["name"], "arguments": ""},
                    }
                ]
            }
        )
        for i, call in enumerate(calls)
    ]
    position = 0
    while any(position < len(call["arguments"]) for call in calls):
        for i, call in enumerate(calls):
            fragment = call["arguments"][position : position + 3]
            if fragment:
                chunks.append(
                    _chunk({"tool_calls": [{"index": i, "function": {"arguments": fragment}}]})
                )
        position += 3
    chunks.append(_chunk({}, finish_reason="tool_calls"))
    return chunks, calls


def test_streamed_tool_calls_match_the_uncached_construction_on_every_chunk() -> None:
    chunks, calls = _interleaved_tool_stream()
    assembler = ChatStreamAssembler()
    responses = _feed_all(assembler, chunks)

    assert len(responses) >= 50
    for response in responses:
        snapshots = response.message.additional_kwargs["tool_calls"]
        expected = assistant_message("", None, snapshots, final=False)
        assert response.message.blocks == expected.blocks
    final_blocks = [b for b in assembler.final().message.blocks if isinstance(b, ToolCallBlock)]
    assert len(final_blocks) == len(assembler.final().message.blocks)
    assert [(b.tool_call_id, b.tool_name, b.tool_kwargs) for b in final_blocks] == [
        (c["id"], c["name"], json.loads(c["arguments"])) for c in calls
    ]


def test_earlier_responses_keep_their_snapshot_of_the_tool_calls() -> None:
    chunks, calls = _interleaved_tool_stream()
    assembler = ChatStreamAssembler()
    responses = _feed_all(assembler, chunks)
    seen = [
        [c["function"]["arguments"] for c in r.message.additional_kwargs["tool_calls"]]
        for r in responses
    ]
    assembler.final()

    for response, arguments in zip(responses, seen, strict=True):
        now = [c["function"]["arguments"] for c in response.message.additional_kwargs["tool_calls"]]
        assert now == arguments
    assert seen[0] == [""]
    assert seen[-1] == [c["arguments"] for c in calls]
    lengths = [sum(map(len, args)) for args in seen]
    assert lengths == sorted(lengths)


def test_only_the_final_message_reports_invalid_arguments(caplog: pytest.LogCaptureFixture) -> None:
    fragments = ['{"city": ', '"Oslo"', " oops"]
    chunks = [
        _chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_x",
                        "type": "function",
                        "function": {"name": "f", "arguments": ""},
                    }
                ]
            }
        )
    ]
    chunks += [
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": f}}]}) for f in fragments
    ]
    assembler = ChatStreamAssembler()
    with caplog.at_level(logging.WARNING, logger="llama_index_hunyuan._messages"):
        _feed_all(assembler, chunks)
        assert caplog.records == []
        [block] = assembler.final().message.blocks
    assert isinstance(block, ToolCallBlock) and block.tool_kwargs == "".join(fragments)
    assert len(caplog.records) == 1 and "oops" in caplog.text
