"""hunyuan-tokenhub core: the framework-free TokenHub client.

Importing this package never imports LangChain or LlamaIndex; the adapters live in
``langchain_hunyuan`` and ``llama_index_hunyuan``.
"""

from typing import TYPE_CHECKING

from ._catalog import ModelInfo, get_model_info, list_models
from ._client import AsyncTokenHubClient, TokenHubClient
from ._config import HOSTS, ClientSettings, resolve_settings
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
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
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
    "InternalServerError",
    "InvalidParameterError",
    "JobError",
    "JobFailedError",
    "JobTimeoutError",
    "ModelInfo",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "StreamError",
    "SubmitTimeoutError",
    "TokenHubClient",
    "TokenHubError",
    "__version__",
    "get_model_info",
    "list_models",
    "resolve_settings",
]

# Generation jobs (image, video, 3D); the full API lives in hunyuan_tokenhub.jobs. They are
# loaded on first use: building the jobs' pydantic request models is most of this package's
# import time, and a chat-only application never needs them.
__all__ += [
    "AsyncJobClient",
    "JobAsset",
    "JobClient",
    "JobResult",
    "JobStatus",
]

if TYPE_CHECKING:
    from .jobs import (
        AsyncJobClient,
        JobAsset,
        JobClient,
        JobResult,
        JobStatus,
    )
else:
    # Defined for the interpreter only, so type checkers still flag misspelt names. Every
    # exported name not bound above is one of the jobs names.
    def __getattr__(name):
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import jobs

        value = getattr(jobs, name)
        globals()[name] = value
        return value

    def __dir__():
        return sorted({*globals(), *__all__})
