"""Deprecated: the names 0.1.0 published here, kept importable for one more release.

The message and tool conversions now live in ``llama_index_hunyuan._messages`` and the stream
assembler in ``llama_index_hunyuan._stream``; both are internal. Importing this module warns.
"""

import warnings

from ._messages import (
    assistant_message,
    chat_response_from_completion,
    to_openai_message_dict,
    to_openai_message_dicts,
    to_openai_tools,
    tool_call_block,
    tool_selections_from_message,
    usage_kwargs,
    warn_on_invalid_arguments,
)
from ._stream import ChatStreamAssembler

__all__ = [
    "ChatStreamAssembler",
    "assistant_message",
    "chat_response_from_completion",
    "to_openai_message_dict",
    "to_openai_message_dicts",
    "to_openai_tools",
    "tool_call_block",
    "tool_selections_from_message",
    "usage_kwargs",
    "warn_on_invalid_arguments",
]

warnings.warn(
    "llama_index_hunyuan.utils is deprecated and will be removed; its helpers are internal "
    "(use Hunyuan's methods, or llama_index_hunyuan._messages at your own risk)",
    DeprecationWarning,
    stacklevel=2,
)
