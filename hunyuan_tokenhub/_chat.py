"""Chat Completions protocol helpers shared by the LangChain and LlamaIndex adapters.

Everything here works on plain OpenAI-format dicts, so each adapter only translates its
framework's messages, tools and callbacks. The helpers cover the request side (payload
building and validation, ``tool_choice`` forms, reasoning pass-back) and the response side
(completion and usage parsing, tool-call argument parsing, and a stream normaliser that fixes
gateway quirks before a framework merges chunks).

Usage::

    from hunyuan_tokenhub import TokenHubClient
    from hunyuan_tokenhub._chat import (
        ChatStreamNormalizer, build_chat_request, parse_completion,
    )

    messages = [{"role": "user", "content": "计算 1+1"}]
    payload = build_chat_request("deepseek-v3.2", messages, {"temperature": 0.2})
    with TokenHubClient() as client:
        reply = parse_completion(client.chat_completions(payload), model="deepseek-v3.2")
        print(reply.content, reply.usage)

        normalizer = ChatStreamNormalizer(model="deepseek-v3.2")
        stream = build_chat_request("deepseek-v3.2", messages, stream=True, stream_usage=True)
        for raw_chunk in client.stream_chat_completions(stream):
            delta = normalizer.feed(raw_chunk)
            if delta is not None:
                print(delta.content, end="")
        tail = normalizer.finish()  # text held back while a leading <think> tag was undecided
        print(tail.content if tail else "", normalizer.finish_reason, normalizer.usage)
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._catalog import ReasoningPassback, get_model_info, warn_if_retired
from ._exceptions import APIError, InvalidParameterError, StreamError
from ._thinking import (
    REASONING_PASSBACK_POLICIES,
    Notices,
    ReasoningTagSplitter,
    apply_model_rules,
)

__all__ = [
    "MAX_STOP_SEQUENCES",
    "REASONING_PASSBACK_POLICIES",
    "TOOL_CHOICE_KEYWORDS",
    "ChatCompletion",
    "ChatStreamNormalizer",
    "ChatUsage",
    "InvalidToolCall",
    "StreamDelta",
    "ToolCall",
    "ToolCallDelta",
    "build_chat_payload",
    "build_chat_request",
    "format_assistant_message",
    "format_tool_call",
    "json_object_from_text",
    "normalize_tool_choice",
    "parse_completion",
    "parse_tool_call",
    "parse_tool_calls",
    "parse_usage",
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


# --------------------------------------------------------------------------- request side


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


def build_chat_payload(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any] | None = None,
    *,
    stream: bool = False,
    stream_usage: bool = False,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build and validate a ``/chat/completions`` request body.

    ``params`` holds the request parameters (``temperature``, ``tools``, ``tool_choice``, any
    model-specific extras); ``None`` values are left out, unknown names are passed through.
    ``extra_body`` is merged last, verbatim, like the OpenAI SDK's argument of that name.
    Documented parameters are checked wherever they came from, so a bad value raises
    ``InvalidParameterError`` naming it before anything is sent. With ``stream``,
    ``stream_usage`` asks for a usage chunk (``stream_options.include_usage``). A system
    message after the conversation has started is sent as a user message (see
    ``_late_system_as_user``).
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
    """``build_chat_payload``, then fitted to the model's entry in the model data.

    ``thinking`` (``None``: the model's default; a boolean ``thinking`` in ``params`` overrides
    it per call) and ``reasoning_passback`` (``None``: the model's rule) are applied as
    ``apply_model_rules`` describes; ``notices`` collects its one-time warnings (one per
    adapter instance). A retired model warns once per process.
    """
    payload = build_chat_payload(
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


# -------------------------------------------------------------------------- response side


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
    name = function.get("name")
    arguments = function.get("arguments")
    if isinstance(arguments, Mapping):
        arguments = json.dumps(arguments, ensure_ascii=False)
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
    valid: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for raw in raw_calls or ():
        parsed = parse_tool_call(raw) if isinstance(raw, Mapping) else None
        if isinstance(parsed, ToolCall):
            valid.append(parsed)
        else:
            invalid.append(
                parsed or InvalidToolCall(None, None, repr(raw), "tool call is not an object")
            )
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


def _reasoning_of(message: Mapping[str, Any]) -> str | None:
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
            request_id=_str_or_none(response.get("id")),
            body=dict(response),
        )
    message = choice["message"]
    content = message.get("content")
    content = content if isinstance(content, str) else ""
    reasoning = _reasoning_of(message)
    splitter = _reasoning_splitter(model)
    if splitter is not None:
        tagged, content = splitter.split(content)
        if tagged:
            reasoning = (reasoning or "") + tagged
    raw_calls = message.get("tool_calls")
    problem = _tool_calls_problem(raw_calls)
    if problem:
        raise APIError(
            f"malformed chat completion: choices[0].message.tool_calls{problem}",
            request_id=_str_or_none(response.get("id")),
            body=dict(response),
        )
    valid, invalid = parse_tool_calls(raw_calls)
    return ChatCompletion(
        id=_str_or_none(response.get("id")),
        model=_str_or_none(response.get("model")),
        content=content,
        reasoning_content=reasoning,
        tool_calls=valid,
        invalid_tool_calls=invalid,
        finish_reason=_str_or_none(choice.get("finish_reason")),
        usage=parse_usage(response.get("usage")),
        created=_as_int(response.get("created")),
        system_fingerprint=_str_or_none(response.get("system_fingerprint")),
        raw_message=message,
        raw_usage=_mapping_or_none(response.get("usage")),
        logprobs=_mapping_or_none(choice.get("logprobs")),
    )


def _reasoning_splitter(model: str | None) -> ReasoningTagSplitter | None:
    chat = get_model_info(model).chat if model else None
    tags = chat.reasoning_tags if chat is not None else None
    return ReasoningTagSplitter(*tags) if tags else None


def _str_or_none(value: Any) -> str | None:
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


# ------------------------------------------------------------------------------ streaming


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
    arguments: list[str] = field(default_factory=list)


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

    ``tool_calls()`` returns the calls accumulated so far, parsed as in ``parse_tool_calls``.

    Usage::

        normalizer = ChatStreamNormalizer(model=payload["model"])
        for raw_chunk in client.stream_chat_completions(payload):
            delta = normalizer.feed(raw_chunk)
        tail = normalizer.finish()
        valid, invalid = normalizer.tool_calls()
    """

    __slots__ = (
        "_by_id",
        "_by_wire_index",
        "_calls",
        "_splitter",
        "finish_reason",
        "id",
        "model",
        "usage",
    )

    def __init__(self, *, model: str | None = None) -> None:
        self._splitter = _reasoning_splitter(model)
        self.id: str | None = None
        self.model: str | None = None
        self.finish_reason: str | None = None
        self.usage: ChatUsage | None = None
        self._calls: list[_CallState] = []
        self._by_wire_index: dict[int, int] = {}
        self._by_id: dict[str, int] = {}

    def completion_body(
        self, message: Mapping[str, Any], *, default_model: str | None = None
    ) -> dict[str, Any]:
        """The finished stream as one ``chat.completion`` body around ``message``.

        ``message`` is the assistant message assembled from the deltas (e.g. by
        :func:`format_assistant_message`); usage is included when the server sent it.
        """
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
            self.id = _str_or_none(chunk.get("id"))
        if self.model is None:
            self.model = _str_or_none(chunk.get("model"))
        raw_usage = chunk.get("usage")
        if raw_usage:
            self._keep_usage(raw_usage)
        choices = chunk.get("choices")
        if not choices or not isinstance(choices, list):
            return None
        choice = choices[0]
        if not isinstance(choice, dict):
            return None
        finish = _str_or_none(choice.get("finish_reason"))
        if finish:
            self.finish_reason = finish
        delta = choice.get("delta")
        if not delta or not isinstance(delta, dict):
            return None
        content = delta.get("content")
        if not isinstance(content, str):
            content = ""
        reasoning = _reasoning_of(delta) or None
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
        return StreamDelta(content, reasoning, calls)

    def finish(self) -> StreamDelta | None:
        """Text still held back at the end of the stream (only with reasoning tags)."""
        if self._splitter is None:
            return None
        reasoning, content = self._splitter.finish()
        return StreamDelta(content, reasoning or None) if reasoning or content else None

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
            position = self._position(raw, offset if several else None)
            state = self._calls[position]
            call_id = _str_or_none(raw.get("id"))
            emit_id = None
            if call_id and call_id != state.id:
                state.id = emit_id = call_id
                self._by_id[call_id] = position
            function = raw.get("function")
            if not isinstance(function, Mapping):
                function = {}
            name = _str_or_none(function.get("name"))
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
                state.arguments.append(arguments)
            if emit_id or emit_name or arguments:
                deltas.append(ToolCallDelta(position, emit_id, emit_name, arguments))
        return deltas

    def _position(self, raw: Mapping[str, Any], offset: int | None) -> int:
        call_id = _str_or_none(raw.get("id"))
        wire_index = raw.get("index")
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

    def tool_calls(self) -> tuple[list[ToolCall], list[InvalidToolCall]]:
        """The tool calls accumulated so far, split into valid and invalid ones."""
        return parse_tool_calls(
            {"id": s.id, "function": {"name": s.name, "arguments": "".join(s.arguments)}}
            for s in self._calls
        )
