"""What a job backend is: a route table plus the wire format its routes speak.

A *route* says, for one model, which request type validates its parameters, where submit and
query go, which concurrency family it counts against, and which :class:`WireFormat` spells the
bodies and reads the answers. The client only ever asks a backend for a route, so adding a
service (the older aiart/ai3d endpoints, Tencent Cloud API 3.0) is a new backend module, and
a moved endpoint is one edit in one table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pydantic import ValidationError

from ..._catalog import GenerationSpec, ModelInfo, list_models, registry_version
from ..._exceptions import InvalidParameterError
from .._requests import JobRequest, check_params
from .._results import URL_LIFETIMES, JobKind, JobResult, JobStatus
from ._options import BackendOptions

__all__ = ["CatalogRoutes", "Endpoint", "HTTPCall", "JobBackend", "ModelRoute", "WireFormat"]


@dataclass(frozen=True)
class Endpoint:
    """A path, relative to the client's base URL unless ``base_url`` names another service.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            route = get_backend("tokenhub").route("hy-image-v3.0")
            print(route.submit)  # Endpoint(path='/api/image/submit', base_url=None)
    """

    path: str
    base_url: str | None = None


@dataclass(frozen=True)
class HTTPCall:
    """One POST the client should send (``submit`` marks a call that starts a paid job).

    ``check_answer`` raises the typed error a successful HTTP answer may still stand for (Cloud
    API 3.0 reports errors in the body of an HTTP 200); the client calls it before anything
    else reads the answer, so a refused submit is retried like an HTTP 429.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            route = get_backend("tokenhub").route("hy-image-v3.0")
            call = route.wire.query_call(route, "1234")
            print(call.endpoint.path, call.body)  # /api/image/query {'model': ..., 'id': '1234'}
    """

    endpoint: Endpoint
    body: dict[str, Any]
    submit: bool = False
    # Headers may hold a key (aiart/ai3d) or a signature: never in a repr.
    headers: Mapping[str, str] | None = field(default=None, repr=False)
    check_answer: Callable[[Mapping[str, Any]], object] | None = None
    method: Literal["POST", "GET"] = "POST"
    """``GET`` sends no body (a task looked up by its path)."""


class WireFormat(ABC):
    """How one backend spells request bodies and reads its answers.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            route = get_backend("tokenhub").route("hy-image-v3.0")
            request = route.request_type(model="hy-image-v3.0", prompt="a koi pond")
            print(route.wire.submit_call(route, request).body)  # the JSON body to POST
            print(route.wire.parse_submit(route, {"id": "1234", "status": "queued"}))  # 1234
    """

    @abstractmethod
    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        """The call that starts a job (or, for a synchronous model, produces the result)."""

    @abstractmethod
    def parse_submit(self, route: ModelRoute, body: Mapping[str, Any]) -> str:
        """The job id in a submit answer."""

    @abstractmethod
    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        """The call that polls a job."""

    @abstractmethod
    def parse_query(self, route: ModelRoute, job_id: str, body: Mapping[str, Any]) -> JobStatus:
        """A poll answer as a normalised status (with the result once completed)."""

    @abstractmethod
    def parse_sync(self, route: ModelRoute, body: Mapping[str, Any]) -> JobResult:
        """The answer of a synchronous model as a finished result."""


@dataclass(frozen=True)
class ModelRoute:
    """Everything about one model on one backend.

    ``query`` is ``None`` for a synchronous model (its ``submit`` call returns the result).
    ``family`` groups models that share the account's concurrency limit, whose documented
    default is ``max_concurrent_jobs``. ``spec`` is the model's data entry (documented
    parameters, status words, URL lifetime) for routes derived from the model data.

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
    submit: Endpoint
    query: Endpoint | None
    wire: WireFormat
    family: str
    max_concurrent_jobs: int = 1
    spec: GenerationSpec | None = field(default=None, repr=False)

    @property
    def synchronous(self) -> bool:
        return self.query is None

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
    def from_data(
        cls,
        info: ModelInfo,
        *,
        request_type: type[JobRequest],
        submit: Endpoint,
        query: Endpoint | None,
        wire: WireFormat,
    ) -> ModelRoute:
        """A route for a model entry of the data (kind, concurrency, parameters from there)."""
        assert info.generation is not None and info.kind != "chat" and info.kind != "embedding"
        spec = info.generation
        return cls(
            model=info.id.lower(),
            kind=info.kind,
            request_type=request_type,
            submit=submit,
            query=query,
            wire=wire,
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


@dataclass(frozen=True)
class JobBackend:
    """A named route table.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import get_backend

            backend = get_backend("tokenhub")
            route = backend.route("HY-3D-3.1")
            route.submit.path, route.family  # ("/api/3d/submit", "hy-3d-pro")
    """

    name: str
    routes: Mapping[str, ModelRoute] = field(repr=False)

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.routes)

    @property
    def sends_own_auth(self) -> bool:
        """True when every call carries its own ``Authorization`` (the client's key unused)."""
        return False

    def configure(self, options: BackendOptions) -> JobBackend:
        """This backend bound to a client's key, host or credentials (see ``_legacy.py``);
        TokenHub's needs none, its HTTP client holds them."""
        return self

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
