"""The canned server bytes every client reads: one completion and two streams.

The same bytes go to every contender, in process (through an ``httpx.MockTransport``) and over
loopback (through the emulator or the canned loopback server), so a difference in time is a
difference in client work. Each canned response also carries what a correct client must get
out of it (``expected_text`` / ``expected_tool_calls``), and the harness checks every
contender against that once before timing it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MODEL = "hy3"
MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a concise assistant."},
    {"role": "user", "content": "Describe the TokenHub gateway in a few paragraphs."},
]
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What to look up."},
                    "days": {"type": "integer", "description": "How many days."},
                },
                "required": ["query"],
            },
        },
    }
    for name, description in (
        ("get_weather", "Weather forecast for a city."),
        ("get_time", "Local time in a city."),
        ("search_news", "Recent news about a topic."),
    )
]

_CREATED = 1763700000
_ID = "chatcmpl-bench-0001"
# Tokens of the kind a Chinese/English answer streams: short, mixed scripts.
_TOKENS = ("混元", "大模型", "，", " Token", "Hub", " gateway", " 支持", "流式", "输出", "。", "\n")
_USAGE = {
    "prompt_tokens": 31,
    "completion_tokens": 3998,
    "total_tokens": 4029,
    "prompt_tokens_details": {"cached_token": 0},
    "completion_tokens_details": {"reasoning_tokens": 0},
}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": _ID,
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _usage_chunk() -> dict[str, Any]:
    return {
        "id": _ID,
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": MODEL,
        "choices": [],
        "usage": _USAGE,
    }


@dataclass(frozen=True)
class CannedStream:
    """A streamed completion: SSE events (one ``bytes`` per event, as a server writes them)."""

    name: str
    events: tuple[bytes, ...]
    expected_text: str
    expected_tool_calls: tuple[tuple[str, dict[str, Any]], ...] = field(default=())

    @property
    def chunk_count(self) -> int:
        """JSON chunks in the stream (the ``[DONE]`` sentinel is not a chunk)."""
        return len(self.events) - 1

    @property
    def body(self) -> bytes:
        return b"".join(self.events)


@dataclass(frozen=True)
class CannedCompletion:
    """A non-streamed completion."""

    body: bytes
    expected_text: str


def _sse(chunks: list[dict[str, Any]]) -> tuple[bytes, ...]:
    events = [f"data: {_dumps(chunk)}\n\n".encode() for chunk in chunks]
    events.append(b"data: [DONE]\n\n")
    return tuple(events)


def text_stream(chunk_count: int = 4000) -> CannedStream:
    """``chunk_count`` chunks: a role chunk, content tokens, a finish chunk and a usage chunk."""
    tokens = [_TOKENS[i % len(_TOKENS)] for i in range(chunk_count - 3)]
    chunks = [_chunk({"role": "assistant", "content": ""})]
    chunks.extend(_chunk({"content": token}) for token in tokens)
    chunks.append(_chunk({}, "stop"))
    chunks.append(_usage_chunk())
    return CannedStream(f"text-{chunk_count}", _sse(chunks), "".join(tokens))


def _tool_arguments(index: int) -> dict[str, Any]:
    cities = ("深圳", "Beijing", "上海")
    note = " ".join(f"detail-{index}-{n}" for n in range(40))
    return {"query": f"{cities[index]} {note}", "days": index + 3}


def tool_call_stream(calls: int = 3, fragment: int = 4) -> CannedStream:
    """``calls`` parallel tool calls, each's arguments streamed ``fragment`` characters at a time.

    The shape is the OpenAI one: the first chunk of a call carries ``index``, ``id``, ``type``
    and the name; later chunks carry only ``index`` and an argument fragment.
    """
    chunks = [_chunk({"role": "assistant", "content": None})]
    expected: list[tuple[str, dict[str, Any]]] = []
    for index in range(calls):
        name = TOOLS[index % len(TOOLS)]["function"]["name"]
        arguments = _tool_arguments(index)
        expected.append((name, arguments))
        head = {
            "index": index,
            "id": f"call_bench_{index}",
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        chunks.append(_chunk({"tool_calls": [head]}))
        text = _dumps(arguments)
        for start in range(0, len(text), fragment):
            piece = {"index": index, "function": {"arguments": text[start : start + fragment]}}
            chunks.append(_chunk({"tool_calls": [piece]}))
    chunks.append(_chunk({}, "tool_calls"))
    chunks.append(_usage_chunk())
    return CannedStream(f"tools-{calls}x", _sse(chunks), "", tuple(expected))


def completion(paragraphs: int = 12) -> CannedCompletion:
    """A non-streamed answer of about 2,000 characters with full usage details."""
    text = "\n\n".join(
        f"第{n}段：TokenHub 是腾讯的模型网关，提供 OpenAI 兼容的 Chat Completions 接口。"
        f" Paragraph {n} explains streaming, tool calling and generation jobs in some detail."
        for n in range(paragraphs)
    )
    body = {
        "id": _ID,
        "object": "chat.completion",
        "created": _CREATED,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {**_USAGE, "completion_tokens": 480, "total_tokens": 511},
    }
    return CannedCompletion(_dumps(body).encode(), text)
