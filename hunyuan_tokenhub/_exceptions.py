"""One exception hierarchy for everything the package raises.

Every error carries what the server told us (HTTP status, error code, message, request id) so
that a user can report it to Tencent; none ever carries the API key or request headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
    "InternalServerError",
    "InvalidParameterError",
    "JobError",
    "JobFailedError",
    "JobTimeoutError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "StreamError",
    "SubmitTimeoutError",
    "TokenHubError",
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

            from hunyuan_tokenhub import APIStatusError, TokenHubClient, TokenHubError

            with TokenHubClient() as client:  # key from TOKENHUB_API_KEY
                try:
                    client.chat_completions(
                        {"model": "no-such-model", "messages": [{"role": "user", "content": "Hi"}]}
                    )
                except APIStatusError as exc:  # PermissionDeniedError: model_not_available
                    print(exc.status_code, exc.code, exc.request_id)
                except TokenHubError as exc:  # connection lost, timeout, ...
                    print("failed:", exc)
    """


class ConfigurationError(TokenHubError, ValueError):
    """A setting is missing or invalid (no API key, unknown region, ...)."""


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
    """The service, or the way to it, failed a request."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
        body: Any = None,
    ) -> None:
        self.message = message
        self.code = code
        self.request_id = request_id
        self.status_code = status_code
        self.body = body
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
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        response_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            message, code=code, request_id=request_id, status_code=status_code, body=body
        )
        self.response_headers = dict(response_headers or {})


class BadRequestError(APIStatusError):
    """HTTP 400 ``invalid_request_error``: the parameters were rejected."""


class ContextLengthExceededError(BadRequestError):
    """HTTP 400: the messages (plus ``max_tokens``) do not fit the model's context window."""


class AuthenticationError(APIStatusError):
    """HTTP 401 ``authentication_error``: the API key is invalid."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403 ``model_not_available``: the model does not exist or is not enabled."""


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

# Codes that mean "rate or concurrency limit" whatever HTTP status carried them.
RATE_LIMIT_CODES = frozenset(
    {"rate_limit_exceeded", "RequestLimitExceeded", "RequestLimitExceeded.JobNumExceed"}
)


def _first_str(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None]:
    """Find (code, message, request_id) in any of the error shapes the docs show.

    OpenAI style ``{"error": {"code", "type", "message"}}``, Tencent Cloud API 3.0 style
    ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`` and flat
    ``{"code", "message", "request_id"}`` bodies are all accepted.
    """
    if not isinstance(body, Mapping):
        return None, None, None
    response = body.get("Response")
    if isinstance(response, Mapping):
        error = response.get("Error")
        error = error if isinstance(error, Mapping) else {}
        return (
            _first_str(error.get("Code")),
            _first_str(error.get("Message")),
            _first_str(response.get("RequestId")),
        )
    error = body.get("error")
    if isinstance(error, Mapping):
        return (
            _first_str(error.get("code"), error.get("type")),
            _first_str(error.get("message")),
            _first_str(body.get("request_id"), error.get("request_id"), body.get("id")),
        )
    return (
        _first_str(body.get("code"), body.get("error_code")),
        _first_str(body.get("message"), body.get("error_msg"), error),
        _first_str(body.get("request_id"), body.get("RequestId")),
    )


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
    status_code: int, content: bytes, headers: Mapping[str, str]
) -> APIStatusError:
    """Build the typed error for an error response."""
    try:
        body: Any = json.loads(content) if content else None
    except ValueError:
        body = content.decode("utf-8", "replace")[:2000]
    code, message, request_id = parse_error_body(body)
    request_id = request_id or headers.get("x-request-id") or headers.get("x-tc-requestid")
    if message is None:
        message = body if isinstance(body, str) and body else f"HTTP {status_code}"
    cls = _STATUS_CLASSES.get(status_code)
    if cls is BadRequestError and _is_context_overflow(code, message):
        cls = ContextLengthExceededError
    if cls is None:
        cls = InternalServerError if status_code >= 500 else APIStatusError
    return cls(
        message,
        status_code=status_code,
        code=code,
        request_id=request_id,
        body=body,
        response_headers=headers,
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
