"""One exception hierarchy for everything the package raises.

Every error carries what the server told us (HTTP status, error code, message, request id) so
that a user can report it to Tencent; none ever carries the API key or request headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ContextLengthExceededError",
    "ErrorDetails",
    "InternalServerError",
    "InvalidParameterError",
    "JobError",
    "JobFailedError",
    "JobTimeoutError",
    "ModelNotAvailableError",
    "ModelNotEnabledError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "SharedLimitsUnavailableError",
    "StreamError",
    "SubmitTimeoutError",
    "TokenHubError",
    "error_details",
    "error_from_response",
    "scrub_secret",
]


class TokenHubError(Exception):
    """Base class of every error this package raises.

    Subclasses tell what went wrong: :class:`APIStatusError` (and one class per status, e.g.
    :class:`PermissionDeniedError`) carries ``status_code``, ``code`` and ``request_id``;
    :class:`JobError` a generation job's failure; :class:`InvalidParameterError` a parameter
    refused before anything was sent.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import (
                APIStatusError, ModelNotAvailableError, TokenHubClient, TokenHubError,
            )

            with TokenHubClient() as client:  # key from TOKENHUB_API_KEY
                try:
                    client.chat_completions(
                        {"model": "no-such-model", "messages": [{"role": "user", "content": "Hi"}]}
                    )
                except ModelNotAvailableError as exc:  # HTTP 400, code 400004
                    print(exc.model, exc.status_code, exc.code, exc.type, exc.request_id)
                except APIStatusError as exc:  # any other error status
                    print(exc.status_code, exc.code, exc.source, exc.message_zh)
                except TokenHubError as exc:  # connection lost, timeout, ...
                    print("failed:", exc)
    """


class ConfigurationError(TokenHubError, ValueError):
    """A setting is missing or invalid (no API key, unknown region, ...)."""


class SharedLimitsUnavailableError(TokenHubError):
    """The store that shares job slots or a rate limit between workers (Redis) failed.

    Raised at the first use, naming the store's URL (password masked); the package never falls
    back to per-process limits, which would overshoot the account's again. ``url`` is that
    masked URL.
    """

    def __init__(self, message: str, *, url: str) -> None:
        self.url = url
        super().__init__(message)


class InvalidParameterError(TokenHubError, ValueError):
    """A request parameter was rejected locally, before anything was sent.

    ``param`` names the parameter; ``allowed`` describes the accepted values.
    """

    def __init__(self, param: str, message: str, *, allowed: str | Sequence[Any] | None = None):
        self.param = param
        self.allowed = allowed
        text = f"{param}: {message}"
        if allowed is not None:
            shown = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed))
            text += f" (allowed: {shown})"
        super().__init__(text)


class APIError(TokenHubError):
    """The service, or the way to it, failed a request.

    From the gateway's error body: ``code`` (always a string, e.g. ``"400004"``), ``type``
    (e.g. ``"gateway_error"``, ``"rate_limit_error"``), ``source`` (``"client"``,
    ``"gateway"`` or ``"upstream"``), ``message_zh`` and ``request_id``; ``None`` when absent.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
        body: Any = None,
        type: str | None = None,
        source: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.request_id = request_id
        self.status_code = status_code
        self.body = body
        self.type = type
        self.source = source
        self.message_zh = message_zh
        super().__init__(message)

    def __str__(self) -> str:
        parts = [self.message]
        details = []
        if self.status_code is not None:
            details.append(f"status={self.status_code}")
        if self.code:
            details.append(f"code={self.code}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)


class APIStatusError(APIError):
    """The server answered with an error status (or an error body)."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        response_headers: Mapping[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, status_code=status_code, **details)
        self.response_headers = dict(response_headers or {})


class BadRequestError(APIStatusError):
    """HTTP 400 ``invalid_request_error``: the parameters were rejected."""


class ContextLengthExceededError(BadRequestError):
    """HTTP 400: the messages (plus ``max_tokens``) do not fit the model's context window."""


class AuthenticationError(APIStatusError):
    """HTTP 401 ``authentication_error``: the API key is invalid."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key may not use this model or resource."""


class NotFoundError(APIStatusError):
    """HTTP 404: wrong path or unknown resource."""


class RateLimitError(APIStatusError):
    """HTTP 429 ``rate_limit_exceeded`` (or a concurrency limit on generation jobs)."""

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait, if it said."""
        from ._retry import parse_retry_after

        return parse_retry_after(self.response_headers.get("retry-after"))


class InternalServerError(APIStatusError):
    """HTTP 5xx, e.g. 500 ``engine_server_error``."""


class ServiceUnavailableError(InternalServerError):
    """HTTP 503 ``service_unavailable``."""


class ModelNotAvailableError(APIStatusError):
    """The model or service id is unknown to the gateway, retired, or not in the plan.

    Catch this one class for every such answer; each is also its status class:
    :class:`ModelNotFoundError` (HTTP 400, code ``400004``) is a :class:`BadRequestError`,
    :class:`ModelNotEnabledError` (HTTP 403) a :class:`PermissionDeniedError`. ``model`` names
    the model that was asked for, when known.
    """

    def __init__(self, message: str, *, model: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.model = model


class ModelNotFoundError(ModelNotAvailableError, BadRequestError):
    """HTTP 400 ``400004``: no such model or service id (also a retired model's answer)."""


class ModelNotEnabledError(ModelNotAvailableError, PermissionDeniedError):
    """HTTP 403: the model exists but the account's plan or key does not include it."""


class APIConnectionError(APIError):
    """The request never got an answer: DNS, connect, TLS or a dropped connection."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class StreamError(APIError):
    """A streamed response was malformed or ended before ``data: [DONE]``.

    ``raw_line`` is the offending SSE line, when there is one.
    """

    def __init__(self, message: str, *, raw_line: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.raw_line = raw_line


class JobError(TokenHubError):
    """A generation job did not produce a result."""

    def __init__(self, message: str, *, job_id: str, model: str | None = None) -> None:
        self.job_id = job_id
        self.model = model
        super().__init__(message)


class JobFailedError(JobError):
    """The server reported the job as failed; ``code``/``message`` are the server's."""

    def __init__(
        self,
        *,
        job_id: str,
        model: str | None = None,
        code: str | None = None,
        message: str | None = None,
        request_id: str | None = None,
        raw: Any = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.raw = raw
        text = f"generation job {job_id} failed"
        if code:
            text += f": {code}"
        if message:
            text += f" - {message}"
        if request_id:
            text += f" (request_id={request_id})"
        super().__init__(text, job_id=job_id, model=model)


class JobTimeoutError(JobError):
    """Waiting for the job timed out. The job may still finish: wait again with its id."""

    def __init__(self, *, job_id: str, model: str | None = None, elapsed: float) -> None:
        self.elapsed = elapsed
        super().__init__(
            f"generation job {job_id} still running after {elapsed:.1f}s; the server has no "
            "cancel, so it keeps running: resume with wait_for_job(job_id)",
            job_id=job_id,
            model=model,
        )


class SubmitTimeoutError(TokenHubError, TimeoutError):
    """No job was started within the timeout: no free slot, or the server kept refusing.

    Nothing was submitted, so nothing is running or billed.
    """

    def __init__(self, message: str, *, model: str) -> None:
        self.model = model
        super().__init__(message)


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

def _first_str(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


@dataclass(frozen=True)
class ErrorDetails:
    """What an error body says, whichever documented shape it has."""

    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    type: str | None = None
    source: str | None = None
    message_zh: str | None = None


def error_details(body: Any) -> ErrorDetails:
    """Read an error body: TokenHub's ``{"error": {"message", "message_zh", "code", "type",
    "source", "request_id"}}`` (``code`` a string or an integer), Tencent Cloud API 3.0's
    ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`` or a flat
    ``{"code", "message", "request_id"}``.
    """
    if not isinstance(body, Mapping):
        return ErrorDetails()
    response = body.get("Response")
    if isinstance(response, Mapping):
        error = response.get("Error")
        error = error if isinstance(error, Mapping) else {}
        return ErrorDetails(
            code=_first_str(error.get("Code")),
            message=_first_str(error.get("Message")),
            request_id=_first_str(response.get("RequestId")),
        )
    error = body.get("error")
    if isinstance(error, Mapping):
        return ErrorDetails(
            code=_first_str(error.get("code"), error.get("type")),
            message=_first_str(error.get("message")),
            request_id=_first_str(body.get("request_id"), error.get("request_id"), body.get("id")),
            type=_first_str(error.get("type")),
            source=_first_str(error.get("source")),
            message_zh=_first_str(error.get("message_zh")),
        )
    return ErrorDetails(
        code=_first_str(body.get("code"), body.get("error_code")),
        message=_first_str(body.get("message"), body.get("error_msg"), error),
        request_id=_first_str(body.get("request_id"), body.get("RequestId")),
    )


def load_json(data: str | bytes) -> Any:
    """``json.loads`` that raises ``ValueError`` for a document nested too deeply to parse too
    (the standard parser raises ``RecursionError`` for it)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply to parse") from None


# TokenHub's business codes are six digits whose first three are the HTTP status they go with
# (400004, 401002, 429006: https://cloud.tencent.com/document/product/1823/131595, as quoted
# by public clients, read 2026-12-01); an error inside a stream has no status of its own.
_STATUS_IN_CODE = re.compile(r"([45]\d\d)\d{3}")
_STATUS_OF_NAME = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "model_not_available": 403,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "engine_server_error": 500,
    "service_unavailable": 503,
}
# Codes that say the model is not available to the key, with the HTTP status each comes with.
_MODEL_UNAVAILABLE_CODES = {"400004": 400, "403002": 403, "model_not_available": 403}


def status_of_error(details: ErrorDetails) -> int | None:
    """The HTTP status an error object stands for, from its code or type (for stream errors)."""
    match = _STATUS_IN_CODE.fullmatch(details.code or "")
    if match:
        return int(match.group(1))
    for name in (details.code, details.type):
        if name in _STATUS_OF_NAME:
            return _STATUS_OF_NAME[name]
    return None


def typed_error(
    status_code: int,
    details: ErrorDetails,
    *,
    body: Any,
    headers: Mapping[str, str] | None = None,
    model: str | None = None,
    fallback_message: str | None = None,
) -> APIStatusError:
    """The exception class and fields for an error answer with this status and body."""
    message = details.message or fallback_message or f"HTTP {status_code}"
    fields: dict[str, Any] = {
        "status_code": status_code,
        "code": details.code,
        "request_id": details.request_id,
        "type": details.type,
        "source": details.source,
        "message_zh": details.message_zh,
        "body": body,
        "response_headers": headers,
    }
    if _MODEL_UNAVAILABLE_CODES.get(details.code or "") == status_code:
        cls: type[ModelNotAvailableError] = (
            ModelNotFoundError if status_code == 400 else ModelNotEnabledError
        )
        named = f"model {model!r}" if model else "the model"
        return cls(
            f"{message} ({named} is not available to this key: list the account's models with "
            "TokenHubClient().list_models() or `hunyuan-tokenhub models --remote`)",
            model=model,
            **fields,
        )
    status_class = _STATUS_CLASSES.get(status_code)
    if status_class is BadRequestError and _is_context_overflow(details.code, message):
        status_class = ContextLengthExceededError
    if status_class is None:
        status_class = InternalServerError if status_code >= 500 else APIStatusError
    return status_class(message, **fields)


# TokenHub does not publish its wording for a prompt longer than the context window. The models'
# own APIs answer 400 with OpenAI's code context_length_exceeded or with DeepSeek's message
# "This model's maximum context length is 131072 tokens. However, you requested ..." under the
# generic code invalid_request_error (https://github.com/FoundationAgents/OpenManus/issues/79,
# https://github.com/evalstate/fast-agent/issues/621, read 2026-12-01); either is recognised.
_CONTEXT_OVERFLOW_CODES = frozenset({"context_length_exceeded"})
_CONTEXT_OVERFLOW_PHRASES = ("maximum context length", "context length exceeded")


def _is_context_overflow(code: str | None, message: str) -> bool:
    lowered = message.lower()
    return code in _CONTEXT_OVERFLOW_CODES or any(p in lowered for p in _CONTEXT_OVERFLOW_PHRASES)


def error_from_response(
    status_code: int,
    content: bytes,
    headers: Mapping[str, str],
    *,
    model: str | None = None,
) -> APIStatusError:
    """Build the typed error for an error response (``model``: the one the request named)."""
    try:
        body: Any = load_json(content) if content else None
    except ValueError:
        body = content.decode("utf-8", "replace")[:2000]
    details = error_details(body)
    if details.request_id is None:
        request_id = headers.get("x-request-id") or headers.get("x-tc-requestid")
        details = ErrorDetails(**{**details.__dict__, "request_id": request_id})
    return typed_error(
        status_code,
        details,
        body=body,
        headers=headers,
        model=model,
        fallback_message=body if isinstance(body, str) and body else None,
    )


_REDACTED = "***"


def _without(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, _REDACTED)
    if isinstance(value, Mapping):
        return {key: _without(item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, secret) for item in value]
    return value


def scrub_secret(error: APIError, secret: str) -> APIError:
    """Replace ``secret`` wherever ``error`` shows or keeps text from the server.

    A server may echo the key it rejected (in a 401 message, say); the key must still never
    reach an exception. ``error`` is changed in place and returned.
    """
    if not secret:
        return error
    error.message = _without(error.message, secret)
    error.body = _without(error.body, secret)
    error.args = tuple(_without(arg, secret) for arg in error.args)
    if isinstance(error, StreamError) and error.raw_line:
        error.raw_line = error.raw_line.replace(secret, _REDACTED)
    return error
