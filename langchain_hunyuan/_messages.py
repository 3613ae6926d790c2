"""Translation between LangChain messages and the core's OpenAI-format dicts.

Only the LangChain side lives here; the wire rules (assistant ``content`` null when tools were
called, reasoning pass-back, tool-call argument parsing, stream normalisation) are the core's
(through ``hunyuan_tokenhub.adapters``), shared with the LlamaIndex adapter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.block_translators.openai import convert_to_openai_image_block
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.adapters import (
    ChatCompletion,
    ChatStreamNormalizer,
    ChatUsage,
    InvalidToolCall,
    StreamDelta,
    ToolCall,
    format_assistant_message,
    format_tool_call,
)

MODEL_PROVIDER = "hunyuan"

# Blocks of an AI message's list content that are not sent back as content: reasoning travels
# as ``reasoning_content`` and tool calls as ``tool_calls``.
_NOT_CONTENT = frozenset(
    {"reasoning", "thinking", "tool_call", "tool_call_chunk", "tool_use", "invalid_tool_call"}
)


def _content_to_wire(content: str | list[str | dict[str, Any]]) -> str | list[dict[str, Any]]:
    """Text stays a string (the documented form); images make an OpenAI parts list."""
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
            continue
        kind = block.get("type")
        if kind in _NOT_CONTENT:
            continue
        if kind == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            parts.append(convert_to_openai_image_block(block))
        else:
            parts.append(block)
    if all(part.get("type") == "text" for part in parts):
        return "".join(part["text"] for part in parts)
    return parts


def _text_only(content: str | list[str | dict[str, Any]]) -> str:
    """Tool results as a string: the documented form, and many models reject arrays."""
    wire = _content_to_wire(content)
    return wire if isinstance(wire, str) else json.dumps(wire, ensure_ascii=False)


def _reasoning_of(message: AIMessage) -> str | None:
    reasoning = message.additional_kwargs.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        return reasoning
    if isinstance(message.content, list):
        texts = [
            block.get("reasoning") or block.get("thinking") or ""
            for block in message.content
            if isinstance(block, dict) and block.get("type") in ("reasoning", "thinking")
        ]
        joined = "".join(t for t in texts if isinstance(t, str))
        return joined or None
    return None


def _assistant_to_wire(message: AIMessage) -> dict[str, Any]:
    calls = [format_tool_call(c["id"], c["name"], c["args"]) for c in message.tool_calls]
    # Invalid calls are sent back as they came, so each ToolMessage still finds its call id.
    calls += [
        format_tool_call(c["id"], c["name"] or "", c["args"] or "")
        for c in message.invalid_tool_calls
    ]
    content = _content_to_wire(message.content)
    return format_assistant_message(
        content, calls, reasoning_content=_reasoning_of(message), name=message.name
    )


def message_to_wire(message: BaseMessage) -> dict[str, Any]:
    """One LangChain message as an OpenAI Chat Completions message dict."""
    if isinstance(message, AIMessage):
        return _assistant_to_wire(message)
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": _text_only(message.content),
        }
    if isinstance(message, HumanMessage):
        role = "user"
    elif isinstance(message, SystemMessage):
        role = "system"
    elif isinstance(message, ChatMessage):
        role = message.role
    else:
        raise InvalidParameterError(
            "messages",
            f"unsupported message type {type(message).__name__}",
            allowed=("SystemMessage", "HumanMessage", "AIMessage", "ToolMessage", "ChatMessage"),
        )
    wire: dict[str, Any] = {"role": role, "content": _content_to_wire(message.content)}
    if message.name:
        wire["name"] = message.name
    return wire


def messages_to_wire(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """All messages of a request, in order."""
    return [message_to_wire(m) for m in messages]


def usage_to_metadata(usage: ChatUsage) -> UsageMetadata:
    """The core's usage as LangChain ``usage_metadata`` (details only when reported)."""
    metadata = UsageMetadata(
        input_tokens=usage.prompt_tokens,
        output_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens,
    )
    if usage.cached_tokens is not None:
        metadata["input_token_details"] = InputTokenDetails(cache_read=usage.cached_tokens)
    if usage.reasoning_tokens is not None:
        metadata["output_token_details"] = OutputTokenDetails(reasoning=usage.reasoning_tokens)
    return metadata


def _lc_tool_calls(
    valid: list[ToolCall], invalid: list[InvalidToolCall]
) -> tuple[list[Any], list[Any]]:
    return (
        [tool_call(name=c.name, args=c.args, id=c.id) for c in valid],
        [invalid_tool_call(name=c.name, args=c.args, id=c.id, error=c.error) for c in invalid],
    )


def _response_metadata(
    model_name: str, finish_reason: str | None, response_id: str | None
) -> dict[str, Any]:
    """The same keys for an invoked message and a stream's closing chunk."""
    return {
        "model_name": model_name,
        "finish_reason": finish_reason,
        "id": response_id,
        "model_provider": MODEL_PROVIDER,
    }


def completion_to_message(completion: ChatCompletion, requested_model: str) -> AIMessage:
    """A parsed non-streamed completion as an ``AIMessage``.

    ``requested_model`` names the model when the response does not (the documented tool-call
    response carries only ``choices``).
    """
    additional_kwargs: dict[str, Any] = {}
    if completion.reasoning_content:
        additional_kwargs["reasoning_content"] = completion.reasoning_content
    calls, invalid = _lc_tool_calls(completion.tool_calls, completion.invalid_tool_calls)
    response_metadata = _response_metadata(
        completion.model or requested_model, completion.finish_reason, completion.id
    )
    if completion.system_fingerprint:
        response_metadata["system_fingerprint"] = completion.system_fingerprint
    # As ChatOpenAI's: the server's usage object, and logprobs when they were sent.
    if completion.raw_usage is not None:
        response_metadata["token_usage"] = dict(completion.raw_usage)
    if completion.logprobs is not None:
        response_metadata["logprobs"] = dict(completion.logprobs)
    return AIMessage(
        content=completion.content,
        additional_kwargs=additional_kwargs,
        tool_calls=calls,
        invalid_tool_calls=invalid,
        usage_metadata=usage_to_metadata(completion.usage) if completion.usage else None,
        response_metadata=response_metadata,
        id=completion.id,
    )


def delta_to_chunk(delta: StreamDelta, message_id: str | None) -> AIMessageChunk:
    """One normalised stream delta as an ``AIMessageChunk`` (kept small: it runs per token).

    ``additional_kwargs`` and ``tool_call_chunks`` are passed only when the delta has them.
    Pydantic records every passed field in the chunk's fields-set; LangChain then assigns
    ``response_metadata`` to each chunk, and a fifth entry makes that set grow from ~200 to ~700
    bytes. ``BaseChatModel.stream`` keeps every chunk until the stream ends, so on a text stream
    the two empty fields cost about a fifth of the peak memory.
    """
    fields: dict[str, Any] = {}
    if delta.reasoning_content:
        fields["additional_kwargs"] = {"reasoning_content": delta.reasoning_content}
    if delta.tool_calls:
        fields["tool_call_chunks"] = [
            tool_call_chunk(name=d.name, args=d.arguments, id=d.id, index=d.index)
            for d in delta.tool_calls
        ]
    return AIMessageChunk(content=delta.content, id=message_id, **fields)


def final_chunk(normalizer: ChatStreamNormalizer, requested_model: str) -> AIMessageChunk:
    """The closing chunk: metadata and usage, emitted once so that merging cannot repeat them.

    It also carries text the normaliser held back at the end (an undecided reasoning tag).

    Documented stream chunks carry no ``model``, so ``requested_model`` names it then.
    """
    tail = normalizer.finish()
    return AIMessageChunk(
        content=tail.content if tail else "",
        additional_kwargs=(
            {"reasoning_content": tail.reasoning_content} if tail and tail.reasoning_content else {}
        ),
        usage_metadata=usage_to_metadata(normalizer.usage) if normalizer.usage else None,
        response_metadata=_response_metadata(
            normalizer.model or requested_model, normalizer.finish_reason, normalizer.id
        ),
        id=normalizer.id,
        chunk_position="last",
    )
