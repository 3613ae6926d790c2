"""The streaming side of the chat protocol: one normaliser per stream, holding its state.

``ChatStreamNormalizer`` fixes the gateway's stream quirks chunk by chunk and keeps what the
stream has assembled (text, reasoning, tool calls parsed like a non-streamed reply's, usage,
finish reason), so every consumer (the adapters, the CLI) reads one assembly instead of
keeping its own.

Usage::

    from hunyuan_tokenhub import TokenHubClient
    from hunyuan_tokenhub._chat_request import build_chat_request
    from hunyuan_tokenhub._chat_stream import ChatStreamNormalizer

    messages = [{"role": "user", "content": "计算 1+1"}]
    payload = build_chat_request("deepseek-v3.2", messages, stream=True, stream_usage=True)
    normalizer = ChatStreamNormalizer(model="deepseek-v3.2")
    with TokenHubClient() as client:
        for raw_chunk in client.stream_chat_completions(payload):
            delta = normalizer.feed(raw_chunk)
            if delta is not None:
                print(delta.content, end="")
    tail = normalizer.finish()  # text held back while a leading <think> tag was undecided
    print(tail.content if tail else "")
    print(normalizer.content, normalizer.finish_reason, normalizer.usage)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._chat_request import format_assistant_message, format_tool_call
from ._chat_response import (
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    nonempty_str,
    parse_usage,
    reasoning_text,
    split_tool_calls,
    tool_call_from_parts,
)
from ._exceptions import StreamError
from ._thinking import reasoning_tag_splitter

__all__ = ["ChatStreamNormalizer", "StreamDelta", "ToolCallDelta"]


@dataclass(slots=True)
class ToolCallDelta:
    """One tool-call fragment, with its call's position as ``index``.

    ``id`` and ``name`` appear once per call (on its first fragment); ``arguments`` is the
    next piece of the JSON argument string.
    """

    index: int
    id: str | None
    name: str | None
    arguments: str


@dataclass(slots=True)
class StreamDelta:
    """What one stream chunk adds: text, reasoning text and tool-call fragments."""

    content: str = ""
    reasoning_content: str | None = None
    tool_calls: list[ToolCallDelta] = field(default_factory=list)


@dataclass(slots=True)
class _CallState:
    id: str | None
    name: str | None
    fragments: list[str] = field(default_factory=list)
    parsed: ToolCall | InvalidToolCall | None = None
    """The call as last parsed; ``None`` once a fragment changed it."""

    def parse(self) -> ToolCall | InvalidToolCall:
        if self.parsed is None:
            self.parsed = tool_call_from_parts(self.id, self.name, _joined(self.fragments))
        return self.parsed


def _joined(parts: list[str]) -> str:
    """The pieces as one string, kept joined: reading after every chunk copies each piece
    once per read, and never reading (LangChain merges chunks itself) costs only appends."""
    if len(parts) > 1:
        parts[:] = ("".join(parts),)
    return parts[0] if parts else ""


class ChatStreamNormalizer:
    """Fixes gateway quirks in one chat stream before a framework merges its chunks.

    Feed every raw chunk dict to ``feed``; it returns a ``StreamDelta`` (or ``None`` when the
    chunk adds nothing). After the stream, ``usage``, ``finish_reason``, ``id`` and ``model``
    hold the stream's values, to be emitted once. It guarantees:

    * a tool call's ``id`` and ``name`` are emitted once, even if the gateway repeats them in
      every chunk (a framework would otherwise concatenate them);
    * every fragment carries its call's position as ``index``: fragments without an ``index``
      continue the current call unless they bring a new id, which starts a new call; a reused
      ``index`` with a different id is a new call too; several calls in one chunk are all kept;
    * usage sent on several chunks is counted once (the largest report wins);
    * ``reasoning_content`` is passed through from the first chunk on; with ``model``, a
      reasoning block the model wrote at the start of ``content`` between its reasoning tags
      (MiniMax's ``<think>``) comes out as reasoning, even when a tag is split across chunks.
      Text held back while a tag is undecided comes from ``finish()`` after the last chunk.

    What the stream has assembled so far can be read at any time, so no consumer keeps a
    copy: ``content`` and ``reasoning_content`` (with the ``finish()`` tail once it ran),
    ``tool_calls_in_order()`` (each call parsed as ``parse_tool_call`` does, again only after
    a fragment changed it), ``tool_calls()`` (the same, split into valid and invalid),
    ``wire_tool_calls()`` (as OpenAI ``tool_calls`` entries) and ``completion_body()`` (the
    whole stream as one ``chat.completion`` body).

    Usage::

        normalizer = ChatStreamNormalizer(model=payload["model"])
        for raw_chunk in client.stream_chat_completions(payload):
            delta = normalizer.feed(raw_chunk)
        tail = normalizer.finish()
        valid, invalid = normalizer.tool_calls()
        print(normalizer.content, normalizer.reasoning_content, normalizer.usage)
    """

    __slots__ = (
        "_by_id",
        "_by_wire_index",
        "_calls",
        "_content",
        "_reasoning",
        "_splitter",
        "_started_calls",
        "finish_reason",
        "id",
        "model",
        "usage",
    )

    def __init__(self, *, model: str | None = None) -> None:
        self._splitter = reasoning_tag_splitter(model)
        self.id: str | None = None
        self.model: str | None = None
        self.finish_reason: str | None = None
        self.usage: ChatUsage | None = None
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._calls: list[_CallState] = []
        # Calls up to the last one a fragment was emitted for: a chunk that names a new index
        # and carries nothing starts no call of its own.
        self._started_calls = 0
        self._by_wire_index: dict[int, int] = {}
        self._by_id: dict[str, int] = {}

    @property
    def content(self) -> str:
        """The answer text so far."""
        return _joined(self._content)

    @property
    def reasoning_content(self) -> str | None:
        """The reasoning text so far; ``None`` while there is none."""
        return _joined(self._reasoning) if self._reasoning else None

    def completion_body(self, *, default_model: str | None = None) -> dict[str, Any]:
        """The finished stream as one ``chat.completion`` body (usage when the server sent it).

        ``default_model`` names the model when no chunk did (the documented chunks do not).
        """
        message = format_assistant_message(
            self.content, self.wire_tool_calls(), reasoning_content=self.reasoning_content
        )
        body: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion",
            "model": self.model or default_model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
        }
        if self.usage is not None:
            body["usage"] = self.usage.to_wire()
        return body

    def feed(self, chunk: Mapping[str, Any]) -> StreamDelta | None:
        """Take one raw chunk; return what it adds, or ``None`` when it adds nothing."""
        if self.id is None:
            self.id = nonempty_str(chunk.get("id"))
        if self.model is None:
            self.model = nonempty_str(chunk.get("model"))
        raw_usage = chunk.get("usage")
        if raw_usage:
            self._keep_usage(raw_usage)
        choices = chunk.get("choices")
        if not choices or not isinstance(choices, list):
            return None
        choice = choices[0]
        if not isinstance(choice, dict):
            return None
        finish = nonempty_str(choice.get("finish_reason"))
        if finish:
            self.finish_reason = finish
        delta = choice.get("delta")
        if not delta or not isinstance(delta, dict):
            return None
        content = delta.get("content")
        if not isinstance(content, str):
            content = ""
        reasoning = reasoning_text(delta) or None
        if self._splitter is not None and content:
            tagged, content = self._splitter.feed(content)
            if tagged:
                reasoning = (reasoning or "") + tagged
        raw_calls = delta.get("tool_calls")
        if raw_calls is not None and not isinstance(raw_calls, list):
            raise StreamError(
                "malformed stream chunk: choices[0].delta.tool_calls is not a list "
                f"(got {type(raw_calls).__name__})",
                request_id=self.id,
                body=dict(chunk),
            )
        calls = self._tool_call_deltas(raw_calls) if raw_calls else []
        if not content and reasoning is None and not calls:
            return None
        if content:
            self._content.append(content)
        if reasoning:
            self._reasoning.append(reasoning)
        return StreamDelta(content, reasoning, calls)

    def finish(self) -> StreamDelta | None:
        """Text still held back at the end of the stream (only with reasoning tags)."""
        if self._splitter is None:
            return None
        reasoning, content = self._splitter.finish()
        if not reasoning and not content:
            return None
        if content:
            self._content.append(content)
        if reasoning:
            self._reasoning.append(reasoning)
        return StreamDelta(content, reasoning or None)

    def _keep_usage(self, raw: Any) -> None:
        usage = parse_usage(raw)
        # Gateways that repeat usage send it cumulatively (or zero until the end): the
        # largest report is the final one, and it is counted once.
        if usage is not None and (
            self.usage is None or usage.total_tokens >= self.usage.total_tokens
        ):
            self.usage = usage

    def _tool_call_deltas(self, raw_calls: Sequence[Any]) -> list[ToolCallDelta]:
        several = len(raw_calls) > 1
        deltas: list[ToolCallDelta] = []
        for offset, raw in enumerate(raw_calls):
            if not isinstance(raw, Mapping):
                continue
            call_id = nonempty_str(raw.get("id"))
            position = self._position(raw.get("index"), call_id, offset if several else None)
            state = self._calls[position]
            emit_id = None
            if call_id and call_id != state.id:
                state.id = emit_id = call_id
                self._by_id[call_id] = position
            function = raw.get("function")
            if not isinstance(function, Mapping):
                function = {}
            name = nonempty_str(function.get("name"))
            emit_name = None
            if name and name != state.name:
                # A repeated name is dropped; a genuinely new fragment is appended.
                emit_name = name
                state.name = name if state.name is None else state.name + name
            arguments = function.get("arguments")
            if arguments is None:
                arguments = ""
            elif not isinstance(arguments, str):
                arguments = json.dumps(arguments, ensure_ascii=False)
            if arguments:
                state.fragments.append(arguments)
            if emit_id or emit_name or arguments:
                state.parsed = None
                if position >= self._started_calls:
                    self._started_calls = position + 1
                deltas.append(ToolCallDelta(position, emit_id, emit_name, arguments))
        return deltas

    def _position(self, wire_index: Any, call_id: str | None, offset: int | None) -> int:
        if isinstance(wire_index, int) and not isinstance(wire_index, bool):
            position = self._by_wire_index.get(wire_index)
            if position is not None:
                known_id = self._calls[position].id
                if not call_id or not known_id or call_id == known_id:
                    return position
            position = self._by_id.get(call_id) if call_id else None
            if position is None:
                position = self._start(call_id)
            self._by_wire_index[wire_index] = position
            return position
        if call_id:
            position = self._by_id.get(call_id)
            return position if position is not None else self._start(call_id)
        if offset is not None and offset < len(self._calls):
            return offset
        return len(self._calls) - 1 if self._calls else self._start(None)

    def _start(self, call_id: str | None) -> int:
        self._calls.append(_CallState(id=None, name=None))
        position = len(self._calls) - 1
        if call_id:
            self._by_id[call_id] = position
        return position

    def tool_calls_in_order(self) -> list[ToolCall | InvalidToolCall]:
        """The tool calls so far, in call order; a call still streaming is usually invalid."""
        return [state.parse() for state in self._calls[: self._started_calls]]

    def tool_calls(self) -> tuple[list[ToolCall], list[InvalidToolCall]]:
        """The tool calls so far, split into valid and invalid ones."""
        return split_tool_calls(self.tool_calls_in_order())

    def wire_tool_calls(self) -> list[dict[str, Any]]:
        """The tool calls so far as OpenAI ``tool_calls`` entries (new dicts on every call)."""
        return [
            format_tool_call(state.id, state.name or "", _joined(state.fragments))
            for state in self._calls[: self._started_calls]
        ]
