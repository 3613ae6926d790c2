"""The contract between the core and a framework adapter: everything an adapter may use.

``langchain_hunyuan`` and ``llama_index_hunyuan`` import from the core only ``hunyuan_tokenhub``
(clients, errors, model data), ``hunyuan_tokenhub.jobs`` (job clients and results) and this
module; a test fails if one of them reaches into a private ``_`` module. A third adapter, or a
new class in an existing one, needs nothing else. What is here:

- settings: :class:`ClientSettings` and :func:`resolve_settings` (one object for every
  connection setting), :func:`resolve_api_key`, and the pydantic fields declaring them once
  for every adapter class: :class:`ChatConnectionFields` (chat models, embeddings) and
  :class:`JobConnectionFields` (generation tools), both :class:`ConnectionFields`;
- clients: :class:`LazyClients`, built by :func:`chat_clients` for a chat model or embeddings
  class and by :func:`job_clients` for a generation tool;
- chat: building a request (:func:`build_chat_request`, :func:`normalize_tool_choice`,
  :func:`tool_names`, :func:`format_tool_call`, :func:`format_assistant_message`), reading an
  answer (:func:`parse_completion`, :class:`ChatCompletion`, :func:`parse_tool_call`) or a
  stream (:class:`ChatStreamNormalizer` and its deltas), :func:`json_object_from_text`;
- model rules: :func:`get_model_info`, :class:`ModelInfo`, :class:`Notices`,
  :func:`forced_tool_choice_allowed`, :data:`ReasoningPassback`,
  :data:`StructuredOutputMethod`;
- what both adapters decide the same way: :func:`check_chat_settings` (fail-fast validation),
  :func:`required_tool_choice` (where a forced choice is downgraded), :func:`is_tool_error`
  and :func:`tool_errors` (which failures an agent reads as a tool error); copies and pickles are
  :meth:`ConnectionFields.copy_fields` and :meth:`ConnectionFields.pickled_fields`;
- embeddings: :class:`EmbeddingPlan`, :data:`EmbeddingInput`, :func:`image_input`;
- generation tools (loaded on first use, with the jobs package): the argument schemas an agent
  fills (:func:`args_schema`, :class:`ToolArgs`, :class:`JobStatusArgs`), the texts it reads
  (:func:`tool_description`, :func:`describe_result`, :func:`describe_started`,
  :func:`describe_status`, :func:`describe_error`), :func:`default_tool_model`,
  :func:`check_request_defaults`;
- :func:`require_extra`, for a clear error when the framework is not installed.

Example:
    .. code-block:: python

        from hunyuan_tokenhub.adapters import (
            ChatStreamNormalizer, build_chat_request, chat_clients, parse_completion,
            resolve_settings,
        )

        clients = chat_clients(resolve_settings())  # key: TOKENHUB_API_KEY
        messages = [{"role": "user", "content": "Hi"}]
        request = build_chat_request("deepseek-v4-flash", messages, {"temperature": 0.3})
        reply = parse_completion(clients.sync().chat_completions(request))
        print(reply.content)

        streamed = build_chat_request("deepseek-v4-flash", messages, {}, stream=True)
        normalizer = ChatStreamNormalizer(model="deepseek-v4-flash")
        for chunk in clients.sync().stream_chat_completions(streamed):
            delta = normalizer.feed(chunk)
            if delta is not None:
                print(delta.content or "", end="")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._adapter_clients import LazyClients, chat_clients
from ._adapter_rules import (
    check_chat_settings,
    is_tool_error,
    required_tool_choice,
    tool_errors,
)
from ._catalog import ModelInfo, ReasoningPassback, StructuredOutputMethod, get_model_info
from ._chat_request import (
    build_chat_request,
    format_assistant_message,
    format_tool_call,
    normalize_tool_choice,
    tool_names,
)
from ._chat_response import (
    ChatCompletion,
    ChatUsage,
    InvalidToolCall,
    ToolCall,
    json_object_from_text,
    parse_completion,
    parse_tool_call,
)
from ._chat_stream import ChatStreamNormalizer, StreamDelta, ToolCallDelta
from ._config import API_KEY_ENV_VARS, ClientSettings, resolve_api_key, resolve_settings
from ._connection_fields import ChatConnectionFields, ConnectionFields, JobConnectionFields
from ._embeddings import DEFAULT_EMBEDDING_MODEL, EmbeddingInput, EmbeddingPlan, image_input
from ._extras import require_extra
from ._rate_limit import RateLimiter
from ._thinking import Notices, forced_tool_choice_allowed

if TYPE_CHECKING:
    from .jobs.agent_tools import (
        DEFAULT_TOOL_MODELS,
        JOB_STATUS_TOOL_DESCRIPTION,
        JOB_STATUS_TOOL_NAME,
        TOOL_DESCRIPTIONS,
        JobStatusArgs,
        ToolArgs,
        args_schema,
        check_request_defaults,
        default_tool_model,
        describe_error,
        describe_result,
        describe_started,
        describe_status,
        job_clients,
        tool_description,
        tool_models,
    )

__all__ = [
    "API_KEY_ENV_VARS",
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_TOOL_MODELS",
    "JOB_STATUS_TOOL_DESCRIPTION",
    "JOB_STATUS_TOOL_NAME",
    "TOOL_DESCRIPTIONS",
    "ChatCompletion",
    "ChatConnectionFields",
    "ChatStreamNormalizer",
    "ChatUsage",
    "ClientSettings",
    "ConnectionFields",
    "EmbeddingInput",
    "EmbeddingPlan",
    "InvalidToolCall",
    "JobConnectionFields",
    "JobStatusArgs",
    "LazyClients",
    "ModelInfo",
    "Notices",
    "RateLimiter",
    "ReasoningPassback",
    "StreamDelta",
    "StructuredOutputMethod",
    "ToolArgs",
    "ToolCall",
    "ToolCallDelta",
    "args_schema",
    "build_chat_request",
    "chat_clients",
    "check_chat_settings",
    "check_request_defaults",
    "default_tool_model",
    "describe_error",
    "describe_result",
    "describe_started",
    "describe_status",
    "forced_tool_choice_allowed",
    "format_assistant_message",
    "format_tool_call",
    "get_model_info",
    "image_input",
    "is_tool_error",
    "job_clients",
    "json_object_from_text",
    "normalize_tool_choice",
    "parse_completion",
    "parse_tool_call",
    "require_extra",
    "required_tool_choice",
    "resolve_api_key",
    "resolve_settings",
    "tool_description",
    "tool_errors",
    "tool_models",
    "tool_names",
]

# The generation-tool names (imported above only for type checkers) load the jobs package,
# which a chat model never needs: importing it here would slow down every adapter's import.


def __getattr__(name: str) -> Any:
    if name in __all__:  # every other exported name is already a global
        value = getattr(importlib.import_module("hunyuan_tokenhub.jobs.agent_tools"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
