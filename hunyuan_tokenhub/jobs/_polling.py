"""The waiting rules shared by the sync and async job clients (no I/O here).

**When to poll.** Knowing nothing about a job, a wait follows :class:`PollSchedule`: a short
first interval that grows by half each time up to a cap, all under one overall timeout. Two
kinds of knowledge predict when a job ends, so that a wait polls densely only around that
moment and the result reaches the caller soon after it is ready:

* *progress*: video queries report ``progress`` (0-100). The rate between the first and the
  latest sighting gives the finish, estimated again at every poll.
* *learned durations*: image and 3D queries report none. :class:`JobDurations` learns each
  model's typical time from submit to result, from the jobs its clients saw finish, and
  predicts the end of every job they submitted (waits in flight use what other jobs teach).

Given an estimate ``finish ± margin``, a wait polls at the plain schedule's pace until the
window opens (the poll that would overshoot lands on the opening instead), every
``2 × margin / WINDOW_POLLS`` seconds inside the window, and after the window backs off again
from that pace. The gap between two polls never exceeds the plain schedule's interval at that
point of the wait (so a job ending early is seen no later than plain polling would see it) and
is never under the floor (:data:`MIN_POLL_INTERVAL`, or ``poll_interval`` when smaller);
gaps run from one poll's sending to the next. A poll sooner than the plain schedule's costs
one of :data:`EXTRA_POLL_BUDGET`: whatever the server reports, a wait makes about that many
queries more than plain polling at most.

How many queries this costs and how soon results arrive is measured by the jobs benchmark
(``python -m benchmarks.run --only jobs``; figures in benchmarks/README.md).

**Failures.** A poll that fails for a transient reason (connection, 5xx, 429) does not lose
the job: polling goes on, and only a run of such failures is raised. Refused submits are
waited out by :class:`hunyuan_tokenhub._retry.SubmitRefusals` (see :mod:`hunyuan_tokenhub._retry`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from .._exceptions import APIError, JobFailedError, JobTimeoutError, SubmitTimeoutError
from .._retry import is_transient
from ._results import JobKind, JobResult, JobStatus

__all__ = [
    "DEFAULT_POLL_INTERVALS",
    "DEFAULT_TIMEOUTS",
    "EXTRA_POLL_BUDGET",
    "MIN_POLL_INTERVAL",
    "WINDOW_POLLS",
    "Deadline",
    "FinishEstimate",
    "JobDurations",
    "JobWatch",
    "PollSchedule",
    "SubmitTimeoutError",
    "TypicalDuration",
]

DEFAULT_POLL_INTERVALS: dict[str, float] = {"image": 1.0, "video": 2.0, "3d": 2.0}
DEFAULT_TIMEOUTS: dict[str, float] = {"image": 300.0, "video": 900.0, "3d": 900.0}
BACKOFF_FACTOR = 1.5
MAX_POLL_INTERVAL = 15.0
MAX_TRANSIENT_POLL_ERRORS = 5

#: Seconds between polls near a predicted finish: below the 0.5 s the result may lag behind,
#: leaving room for the request itself.
MIN_POLL_INTERVAL = 0.4
#: Polls spread over a predicted finish window (fewer when the window is narrow).
WINDOW_POLLS = 8
#: Polls a wait may make sooner than the plain schedule would.
EXTRA_POLL_BUDGET = 10
#: Weight of a new job in a model's learned duration once it has a few (1/n before that).
LEARNING_WEIGHT = 0.25
#: Before a second job of a model shows how much its durations vary, assume this share.
PRIOR_SPREAD_SHARE = 0.1
#: Jobs whose submit time is remembered (for a later ``wait_for_job``), oldest dropped first.
MAX_TRACKED_JOBS = 1024


@dataclass(frozen=True)
class PollSchedule:
    """Intervals between polls: ``first``, then ×1.5 each time, never above ``maximum``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import PollSchedule

            schedule = PollSchedule.for_kind("video")  # 2 s, then ×1.5, at most 15 s
            print([schedule.interval(attempt) for attempt in range(4)])  # [2.0, 3.0, 4.5, 6.75]
    """

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

    @property
    def floor(self) -> float:
        """The shortest interval a wait uses, also near a predicted finish."""
        return min(MIN_POLL_INTERVAL, self.first)

    def interval(self, attempt: int) -> float:
        """Seconds to wait after poll number ``attempt`` (0-based)."""
        return min(self.maximum, self.first * BACKOFF_FACTOR**attempt)


class Deadline:
    """An overall time budget measured on the monotonic clock."""

    def __init__(self, timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        self.timeout = timeout
        self.clock = clock
        self._start = clock()

    @property
    def elapsed(self) -> float:
        return self.clock() - self._start

    @property
    def remaining(self) -> float:
        return self.timeout - self.elapsed


@dataclass(frozen=True)
class FinishEstimate:
    """When a job should end (``at``, on the waiting clock), give or take ``margin`` seconds."""

    at: float
    margin: float


@dataclass(frozen=True)
class TypicalDuration:
    """A model's learned time from submit to result: ``mean`` ± ``spread`` over ``jobs``."""

    mean: float
    spread: float
    jobs: int

    def learn(self, shortest: float, longest: float) -> TypicalDuration:
        """This knowledge updated with a job that took between ``shortest`` and ``longest``."""
        middle, half = (shortest + longest) / 2, (longest - shortest) / 2
        weight = max(LEARNING_WEIGHT, 1 / (self.jobs + 1))
        # The first deviation replaces the prior guess; later ones are averaged like the mean.
        spread_weight = max(LEARNING_WEIGHT, 1 / self.jobs)
        deviation = abs(middle - self.mean) + half
        return TypicalDuration(
            mean=self.mean + weight * (middle - self.mean),
            spread=self.spread + spread_weight * (deviation - self.spread),
            jobs=self.jobs + 1,
        )

    @classmethod
    def first(cls, shortest: float, longest: float) -> TypicalDuration:
        middle, half = (shortest + longest) / 2, (longest - shortest) / 2
        return cls(mean=middle, spread=half + PRIOR_SPREAD_SHARE * middle, jobs=1)


class JobDurations:
    """How long each model's jobs take, learned from finished jobs; thread-safe.

    A client records when it submitted each job, so that a wait for that job (sync or async,
    through any client sharing this object) knows its start and can predict its end; a job
    that completes teaches its model's duration. Jobs submitted elsewhere are waited for on
    the plain schedule and teach nothing. :class:`JobSlots` carries one, so clients and tools
    sharing slots share what they learn.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobDurations

            durations = JobDurations()
            durations.learn("hy-image-v3.0", shortest=17.6, longest=18.0)
            print(durations.expected("hy-image-v3.0"))  # mean 17.8 s, spread ±1.98 s
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_tracked_jobs: int = MAX_TRACKED_JOBS,
    ) -> None:
        self.clock = clock
        self._max_tracked_jobs = max_tracked_jobs
        self._lock = threading.Lock()
        self._typical: dict[str, TypicalDuration] = {}
        self._submitted_at: OrderedDict[str, float] = OrderedDict()

    def submitted(self, job_id: str) -> None:
        """Remember that ``job_id`` was submitted now."""
        with self._lock:
            self._submitted_at[job_id] = self.clock()
            self._submitted_at.move_to_end(job_id)
            while len(self._submitted_at) > self._max_tracked_jobs:
                self._submitted_at.popitem(last=False)

    def submitted_at(self, job_id: str) -> float | None:
        """When ``job_id`` was submitted through a client using this object, if it was."""
        with self._lock:
            return self._submitted_at.get(job_id)

    def forget(self, job_id: str) -> None:
        """Drop the submit time of a job that ended."""
        with self._lock:
            self._submitted_at.pop(job_id, None)

    def expected(self, model: str) -> TypicalDuration | None:
        """What is known of ``model``'s durations (``None`` before its first finished job)."""
        with self._lock:
            return self._typical.get(model)

    def learn(self, model: str, *, shortest: float, longest: float) -> None:
        """Record a job of ``model`` that ended between ``shortest`` and ``longest`` seconds."""
        if not 0 <= shortest <= longest:
            raise ValueError(f"need 0 <= shortest <= longest, got {shortest}, {longest}")
        with self._lock:
            known = self._typical.get(model)
            self._typical[model] = (
                TypicalDuration.first(shortest, longest)
                if known is None
                else known.learn(shortest, longest)
            )


class _ProgressTrend:
    """The finish predicted by ``progress`` sightings, assuming a steady rate."""

    def __init__(self) -> None:
        self._first: tuple[float, float] | None = None
        self._latest: tuple[float, float] | None = None

    def see(self, at: float, progress: int) -> None:
        # A reported whole number p means somewhere in [p, p + 1): its middle is the best guess.
        point = (at, min(max(progress, 0), 100) + 0.5)
        if self._first is None or point[1] < self._first[1]:
            # A first sighting, or progress went back (the job restarted): measure from here.
            self._first = point
        self._latest = point

    def estimate(self) -> FinishEstimate | None:
        if self._first is None or self._latest is None:
            return None
        (since, start), (at, reached) = self._first, self._latest
        if at <= since or reached <= start:
            return None
        rate = (reached - start) / (at - since)
        left = max(0.0, 100 - reached) / rate
        # Each sighting is off by up to half a point: the rate by 1 point over the distance
        # covered, the remaining time by as much relatively, plus half a point of time.
        return FinishEstimate(at=at + left, margin=left / (reached - start) + 0.5 / rate)


def _server_duration(result: JobResult | None) -> float | None:
    if result is None or result.created_at is None or result.completed_at is None:
        return None
    seconds = (result.completed_at - result.created_at).total_seconds()
    return seconds if seconds >= 0 else None


class JobWatch:
    """The state of one wait: what the last poll means and how long to sleep next.

    ``durations`` (shared by the client's waits) supplies the job's submit time and its
    model's learned duration, and learns from the job when it completes.
    """

    def __init__(
        self,
        job_id: str,
        model: str,
        schedule: PollSchedule,
        deadline: Deadline,
        durations: JobDurations | None = None,
    ) -> None:
        self.job_id = job_id
        self.model = model
        self._schedule = schedule
        self._deadline = deadline
        self._durations = durations
        self._submitted_at = durations.submitted_at(job_id) if durations else None
        self._progress = _ProgressTrend()
        # The plain schedule's polls: at once, then after each of its intervals.
        self._plain_next = deadline.clock()
        self._plain_step = 0
        self._extra_polls = 0
        self._overdue_polls = 0
        self._errors = 0
        self._last_seen: tuple[str, int | None] | None = None
        self._unfinished_at: float | None = None
        self._poll_sent_at = deadline.clock()

    def observe(self, status: JobStatus) -> tuple[JobResult | None, bool]:
        """(result if finished, whether progress changed); raises :class:`JobFailedError`."""
        self._errors = 0
        now = self._deadline.clock()
        if status.state == "failed":
            self._forget()
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
            self._learn(now, status.result)
            self._forget()
            return status.result, changed
        self._unfinished_at = now
        if status.state == "in_progress" and status.progress is not None:
            self._progress.see(now, status.progress)
        return None, changed

    def _forget(self) -> None:
        if self._durations is not None:
            self._durations.forget(self.job_id)

    def _learn(self, now: float, result: JobResult) -> None:
        """Teach the model's duration: the job ended after the last unfinished sighting."""
        if self._durations is None or self._submitted_at is None or self._unfinished_at is None:
            return
        shortest = self._unfinished_at - self._submitted_at
        longest = now - self._submitted_at
        server = _server_duration(result)
        # The server's timestamps are whole seconds: within 1 s of its duration either way.
        if server is not None and max(shortest, server - 1) <= min(longest, server + 1):
            shortest, longest = max(shortest, server - 1), min(longest, server + 1)
        self._durations.learn(self.model, shortest=max(0.0, shortest), longest=max(0.0, longest))

    def on_poll_error(self, exc: APIError) -> None:
        """Keep polling through transient failures (each already retried by the request
        loop); re-raise others or a run of them."""
        self._errors += 1
        if not is_transient(exc) or self._errors >= MAX_TRANSIENT_POLL_ERRORS:
            raise exc

    def estimate(self) -> FinishEstimate | None:
        """The predicted finish: from progress when it moves, else from learned durations."""
        from_progress = self._progress.estimate()
        if from_progress is not None:
            return from_progress
        if self._durations is None or self._submitted_at is None:
            return None
        typical = self._durations.expected(self.model)
        if typical is None:
            return None
        return FinishEstimate(at=self._submitted_at + typical.mean, margin=2 * typical.spread)

    def next_delay(self) -> float:
        """Seconds to sleep before the next poll; :class:`JobTimeoutError` when out of time."""
        remaining = self._deadline.remaining
        if remaining <= 0:
            raise JobTimeoutError(
                job_id=self.job_id, model=self.model, elapsed=self._deadline.elapsed
            )
        now = self._deadline.clock()
        plain_at = self._poll_sent_at + self._plain_interval(self._poll_sent_at)
        at = max(self._toward_finish(now, plain_at), self._poll_sent_at + self._schedule.floor)
        if at < plain_at:
            if self._extra_polls < EXTRA_POLL_BUDGET:
                self._extra_polls += 1
            else:
                at = plain_at
        delay = min(max(0.0, at - now), remaining)
        self._poll_sent_at = now + delay
        return delay

    @property
    def extra_polls(self) -> int:
        """Polls so far that came sooner than the plain schedule's (at most the budget)."""
        return self._extra_polls

    def _plain_interval(self, polled_at: float) -> float:
        """The plain schedule's interval at this point of the wait (by time, not poll count)."""
        while self._plain_next <= polled_at:
            self._plain_next += self._schedule.interval(self._plain_step)
            self._plain_step += 1
        return self._schedule.interval(self._plain_step - 1)

    def _toward_finish(self, now: float, plain_at: float) -> float:
        """When the predicted finish asks for the next poll (no later than ``plain_at``)."""
        estimate = self.estimate()
        if estimate is None:
            return plain_at
        floor = self._schedule.floor
        margin = max(estimate.margin, floor)
        opens, closes = estimate.at - margin, estimate.at + margin
        # Paces run from one poll's sending to the next: the answer's time is not added.
        dense = max(floor, 2 * margin / WINDOW_POLLS)
        if now > closes:
            # Later than predicted: back off again from the window's pace.
            self._overdue_polls += 1
            return min(plain_at, self._poll_sent_at + dense * BACKOFF_FACTOR**self._overdue_polls)
        self._overdue_polls = 0
        if now < opens:
            return min(plain_at, opens)
        return min(plain_at, self._poll_sent_at + dense)
