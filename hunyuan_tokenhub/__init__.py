"""hunyuan-tokenhub core: the framework-free TokenHub client.

Importing this package never imports LangChain or LlamaIndex; the adapters live in
``langchain_hunyuan`` and ``llama_index_hunyuan``.
"""

from typing import TYPE_CHECKING

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContextLengthExceededError,
    InternalServerError,
    InvalidParameterError,
    JobError,
    JobFailedError,
    JobTimeoutError,
    ModelNotAvailableError,
    ModelNotEnabledError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    SharedLimitsUnavailableError,
    StreamError,
    SubmitTimeoutError,
    TokenHubError,
)
from ._version import __version__

__all__ = [
    "HOSTS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncTokenHubClient",
    "AuthenticationError",
    "BadRequestError",
    "ClientSettings",
    "ConfigurationError",
    "ContextLengthExceededError",
    "EmbeddingResult",
    "InternalServerError",
    "InvalidParameterError",
    "JobError",
    "JobFailedError",
    "JobTimeoutError",
    "ModelInfo",
    "ModelNotAvailableError",
    "ModelNotEnabledError",
    "ModelNotFoundError",
    "NotFoundError",
    "Notices",
    "PermissionDeniedError",
    "RateLimitError",
    "ReasoningTagSplitter",
    "RedisRateLimit",
    "RemoteModel",
    "ServiceUnavailableError",
    "SharedLimitsUnavailableError",
    "StreamError",
    "SubmitTimeoutError",
    "TokenHubClient",
    "TokenHubError",
    "__version__",
    "build_chat_request",
    "get_model_info",
    "image_input",
    "list_models",
    "register_model",
    "resolve_settings",
    "unregister_model",
]

# The rest loads on first use (PEP 562): the CLI's --help and --version import this package and
# need neither httpx nor pydantic.
_LAZY_NAMES = {
    "ModelInfo": "_catalog",
    "get_model_info": "_catalog",
    "list_models": "_catalog",
    "register_model": "_catalog",
    "unregister_model": "_catalog",
    "build_chat_request": "_chat_request",
    "EmbeddingResult": "_embeddings",
    "image_input": "_embeddings",
    "RedisRateLimit": "_rate_limit",
    "RemoteModel": "_remote_models",
    "Notices": "_thinking",
    "ReasoningTagSplitter": "_thinking",
    "AsyncTokenHubClient": "_client",
    "TokenHubClient": "_client",
    "HOSTS": "_config",
    "ClientSettings": "_config",
    "resolve_settings": "_config",
    "AsyncJobClient": "jobs",
    "JobAsset": "jobs",
    "JobClient": "jobs",
    "JobResult": "jobs",
    "JobStatus": "jobs",
}
__all__ += [
    "AsyncJobClient",
    "JobAsset",
    "JobClient",
    "JobResult",
    "JobStatus",
]

if TYPE_CHECKING:
    from ._catalog import ModelInfo, get_model_info, list_models, register_model, unregister_model
    from ._chat_request import build_chat_request
    from ._client import AsyncTokenHubClient, TokenHubClient
    from ._config import HOSTS, ClientSettings, resolve_settings
    from ._embeddings import EmbeddingResult, image_input
    from ._rate_limit import RedisRateLimit
    from ._remote_models import RemoteModel
    from ._thinking import Notices, ReasoningTagSplitter
    from .jobs import (
        AsyncJobClient,
        JobAsset,
        JobClient,
        JobResult,
        JobStatus,
    )
else:
    # Defined for the interpreter only, so type checkers still flag misspelt names.
    def __getattr__(name):
        module = _LAZY_NAMES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value

    def __dir__():
        return sorted({*globals(), *__all__})
