"""Translation between LlamaIndex's chat types and the OpenAI-format dicts the core speaks.

Nothing here talks to the network or knows TokenHub's rules (payload checks, reasoning pass-back,
stream quirks): those live in the core's ``_chat_request``, ``_chat_response`` and
``_chat_stream``. This module only maps

* ``ChatMessage`` (with ``TextBlock``/``ImageBlock``/``ThinkingBlock``/``ToolCallBlock``) to
  OpenAI message dicts and back,
* LlamaIndex tools to OpenAI function tools,
* tool-call blocks to ``ToolSelection``.

Usage::

    from llama_index.core.llms import ChatMessage
    from llama_index_hunyuan._messages import to_openai_message_dicts

    to_openai_message_dicts([ChatMessage(role="user", content="hi")])
    # [{'role': 'user', 'content': 'hi'}]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import (
    CachePoint,
    ChatMessage,
    ChatResponse,
    ContentBlock,
    ImageBlock,
    LogProb,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.llms.utils import parse_partial_json

from hunyuan_tokenhub.adapters import (
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    format_assistant_message,
    format_tool_call,
    parse_completion,
    parse_tool_call,
)

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool

logger = logging.getLogger(__name__)

_WIRE_ROLES: dict[MessageRole, str] = {
    MessageRole.SYSTEM: "system",
    # TokenHub documents only system/user/assistant/tool; "developer" is OpenAI's new name for
    # the system role, so it is sent as the documented one.
    MessageRole.DEVELOPER: "system",
    MessageRole.USER: "user",
    MessageRole.ASSISTANT: "assistant",
    MessageRole.CHATBOT: "assistant",
    MessageRole.MODEL: "assistant",
    MessageRole.TOOL: "tool",
    MessageRole.FUNCTION: "tool",
}


def to_openai_message_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """Convert LlamaIndex messages to OpenAI Chat Completions message dicts.

    Assistant messages keep their reasoning as ``reasoning_content``; whether it is actually sent
    is decided afterwards by the core's per-model pass-back policy.
    """
    return [to_openai_message_dict(message) for message in messages]


def to_openai_message_dict(message: ChatMessage) -> dict[str, Any]:
    """Convert one ``ChatMessage`` to an OpenAI message dict (see ``to_openai_message_dicts``)."""
    role = _WIRE_ROLES.get(message.role)
    if role is None:
        raise ValueError(
            f"Unsupported message role {message.role.value!r}; "
            f"allowed: {sorted({r.value for r in _WIRE_ROLES})}"
        )
    if role == "assistant":
        return _assistant_dict(message)
    if role == "tool":
        return _tool_dict(message)
    content: str | list[dict[str, Any]] = _text_of(message.blocks, role)
    if role == "user" and any(isinstance(b, ImageBlock) for b in message.blocks):
        content = [_content_part(block) for block in message.blocks if _has_content(block)]
    return {"role": role, "content": content}


def _assistant_dict(message: ChatMessage) -> dict[str, Any]:
    tool_calls = [
        format_tool_call(b.tool_call_id, b.tool_name, b.tool_kwargs)
        for b in message.blocks
        if isinstance(b, ToolCallBlock)
    ]
    if not tool_calls:
        tool_calls = [
            _legacy_tool_call_dict(c) for c in message.additional_kwargs.get("tool_calls") or []
        ]
    reasoning = "".join(
        b.content or "" for b in message.blocks if isinstance(b, ThinkingBlock)
    ) or message.additional_kwargs.get("reasoning_content")
    return format_assistant_message(
        _text_of(message.blocks, "assistant"), tool_calls, reasoning_content=reasoning
    )


def _tool_dict(message: ChatMessage) -> dict[str, Any]:
    tool_call_id = message.additional_kwargs.get("tool_call_id")
    if not tool_call_id:
        raise ValueError(
            "A tool message needs additional_kwargs['tool_call_id'] (the id of the assistant's "
            "tool call it answers); TokenHub rejects tool results without it."
        )
    return {
        "role": "tool",
        "tool_call_id": tool_call_id,
        "content": _text_of(message.blocks, "tool"),
    }


def _text_of(blocks: Sequence[ContentBlock], role: str) -> str:
    """The message text; media in non-user messages is written out as its URL.

    OpenAI-compatible APIs accept only text for system/assistant/tool messages, and dropping an
    image silently (as llama-index-llms-openai does) would hide generated asset URLs from the model.
    """
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            parts.append(block.text)
        elif isinstance(block, ImageBlock) and role != "user":
            parts.append(f"[image: {_image_url(block)}]")
        elif not isinstance(block, (ImageBlock, ThinkingBlock, ToolCallBlock, CachePoint)):
            raise ValueError(
                f"Content block {block.block_type!r} cannot be sent to TokenHub chat models; "
                "supported: text, image (user messages), thinking and tool_call blocks."
            )
    return "\n".join(parts)


def _has_content(block: ContentBlock) -> bool:
    return isinstance(block, (TextBlock, ImageBlock))


def _content_part(block: ContentBlock) -> dict[str, Any]:
    if isinstance(block, ImageBlock):
        image_url: dict[str, Any] = {"url": _image_url(block)}
        if block.detail:
            image_url["detail"] = block.detail
        return {"type": "image_url", "image_url": image_url}
    assert isinstance(block, TextBlock)
    return {"type": "text", "text": block.text}


def _image_url(block: ImageBlock) -> str:
    if block.url is not None:
        return str(block.url)
    return block.inline_url()


def _legacy_tool_call_dict(call: Any) -> dict[str, Any]:
    """Accept tool calls stored the pre-block way (OpenAI SDK objects or plain dicts)."""
    data = call.model_dump() if hasattr(call, "model_dump") else dict(call)
    function = dict(data.get("function") or {})
    return format_tool_call(
        data.get("id"), function.get("name") or "", function.get("arguments") or {}
    )


def assistant_message(
    content: str,
    reasoning: str | None,
    tool_calls: Sequence[Mapping[str, Any]],
    *,
    reasoning_tokens: int | None = None,
    final: bool = True,
) -> ChatMessage:
    """The assistant ``ChatMessage`` for a reply's parts; streamed and complete replies alike.

    Blocks come in the order OpenAI's integration uses: thinking, text, tool calls. Tool calls
    are also mirrored as OpenAI dicts in ``additional_kwargs["tool_calls"]``, which LlamaIndex's
    streaming structured-output code still reads. ``final`` marks a finished message, whose
    unparseable tool arguments are reported (a stream snapshot's are merely incomplete).
    """
    return assistant_message_from_blocks(
        content,
        reasoning,
        tool_calls,
        [tool_call_block(call) for call in tool_calls],
        reasoning_tokens=reasoning_tokens,
        final=final,
    )


def assistant_message_from_blocks(
    content: str,
    reasoning: str | None,
    tool_calls: Sequence[Mapping[str, Any]],
    call_blocks: Sequence[ToolCallBlock],
    *,
    reasoning_tokens: int | None,
    final: bool,
) -> ChatMessage:
    """``assistant_message`` with the tool calls' blocks already built (one per call)."""
    blocks: list[ContentBlock] = []
    if reasoning:
        blocks.append(ThinkingBlock(content=reasoning, num_tokens=reasoning_tokens))
    if content:
        blocks.append(TextBlock(text=content))
    if final:
        warn_on_invalid_arguments(call_blocks)
    blocks.extend(call_blocks)
    additional_kwargs: dict[str, Any] = {"tool_calls": list(tool_calls)} if tool_calls else {}
    return ChatMessage(
        role=MessageRole.ASSISTANT, blocks=blocks, additional_kwargs=additional_kwargs
    )


def warn_on_invalid_arguments(blocks: Sequence[ToolCallBlock]) -> None:
    """Log the tool calls of a finished message whose arguments are not a JSON object.

    Such a call still reaches the agent (with ``{}`` as arguments, so the tool reports what is
    missing to the model); the warning keeps the model's raw text visible to the developer.
    """
    for block in blocks:
        if isinstance(block.tool_kwargs, str):
            logger.warning(
                "Tool call %r (id %r) has arguments that are not a JSON object: %r",
                block.tool_name,
                block.tool_call_id,
                block.tool_kwargs,
            )


def tool_call_block(call: Mapping[str, Any]) -> ToolCallBlock:
    """A ``ToolCallBlock`` from an OpenAI tool-call dict, parsed by the core's rules.

    Arguments that parse as a JSON object are stored as a dict (empty arguments as ``{}``);
    anything else (a partial stream fragment, or invalid JSON from the model) is kept verbatim
    as a string so that nothing is lost.
    """
    return tool_call_block_of(parse_tool_call(call))


def tool_call_block_of(parsed: ToolCall | InvalidToolCall) -> ToolCallBlock:
    """The ``ToolCallBlock`` of a call the core parsed (see ``tool_call_block``)."""
    if isinstance(parsed, ToolCall):
        return ToolCallBlock(tool_call_id=parsed.id, tool_name=parsed.name, tool_kwargs=parsed.args)
    return ToolCallBlock(
        tool_call_id=parsed.id, tool_name=parsed.name or "", tool_kwargs=parsed.args or ""
    )


def to_openai_tools(
    tools: Sequence[BaseTool], *, strict: bool | None = None
) -> list[dict[str, Any]]:
    """OpenAI function-tool dicts for LlamaIndex tools.

    ``strict`` is only written when the caller set it: TokenHub does not document it, and sending
    unknown fields by default is what breaks strict gateways.
    """
    converted = []
    for tool in tools:
        spec = tool.metadata.to_openai_tool(skip_length_check=True)
        if strict is not None:
            spec["function"]["strict"] = strict
            if strict:
                spec["function"]["parameters"]["additionalProperties"] = False
        converted.append(spec)
    return converted


def tool_selections_from_message(
    message: ChatMessage, *, error_on_no_tool_call: bool = True
) -> list[ToolSelection]:
    """The message's tool calls as ``ToolSelection`` objects, in call order.

    String arguments (partial JSON while streaming) are parsed leniently; arguments that still do
    not form an object give ``{}`` (``warn_on_invalid_arguments`` reported them when the message
    was completed), so an agent can report the failure to the model instead of crashing mid-run.
    """
    blocks = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    if not blocks and error_on_no_tool_call:
        raise ValueError(
            f"Expected a tool call, but the model answered with text: {message.content!r}"
        )
    return [
        ToolSelection(
            tool_id=block.tool_call_id or "",
            tool_name=block.tool_name,
            tool_kwargs=_arguments_dict(block),
        )
        for block in blocks
    ]


def _arguments_dict(block: ToolCallBlock) -> dict[str, Any]:
    if isinstance(block.tool_kwargs, dict):
        return block.tool_kwargs
    try:
        parsed = parse_partial_json(block.tool_kwargs)
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {}


def usage_kwargs(usage: ChatUsage | None) -> dict[str, int]:
    """Token counts for ``ChatResponse.additional_kwargs``, as llama-index-llms-openai puts them.

    ``cached_tokens`` and ``reasoning_tokens`` are added when the server reported them.
    """
    if usage is None:
        return {}
    counts = {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "cached_tokens": usage.cached_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
    }
    return {key: value for key, value in counts.items() if value is not None}


def chat_response_from_completion(
    response: Mapping[str, Any], model: str | None = None
) -> ChatResponse:
    """A ``ChatResponse`` for a non-streamed ``chat.completion`` body (kept as ``raw``).

    ``model`` is the requested model, whose reasoning tags (if any) are read.
    """
    completion = parse_completion(response, model=model)
    usage = completion.usage
    message = assistant_message(
        completion.content,
        completion.reasoning_content,
        list(completion.raw_message.get("tool_calls") or []),
        reasoning_tokens=usage.reasoning_tokens if usage else None,
    )
    return ChatResponse(
        message=message,
        raw=dict(response),
        logprobs=_logprobs(completion.logprobs),
        additional_kwargs=usage_kwargs(usage),
    )


def _logprobs(logprobs: Mapping[str, Any] | None) -> list[list[LogProb]] | None:
    """OpenAI-style ``logprobs.content`` as LlamaIndex's: per token, its top alternatives
    (the token itself when the server sent none), as llama-index-llms-openai gives them."""
    tokens = (logprobs or {}).get("content")
    if not isinstance(tokens, list):
        return None
    result = []
    for entry in tokens:
        if not isinstance(entry, Mapping):
            continue
        candidates = entry.get("top_logprobs") or [entry]
        result.append(
            [
                LogProb(token=c["token"], logprob=c["logprob"], bytes=c.get("bytes") or [])
                for c in candidates
                if isinstance(c, Mapping) and "token" in c and "logprob" in c
            ]
        )
    return result
