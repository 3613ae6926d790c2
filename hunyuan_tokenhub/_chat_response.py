"""The response side of the chat protocol: completions, usage and tool calls, parsed.

Everything here reads plain OpenAI-format dicts and never raises on what a model wrote (a
tool call with invalid JSON arguments becomes an ``InvalidToolCall``); a body whose shape is
wrong raises ``APIError`` with the body attached.

Usage::

    from hunyuan_tokenhub import TokenHubClient
    from hunyuan_tokenhub._chat_request import build_chat_request
    from hunyuan_tokenhub._chat_response import parse_completion

    payload = build_chat_request("deepseek-v3.2", [{"role": "user", "content": "计算 1+1"}])
    with TokenHubClient() as client:
        reply = parse_completion(client.chat_completions(payload), model="deepseek-v3.2")
        print(reply.content, reply.tool_calls, reply.usage)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import APIError
from ._thinking import reasoning_tag_splitter

__all__ = [
    "ChatCompletion",
    "ChatUsage",
    "InvalidToolCall",
    "ToolCall",
    "json_object_from_text",
    "nonempty_str",
    "parse_completion",
    "parse_tool_call",
    "parse_tool_calls",
    "parse_usage",
    "reasoning_text",
    "split_tool_calls",
    "tool_call_from_parts",
]


@dataclass(frozen=True, slots=True)
class ChatUsage:
    """Token counts of one completion. ``None`` details mean the server did not report them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None

    def to_wire(self) -> dict[str, Any]:
        """This usage as an OpenAI ``usage`` object.

        OpenAI's spelling ``cached_tokens`` is used, since the consumers of such a body
        (framework token counters) read OpenAI's shape; details are left out when unknown.
        """
        body: dict[str, Any] = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }
        if self.cached_tokens is not None:
            body["prompt_tokens_details"] = {"cached_tokens": self.cached_tokens}
        if self.reasoning_tokens is not None:
            body["completion_tokens_details"] = {"reasoning_tokens": self.reasoning_tokens}
        return body


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _detail(details: Any, *keys: str) -> int | None:
    if not isinstance(details, Mapping):
        return None
    for key in keys:
        found = _as_int(details.get(key))
        if found is not None:
            return found
    return None


def parse_usage(raw: Any) -> ChatUsage | None:
    """Normalise a ``usage`` object; ``None`` when there is none.

    Cached prompt tokens come from ``prompt_tokens_details.cached_token`` (the documented,
    singular key) or ``cached_tokens``; reasoning tokens from
    ``completion_tokens_details.reasoning_tokens``. A missing total is the sum of the parts.
    """
    if not isinstance(raw, Mapping):
        return None
    prompt = _as_int(raw.get("prompt_tokens")) or 0
    completion = _as_int(raw.get("completion_tokens")) or 0
    total = _as_int(raw.get("total_tokens"))
    cached = _detail(raw.get("prompt_tokens_details"), "cached_token", "cached_tokens")
    if cached is None:
        cached = _detail(raw, "prompt_cache_hit_tokens")
    return ChatUsage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=total if total is not None else prompt + completion,
        cached_tokens=cached,
        reasoning_tokens=_detail(raw.get("completion_tokens_details"), "reasoning_tokens"),
    )


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call whose arguments parsed to a JSON object."""

    id: str | None
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InvalidToolCall:
    """A tool call that could not be parsed; ``args`` is the raw argument string."""

    id: str | None
    name: str | None
    args: str | None
    error: str


def parse_tool_call(raw: Mapping[str, Any]) -> ToolCall | InvalidToolCall:
    """Parse one response ``tool_calls`` entry; never raises.

    Arguments that are a JSON object become a dict, an empty string becomes ``{}``; anything
    else (invalid JSON, a JSON array or number, a missing name) gives an ``InvalidToolCall``.
    """
    function = raw.get("function")
    function = function if isinstance(function, Mapping) else {}
    call_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    arguments = function.get("arguments")
    if isinstance(arguments, Mapping):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return tool_call_from_parts(call_id, function.get("name"), arguments)


def tool_call_from_parts(
    call_id: str | None, name: Any, arguments: Any
) -> ToolCall | InvalidToolCall:
    """``parse_tool_call`` for a call already in parts (a streamed call's id, name and
    joined arguments), without building the entry first."""
    if not isinstance(name, str) or not name:
        return InvalidToolCall(call_id, None, _text_or_none(arguments), "tool call has no name")
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return ToolCall(call_id, name, {})
    if not isinstance(arguments, str):
        return InvalidToolCall(
            call_id, name, _text_or_none(arguments), "arguments are not a JSON string"
        )
    try:
        args = json.loads(arguments)
    except ValueError as exc:
        return InvalidToolCall(
            call_id, name, arguments, f"arguments of {name} are not valid JSON: {exc}"
        )
    if not isinstance(args, dict):
        return InvalidToolCall(
            call_id, name, arguments, f"arguments of {name} are not a JSON object"
        )
    return ToolCall(call_id, name, args)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else repr(value)


def parse_tool_calls(
    raw_calls: Iterable[Mapping[str, Any]] | None,
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """Split response ``tool_calls`` entries into valid and invalid calls."""
    return split_tool_calls(
        parse_tool_call(raw)
        if isinstance(raw, Mapping)
        else InvalidToolCall(None, None, repr(raw), "tool call is not an object")
        for raw in raw_calls or ()
    )


def split_tool_calls(
    calls: Iterable[ToolCall | InvalidToolCall],
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """Parsed tool calls as ``(valid, invalid)``, each list in call order."""
    valid: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for call in calls:
        if isinstance(call, ToolCall):
            valid.append(call)
        else:
            invalid.append(call)
    return valid, invalid


def json_object_from_text(text: str) -> dict[str, Any]:
    """The JSON object a model wrote as its text answer instead of calling a tool.

    Models that cannot be forced to call the structured-output tool (thinking models) may
    answer with the JSON as text: bare, in a Markdown code fence, or after a sentence. A text
    that is JSON as a whole must be an object; otherwise the first JSON object in ``text`` is
    returned, whichever way it is wrapped. Raises ``ValueError`` when there is none.

    Usage::

        json_object_from_text('Here it is:\n```json\n{"name": "Alice", "age": 30}\n```')
        # {'name': 'Alice', 'age': 30}
    """
    try:
        whole = json.loads(text)
    except ValueError:
        pass
    else:
        if isinstance(whole, dict):
            return whole
        raise ValueError(f"the text is JSON but not an object: {_excerpt(text)!r}")
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    raise ValueError(f"the text holds no JSON object: {_excerpt(text)!r}")


def _excerpt(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def reasoning_text(message: Mapping[str, Any]) -> str | None:
    """The reasoning text of a response message or stream delta, if it has any."""
    reasoning = message.get("reasoning_content")
    if reasoning is None:
        # Some OpenAI-compatible hosts (OpenRouter style) call the same text "reasoning".
        reasoning = message.get("reasoning")
    return reasoning if isinstance(reasoning, str) else None


@dataclass(frozen=True, slots=True)
class ChatCompletion:
    """The parts of a non-streamed ``chat.completion`` that adapters use."""

    id: str | None
    model: str | None
    content: str
    reasoning_content: str | None
    tool_calls: list[ToolCall]
    invalid_tool_calls: list[InvalidToolCall]
    finish_reason: str | None
    usage: ChatUsage | None
    created: int | None = None
    system_fingerprint: str | None = None
    raw_message: Mapping[str, Any] = field(default_factory=dict)
    raw_usage: Mapping[str, Any] | None = None
    """The ``usage`` object as the server sent it (ChatOpenAI's ``token_usage``)."""
    logprobs: Mapping[str, Any] | None = None
    """The choice's ``logprobs`` object, when the server sent one."""


def parse_completion(response: Mapping[str, Any], *, model: str | None = None) -> ChatCompletion:
    """Read the first choice of a ``chat.completion`` response.

    A body without a choice raises ``APIError`` (with the body) instead of a ``KeyError``.
    With ``model``, reasoning that the model wrote at the start of ``content`` between its
    reasoning tags (MiniMax's ``<think>``) is moved to ``reasoning_content``.
    """
    choices = response.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, Mapping) or not isinstance(choice.get("message"), Mapping):
        raise APIError(
            "chat completion response has no choices[0].message",
            request_id=nonempty_str(response.get("id")),
            body=dict(response),
        )
    message = choice["message"]
    content = message.get("content")
    content = content if isinstance(content, str) else ""
    reasoning = reasoning_text(message)
    splitter = reasoning_tag_splitter(model)
    if splitter is not None:
        tagged, content = splitter.split(content)
        if tagged:
            reasoning = (reasoning or "") + tagged
    raw_calls = message.get("tool_calls")
    problem = _tool_calls_problem(raw_calls)
    if problem:
        raise APIError(
            f"malformed chat completion: choices[0].message.tool_calls{problem}",
            request_id=nonempty_str(response.get("id")),
            body=dict(response),
        )
    valid, invalid = parse_tool_calls(raw_calls)
    return ChatCompletion(
        id=nonempty_str(response.get("id")),
        model=nonempty_str(response.get("model")),
        content=content,
        reasoning_content=reasoning,
        tool_calls=valid,
        invalid_tool_calls=invalid,
        finish_reason=nonempty_str(choice.get("finish_reason")),
        usage=parse_usage(response.get("usage")),
        created=_as_int(response.get("created")),
        system_fingerprint=nonempty_str(response.get("system_fingerprint")),
        raw_message=message,
        raw_usage=_mapping_or_none(response.get("usage")),
        logprobs=_mapping_or_none(choice.get("logprobs")),
    )


def nonempty_str(value: Any) -> str | None:
    """``value`` if it is a non-empty string (an id, model or finish reason), else ``None``."""
    return value if isinstance(value, str) and value else None


def _mapping_or_none(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _tool_calls_problem(raw_calls: Any) -> str | None:
    """What is wrong with a ``tool_calls`` field's shape (suffix to its path), else ``None``.

    ``None`` and a list of objects whose ``function`` (when present) is an object are fine;
    what the entries hold is judged per call by :func:`parse_tool_call`.
    """
    if raw_calls is None:
        return None
    if not isinstance(raw_calls, list):
        return f" is not a list (got {type(raw_calls).__name__})"
    for position, raw in enumerate(raw_calls):
        if not isinstance(raw, Mapping):
            return f"[{position}] is not an object (got {type(raw).__name__})"
        function = raw.get("function")
        if function is not None and not isinstance(function, Mapping):
            return f"[{position}].function is not an object (got {type(function).__name__})"
    return None
