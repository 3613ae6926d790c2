"""Job backends, chosen by name: each is a route table and the wire format it speaks.

``tokenhub`` is the default (or the one ``HUNYUAN_BACKEND`` names); ``aiart``, ``ai3d`` and
``tencentcloud`` speak the older Hunyuan endpoints. Another service registers its backend with
:func:`register_backend` and is then picked with ``JobClient(backend="<name>")`` or by the
LangChain/LlamaIndex tools' ``backend=`` argument.
"""

from __future__ import annotations

import os

from ..._exceptions import ConfigurationError
from ._base import Endpoint, HTTPCall, JobBackend, ModelRoute, WireFormat
from ._options import BACKEND_ENV_VAR, BackendOptions
from .ai3d import AI3D_BACKEND
from .aiart import AIART_BACKEND
from .tencentcloud import TENCENTCLOUD_BACKEND
from .tokenhub import TOKENHUB_BACKEND, TokenHubWireFormat, parse_assets

__all__ = [
    "BACKEND_ENV_VAR",
    "DEFAULT_BACKEND",
    "BackendOptions",
    "Endpoint",
    "HTTPCall",
    "JobBackend",
    "ModelRoute",
    "TokenHubWireFormat",
    "WireFormat",
    "available_backends",
    "get_backend",
    "parse_assets",
    "register_backend",
]

DEFAULT_BACKEND = "tokenhub"

_BACKENDS: dict[str, JobBackend] = {
    backend.name: backend
    for backend in (TOKENHUB_BACKEND, AIART_BACKEND, AI3D_BACKEND, TENCENTCLOUD_BACKEND)
}


def register_backend(backend: JobBackend) -> None:
    """Make ``backend`` selectable by its name (replacing one of the same name)."""
    _BACKENDS[backend.name.strip().lower()] = backend


def available_backends() -> tuple[str, ...]:
    """Names of every registered backend."""
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
