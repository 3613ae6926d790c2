"""The waiting rules shared by the sync and async job clients (no I/O here).

Polling starts with a short interval and grows by half each time up to a cap, all under one
overall timeout. A poll that fails for a transient reason (connection, 5xx, 429) does not lose
the job: polling goes on, and only a run of such failures is raised. A submit refused for a
concurrency or rate limit created nothing, so it is sent again after a pause, until the
timeout; any other submit failure is final, because the job may exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .._exceptions import (
    RATE_LIMIT_CODES,
    APIConnectionError,
    APIError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    RateLimitError,
    TokenHubError,
)
from ._results import JobKind, JobResult, JobStatus

__all__ = [
    "DEFAULT_POLL_INTERVALS",
    "DEFAULT_TIMEOUTS",
    "Deadline",
    "JobWatch",
    "PollSchedule",
    "SubmitRetry",
    "SubmitTimeoutError",
    "is_submit_refusal",
]

DEFAULT_POLL_INTERVALS: dict[str, float] = {"image": 1.0, "video": 2.0, "3d": 2.0}
DEFAULT_TIMEOUTS: dict[str, float] = {"image": 300.0, "video": 900.0, "3d": 900.0}
BACKOFF_FACTOR = 1.5
MAX_POLL_INTERVAL = 15.0
MAX_TRANSIENT_POLL_ERRORS = 5


class SubmitTimeoutError(TokenHubError, TimeoutError):
    """No job was started within the timeout: no free slot, or the server kept refusing.

    Nothing was submitted, so nothing is running or billed.
    """

    def __init__(self, message: str, *, model: str) -> None:
        self.model = model
        super().__init__(message)


@dataclass(frozen=True)
class PollSchedule:
    """Intervals between polls: ``first``, then ×1.5 each time, never above ``maximum``."""

    first: float
    maximum: float

    @classmethod
    def for_kind(
        cls, kind: JobKind, first: float | None = None, maximum: float | None = None
    ) -> PollSchedule:
        """Defaults per kind; an explicit ``first`` caps at 8× itself (at most 15 s)."""
        first = DEFAULT_POLL_INTERVALS[kind] if first is None else first
        if first <= 0:
            raise ValueError(f"poll_interval must be > 0 seconds, got {first}")
        if maximum is None:
            maximum = min(MAX_POLL_INTERVAL, 8 * first)
        return cls(first=first, maximum=max(first, maximum))

    def interval(self, attempt: int) -> float:
        """Seconds to wait after poll number ``attempt`` (0-based)."""
        return min(self.maximum, self.first * BACKOFF_FACTOR**attempt)


class Deadline:
    """An overall time budget measured on the monotonic clock."""

    def __init__(self, timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        self.timeout = timeout
        self._clock = clock
        self._start = clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self._start

    @property
    def remaining(self) -> float:
        return self.timeout - self.elapsed


def is_submit_refusal(exc: BaseException) -> bool:
    """True when the server refused a submit for a rate or concurrency limit (nothing created)."""
    return isinstance(exc, RateLimitError) or (
        isinstance(exc, APIError) and exc.code in RATE_LIMIT_CODES
    )


class SubmitRetry:
    """Decides what to do after each refused submit."""

    def __init__(self, model: str, schedule: PollSchedule, deadline: Deadline) -> None:
        self._model = model
        self._schedule = schedule
        self._deadline = deadline
        self._refusals = 0

    def on_error(self, exc: Exception) -> float:
        """Seconds to wait before submitting again; re-raises anything but a refusal."""
        if not is_submit_refusal(exc):
            raise exc
        retry_after = exc.retry_after if isinstance(exc, RateLimitError) else None
        delay = retry_after if retry_after is not None else self._schedule.interval(self._refusals)
        self._refusals += 1
        if delay >= self._deadline.remaining:
            raise SubmitTimeoutError(
                f"{self._model}: the server refused the submit {self._refusals} time(s) for a "
                f"concurrency or rate limit within {self._deadline.timeout:.1f}s; nothing was "
                f"submitted (last answer: {exc})",
                model=self._model,
            ) from exc
        return delay


class JobWatch:
    """The state of one wait: what the last poll means and how long to sleep next."""

    def __init__(self, job_id: str, model: str, schedule: PollSchedule, deadline: Deadline) -> None:
        self.job_id = job_id
        self.model = model
        self._schedule = schedule
        self._deadline = deadline
        self._polls = 0
        self._errors = 0
        self._last_seen: tuple[str, int | None] | None = None

    def observe(self, status: JobStatus) -> tuple[JobResult | None, bool]:
        """(result if finished, whether progress changed); raises :class:`JobFailedError`."""
        self._errors = 0
        if status.state == "failed":
            raise JobFailedError(
                job_id=self.job_id,
                model=self.model,
                code=status.error_code or status.raw_status,
                message=status.error_message,
                request_id=status.request_id,
                raw=status.raw,
            )
        seen = (status.state, status.progress)
        changed = seen != self._last_seen
        self._last_seen = seen
        if status.state == "completed":
            assert status.result is not None
            return status.result, changed
        return None, changed

    def on_poll_error(self, exc: Exception) -> None:
        """Keep polling through transient failures; re-raise others or a run of them."""
        transient = isinstance(exc, (APIConnectionError, InternalServerError, RateLimitError))
        self._errors += 1
        if not transient or self._errors >= MAX_TRANSIENT_POLL_ERRORS:
            raise exc

    def next_delay(self) -> float:
        """Seconds to sleep before the next poll; :class:`JobTimeoutError` when out of time."""
        remaining = self._deadline.remaining
        if remaining <= 0:
            raise JobTimeoutError(
                job_id=self.job_id, model=self.model, elapsed=self._deadline.elapsed
            )
        delay = self._schedule.interval(self._polls)
        self._polls += 1
        return min(delay, remaining)
