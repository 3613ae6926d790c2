"""A chat stream as the cumulative ``ChatResponse`` objects LlamaIndex expects.

The core's ``ChatStreamNormalizer`` fixes the gateway's stream quirks and holds everything
the stream has assembled (text, reasoning, tool calls parsed once, usage); this module only
dresses that state as LlamaIndex responses.

Usage::

    from llama_index_hunyuan._stream import ChatStreamAssembler

    assembler = ChatStreamAssembler("deepseek-v3.2")
    for chunk in client.stream_chat_completions(payload):
        response = assembler.feed(chunk)
        if response is not None:
            print(response.delta, end="")
    print(assembler.final().additional_kwargs)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, ToolCallBlock

from hunyuan_tokenhub.adapters import ChatStreamNormalizer, InvalidToolCall, ToolCall

from ._messages import assistant_message_from_blocks, tool_call_block_of, usage_kwargs


class ChatStreamAssembler:
    """Turns raw stream chunks into the cumulative ``ChatResponse`` objects LlamaIndex expects.

    Each response holds the whole message so far (``message``), the new text (``delta``) and
    the new reasoning text (``additional_kwargs["thinking_delta"]``, from the first chunk on).
    The message is read from the normaliser's state; tool calls are parsed exactly like a
    non-streamed reply's.

    ``final()`` gives the closing response: the finished message, usage in
    ``additional_kwargs`` and, as ``raw``, the stream assembled into a ``chat.completion`` body
    (``model`` is the requested one when the chunks do not name it).

    Usage::

        assembler = ChatStreamAssembler()
        for chunk in client.stream_chat_completions(payload):
            response = assembler.feed(chunk)
            if response is not None:
                print(response.delta, end="")
        print(assembler.final().additional_kwargs)
    """

    __slots__ = ("_block_sources", "_blocks", "_model", "_normalizer")

    def __init__(self, model: str | None = None) -> None:
        self._model = model
        self._normalizer = ChatStreamNormalizer(model=model)
        # Each call's block, with the parsed call it was built from: the normaliser re-parses
        # only the calls a chunk changed, so only their blocks are rebuilt (and only when the
        # chunk had call fragments); successive responses share an unchanged call's block.
        self._blocks: list[ToolCallBlock] = []
        self._block_sources: list[ToolCall | InvalidToolCall] = []

    def feed(self, chunk: Mapping[str, Any]) -> ChatResponse | None:
        """Take one raw chunk; return the response it produces, or ``None`` if it adds nothing."""
        delta = self._normalizer.feed(chunk)
        if delta is None:
            return None
        if delta.tool_calls:
            self._rebuild_changed_blocks()
        additional_kwargs = (
            {"thinking_delta": delta.reasoning_content} if delta.reasoning_content else {}
        )
        return ChatResponse(
            message=self._message(final=False, reasoning_tokens=None),
            delta=delta.content,
            raw=dict(chunk),
            additional_kwargs=additional_kwargs,
        )

    def _rebuild_changed_blocks(self) -> None:
        blocks, sources = self._blocks, self._block_sources
        for position, parsed in enumerate(self._normalizer.tool_calls_in_order()):
            if position == len(sources):
                sources.append(parsed)
                blocks.append(tool_call_block_of(parsed))
            elif sources[position] is not parsed:
                sources[position] = parsed
                blocks[position] = tool_call_block_of(parsed)

    def _message(self, *, final: bool, reasoning_tokens: int | None) -> ChatMessage:
        normalizer = self._normalizer
        return assistant_message_from_blocks(
            normalizer.content,
            normalizer.reasoning_content,
            # New dicts on every response: later fragments must not change an earlier one.
            normalizer.wire_tool_calls() if self._blocks else [],
            self._blocks,
            reasoning_tokens=reasoning_tokens,
            final=final,
        )

    def final(self) -> ChatResponse:
        """The closing response, after the stream ended."""
        normalizer = self._normalizer
        tail = normalizer.finish()
        usage = normalizer.usage
        return ChatResponse(
            message=self._message(
                final=True, reasoning_tokens=usage.reasoning_tokens if usage else None
            ),
            delta=tail.content if tail else "",
            raw=normalizer.completion_body(default_model=self._model),
            additional_kwargs=usage_kwargs(usage),
        )
