"""When a failed request is tried again, and how long to wait first.

An answer that says the server failed (429, 5xx) is retried. A request that got no answer is
retried only when resending cannot bill twice: a chat completion is billed once its body has
reached the server, so it is resent only when the body never left (no connection, or the write
failed), unless the user opts in; a generation-job submit starts a paid job, so it is retried only
when the server cannot have accepted it: the connection was never made, or the server refused it
for a rate or concurrency limit. Reads (job queries) are retried after any transport error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import time

import httpx

from ._exceptions import RATE_LIMIT_CODES, APIError, RateLimitError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# A gateway status that says the host itself is unwell: the backup host may do better.
FAILOVER_STATUS = frozenset({502, 503, 504})
MAX_RETRY_AFTER = 60.0


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

    @staticmethod
    def error_is_retryable(error: APIError, *, submit: bool) -> bool:
        if is_submit_refusal(error):
            return True
        return not submit and error.status_code in RETRYABLE_STATUS

    @staticmethod
    def exception_is_retryable(exc: BaseException, *, submit: bool, resend: bool) -> bool:
        """``resend``: the request may be sent again after its body reached the server."""
        if submit:
            return is_connect_failure(exc)
        if not resend:
            return is_unsent_failure(exc)
        return isinstance(exc, httpx.TransportError)
