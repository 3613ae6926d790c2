"""The request side of the chat protocol: ``/chat/completions`` bodies, built and checked.

``build_chat_request`` is the one entry point: it validates the OpenAI-format body (sampling
ranges, ``stop``, tools and every accepted ``tool_choice`` form, late system messages), then
fits it to the model's entry in the model data (``_thinking.apply_model_rules``). The
``format_*`` helpers write the outbound assistant messages that adapters send back as history.

Usage::

    from hunyuan_tokenhub._chat_request import build_chat_request

    payload = build_chat_request(
        "deepseek-v3.2", [{"role": "user", "content": "计算 1+1"}], {"temperature": 0.2}
    )
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ._catalog import ReasoningPassback, get_model_info, warn_if_retired
from ._exceptions import InvalidParameterError
from ._thinking import Notices, apply_model_rules

__all__ = [
    "MAX_STOP_SEQUENCES",
    "TOOL_CHOICE_KEYWORDS",
    "build_chat_request",
    "format_assistant_message",
    "format_tool_call",
    "normalize_tool_choice",
    "tool_names",
]

TOOL_CHOICE_KEYWORDS = ("auto", "none", "required")
"""``tool_choice`` strings sent as they are (the documented values)."""

MAX_STOP_SEQUENCES = 4

_TOOL_CHOICE_FORMS = (
    "auto",
    "none",
    "required",
    "any (= required)",
    "True (= required)",
    "a bound tool's name",
    '{"type": "function", "function": {"name": ...}}',
)


def tool_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    """Validate OpenAI function tool definitions and return their names, in order.

    Raises ``InvalidParameterError`` for anything that is not
    ``{"type": "function", "function": {"name": str, ...}}``. A repeated name is left to the
    server (the docs are silent, and LangChain's standard tests bind duplicates).
    """
    names: list[str] = []
    for position, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, Mapping) else None
        name = function.get("name") if isinstance(function, Mapping) else None
        if tool.get("type", "function") != "function" or not isinstance(name, str) or not name:
            raise InvalidParameterError(
                f"tools[{position}]",
                f"not an OpenAI function tool: {tool!r}",
                allowed='{"type": "function", "function": {"name": ..., "parameters": {...}}}',
            )
        names.append(name)
    return names


def normalize_tool_choice(
    tool_choice: Any, available: Collection[str] | None = None
) -> str | dict[str, Any] | None:
    """Turn any accepted ``tool_choice`` form into its wire value (``None``: send nothing).

    ``"auto"``, ``"none"`` and ``"required"`` pass through; ``"any"`` and ``True`` mean
    ``"required"``; ``False``/``None`` send nothing; any other string is a tool name and becomes
    the OpenAI forced-function object, as does ``{"type": "function", "name": ...}``. When
    ``available`` tool names are given, a named tool must be one of them.
    """
    if tool_choice is None or tool_choice is False:
        return None
    if tool_choice is True:
        return "required"
    if isinstance(tool_choice, str):
        if tool_choice in TOOL_CHOICE_KEYWORDS:
            return tool_choice
        if tool_choice == "any":
            return "required"
        return _forced_function(tool_choice, available)
    if isinstance(tool_choice, Mapping):
        function = tool_choice.get("function")
        name = function.get("name") if isinstance(function, Mapping) else tool_choice.get("name")
        if tool_choice.get("type") == "function" and isinstance(name, str) and name:
            return _forced_function(name, available)
    raise InvalidParameterError(
        "tool_choice", f"unsupported value {tool_choice!r}", allowed=_TOOL_CHOICE_FORMS
    )


def _forced_function(name: str, available: Collection[str] | None) -> dict[str, Any]:
    if available is not None and name not in available:
        allowed = [*TOOL_CHOICE_KEYWORDS, "any", *available]
        raise InvalidParameterError(
            "tool_choice", f"{name!r} is neither a keyword nor a bound tool", allowed=allowed
        )
    return {"type": "function", "function": {"name": name}}


def build_chat_request(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any] | None = None,
    *,
    thinking: bool | None = None,
    reasoning_passback: ReasoningPassback | str | None = None,
    stream: bool = False,
    stream_usage: bool = False,
    extra_body: Mapping[str, Any] | None = None,
    notices: Notices | None = None,
) -> dict[str, Any]:
    """Build and validate a ``/chat/completions`` request body, fitted to its model.

    ``params`` holds the request parameters (``temperature``, ``tools``, ``tool_choice``, any
    model-specific extras); ``None`` values are left out, unknown names are passed through.
    ``extra_body`` is merged last, verbatim, like the OpenAI SDK's argument of that name.
    Documented parameters are checked wherever they came from, so a bad value raises
    ``InvalidParameterError`` naming it before anything is sent. With ``stream``,
    ``stream_usage`` asks for a usage chunk (``stream_options.include_usage``). A system
    message after the conversation has started is sent as a user message (see
    ``_late_system_as_user``).

    The body is then fitted to the model's entry in the model data: ``thinking`` (``None``:
    the model's default; a boolean ``thinking`` in ``params`` overrides it per call) and
    ``reasoning_passback`` (``None``: the model's rule) are applied as ``apply_model_rules``
    describes; ``notices`` collects its one-time warnings (one per adapter instance). A retired
    model warns once per process.
    """
    payload = _body_before_model_rules(
        model, messages, params, stream=stream, stream_usage=stream_usage, extra_body=extra_body
    )
    info = get_model_info(model)
    warn_if_retired(info)
    apply_model_rules(
        payload,
        info,
        thinking=thinking,
        reasoning_passback=reasoning_passback,
        notices=notices,
    )
    return payload


def _body_before_model_rules(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any] | None = None,
    *,
    stream: bool = False,
    stream_usage: bool = False,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The OpenAI-format body, validated; no model entry is read (``build_chat_request`` does).

    Tests use it to check the generic rules on their own; everything else calls
    ``build_chat_request``, whose docstring describes the arguments.
    """
    if not isinstance(model, str) or not model.strip():
        raise InvalidParameterError("model", "must be a non-empty model or service id")
    payload: dict[str, Any] = {"model": model, "messages": _late_system_as_user(messages)}
    if params:
        payload.update((key, value) for key, value in params.items() if value is not None)
    if extra_body:
        payload.update(extra_body)
    if not payload["messages"]:
        raise InvalidParameterError("messages", "at least one message is required")
    _validate_sampling(payload)
    _normalise_tools(payload)
    if stream:
        payload["stream"] = True
        if stream_usage:
            options = payload.get("stream_options")
            payload["stream_options"] = {**(options or {}), "include_usage": True}
    else:
        payload.pop("stream", None)
        payload.pop("stream_options", None)
    return payload


def _late_system_positions(messages: Sequence[Mapping[str, Any]]) -> set[int]:
    """Positions of system messages that come after the first non-system message."""
    started = False
    late: set[int] = set()
    for position, message in enumerate(messages):
        if message.get("role") != "system":
            started = True
        elif started:
            late.add(position)
    return late


def _late_system_as_user(messages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The messages as sent: a system message after the conversation started becomes user.

    TokenHub documents the order ``system? -> user -> assistant -> user ...`` ending with a
    user (or tool) message, and answers 400 to a conversation ending with a system message.
    Frameworks add such late instructions (LlamaIndex's ``FunctionAgent`` with
    ``early_stopping_method="generate"`` appends "generate a final answer" as a system
    message), so they are sent as user messages, content unchanged; the changed messages are
    copies.
    """
    late = _late_system_positions(messages)
    return [
        {**message, "role": "user"} if position in late else message
        for position, message in enumerate(messages)
    ]


def _check_number(payload: dict[str, Any], name: str, low: float, high: float) -> None:
    value = payload.get(name)
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isnan(value)
        or not low <= value <= high
    ):
        raise InvalidParameterError(name, f"got {value!r}", allowed=f"a number in [{low}, {high}]")


def _validate_sampling(payload: dict[str, Any]) -> None:
    _check_number(payload, "temperature", 0.0, 2.0)
    _check_number(payload, "top_p", 0.0, 1.0)
    n = payload.get("n")
    if n is not None and n != 1:
        # Every adapter returns one reply (choices[0]); more choices would be paid for and lost.
        raise InvalidParameterError(
            "n", f"got {n!r}; for several answers, send several requests", allowed=(1,)
        )
    alias = payload.pop("max_completion_tokens", None)
    if alias is not None:
        if payload.get("max_tokens", alias) != alias:
            raise InvalidParameterError(
                "max_completion_tokens",
                f"{alias!r} differs from max_tokens={payload['max_tokens']!r}; they are one "
                "setting (sent under the name the model wants)",
            )
        payload["max_tokens"] = alias
    max_tokens = payload.get("max_tokens")
    if max_tokens is not None and (
        isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens <= 0
    ):
        raise InvalidParameterError("max_tokens", f"got {max_tokens!r}", allowed="an integer > 0")
    seed = payload.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InvalidParameterError("seed", f"got {seed!r}", allowed="an integer")
    stop = payload.get("stop")
    if stop is None or isinstance(stop, str):
        return
    if (
        not isinstance(stop, Sequence)
        or len(stop) > MAX_STOP_SEQUENCES
        or not all(isinstance(s, str) for s in stop)
    ):
        raise InvalidParameterError(
            "stop", f"got {stop!r}", allowed=f"a string or a list of up to {MAX_STOP_SEQUENCES}"
        )
    if stop:
        payload["stop"] = list(stop)
    else:
        del payload["stop"]


def _normalise_tools(payload: dict[str, Any]) -> None:
    tools = payload.get("tools")
    if tools is not None and not isinstance(tools, Sequence):
        raise InvalidParameterError("tools", f"got {tools!r}", allowed="a list of function tools")
    if not tools:
        payload.pop("tools", None)
        # Without tools these settings have no effect, and OpenAI-style servers reject them.
        payload.pop("parallel_tool_calls", None)
        choice = normalize_tool_choice(payload.pop("tool_choice", None))
        if choice not in (None, "auto", "none"):
            raise InvalidParameterError(
                "tool_choice", f"{choice!r} forces a tool call but no tools are bound"
            )
        return
    payload["tools"] = list(tools)
    names = tool_names(payload["tools"])
    choice = normalize_tool_choice(payload.get("tool_choice"), names)
    if choice is None:
        payload.pop("tool_choice", None)
    else:
        payload["tool_choice"] = choice
    parallel = payload.get("parallel_tool_calls")
    if parallel is not None and not isinstance(parallel, bool):
        raise InvalidParameterError(
            "parallel_tool_calls", f"got {parallel!r}", allowed=("True", "False")
        )


def format_tool_call(
    call_id: str | None, name: str, args: Mapping[str, Any] | str
) -> dict[str, Any]:
    """An outbound assistant ``tool_calls`` entry; ``args`` as a dict or a JSON string."""
    arguments = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def format_assistant_message(
    content: str | Sequence[Any] | None,
    tool_calls: Sequence[Mapping[str, Any]] = (),
    *,
    reasoning_content: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """An outbound assistant message; ``content`` is ``null`` when empty and tools were called.

    ``reasoning_content`` is attached as given (``""`` included); the model's pass-back rule
    (``build_chat_request``) later decides whether it is sent.
    """
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = list(tool_calls)
        if not content:
            message["content"] = None
    elif content is None:
        message["content"] = ""
    if reasoning_content is not None:
        message["reasoning_content"] = reasoning_content
    if name:
        message["name"] = name
    return message
