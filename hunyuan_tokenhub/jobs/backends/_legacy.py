"""What the aiart, ai3d and Cloud API 3.0 backends share.

* :class:`BindableBackend`: a route table rebuilt for each client's key, host or credentials.
* :func:`unwrap`: the answer's payload, with or without the ``{"Response": ...}`` envelope,
  after raising the typed error an error body stands for. Tencent Cloud answers errors with
  HTTP 200, so the HTTP layer cannot see them; this is where they become exceptions.
* :func:`error_for_code`: Cloud API (``AuthFailure.*``, ``RequestLimitExceeded*``, ...) and
  OpenAI-style codes onto the one exception hierarchy.
* :func:`pascal_case`: snake_case request fields to the Cloud API's PascalCase names.
* :class:`LegacyWireFormat`: submit and poll answers read into the normalised
  :class:`JobStatus`; :class:`GatewayWireFormat` adds the gateways' ``Authorization: <key>``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import SecretStr

from ..._config import API_KEY_ENV_VARS
from ..._exceptions import (
    APIError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    error_details,
)
from .._requests import JobRequest
from .._results import JobAsset, JobResult, JobStatus, expiry
from .._status import find_error, normalize_state
from ._base import Endpoint, HTTPCall, JobBackend, ModelRoute, WireFormat
from ._options import BackendOptions

__all__ = [
    "BindableBackend",
    "Credential",
    "GatewayWireFormat",
    "LegacyWireFormat",
    "cloud_params",
    "error_for_code",
    "gateway_base_url",
    "pascal_case",
    "request_id_of",
    "require_job_id",
    "resolve_gateway_key",
    "unwrap",
]

T = TypeVar("T")


# Most specific first: a code matches an entry equal to it or starting with it plus ".".
_CODE_CLASSES: Sequence[tuple[str, type[APIStatusError]]] = (
    ("AuthFailure.UnauthorizedOperation", PermissionDeniedError),
    ("AuthFailure", AuthenticationError),
    ("authentication_error", AuthenticationError),
    ("RequestLimitExceeded", RateLimitError),
    ("rate_limit_exceeded", RateLimitError),
    ("FailedOperation.JobNotExist", NotFoundError),
    ("FailedOperation.JobNotFound", NotFoundError),
    ("ResourceNotFound", NotFoundError),
    ("FailedOperation.ServiceNotActivated", PermissionDeniedError),
    ("ResourceUnavailable", PermissionDeniedError),
    ("ResourcesSoldOut", PermissionDeniedError),
    ("UnauthorizedOperation", PermissionDeniedError),
    ("model_not_available", PermissionDeniedError),
    ("InvalidParameter", BadRequestError),
    ("InvalidParameterValue", BadRequestError),
    ("MissingParameter", BadRequestError),
    ("UnknownParameter", BadRequestError),
    ("InvalidAction", BadRequestError),
    ("NoSuchVersion", BadRequestError),
    ("UnsupportedRegion", BadRequestError),
    ("UnsupportedOperation", BadRequestError),
    ("UnsupportedProtocol", BadRequestError),
    ("InvalidRequest", BadRequestError),
    ("invalid_request_error", BadRequestError),
    ("InternalError", InternalServerError),
    ("FailedOperation.InnerError", InternalServerError),
    ("FailedOperation.ServerError", InternalServerError),
    ("FailedOperation.RequestTimeout", InternalServerError),
    ("FailedOperation.RpcFail", InternalServerError),
    ("engine_server_error", InternalServerError),
    ("ServiceUnavailable", ServiceUnavailableError),
    ("service_unavailable", ServiceUnavailableError),
)


def error_for_code(
    code: str | None,
    message: str | None,
    *,
    request_id: str | None = None,
    status_code: int = 200,
    body: Any = None,
) -> APIStatusError:
    """The typed error for a service error code; ``status_code`` is the HTTP status it came
    with (200 for Tencent Cloud API 3.0, which reports every error in the body)."""
    cls: type[APIStatusError] = APIStatusError
    for prefix, candidate in _CODE_CLASSES:
        if code is not None and (code == prefix or code.startswith(prefix + ".")):
            cls = candidate
            break
    return cls(
        message or code or "the service reported an error",
        status_code=status_code,
        code=code,
        request_id=request_id,
        body=body,
    )


def unwrap(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The payload of an answer (inside ``Response`` if enveloped); raises if it is an error.

    Error bodies recognised: ``{"Response": {"Error": {...}}}``, a bare ``{"Error": {...}}``
    and the OpenAI-style ``{"error": {...}}``.
    """
    response = body.get("Response")
    payload: Mapping[str, Any] = response if isinstance(response, Mapping) else body
    if isinstance(payload.get("Error"), Mapping):
        details = error_details({"Response": payload})
    elif isinstance(payload.get("error"), Mapping):
        details = error_details(payload)
    else:
        return payload
    raise error_for_code(
        details.code, details.message, request_id=details.request_id, body=dict(body)
    )


def request_id_of(payload: Mapping[str, Any]) -> str | None:
    value = payload.get("RequestId") or payload.get("request_id")
    return str(value) if value else None


def require_job_id(model: str, payload: Mapping[str, Any], *keys: str) -> str:
    """The job id under the first of ``keys`` present, or an error naming what came back."""
    for key in keys:
        value = payload.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    raise APIError(
        f"the {model} submit answer has no job id ({' or '.join(keys)}); "
        f"got fields: {', '.join(sorted(map(str, payload))) or 'none'}",
        request_id=request_id_of(payload),
        body=dict(payload),
    )


# The Cloud API spells these words in capitals (EnablePBR, BGM, BGMText).
_ACRONYMS = {"pbr": "PBR", "bgm": "BGM"}


def pascal_case(value: Any) -> Any:
    """Keys of (nested) dicts from snake_case to PascalCase: ``enable_pbr`` -> ``EnablePBR``.

    Keys already starting with a capital pass unchanged, so a caller may also give a field in
    the Cloud API's own spelling.
    """
    if isinstance(value, Mapping):
        return {_pascal_key(str(key)): pascal_case(item) for key, item in value.items()}
    if isinstance(value, list):
        return [pascal_case(item) for item in value]
    return value


def cloud_params(request: JobRequest) -> dict[str, Any]:
    """A validated request's fields as the Cloud API action's PascalCase parameters."""
    params = request.model_dump(mode="json", exclude_none=True)
    params.pop("model", None)
    converted: dict[str, Any] = pascal_case(params)
    return converted


def _pascal_key(key: str) -> str:
    if key[:1].isupper():
        return key
    return "".join(_ACRONYMS.get(part, part[:1].upper() + part[1:]) for part in key.split("_"))


class LegacyWireFormat(WireFormat):
    """Reads the job answers of the older APIs; subclasses say where the fields are.

    ``JOB_ID_KEYS``: where a submit answer may hold the job id (the first also names it in a
    query); :meth:`raw_status` and :meth:`assets` read one poll's payload.
    """

    JOB_ID_KEYS: ClassVar[tuple[str, ...]]

    @abstractmethod
    def raw_status(self, payload: Mapping[str, Any]) -> Any:
        """The service's own status word or code."""

    @abstractmethod
    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        """The produced files of a completed job."""

    def parse_submit(self, route: ModelRoute, body: Mapping[str, Any]) -> str:
        return require_job_id(route.model, unwrap(body), *self.JOB_ID_KEYS)

    def parse_query(self, route: ModelRoute, job_id: str, body: Mapping[str, Any]) -> JobStatus:
        payload = unwrap(body)
        raw_status = self.raw_status(payload)
        code, message = find_error(payload)
        state = normalize_state(raw_status, has_error=bool(code or message))
        request_id = request_id_of(payload)
        result = None
        assets = self.assets(route, payload) if state == "completed" else []
        if state == "completed" and not assets:
            # As on TokenHub: done, but nothing to hand over is a failed job for the caller.
            state, message = "failed", message or "the job completed without any result file"
        if state == "completed":
            result = JobResult(
                job_id=job_id,
                model=route.model,
                kind=route.kind,
                assets=assets,
                request_id=request_id,
                expires_at=expiry(route.url_lifetime, None),
                raw=dict(body),
            )
        return JobStatus(
            job_id=job_id,
            model=route.model,
            state=state,
            progress=100 if state == "completed" else None,
            raw_status=None if raw_status is None else str(raw_status),
            error_code=code if state == "failed" else None,
            error_message=message if state == "failed" else None,
            request_id=request_id,
            result=result,
            raw=dict(body),
        )

    def parse_sync(self, route: ModelRoute, body: Mapping[str, Any]) -> JobResult:
        raise InvalidParameterError("model", f"{route.model} is a job, not a synchronous model")


def resolve_gateway_key(options: BackendOptions, backend: str) -> SecretStr:
    """The gateway key: ``api_key=``, else ``TOKENHUB_API_KEY``, else ``HUNYUAN_API_KEY``."""
    if options.api_key is not None and options.api_key.get_secret_value().strip():
        return SecretStr(options.api_key.get_secret_value().strip())
    # The same variables as TokenHub's key, in the same order.
    for name in API_KEY_ENV_VARS:
        value = options.env.get(name, "").strip()
        if value:
            return SecretStr(value)
    raise ConfigurationError(
        f"the {backend!r} backend needs its API key (sk-...): pass api_key=... or set "
        f"{' or '.join(API_KEY_ENV_VARS)}"
    )


def gateway_base_url(options: BackendOptions, default: str) -> str:
    """The service root: ``base_url=`` (a trailing ``/v1`` is dropped, paths add it) or the
    documented host."""
    url = (options.base_url or default).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"base_url must be an http(s) URL, got {url!r}")
    return url.removesuffix("/v1")


class Credential(Generic[T]):
    """A credential resolved now (``eager``, so a bound client fails at construction) or at
    each use (the registered instance, which must import without any credentials)."""

    def __init__(self, resolve: Callable[[], T], *, eager: bool) -> None:
        self._resolve = resolve
        self._value = resolve() if eager else None

    def __repr__(self) -> str:
        return "Credential(...)"

    def get(self) -> T:
        return self._value if self._value is not None else self._resolve()


class GatewayWireFormat(LegacyWireFormat):
    """Base of the aiart and ai3d gateways: ``Authorization: <key>`` (no ``Bearer``), error
    bodies raised as typed errors."""

    def __init__(self, key: Credential[SecretStr]) -> None:
        self._key = key

    def call(self, endpoint: Endpoint, body: dict[str, Any], *, submit: bool = False) -> HTTPCall:
        headers = {"Authorization": self._key.get().get_secret_value()}
        return HTTPCall(endpoint, body, submit=submit, headers=headers, check_answer=unwrap)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query is not None
        return self.call(route.query, {self.JOB_ID_KEYS[0]: job_id})


@dataclass(frozen=True)
class BindableBackend(JobBackend):
    """A backend whose route table depends on the client's key, host or credentials.

    The registered instance reads everything from the environment when a call is built;
    :meth:`configure` binds it to a client's arguments and checks them at once.
    """

    build: Callable[[BackendOptions, bool], Mapping[str, ModelRoute]] = field(
        repr=False, compare=False
    )

    @property
    def sends_own_auth(self) -> bool:
        return True

    @classmethod
    def create(
        cls, name: str, build: Callable[[BackendOptions, bool], Mapping[str, ModelRoute]]
    ) -> BindableBackend:
        """The unbound instance to register (credentials read from the env per call)."""
        return cls(name=name, routes=build(BackendOptions(), False), build=build)

    def configure(self, options: BackendOptions) -> JobBackend:
        """This backend bound to ``options``; a missing credential raises here."""
        return BindableBackend(name=self.name, routes=self.build(options, True), build=self.build)
