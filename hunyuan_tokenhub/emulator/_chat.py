"""``POST /v1/chat/completions``: request validation and rendering as JSON or SSE.

The rules each model enforces come from the emulator's own table (``_served_models``): the
thinking switch and default, forced ``tool_choice`` in thinking mode, ``reasoning_content``
pass-back, fixed temperatures. Gateway quirks that clients must normalise can be switched on
per request (header ``X-Emulator-Quirks``) or per emulator.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ._chat_model import ChatInput, Completion, ToolCall, ToolSpec, complete, prompt_token_count
from ._faults import Fault
from ._http import (
    EmulatorError,
    EmulatorRequest,
    EmulatorResponse,
    StreamItem,
    json_response,
    sse_data,
    sse_response,
)
from ._react import react_completion
from ._served_models import GENERIC_SERVICE, ServedModel, served_chat_model
from ._text import pieces

QUIRKS: Final = frozenset(
    {
        "repeat_tool_name",  # id, type and function.name repeated in every tool-call delta
        "no_index",  # tool-call deltas without "index" (calls then stream one after another)
        "usage_every_chunk",  # cumulative usage on every chunk, even without include_usage
        "cached_tokens_plural",  # usage.prompt_tokens_details.cached_tokens (not cached_token)
        "openai_chunk_fields",  # chunks also carry object/created/model like OpenAI's
        "separate_role_chunk",  # a first delta {"role": "assistant", "content": ""} on its own
        "empty_choices_chunk",  # a first chunk with "choices": [] (as content filters send)
        # MiniMax M2.x: reasoning as "<think>...</think>" at the start of content, no
        # reasoning_content (MiniMax's own API does this; TokenHub's behaviour is unknown).
        "think_tags_in_content",
    }
)
QUIRKS_HEADER: Final = "x-emulator-quirks"

#: The documented broken final chunk (https://cloud.tencent.com/document/product/1823/130079,
#: example 2), with the id filled in.
MALFORMED_CHUNK_TEMPLATE: Final = (
    'data: {"id":"%s","choices":[{"index":0,"delta":{"},"finish_reason":"stop"}]}\n\n'
)
#: The 400 messages the model vendors send, quoted from public reports (see _served_models).
KIMI_MISSING_REASONING: Final = (
    "thinking is enabled but reasoning_content is missing in assistant tool call message "
    "at index {index}"
)
DEEPSEEK_MISSING_REASONING: Final = (
    "The `reasoning_content` in the thinking mode must be passed back to the API."
)
UNKNOWN_MODEL_CODE: Final = "400004"
PLAN_GATED_CODE: Final = "403002"

_ROLES = frozenset({"system", "user", "assistant", "tool"})
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ARGUMENT_FRAGMENT = 12
_CACHE_ENTRIES = 4096


@dataclass(frozen=True)
class ChatPolicy:
    """What the gateway serves to this account, beyond the table's online models.

    ``extra_models``: more ids served with the generic rules; ``service_bases``: ``ep-...``
    (or any) id -> the table id whose rules it follows; ``refuse_retired``: answer retired ids
    with the unknown-model 400, as the real gateway does once an id is gone;
    ``plan_gated``: ids answered with 403, as for a model outside the account's plan.
    """

    extra_models: frozenset[str] = frozenset()
    service_bases: Mapping[str, str] = field(default_factory=dict)
    refuse_retired: bool = False
    plan_gated: frozenset[str] = frozenset()


@dataclass
class ChatRequest:
    """A validated chat request and what the gateway decided about it."""

    chat: ChatInput
    served: ServedModel
    stream: bool
    include_usage: bool


class ChatEndpoint:
    """The chat completions handler; holds the prompt-prefix cache behind ``cached_token``."""

    def __init__(
        self,
        *,
        quirks: Callable[[], frozenset[str]],
        stream_delay: Callable[[], float],
        policy: Callable[[], ChatPolicy] = ChatPolicy,
    ) -> None:
        self._quirks = quirks
        self._stream_delay = stream_delay
        self._policy = policy
        self._lock = threading.Lock()
        self._seen_prefixes: OrderedDict[str, int] = OrderedDict()
        self._counter = 0

    def __call__(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        quirks = self._quirks() | request.quirks
        parsed = parse_chat_request(body, self._policy())
        chat = parsed.chat
        chat.cached_tokens = self._cached_tokens(chat)
        completion = react_completion(chat) or complete(chat)
        if parsed.served.think_tags and "think_tags_in_content" in quirks:
            completion = _inline_think_tags(completion)
        completion_id = self._next_id(request)
        if not parsed.stream:
            return json_response(render_completion(completion, completion_id, chat.model, quirks))
        events = _StreamRenderer(
            completion=completion,
            completion_id=completion_id,
            model=chat.model,
            quirks=quirks,
            include_usage=parsed.include_usage,
            fault=request.fault,
            request_id=request.request_id,
        ).events()
        response = sse_response(events)
        response.event_delay = self._stream_delay()
        return response

    def _next_id(self, request: EmulatorRequest) -> str:
        with self._lock:
            self._counter += 1
            number = self._counter
        digest = hashlib.sha256(f"{request.request_id}:{number}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def _cached_tokens(self, chat: ChatInput) -> int:
        """Tokens of the longest message prefix an earlier request already sent (0 at first)."""
        hasher = hashlib.sha256(chat.model.lower().encode())
        keys: list[tuple[str, int]] = []
        for index, message in enumerate(chat.messages):
            hasher.update(json.dumps(message, sort_keys=True, ensure_ascii=False).encode())
            keys.append((hasher.hexdigest(), index + 1))
        cached = 0
        with self._lock:
            for key, length in keys:
                if key in self._seen_prefixes:
                    self._seen_prefixes.move_to_end(key)
                    cached = length
            for key, _ in keys:
                self._seen_prefixes[key] = 1
            while len(self._seen_prefixes) > _CACHE_ENTRIES:
                self._seen_prefixes.popitem(last=False)
        return prompt_token_count(chat.messages[:cached], []) if cached else 0


def parse_chat_request(body: dict[str, Any], policy: ChatPolicy | None = None) -> ChatRequest:
    """Validate ``body`` like TokenHub does. Raises ``EmulatorError`` with the gateway's (or
    the model vendor's) status and error body."""
    policy = policy or ChatPolicy()
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise EmulatorError(400, "Missing required parameter: 'model'.", param="model")
    served = resolve_served_model(model, policy)
    messages = _validate_messages(body.get("messages"))
    stream = _optional_bool(body, "stream", False)
    thinking = _effective_thinking(body.get("thinking"), served)
    _check_range(body, "temperature", 0.0, 2.0)
    _check_fixed_temperature(body.get("temperature"), served, thinking)
    _check_range(body, "top_p", 0.0, 1.0)
    _check_reasoning_effort(body.get("reasoning_effort"), served)
    # OpenAI's newer name is accepted too (Kimi's newest models want it); the smaller wins.
    limits = [_positive_int(body, name) for name in ("max_tokens", "max_completion_tokens")]
    max_tokens = min((limit for limit in limits if limit is not None), default=None)
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise EmulatorError(400, "'seed' must be an integer.", param="seed")
    stop = _validate_stop(body.get("stop"))
    tools = _validate_tools(body.get("tools"))
    tool_choice = _validate_tool_choice(body.get("tool_choice"), tools)
    if thinking:
        _check_unforced_tool_choice(tool_choice, served)
    parallel = _optional_bool(body, "parallel_tool_calls", True)
    include_usage = _validate_stream_options(body.get("stream_options"), stream)
    response_format = _validate_response_format(body.get("response_format"))
    _check_reasoning_passback(messages, served, thinking)
    if served.rejects_image_parts:
        _check_text_only(messages)
    chat = ChatInput(
        model=model,
        messages=messages,
        tools=tools,
        tool_choice=tool_choice,
        parallel_tool_calls=parallel,
        reasoning=thinking,
        max_tokens=max_tokens,
        stop=stop,
        response_format=response_format,
    )
    return ChatRequest(chat, served, stream, include_usage)


def resolve_served_model(model: str, policy: ChatPolicy) -> ServedModel:
    """The rules ``model`` follows on this gateway, or the 400/403 the gateway answers."""
    key = model.strip().lower()
    if key in policy.plan_gated:
        raise EmulatorError(
            403,
            f"The model or service ID {model} is not included in your current plan or is not "
            "enabled for this account.",
            code=PLAN_GATED_CODE,
            type_="gateway_error",
            source="gateway",
            message_zh=f"当前套餐或账号未开通模型或服务 ID {model}。",
        )
    base = policy.service_bases.get(key)
    if base is not None:
        return served_chat_model(base) or GENERIC_SERVICE
    served = served_chat_model(key)
    if served is not None and not (served.status == "retired" and policy.refuse_retired):
        return served
    if served is None and (key.startswith("ep-") or key in policy.extra_models):
        return GENERIC_SERVICE
    raise unknown_model_error(model)


def unknown_model_error(model: str) -> EmulatorError:
    """The gateway's answer to an id it does not serve (any endpoint)."""
    # Quoted from a real response (HY3_QUICKSTART); that body has no "source" field.
    return EmulatorError(
        400,
        f"The model or service ID {model} does not exist. Please check whether the service ID "
        "is correct.",
        code=UNKNOWN_MODEL_CODE,
        type_="gateway_error",
        message_zh=f"请求中的模型或服务 ID {model} 不存在,请检查服务 ID 是否正确。",
        omit_source=True,
    )


def _effective_thinking(value: Any, served: ServedModel) -> bool:
    """Whether this request reasons: the ``thinking`` switch if sent, else the default."""
    if value is None:
        return served.thinks_by_default()
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str):
        raise EmulatorError(
            400,
            '\'thinking\' must be an object like {"type": "enabled"}; '
            f"got {json.dumps(value, ensure_ascii=False)}.",
            message_zh='thinking 参数格式错误，应为 {"type": "enabled"} 形式的对象。',
            param="thinking",
        )
    if served.thinking == "never":
        return False  # nothing to switch; the gateway ignores it
    if served is GENERIC_SERVICE:
        return kind != "disabled"
    if served.thinking == "always" and kind == "disabled":
        raise EmulatorError(
            400,
            f"Thinking cannot be disabled for model {served.id}.",
            message_zh=f"模型 {served.id} 不支持关闭深度思考。",
            param="thinking.type",
        )
    if kind not in served.switch.accepted:
        allowed = ", ".join(sorted(served.switch.accepted))
        if served.switch.refusal:
            raise EmulatorError(
                400,
                served.switch.refusal.format(kind=kind, allowed=allowed),
                source="upstream",
                param="thinking.type",
            )
        raise EmulatorError(
            400,
            f"Invalid thinking.type {kind!r} for model {served.id}; allowed: {allowed}.",
            message_zh=f"模型 {served.id} 的 thinking.type 取值 {kind!r} 不合法，可选：{allowed}。",
            param="thinking.type",
        )
    return kind in served.switch.on


def _check_fixed_temperature(value: Any, served: ServedModel, thinking: bool) -> None:
    fixed = served.fixed_temperature
    if fixed is None or value is None:
        return
    allowed = fixed.for_mode(thinking)
    if value != allowed:
        # Moonshot's wording (KIMI_TEMPERATURE_400), e.g. "only 1 is allowed".
        raise EmulatorError(
            400,
            f"invalid temperature: only {allowed:g} is allowed for this model",
            source="upstream",
            param="temperature",
        )


def _check_reasoning_effort(value: Any, served: ServedModel) -> None:
    if value is None or value in served.reasoning_efforts:
        return
    allowed = ", ".join(sorted(served.reasoning_efforts))
    raise EmulatorError(
        400,
        f"Invalid reasoning_effort {value!r}; expected one of {allowed}.",
        message_zh=f"reasoning_effort 取值 {value!r} 不合法，可选：{allowed}。",
        param="reasoning_effort",
    )


def _check_unforced_tool_choice(tool_choice: Any, served: ServedModel) -> None:
    """Thinking mode takes ``auto`` and ``none`` only (INTERLEAVED_INTL)."""
    if tool_choice != "required" and not isinstance(tool_choice, dict):
        return
    if served.forced_tool_choice_refusal:
        raise EmulatorError(
            400, served.forced_tool_choice_refusal, source="upstream", param="tool_choice"
        )
    raise EmulatorError(
        400,
        "In thinking mode tool_choice supports only 'auto' and 'none'; 'required' and a "
        "specific function are not supported. Disable thinking to force a tool call.",
        message_zh="思考模式下 tool_choice 仅支持 auto 和 none，不支持 required 或指定函数。",
        param="tool_choice",
    )


def _check_reasoning_passback(
    messages: list[dict[str, Any]], served: ServedModel, thinking: bool
) -> None:
    if served.passback == "reject":
        for index, message in enumerate(messages):
            if "reasoning_content" in message:
                raise EmulatorError(
                    400,
                    f"reasoning_content must not be sent back to this model (messages[{index}]).",
                    source="upstream",
                    param=f"messages[{index}].reasoning_content",
                )
        return
    if not thinking or served.passback == "none":
        return
    for index, message in enumerate(messages):
        if (
            message.get("role") == "assistant"
            and message.get("tool_calls")
            and not isinstance(message.get("reasoning_content"), str)
        ):
            text = (
                KIMI_MISSING_REASONING.format(index=index)
                if served.passback == "kimi"
                else DEEPSEEK_MISSING_REASONING
            )
            raise EmulatorError(
                400, text, source="upstream", param=f"messages[{index}].reasoning_content"
            )


def _check_text_only(messages: list[dict[str, Any]]) -> None:
    for index, message in enumerate(messages):
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind is not None and kind != "text":
                # DeepSeek's deserializer wording (DEEPSEEK_TEXT_ONLY).
                raise EmulatorError(
                    400,
                    "Failed to deserialize the JSON body into the target type: "
                    f"messages[{index}]: unknown variant `{kind}`, expected `text`",
                    source="upstream",
                    param=f"messages[{index}].content",
                )


def _inline_think_tags(completion: Completion) -> Completion:
    """MiniMax M2.x as its own API answers: the reasoning leads ``content`` in think tags."""
    if completion.reasoning is None:
        return completion
    thought = f"<think>\n{completion.reasoning}\n</think>\n\n"
    return replace(completion, content=thought + (completion.content or ""), reasoning=None)


def _validate_messages(value: Any) -> list[dict[str, Any]]:
    if value is None:
        raise EmulatorError(400, "Missing required parameter: 'messages'.", param="messages")
    if not isinstance(value, list) or not value:
        raise EmulatorError(400, "'messages' must be a non-empty array.", param="messages")
    open_calls: dict[str, int] = {}
    for index, message in enumerate(value):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise EmulatorError(400, f"'{where}' must be an object.", param=where)
        role = message.get("role")
        if role not in _ROLES:
            raise EmulatorError(
                400,
                f"'{where}.role' must be one of system, user, assistant, tool; got {role!r}.",
                param=f"{where}.role",
            )
        content = message.get("content")
        if content is not None and not isinstance(content, str | list):
            raise EmulatorError(
                400, f"'{where}.content' must be a string or an array.", param=f"{where}.content"
            )
        if role == "assistant":
            _close_calls(open_calls)
            calls = _validate_assistant_calls(message, where)
            open_calls = {call_id: index for call_id in calls}
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str) or call_id not in open_calls:
                raise EmulatorError(
                    400,
                    f"'{where}' must answer a tool call of the preceding assistant message "
                    f"(tool_call_id {call_id!r} not found).",
                    param=f"{where}.tool_call_id",
                )
            open_calls.pop(call_id)
        else:
            if content is None:
                raise EmulatorError(
                    400, f"'{where}.content' is required.", param=f"{where}.content"
                )
            _close_calls(open_calls)
    _close_calls(open_calls)
    if value[-1].get("role") not in ("user", "tool"):
        raise EmulatorError(
            400,
            "The last message must have role 'user' or 'tool'.",
            param=f"messages[{len(value) - 1}].role",
        )
    return value


def _close_calls(open_calls: dict[str, int]) -> None:
    if open_calls:
        ids = ", ".join(sorted(open_calls))
        raise EmulatorError(
            400,
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            f"to each 'tool_call_id'. Missing responses for: {ids}.",
            param=f"messages[{min(open_calls.values())}].tool_calls",
        )


def _validate_assistant_calls(message: dict[str, Any], where: str) -> list[str]:
    calls = message.get("tool_calls")
    if calls is None:
        if message.get("content") is None:
            raise EmulatorError(
                400,
                f"'{where}' needs 'content' or 'tool_calls'.",
                param=f"{where}.content",
            )
        return []
    if not isinstance(calls, list):
        raise EmulatorError(400, f"'{where}.tool_calls' must be an array.", param=where)
    ids: list[str] = []
    for position, call in enumerate(calls):
        at = f"{where}.tool_calls[{position}]"
        function = call.get("function") if isinstance(call, dict) else None
        if (
            not isinstance(call, dict)
            or not isinstance(call.get("id"), str)
            or call.get("type", "function") != "function"
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
            or not isinstance(function.get("arguments"), str)
        ):
            raise EmulatorError(
                400,
                f"'{at}' must be {{id, type: 'function', function: {{name, arguments: string}}}}.",
                param=at,
            )
        ids.append(call["id"])
    return ids


def _positive_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise EmulatorError(400, f"'{name}' must be a positive integer.", param=name)
    return value


def _optional_bool(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise EmulatorError(400, f"'{name}' must be a boolean.", param=name)
    return value


def _check_range(body: dict[str, Any], name: str, low: float, high: float) -> None:
    value = body.get(name)
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise EmulatorError(
            400, f"'{name}' must be a number within [{low}, {high}], got {value!r}.", param=name
        )


def _validate_stop(value: Any) -> list[str]:
    if value is None:
        return []
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise EmulatorError(400, "'stop' must be a string or an array of strings.", param="stop")
    if len(stops) > 4:
        raise EmulatorError(400, "'stop' accepts at most 4 sequences.", param="stop")
    return stops


def _validate_tools(value: Any) -> list[ToolSpec]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EmulatorError(400, "'tools' must be an array.", param="tools")
    tools: list[ToolSpec] = []
    for index, tool in enumerate(value):
        where = f"tools[{index}]"
        function = tool.get("function") if isinstance(tool, dict) else None
        if (
            not isinstance(tool, dict)
            or tool.get("type") != "function"
            or not isinstance(function, dict)
        ):
            raise EmulatorError(
                400, f"'{where}' must be {{type: 'function', function: {{...}}}}.", param=where
            )
        name = function.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            raise EmulatorError(
                400,
                f"'{where}.function.name' must match ^[A-Za-z0-9_-]{{1,64}}$, got {name!r}.",
                param=f"{where}.function.name",
            )
        parameters = function.get("parameters", {})
        if not isinstance(parameters, dict):
            raise EmulatorError(
                400, f"'{where}.function.parameters' must be an object.", param=where
            )
        description = function.get("description") or ""
        tools.append(ToolSpec(name, str(description), parameters))
    return tools


def _validate_tool_choice(value: Any, tools: list[ToolSpec]) -> str | dict[str, Any] | None:
    if value is None or value in ("none", "auto"):
        return value  # type: ignore[no-any-return]
    if value == "required":
        if not tools:
            raise EmulatorError(400, "'tool_choice' 'required' needs 'tools'.", param="tool_choice")
        return "required"
    if isinstance(value, dict) and value.get("type") == "function":
        function = value.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if name not in {tool.name for tool in tools}:
            raise EmulatorError(
                400, f"'tool_choice' names an unknown tool {name!r}.", param="tool_choice"
            )
        return value
    raise EmulatorError(
        400,
        "'tool_choice' must be 'none', 'auto', 'required' or "
        f"{{'type': 'function', 'function': {{'name': ...}}}}; got {value!r}.",
        param="tool_choice",
    )


def _validate_stream_options(value: Any, stream: bool) -> bool:
    if value is None:
        return False
    if not stream:
        raise EmulatorError(
            400, "'stream_options' is only allowed when 'stream' is true.", param="stream_options"
        )
    if not isinstance(value, dict):
        raise EmulatorError(400, "'stream_options' must be an object.", param="stream_options")
    include = value.get("include_usage", False)
    if not isinstance(include, bool):
        raise EmulatorError(
            400, "'stream_options.include_usage' must be a boolean.", param="stream_options"
        )
    return include


def _validate_response_format(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in (
        "text",
        "json_object",
        "json_schema",
    ):
        raise EmulatorError(
            400,
            "'response_format.type' must be 'text', 'json_object' or 'json_schema'.",
            param="response_format",
        )
    return None if value["type"] == "text" else value


def usage_payload(
    completion: Completion, quirks: frozenset[str], completion_tokens: int | None = None
) -> dict[str, Any]:
    produced = completion.completion_tokens if completion_tokens is None else completion_tokens
    cached_key = "cached_tokens" if "cached_tokens_plural" in quirks else "cached_token"
    return {
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": produced,
        "total_tokens": completion.prompt_tokens + produced,
        "prompt_tokens_details": {cached_key: completion.cached_tokens},
        "completion_tokens_details": {
            "reasoning_tokens": min(completion.reasoning_tokens, produced)
        },
    }


def render_completion(
    completion: Completion, completion_id: str, model: str, quirks: frozenset[str]
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": completion.content}
    if completion.reasoning is not None:
        message["reasoning_content"] = completion.reasoning
    if completion.tool_calls:
        message["tool_calls"] = [call.as_message_part() for call in completion.tool_calls]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": completion.finish_reason}],
        "usage": usage_payload(completion, quirks),
    }


class _StreamRenderer:
    """Turns a ``Completion`` into SSE events, applying stream faults and quirks."""

    def __init__(
        self,
        *,
        completion: Completion,
        completion_id: str,
        model: str,
        quirks: frozenset[str],
        include_usage: bool,
        fault: Fault | None,
        request_id: str,
    ) -> None:
        self.completion = completion
        self.completion_id = completion_id
        self.model = model
        self.quirks = quirks
        self.include_usage = include_usage
        self.fault = fault
        self.request_id = request_id
        self.created = int(time.time())
        self.produced = 0

    def events(self) -> Iterator[StreamItem]:
        yield b": keep-alive\n\n"
        error_after = self.fault.after_chunks if self.fault and self.fault.stream_error else None
        if "empty_choices_chunk" in self.quirks:
            yield sse_data(self._chunk([]))
        for sent, (delta, tokens) in enumerate(self._deltas()):
            if error_after is not None and sent >= error_after:
                yield self._error_event()
                return
            self.produced += tokens
            yield sse_data(self._chunk([{"index": 0, "delta": delta, "finish_reason": None}]))
        if error_after is not None:
            yield self._error_event()
            return
        self.produced = self.completion.completion_tokens
        if self.fault is not None and self.fault.malformed_chunk:
            yield (MALFORMED_CHUNK_TEMPLATE % self.completion_id).encode()
        else:
            final = {"index": 0, "delta": {}, "finish_reason": self.completion.finish_reason}
            yield sse_data(self._chunk([final]))
        if self.include_usage:
            yield sse_data(self._chunk([], usage=True))
        yield b"data: [DONE]\n\n"

    def _error_event(self) -> bytes:
        """An error object inside the stream, in the gateway's error body shape."""
        assert self.fault is not None and self.fault.stream_error is not None
        fields = dict(self.fault.stream_error)
        error = EmulatorError(
            500,
            fields.pop("message", "The stream was interrupted by an engine error."),
            code=fields.pop("code", None),
            type_=fields.pop("type", None),
            source=fields.pop("source", None),
            message_zh=fields.pop("message_zh", None),
        )
        body = error.body(self.request_id)
        body["error"].update(fields)
        return sse_data(body)

    def _chunk(self, choices: list[dict[str, Any]], *, usage: bool = False) -> dict[str, Any]:
        chunk: dict[str, Any] = {"id": self.completion_id}
        if "openai_chunk_fields" in self.quirks:
            chunk.update(object="chat.completion.chunk", created=self.created, model=self.model)
        chunk["choices"] = choices
        if usage or "usage_every_chunk" in self.quirks:
            chunk["usage"] = usage_payload(self.completion, self.quirks, self.produced)
        return chunk

    def _deltas(self) -> Iterator[tuple[dict[str, Any], int]]:
        """``(delta, tokens)`` per chunk; the first delta carries the role."""
        role: dict[str, Any] = {"role": "assistant"}
        if "separate_role_chunk" in self.quirks:
            yield {**role, "content": ""}, 0
            role = {}
        for piece in pieces(self.completion.reasoning or ""):
            yield {**role, "reasoning_content": piece}, 1
            role = {}
        if self.completion.tool_calls:
            for piece in pieces(self.completion.content or ""):
                yield {**role, "content": piece}, 1
                role = {}
            for delta, tokens in self._tool_call_deltas():
                yield {**role, "tool_calls": [delta]}, tokens
                role = {}
            return
        content_pieces = pieces(self.completion.content or "")
        if not content_pieces and role:
            yield {**role, "content": ""}, 0
        for piece in content_pieces:
            yield {**role, "content": piece}, 1
            role = {}

    def _tool_call_deltas(self) -> Iterator[tuple[dict[str, Any], int]]:
        sequences = [
            self._call_sequence(i, call) for i, call in enumerate(self.completion.tool_calls)
        ]
        if "no_index" in self.quirks:
            for sequence in sequences:
                yield from sequence
            return
        # Parallel calls interleave by index, as OpenAI-compatible gateways may send them.
        longest = max(len(s) for s in sequences)
        for position in range(longest):
            for sequence in sequences:
                if position < len(sequence):
                    yield sequence[position]

    def _call_sequence(self, index: int, call: ToolCall) -> list[tuple[dict[str, Any], int]]:
        header: dict[str, Any] = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        fragments = [
            call.arguments[i : i + _ARGUMENT_FRAGMENT]
            for i in range(0, len(call.arguments), _ARGUMENT_FRAGMENT)
        ]
        sequence: list[tuple[dict[str, Any], int]] = [(header, 1)]
        for fragment in fragments:
            delta: dict[str, Any] = {"index": index, "function": {"arguments": fragment}}
            if "repeat_tool_name" in self.quirks:
                delta = {**header, "function": {"name": call.name, "arguments": fragment}}
            sequence.append((delta, len(pieces(fragment))))
        if "no_index" in self.quirks:
            for delta, _ in sequence:
                delta.pop("index", None)
        return sequence
