"""A streamed reply is assembled once, by the core's normaliser, whoever reads it.

The same chunks are served over HTTP to the CLI (``chat --json``), LlamaIndex's ``stream_chat``
and LangChain's ``stream``; each must report exactly the tool calls (and text) that a
``ChatStreamNormalizer`` fed those chunks holds, and the normaliser must hold the calls the
chunks spell. Streams cover interleaved parallel calls, malformed arguments, index-less
fragments and a gateway that repeats id and name in every chunk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk
from llama_index.core.base.llms.types import ChatMessage, ToolCallBlock
from typer.testing import CliRunner

from hunyuan_tokenhub._chat_response import InvalidToolCall, ToolCall
from hunyuan_tokenhub._chat_stream import ChatStreamNormalizer
from hunyuan_tokenhub.cli._app import app
from langchain_hunyuan import ChatHunyuan
from llama_index_hunyuan import Hunyuan
from tests.reliability._fault_server import FaultServer, send, sse_response

API_KEY = "sk-one-assembly-4c3b2a1f"
MODEL = "deepseek-v3.2"


def _chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-one",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _calls(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"tool_calls": list(entries)}


def _interleaved() -> tuple[list[dict[str, Any]], list[ToolCall | InvalidToolCall]]:
    """Three parallel calls; their argument fragments arrive interleaved, 4 characters each."""
    spelled = [
        ("call_w", "get_weather", {"city": "Paris", "unit": "celsius"}),
        ("call_t", "get_time", {"city": "东京"}),
        ("call_s", "search", {"query": "paper boats", "limit": 3}),
    ]
    texts = [json.dumps(args, ensure_ascii=False) for _, _, args in spelled]
    chunks = [_chunk({"content": "Checking three things."})]
    chunks += [
        _chunk(_calls({"index": i, "id": cid, "type": "function",
                       "function": {"name": name, "arguments": ""}}))
        for i, (cid, name, _) in enumerate(spelled)
    ]  # fmt: skip
    for start in range(0, max(map(len, texts)), 4):
        for i, text in enumerate(texts):
            piece = text[start : start + 4]
            if piece:
                chunks.append(_chunk(_calls({"index": i, "function": {"arguments": piece}})))
    chunks.append(_chunk({}, "tool_calls"))
    return chunks, [ToolCall(cid, name, args) for cid, name, args in spelled]


def _malformed() -> tuple[list[dict[str, Any]], list[ToolCall | InvalidToolCall]]:
    """A valid call, then one whose arguments never become JSON (sent in two fragments)."""
    chunks = [
        _chunk(_calls({"index": 0, "id": "call_ok", "type": "function",
                       "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}})),
        _chunk(_calls({"index": 1, "id": "call_bad", "type": "function",
                       "function": {"name": "lookup", "arguments": '{"city": "Oslo'}})),
        _chunk(_calls({"index": 1, "function": {"arguments": "', oops"}})),
        _chunk({}, "tool_calls"),
    ]  # fmt: skip
    normalizer = ChatStreamNormalizer()
    for chunk in chunks:
        normalizer.feed(chunk)
    bad = normalizer.tool_calls_in_order()[1]
    assert isinstance(bad, InvalidToolCall) and "not valid JSON" in bad.error
    assert (bad.id, bad.name, bad.args) == ("call_bad", "lookup", '{"city": "Oslo\', oops')
    return chunks, [ToolCall("call_ok", "add", {"a": 1, "b": 2}), bad]


def _without_index_and_repeating() -> tuple[list[dict[str, Any]], list[ToolCall | InvalidToolCall]]:
    """Fragments without ``index``; a new id starts a call; id and name repeated every chunk."""

    def repeat(call_id: str, name: str, piece: str) -> dict[str, Any]:
        return _chunk(_calls({"id": call_id, "function": {"name": name, "arguments": piece}}))

    chunks = [
        repeat("call_a", "get_weather", '{"city":'),
        repeat("call_a", "get_weather", ' "Rome"}'),
        repeat("call_b", "get_time", ""),
        _chunk(_calls({"function": {"arguments": "{}"}})),
        _chunk({}, "tool_calls"),
    ]
    return chunks, [
        ToolCall("call_a", "get_weather", {"city": "Rome"}),
        ToolCall("call_b", "get_time", {}),
    ]


STREAMS: dict[str, Callable[[], tuple[list[dict[str, Any]], list[ToolCall | InvalidToolCall]]]] = {
    "interleaved parallel calls": _interleaved,
    "malformed arguments": _malformed,
    "no index, repeated id and name": _without_index_and_repeating,
}


def _serve(server: FaultServer, chunks: list[dict[str, Any]]) -> None:
    events = [f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n" for chunk in chunks]
    server.script = send(sse_response([*events, "data: [DONE]\n\n"]))


def _normalised(chunks: list[dict[str, Any]]) -> ChatStreamNormalizer:
    normalizer = ChatStreamNormalizer(model=MODEL)
    for chunk in chunks:
        normalizer.feed(chunk)
    normalizer.finish()
    return normalizer


def _cli_reply(server: FaultServer) -> dict[str, Any]:
    args = ["--api-key", API_KEY, "--base-url", server.base_url, "chat", "hi", "-m", MODEL]
    result = CliRunner().invoke(app, [*args, "--json"], env={"TOKENHUB_API_KEY": None})
    assert result.exit_code == 0, result.output
    reply: dict[str, Any] = json.loads(result.stdout)
    return reply


def _as_block(call: ToolCall | InvalidToolCall) -> tuple[str | None, str, Any]:
    """What LlamaIndex keeps of a call: its arguments as a dict, or verbatim when invalid."""
    if isinstance(call, ToolCall):
        return call.id, call.name, call.args
    return call.id, call.name or "", call.args or ""


@pytest.mark.parametrize("stream", list(STREAMS))
def test_the_cli_and_llama_index_report_the_normalisers_tool_calls(
    server: FaultServer, stream: str
) -> None:
    chunks, spelled = STREAMS[stream]()
    normalizer = _normalised(chunks)
    assert normalizer.tool_calls_in_order() == spelled
    _serve(server, chunks)

    cli = _cli_reply(server)
    assert cli["tool_calls"] == [asdict(call) for call in spelled]
    assert cli["content"] == normalizer.content
    assert cli["finish_reason"] == "tool_calls"

    llm = Hunyuan(model=MODEL, api_key=API_KEY, base_url=server.base_url, max_retries=0)
    responses = list(llm.stream_chat([ChatMessage(role="user", content="hi")]))
    final = responses[-1].message
    blocks = [b for b in final.blocks if isinstance(b, ToolCallBlock)]
    assert [(b.tool_call_id, b.tool_name, b.tool_kwargs) for b in blocks] == [
        _as_block(call) for call in spelled
    ]
    assert final.additional_kwargs["tool_calls"] == normalizer.wire_tool_calls()
    assert "".join(r.delta or "" for r in responses) == normalizer.content


@pytest.mark.parametrize("stream", ["interleaved parallel calls", "no index, repeated id and name"])
def test_langchain_merges_the_normalisers_fragments_into_the_same_calls(
    server: FaultServer, stream: str
) -> None:
    """LangChain assembles the chunks itself (``AIMessageChunk`` addition): the normaliser's
    fragments must merge into the same calls. Malformed arguments are left out: LangChain
    repairs partial JSON while merging (as with ChatOpenAI), which is its own rule."""
    chunks, spelled = STREAMS[stream]()
    _serve(server, chunks)

    chat = ChatHunyuan(model=MODEL, api_key=API_KEY, base_url=server.base_url, max_retries=0)
    merged: AIMessageChunk | None = None
    for piece in chat.stream("hi"):
        merged = piece if merged is None else merged + piece
    assert merged is not None
    assert [(c["id"], c["name"], c["args"]) for c in merged.tool_calls] == [
        (c.id, c.name, c.args) for c in spelled if isinstance(c, ToolCall)
    ]
    assert merged.invalid_tool_calls == []
