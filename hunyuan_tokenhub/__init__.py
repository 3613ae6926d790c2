"""hunyuan-tokenhub core: the framework-free TokenHub client.

Importing this package never imports LangChain or LlamaIndex; the adapters live in
``langchain_hunyuan`` and ``llama_index_hunyuan``.
"""

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
    "TokenHubClient",
    "TokenHubError",
    "__version__",
    "get_model_info",
    "list_models",
    "resolve_settings",
]

# Generation jobs (image, video, 3D); the full API lives in hunyuan_tokenhub.jobs.
from .jobs import (
    AsyncJobClient,
    JobAsset,
    JobClient,
    JobResult,
    JobStatus,
    SubmitTimeoutError,
)

__all__ += [
    "AsyncJobClient",
    "JobAsset",
    "JobClient",
    "JobResult",
    "JobStatus",
    "SubmitTimeoutError",
]
