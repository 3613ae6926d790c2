"""Small helpers shared by the emulator tests: SSE parsing and chat payloads."""

from __future__ import annotations

import json
from typing import Any

import httpx

CHAT_MODEL = "deepseek-v3.1-terminus"
THINKING_MODEL = "hunyuan-2.0-thinking-20251109"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def chat(client: httpx.Client, **payload: Any) -> httpx.Response:
    payload.setdefault("model", CHAT_MODEL)
    return client.post("/chat/completions", json=payload)


def sse_lines(client: httpx.Client, **payload: Any) -> list[str]:
    """The raw non-empty lines of a streamed chat completion."""
    payload.setdefault("model", CHAT_MODEL)
    payload["stream"] = True
    with client.stream("POST", "/chat/completions", json=payload) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return [line for line in response.iter_lines() if line]


def sse_chunks(client: httpx.Client, **payload: Any) -> list[dict[str, Any]]:
    """The parsed ``data:`` chunks of a streamed chat completion (``[DONE]`` checked, dropped)."""
    lines = sse_lines(client, **payload)
    assert lines[-1] == "data: [DONE]"
    return [json.loads(line[len("data: ") :]) for line in lines[:-1] if line.startswith("data: ")]


def merge_tool_calls(chunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reassemble streamed OpenAI-style indexed tool-call deltas."""
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for choice in chunk["choices"]:
            for delta in choice["delta"].get("tool_calls", []):
                call = calls.setdefault(delta["index"], {"id": None, "name": "", "arguments": ""})
                call["id"] = delta.get("id") or call["id"]
                function = delta.get("function", {})
                call["name"] += function.get("name", "")
                call["arguments"] += function.get("arguments", "")
    return [calls[i] for i in sorted(calls)]


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of TokenHub's error body, its shape checked."""
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert {"message", "message_zh", "code", "type", "request_id"} <= set(error)
    assert set(error) <= {"message", "message_zh", "code", "type", "source", "request_id"}
    assert error["request_id"] == response.headers["x-request-id"]
    assert error.get("source", "gateway") in ("client", "gateway", "upstream")
    return error
