"""Every retry decision: which failures are tried again, how often, and how long to wait first.

One request loop per client twin (``_client``) sends, and asks this module after each failure;
the job clients ask it after a refused submit. Nothing else decides a retry.

*Transient failures* are retried up to ``max_retries`` times, with exponential backoff and
jitter, or after the server's ``Retry-After``. An answer that says the server failed (429, 5xx,
or the same carried in an HTTP 200 body, as Tencent Cloud API 3.0 reports every error) is
transient. A request that got no answer is retried only when resending cannot bill twice:

* a chat completion is billed once its body has reached the server, so it is resent only when
  the body never left (no connection, or the write failed), unless the user opts in;
* a generation-job submit starts a paid job, so it is retried only when the server cannot have
  accepted it: the connection was never made, or the server refused it for a rate or
  concurrency limit (a *submit refusal*); never after a read timeout or a 5xx;
* reads (job queries, model lists) are retried after any transport error.

*Submit refusals* are retried in one place per request. A plain ``post_json(..., submit=True)``
retries them in the request loop, within ``max_retries``. The job clients wait for capacity
instead: they take refusals back from the loop (``retry_refusals=False``) and send the submit
again after each one, until the job's ``timeout`` (:class:`SubmitRefusals`); ``max_retries``
does not count refusals there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import time

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    InternalServerError,
    RateLimitError,
    SubmitTimeoutError,
)

# A gateway status that says the host itself is unwell: the backup host may do better.
FAILOVER_STATUS = frozenset({502, 503, 504})
MAX_RETRY_AFTER = 60.0
_CONCURRENCY_LIMIT_CODE_SUFFIX = "JobNumExceed"
# Codes that mean "rate or concurrency limit" whatever HTTP status carried them (TokenHub's
# OpenAI-style code; Tencent Cloud API 3.0's, which TokenHub passes through for job limits).
RATE_LIMIT_CODES = frozenset(
    {"rate_limit_exceeded", "RequestLimitExceeded", "RequestLimitExceeded.JobNumExceed"}
)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def retry_after_of(error: APIError) -> float | None:
    """The wait the server asked for with this error answer, if it named one."""
    if isinstance(error, APIStatusError) and error.response_headers:
        return parse_retry_after(error.response_headers.get("retry-after"))
    return None


def is_connect_failure(exc: BaseException) -> bool:
    """True when the request cannot have reached the server (no connection was made)."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol))


def is_unsent_failure(exc: BaseException) -> bool:
    """True when the request body cannot have reached the server whole."""
    return is_connect_failure(exc) or isinstance(
        exc, (httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout)
    )


def is_submit_refusal(exc: BaseException) -> bool:
    """True when the server refused a submit for a rate or concurrency limit (nothing created)."""
    return isinstance(exc, RateLimitError) or (
        isinstance(exc, APIError) and exc.code in RATE_LIMIT_CODES
    )


def is_concurrency_refusal(exc: APIError) -> bool:
    """A refusal because the account already runs as many jobs as it may
    (``RequestLimitExceeded.JobNumExceed``, Cloud API's code, which TokenHub passes through):
    the job clients then also wait for one of their own jobs to end."""
    return exc.code is not None and exc.code.endswith(_CONCURRENCY_LIMIT_CODE_SUFFIX)


def is_transient(error: APIError) -> bool:
    """A failure that may pass if the same request is tried again later: no answer, a rate
    limit, or a server error (HTTP 5xx, or a server error code in an HTTP 200 body)."""
    return isinstance(error, (APIConnectionError, InternalServerError)) or is_submit_refusal(error)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped, honouring ``Retry-After``."""

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to sleep before retry ``retry_number`` (0 for the first retry)."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_backoff, self.initial_backoff * (2**retry_number))
        # Keep at least half the ceiling so that retries never bunch up at zero.
        return ceiling * (0.5 + random.random() / 2)


class Retries:
    """The retries of one logical request: which failure is tried again, and after how long.

    ``submit``: the request starts a paid job; ``resend``: it may be sent again after its body
    reached the server (reads; chat only when the user opts in); ``retry_refusals``: a submit
    refused for a limit is retried here (``False``: the caller waits for capacity itself).
    Each ``after_*`` method returns the seconds to wait, or ``None`` when the failure is final.
    """

    __slots__ = ("_policy", "_resend", "_retries", "_retry_refusals", "_submit")

    def __init__(
        self, policy: RetryPolicy, *, submit: bool, resend: bool, retry_refusals: bool = True
    ) -> None:
        self._policy = policy
        self._submit = submit
        self._resend = resend
        self._retry_refusals = retry_refusals
        self._retries = 0

    def _next(self, retry_after: float | None) -> float | None:
        if self._retries >= self._policy.max_retries:
            return None
        delay = self._policy.delay(self._retries, retry_after)
        self._retries += 1
        return delay

    def after_transport_error(self, exc: BaseException) -> float | None:
        if self._submit:
            retryable = is_connect_failure(exc)
        elif not self._resend:
            retryable = is_unsent_failure(exc)
        else:
            retryable = isinstance(exc, httpx.TransportError)
        return self._next(None) if retryable else None

    def after_error(self, error: APIError) -> float | None:
        """An error answer: a status >= 400, or one a response check found in the body."""
        if is_submit_refusal(error):
            retryable = self._retry_refusals or not self._submit
        else:
            retryable = not self._submit and is_transient(error)
        return self._next(retry_after_of(error)) if retryable else None


class SubmitRefusals:
    """How a job client waits out refused submits: after each refusal, the server's
    ``Retry-After`` or the next of ``intervals``; the submit is sent again until the job's
    timeout, then :class:`SubmitTimeoutError` (nothing was submitted).

    ``remaining`` gives the seconds left of the job's ``timeout`` (the whole call's budget).
    """

    def __init__(
        self,
        model: str,
        intervals: Callable[[int], float],
        remaining: Callable[[], float],
        timeout: float,
    ) -> None:
        self._model = model
        self._intervals = intervals
        self._remaining = remaining
        self._timeout = timeout
        self._refusals = 0

    def after(self, exc: APIError) -> float:
        """Seconds to wait before submitting again; re-raises anything but a refusal."""
        if not is_submit_refusal(exc):
            raise exc
        retry_after = retry_after_of(exc)
        delay = retry_after if retry_after is not None else self._intervals(self._refusals)
        self._refusals += 1
        if delay >= self._remaining():
            raise SubmitTimeoutError(
                f"{self._model}: the server refused the submit {self._refusals} time(s) for a "
                f"concurrency or rate limit within {self._timeout:.1f}s; nothing was "
                f"submitted (last answer: {exc})",
                model=self._model,
            ) from exc
        return delay
