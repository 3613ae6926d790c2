"""The SSE decoder on its own: every way a stream can be odd or broken."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import RateLimitError, StreamError
from hunyuan_tokenhub._sse import SSEDecoder

# The last event is the documented example's own malformed chunk (https://cloud.tencent.com/document/product/1823/130079,
# 示例 2: 流式对话, version of 2026-04-03).
SEED_STREAM = [
    'data: {"id":"chatcpl-abc123","choices":[{"index":0,"delta":{"role":"assistant","content":"1"},"finish_reason":null}]}',
    "",
    'data: {"id":"chatcpl-abc123","choices":[{"index":0,"delta":{"content":"+"},"finish_reason":null}]}',
    "",
    'data: {"id":"chatcpl-abc123","choices":[{"index":0,"delta":{"},"finish_reason":"stop"}]}',
    "",
    "data: [DONE]",
    "",
]


def decode(lines: list[str]) -> list[dict[str, object]]:
    decoder = SSEDecoder()
    chunks = []
    for line in lines:
        chunk = decoder.feed(line)
        if chunk is not None:
            chunks.append(chunk)
        if decoder.done:
            break
    decoder.finish()
    return chunks


def test_comments_blank_lines_and_fields_are_skipped() -> None:
    lines = [": keep-alive", "", "event: message", "id: 7", 'data: {"a": 1}', "", "data: [DONE]"]
    assert decode(lines) == [{"a": 1}]


def test_data_without_space_and_crlf() -> None:
    assert decode(['data:{"a": 2}\r', "", "data:[DONE]"]) == [{"a": 2}]


def test_multi_line_event_is_joined() -> None:
    assert decode(['data: {"a":', "data: 3}", "", "data: [DONE]"]) == [{"a": 3}]


def test_seed_malformed_chunk_raises_with_the_raw_line() -> None:
    with pytest.raises(StreamError) as info:
        decode(SEED_STREAM)
    assert info.value.raw_line is not None
    assert '"delta":{"}' in info.value.raw_line


def test_stream_without_done_raises() -> None:
    with pytest.raises(StreamError, match=r"\[DONE\]"):
        decode(['data: {"a": 1}', ""])


def test_non_object_chunk_raises() -> None:
    with pytest.raises(StreamError, match="not a JSON object"):
        decode(["data: [1, 2]", ""])


def test_documented_error_code_in_stream_raises_matching_type() -> None:
    line = 'data: {"error": {"message": "slow down", "code": "rate_limit_exceeded"}, "request_id": "r1"}'
    with pytest.raises(RateLimitError) as info:
        decode([line, ""])
    assert info.value.status_code == 429
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.message == "slow down"
    assert info.value.request_id == "r1"


def test_unknown_error_code_in_stream_raises_stream_error() -> None:
    with pytest.raises(StreamError) as info:
        decode(['data: {"error": {"message": "odd", "code": "weird"}}', ""])
    assert info.value.code == "weird"
