"""Job backends, chosen by name: each is one service's route table and submit/query protocol.

``tokenhub`` is the default (or the one ``HUNYUAN_BACKEND`` names); ``aiart`` and ``ai3d`` are
the older Hunyuan gateways, ``tencentcloud`` Tencent Cloud API 3.0 (TC3-signed). A
:class:`JobBackend` object may also be passed wherever a name is taken.
"""

from __future__ import annotations

import os

from ..._exceptions import ConfigurationError
from ._base import HTTPCall, JobBackend, ModelRoute
from ._options import BACKEND_ENV_VAR, BackendOptions
from .ai3d import Ai3dBackend
from .aiart import AiartBackend
from .tencentcloud import TencentCloudBackend
from .tokenhub import TokenHubBackend, parse_assets

__all__ = [
    "BACKEND_ENV_VAR",
    "DEFAULT_BACKEND",
    "BackendOptions",
    "HTTPCall",
    "JobBackend",
    "ModelRoute",
    "available_backends",
    "get_backend",
    "parse_assets",
]

DEFAULT_BACKEND = "tokenhub"

# Unbound instances: the non-TokenHub ones read their credentials from the environment at each
# call until ``configure`` binds them to a client's.
_BACKENDS: dict[str, JobBackend] = {
    backend.name: backend
    for backend in (TokenHubBackend(), AiartBackend(), Ai3dBackend(), TencentCloudBackend())
}


def available_backends() -> tuple[str, ...]:
    """Names of every backend."""
    return tuple(_BACKENDS)


def get_backend(backend: str | JobBackend | None = None) -> JobBackend:
    """The backend called ``backend`` (else ``HUNYUAN_BACKEND``, else ``tokenhub``); a
    backend object passes through."""
    if isinstance(backend, JobBackend):
        return backend
    backend = backend or os.environ.get(BACKEND_ENV_VAR, "").strip() or None
    name = (backend or DEFAULT_BACKEND).strip().lower()
    found = _BACKENDS.get(name)
    if found is None:
        raise ConfigurationError(
            f"unknown job backend {backend!r}; available: {', '.join(available_backends())}"
        )
    return found
