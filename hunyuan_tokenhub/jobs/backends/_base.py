"""What a job backend is: a route table and the submit/query protocol of one service.

A *route* is what one model is on one backend: which request type validates its parameters,
where its submit and query go (paths under the backend's service root), which concurrency
family it counts against. The :class:`JobBackend` turns a validated request into the
:class:`HTTPCall` that starts the job, a job id into the call that polls it, and the answers
into job ids, statuses and results. The job clients send the calls through the core client's
one request loop and know nothing of any body or answer shape. Route tables are built from
each model's ``GenerationSpec`` in the model data, so a model of a known family is one entry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import httpx
from pydantic import ValidationError

from ..._catalog import GenerationSpec, ModelInfo, list_models, registry_version
from ..._exceptions import InvalidParameterError
from .._requests import JobRequest, check_params, request_type_for
from .._results import URL_LIFETIMES, JobKind, JobResult, JobStatus
from ._options import BackendOptions

__all__ = ["CatalogRoutes", "HTTPCall", "JobBackend", "ModelRoute"]


@dataclass(frozen=True)
class HTTPCall:
    """One request a job client should send (``submit`` marks one that starts a paid job).

    ``base_url``: the service root (``None``: the client's own TokenHub hosts, with
    failover). ``check`` raises the typed error a successful HTTP answer may still stand for
    (Cloud API 3.0 reports errors in the body of an HTTP 200); it runs inside the request
    loop, so such an error is retried like the same error with its own status. ``auth`` signs
    the request's final bytes (Cloud API 3.0's TC3-HMAC-SHA256). ``body`` ``None`` is a GET.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            backend = get_backend("tokenhub")
            call = backend.query_call(backend.route("hy-image-v3.0"), "1234")
            print(call.method, call.path, call.body)  # POST /api/image/query {'model': ...}
    """

    path: str
    body: dict[str, Any] | None = None
    base_url: str | None = None
    submit: bool = False
    # Headers may hold a key (aiart/ai3d) and an auth a signing secret: never in a repr.
    headers: Mapping[str, str] | None = field(default=None, repr=False)
    check: Callable[[dict[str, Any]], object] | None = field(default=None, repr=False)
    auth: httpx.Auth | None = field(default=None, repr=False)

    @property
    def method(self) -> Literal["POST", "GET"]:
        return "GET" if self.body is None else "POST"


@dataclass(frozen=True)
class ModelRoute:
    """Everything about one model on one backend.

    ``submit_path`` and ``query_path`` are under the backend's service root; ``query_path``
    is ``None`` for a synchronous model (its submit call returns the result). ``family``
    groups models that share the account's concurrency limit, whose documented default is
    ``max_concurrent_jobs``. ``spec`` is the model's data entry (documented parameters,
    status words, URL lifetime).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            route = get_backend("tokenhub").route("HY-3D-3.1")
            print(route.model, route.kind, route.family, route.max_concurrent_jobs)
            # hy-3d-3.1 3d hy-3d-pro 3
    """

    model: str
    kind: JobKind
    request_type: type[JobRequest]
    submit_path: str
    query_path: str | None
    family: str
    max_concurrent_jobs: int = 1
    spec: GenerationSpec | None = field(default=None, repr=False)

    @property
    def synchronous(self) -> bool:
        return self.query_path is None

    @property
    def url_lifetime(self) -> timedelta | None:
        """How long result URLs stay valid: the data's value (``None`` where it documents
        none), else the kind's usual one for a route built by hand."""
        if self.spec is None:
            return URL_LIFETIMES[self.kind]
        hours = self.spec.url_lifetime_hours
        return timedelta(hours=hours) if hours is not None else None

    @property
    def statuses(self) -> Mapping[str, str]:
        """The model's documented status words and their normalised states."""
        return self.spec.statuses if self.spec is not None else {}

    @classmethod
    def from_data(cls, info: ModelInfo, *, submit_path: str, query_path: str | None) -> ModelRoute:
        """A route for a model entry of the data (kind, concurrency, parameters from there)."""
        assert info.generation is not None and info.kind != "chat" and info.kind != "embedding"
        spec = info.generation
        return cls(
            model=info.id.lower(),
            kind=info.kind,
            request_type=request_type_for(info),
            submit_path=submit_path,
            query_path=query_path,
            family=spec.concurrency_group or info.id.lower(),
            max_concurrent_jobs=spec.max_concurrent_jobs,
            spec=spec,
        )


class CatalogRoutes(Mapping[str, "ModelRoute"]):
    """The routes of every model whose data entry lists ``backend``, built on first use and
    again whenever an entry is registered or removed (a model added with ``register_model``
    is routed at once).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            routes = get_backend("tokenhub").routes  # a CatalogRoutes
            print(sorted(routes)[:3], routes["hy-video-1.5"].max_concurrent_jobs)
    """

    def __init__(self, backend: str, make: Callable[[ModelInfo], ModelRoute]) -> None:
        self.backend = backend
        self._make = make
        self._table: dict[str, ModelRoute] = {}
        self._version: int | None = None

    def _current(self) -> dict[str, ModelRoute]:
        version = registry_version()
        if self._version != version:
            self._table = {
                info.id.lower(): self._make(info)
                for info in list_models()
                if info.generation is not None and self.backend in info.generation.backends
            }
            self._version = version
        return self._table

    def __getitem__(self, model: str) -> ModelRoute:
        return self._current()[model]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def param_path(location: Sequence[str | int]) -> str:
    """A validation error's location as a parameter name: ``logo_param.logo_rect.width``,
    ``images[0]`` (the spelling the input-media checks use too)."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _error_param(error: Mapping[str, Any]) -> str:
    # Rules that span fields (one of prompt/image...) have no location.
    return param_path(error.get("loc", ())) or "parameters"


_BOUNDS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
_LENGTHS = (("min_length", "length >="), ("max_length", "length <="))


def _error_allowed(error: Mapping[str, Any]) -> str | None:
    """What the field accepts, from the validator's context (enumeration, bounds, length)."""
    context = error.get("ctx") or {}
    if "expected" in context:
        return str(context["expected"])
    limits = [f"{word} {context[key]}" for key, word in (*_BOUNDS, *_LENGTHS) if key in context]
    return " and ".join(limits) or None


def error_message(error: Mapping[str, Any]) -> str:
    """A validation error's message without pydantic's "Value error, " prefix."""
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


class JobBackend(ABC):
    """One service's route table and its submit/query protocol.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import build_request, get_backend

            backend = get_backend("tokenhub")
            route = backend.route("HY-3D-3.1")
            call = backend.submit_call(route, build_request("hy-3d-3.1", prompt="a teapot"))
            print(call.path, call.body)  # /api/3d/submit {'model': 'hy-3d-3.1', ...}
            print(backend.job_id(route, {"id": "1429", "status": "queued"}))  # 1429
    """

    name: str
    routes: Mapping[str, ModelRoute]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.routes)

    @property
    def sends_own_auth(self) -> bool:
        """True when every call carries its own credentials (TokenHub's key is not used)."""
        return False

    @property
    def uses_api_key(self) -> bool:
        """True when the service takes an API key (TokenHub's, or a gateway's in its own
        header); False when each call is signed instead (Cloud API 3.0) and there is none."""
        return True

    def configure(self, options: BackendOptions) -> JobBackend:
        """This backend bound to a client's key, host or credentials (missing ones raise
        here); TokenHub's needs none, its HTTP client holds them."""
        return self

    @abstractmethod
    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        """The call that starts a job (or, for a synchronous model, produces the result)."""

    @abstractmethod
    def job_id(self, route: ModelRoute, answer: Mapping[str, Any]) -> str:
        """The job id in a submit answer."""

    @abstractmethod
    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        """The call that polls a job."""

    @abstractmethod
    def job_status(self, route: ModelRoute, job_id: str, answer: Mapping[str, Any]) -> JobStatus:
        """A poll answer as a normalised status (with the result once completed)."""

    @abstractmethod
    def sync_result(self, route: ModelRoute, answer: Mapping[str, Any]) -> JobResult:
        """The answer of a synchronous model as a finished result."""

    def route(self, model: str) -> ModelRoute:
        """The route of ``model`` (case-insensitive); a clear error for a model not offered."""
        route = self.routes.get(model.strip().lower()) if isinstance(model, str) else None
        if route is None:
            raise InvalidParameterError(
                "model",
                f"{model!r} is not a generation model of the {self.name!r} backend",
                allowed=self.models,
            )
        return route

    def build_request(
        self, model: str, request: JobRequest | Mapping[str, Any] | None = None, **params: Any
    ) -> JobRequest:
        """Validate parameters for ``model`` into its request type, before anything is sent.

        ``request`` may be a ready request object or a mapping; keyword parameters are merged
        on top. Errors are :class:`InvalidParameterError` naming the field and what it allows.
        """
        route = self.route(model)
        if isinstance(request, JobRequest):
            data: dict[str, Any] = request.model_dump(exclude_unset=True)
        else:
            data = dict(request or {})
        data.update(params)
        data.setdefault("model", route.model)
        if str(data["model"]).strip().lower() != route.model:
            raise InvalidParameterError(
                "model", f"the request is for {data['model']!r}, not {route.model!r}"
            )
        try:
            validated = route.request_type.model_validate(data)
        except ValidationError as exc:
            missing = [param_path(e["loc"]) for e in exc.errors() if e["type"] == "missing"]
            if len(missing) > 1:  # name every one at once, not one per attempt
                raise InvalidParameterError(
                    ", ".join(missing), f"are required [model {route.model}]"
                ) from None
            first = exc.errors()[0]
            error = InvalidParameterError(
                _error_param(first), f"{error_message(first)} [model {route.model}]"
            )
            # The message already says what is allowed; ``allowed`` is for programs.
            error.allowed = _error_allowed(first)
            raise error from None
        if route.spec is not None:
            values = validated.model_dump(mode="json", exclude_none=True)
            check_params(route.spec.params, values, model=route.model)
        return validated
