"""What Tencent Cloud's job APIs share: API 3.0 (``tencentcloud``) and the aiart/ai3d gateways
in front of the same actions.

* :func:`unwrap`: the answer's payload, with or without the ``{"Response": ...}`` envelope,
  after raising the typed error an error body stands for. Tencent Cloud answers errors with
  HTTP 200; the backends hand it to the request loop as the response check, so such an error
  is retried (or not) like the same error with its own status.
* :func:`error_for_code`: Cloud API (``AuthFailure.*``, ``RequestLimitExceeded*``, ...) and
  OpenAI-style codes onto the one exception hierarchy.
* :func:`pascal_case`: snake_case request fields to the Cloud API's PascalCase names.
* :class:`CloudJobBackend`: submit and poll answers read into the normalised
  :class:`JobStatus`; :class:`GatewayBackend` adds the gateways' ``Authorization: <key>``
  and service root.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import SecretStr

from ..._catalog import ModelInfo
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
from ._base import CatalogRoutes, HTTPCall, JobBackend, ModelRoute
from ._options import BackendOptions

__all__ = [
    "CloudJobBackend",
    "GatewayBackend",
    "cloud_params",
    "error_for_code",
    "pascal_case",
    "request_id_of",
    "require_job_id",
    "resolve_gateway_key",
    "service_root",
    "unwrap",
]


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


class CloudJobBackend(JobBackend):
    """Reads the job answers of Tencent Cloud's APIs; subclasses say where the fields are.

    ``JOB_ID_KEYS``: where a submit answer may hold the job id (the first also names it in a
    query); :meth:`raw_status` and :meth:`assets` read one poll's payload.
    """

    JOB_ID_KEYS: ClassVar[tuple[str, ...]]

    @property
    def sends_own_auth(self) -> bool:
        return True

    @abstractmethod
    def raw_status(self, route: ModelRoute, payload: Mapping[str, Any]) -> Any:
        """The service's own status word or code."""

    @abstractmethod
    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        """The produced files of a completed job."""

    def job_id(self, route: ModelRoute, answer: Mapping[str, Any]) -> str:
        return require_job_id(route.model, unwrap(answer), *self.JOB_ID_KEYS)

    def job_status(self, route: ModelRoute, job_id: str, answer: Mapping[str, Any]) -> JobStatus:
        payload = unwrap(answer)
        raw_status = self.raw_status(route, payload)
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
                raw=dict(answer),
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
            raw=dict(answer),
        )

    def sync_result(self, route: ModelRoute, answer: Mapping[str, Any]) -> JobResult:
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


def service_root(url: str) -> str:
    """A service root as given by ``base_url`` (a trailing ``/v1`` is dropped, paths add it)."""
    root = url.strip().rstrip("/")
    if not root.startswith(("http://", "https://")):
        raise ConfigurationError(f"base_url must be an http(s) URL, got {root!r}")
    if not urlsplit(root).netloc:
        raise ConfigurationError(f"base_url has no host: {root!r}")
    return root.removesuffix("/v1")


class GatewayBackend(CloudJobBackend):
    """Base of the aiart and ai3d gateways: ``Authorization: <key>`` (no ``Bearer``) on every
    call to the gateway's root, error bodies raised as typed errors inside the request loop.

    Built without options (as :func:`get_backend` returns it), the key and host are read from
    the environment at each call; :meth:`configure` binds them and fails at once when missing.
    """

    DEFAULT_BASE_URL: ClassVar[str]
    SUBMIT_PATH: ClassVar[str]
    QUERY_PATH: ClassVar[str]

    def __init__(self, options: BackendOptions | None = None) -> None:
        self._key = resolve_gateway_key(options, self.name) if options is not None else None
        self.base_url = service_root(
            (options.base_url if options is not None else None) or self.DEFAULT_BASE_URL
        )
        """The gateway's root (``base_url`` without ``/v1``, else the documented host)."""
        self.routes = CatalogRoutes(self.name, self._route)

    def _route(self, info: ModelInfo) -> ModelRoute:
        return ModelRoute.from_data(info, submit_path=self.SUBMIT_PATH, query_path=self.QUERY_PATH)

    def configure(self, options: BackendOptions) -> JobBackend:
        return type(self)(options)

    def call(self, path: str, body: dict[str, Any], *, submit: bool = False) -> HTTPCall:
        key = self._key or resolve_gateway_key(BackendOptions(), self.name)
        return HTTPCall(
            path,
            body,
            base_url=self.base_url,
            submit=submit,
            headers={"Authorization": key.get_secret_value()},
            check=unwrap,
        )

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query_path is not None
        return self.call(route.query_path, {self.JOB_ID_KEYS[0]: job_id})
