"""The poll schedule's decisions on a fake clock: plain backoff, progress and learned durations.

Nothing sleeps: a fake clock advances by exactly the delays the watch asks for, so every
number here is a decision of the schedule, not a measurement.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    JobClient,
    JobFailedError,
    JobResult,
    JobStatus,
    JobTimeoutError,
)
from hunyuan_tokenhub.jobs._polling import (
    EXTRA_POLL_BUDGET,
    MIN_POLL_INTERVAL,
    WINDOW_POLLS,
    Deadline,
    FinishEstimate,
    JobDurations,
    JobWatch,
    PollSchedule,
    TypicalDuration,
)
from hunyuan_tokenhub.jobs._slots import JobSlots
from tests.jobs.conftest import API_KEY, CLIENT_OPTIONS

MODEL = "hy-image-v3.0"
EPOCH = 1_700_000_000.3


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _status(state: str, progress: int | None = None, result: JobResult | None = None) -> JobStatus:
    return JobStatus(job_id="job", model=MODEL, state=state, progress=progress, result=result)  # type: ignore[arg-type]


def _done(created: float | None = None, completed: float | None = None) -> JobStatus:
    stamp = lambda s: None if s is None else datetime.fromtimestamp(s, timezone.utc)  # noqa: E731
    result = JobResult(
        job_id="job",
        model=MODEL,
        kind="image",
        created_at=stamp(created),
        completed_at=stamp(completed),
    )
    return _status("completed", 100, result)


@dataclass
class Outcome:
    queries: int
    late_by: float
    delays: list[float]


def _run_job(
    clock: FakeClock,
    schedule: PollSchedule,
    duration: float,
    *,
    progress: bool,
    durations: JobDurations | None = None,
    job_id: str = "job",
    latency: float = 0.0,
) -> Outcome:
    """Wait for an emulated job (queued 20 %, then linear progress) as the clients do."""
    if durations is not None:
        durations.submitted(job_id)
    start = clock.now
    watch = JobWatch(job_id, MODEL, schedule, Deadline(900, clock), durations)
    delays: list[float] = []
    while True:
        elapsed = clock.now - start
        queued = 0.2 * duration
        if elapsed < queued:
            status = _status("queued")
        elif elapsed < duration:
            share = (elapsed - queued) / (duration - queued)
            status = _status("in_progress", min(99, int(share * 100)) if progress else None)
        else:
            status = _done(int(EPOCH + start), int(EPOCH + start + duration))
        clock.now += latency
        result, _ = watch.observe(status)
        if result is not None:
            return Outcome(len(delays) + 1, clock.now - (start + duration), delays)
        delays.append(watch.next_delay())
        clock.now += delays[-1]


def test_without_knowledge_the_plain_backoff_is_kept() -> None:
    clock = FakeClock()
    schedule = PollSchedule.for_kind("video")
    outcome = _run_job(clock, schedule, 60.0, progress=False)
    assert outcome.delays == [schedule.interval(i) for i in range(len(outcome.delays))]
    assert outcome.delays[:3] == [2.0, 3.0, 4.5] and max(outcome.delays) == 15.0
    assert outcome.queries == 9


def test_progress_predicts_the_finish_of_a_60_s_video() -> None:
    schedule = PollSchedule.for_kind("video")
    for duration in (55.0, 57.3, 60.0, 62.9, 65.0):
        outcome = _run_job(FakeClock(), schedule, duration, progress=True)
        assert outcome.late_by <= MIN_POLL_INTERVAL + 1e-9
        assert outcome.queries <= 11
        assert min(outcome.delays) >= MIN_POLL_INTERVAL - 1e-9


def test_request_time_is_not_added_to_the_interval() -> None:
    # Intervals run send to send: with 0.15 s per request the result is at most 0.4 + 0.15 late.
    outcome = _run_job(
        FakeClock(), PollSchedule.for_kind("video"), 60.0, progress=True, latency=0.15
    )
    assert outcome.late_by <= MIN_POLL_INTERVAL + 0.15 + 1e-9


def _answer(watch: JobWatch, clock: FakeClock, status: JobStatus) -> float:
    """One poll answered at once, then the sleep the watch asks for; returns that delay."""
    watch.observe(status)
    delay = watch.next_delay()
    clock.now += delay
    return delay


def test_progress_estimate_lands_on_the_window_then_polls_at_the_floor() -> None:
    clock = FakeClock(0.0)
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("video"), Deadline(900, clock))
    assert _answer(watch, clock, _status("in_progress", 10)) == 2.0  # no rate from one sighting
    watch.observe(_status("in_progress", 20))
    estimate = watch.estimate()
    assert estimate is not None
    # 10 points in 2 s: the 79.5 points left take 15.9 s.
    assert estimate.at == pytest.approx(17.9)
    assert estimate.margin == pytest.approx(15.9 / 10 + 0.5 / 5)
    assert watch.next_delay() == 3.0  # the window is far: the plain interval
    clock.now += 3.0
    assert _answer(watch, clock, _status("in_progress", 35)) == 4.5
    assert _answer(watch, clock, _status("in_progress", 57)) == 6.75
    assert clock.now == 16.25
    watch.observe(_status("in_progress", 91))
    estimate = watch.estimate()
    assert estimate is not None
    opens = estimate.at - max(estimate.margin, MIN_POLL_INTERVAL)
    assert 16.25 < opens < 16.25 + 10.125
    # The plain 10.1 s would overshoot the window: the poll lands on its opening.
    assert watch.next_delay() == pytest.approx(opens - 16.25)
    clock.now = opens
    assert _answer(watch, clock, _status("in_progress", 98)) == pytest.approx(MIN_POLL_INTERVAL)


def test_progress_going_back_measures_from_the_restart() -> None:
    clock = FakeClock(0.0)
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("video"), Deadline(900, clock))
    for progress in (40, 60):  # at 0 and 2 s
        _answer(watch, clock, _status("in_progress", progress))
    watch.observe(_status("in_progress", 5))  # at 5 s
    assert clock.now == 5.0 and watch.estimate() is None  # one sighting since the restart
    clock.now += watch.next_delay()
    watch.observe(_status("in_progress", 15))  # at 9.5 s
    estimate = watch.estimate()
    assert estimate is not None
    assert estimate.at == pytest.approx(9.5 + 84.5 / (10 / 4.5))


def test_a_smaller_poll_interval_lowers_the_floor() -> None:
    assert PollSchedule.for_kind("image", 0.05).floor == 0.05
    assert PollSchedule.for_kind("image").floor == MIN_POLL_INTERVAL
    outcome = _run_job(FakeClock(), PollSchedule.for_kind("video", 0.05), 3.0, progress=True)
    assert min(outcome.delays) >= 0.05 - 1e-9


def test_learned_duration_opens_a_window_around_the_expected_end() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.learn(MODEL, shortest=20.0, longest=20.0)  # mean 20, spread 2 (prior 10 %)
    durations.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("3d"), Deadline(900, clock), durations)
    estimate = watch.estimate()
    assert estimate is not None
    assert (estimate.at, estimate.margin) == (20.0, 4.0)
    running = _status("in_progress")
    # Plain 2, 3, 4.5 (to 9.5 s); then 6.75 would pass the window's opening at 16 s.
    delays = [_answer(watch, clock, running) for _ in range(4)]
    assert delays == [2.0, 3.0, 4.5, pytest.approx(6.5)]
    dense = 2 * 4.0 / WINDOW_POLLS
    in_window = [_answer(watch, clock, running) for _ in range(WINDOW_POLLS)]
    assert in_window == [pytest.approx(dense)] * WINDOW_POLLS
    assert clock.now == pytest.approx(24.0)


def test_later_than_learned_backs_off_from_the_window_pace() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    for _ in range(2):  # two jobs of exactly 10 s: no spread, the window is the floor's
        durations.learn(MODEL, shortest=10.0, longest=10.0)
    durations.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("3d"), Deadline(900, clock), durations)
    running = _status("in_progress")
    delays = [_answer(watch, clock, running) for _ in range(9)]
    floor = MIN_POLL_INTERVAL
    # Plain to 9.5 s, the window 9.6-10.4 s at the floor, then backing off from it.
    assert delays == [
        2.0,
        3.0,
        4.5,
        pytest.approx(floor),
        pytest.approx(floor),
        pytest.approx(floor),
        pytest.approx(floor * 1.5),
        pytest.approx(floor * 1.5**2),
        pytest.approx(floor * 1.5**3),
    ]


def test_jobs_not_submitted_through_the_durations_use_the_plain_schedule() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.learn(MODEL, shortest=20.0, longest=20.0)
    watch = JobWatch("other", MODEL, PollSchedule.for_kind("3d"), Deadline(900, clock), durations)
    assert watch.estimate() is None
    watch.observe(_status("queued"))
    clock.now = 30.0
    watch.observe(_done())
    assert durations.expected(MODEL) == TypicalDuration(20.0, 2.0, 1)  # nothing learned


def test_extra_polls_are_bounded_whatever_the_estimate() -> None:
    # Progress that keeps predicting "any moment now" must not buy more than the budget.
    clock = FakeClock(0.0)
    schedule = PollSchedule.for_kind("video")
    watch = JobWatch("job", MODEL, schedule, Deadline(900, clock))
    progress, delays = 90, []
    for index in range(40):
        watch.observe(_status("in_progress", min(progress, 99)))
        delays.append(watch.next_delay())
        clock.now += delays[-1]
        progress += 1 if index % 2 == 0 else 0
    assert watch.extra_polls == EXTRA_POLL_BUDGET
    assert delays[-5:] == [schedule.maximum] * 5  # then the plain schedule, at its cap
    plain_polls = next(i for i in range(100) if sum(map(schedule.interval, range(i))) > clock.now)
    assert len(delays) <= plain_polls + EXTRA_POLL_BUDGET


def test_delays_never_exceed_the_plain_schedule_nor_the_timeout() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.learn(MODEL, shortest=3.0, longest=3.0)
    durations.submitted("job")
    schedule = PollSchedule.for_kind("image")
    deadline = Deadline(10.0, clock)
    watch = JobWatch("job", MODEL, schedule, deadline, durations)
    with pytest.raises(JobTimeoutError):
        while True:
            watch.observe(_status("in_progress"))
            remaining, elapsed = deadline.remaining, deadline.elapsed
            delay = watch.next_delay()
            # The plain interval at this point of the wait: by time, not by poll count.
            step = next(
                i for i in range(100) if sum(map(schedule.interval, range(i + 1))) > elapsed
            )
            assert delay <= schedule.interval(step) + 1e-9 and delay <= remaining
            clock.now += delay
    assert clock.now == pytest.approx(10.0)


def test_a_completed_job_teaches_its_model_within_the_sighting_bracket() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("image"), Deadline(900, clock), durations)
    watch.observe(_status("queued"))
    watch.next_delay()
    clock.now = 12.0
    watch.observe(_status("in_progress"))
    watch.next_delay()
    clock.now = 20.0
    watch.observe(_done())  # no server timestamps: ended between 12 and 20 s
    assert durations.expected(MODEL) == TypicalDuration(16.0, 4.0 + 1.6, 1)
    assert durations.submitted_at("job") is None  # forgotten once finished


def test_server_timestamps_narrow_the_learned_bracket() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("image"), Deadline(900, clock), durations)
    watch.observe(_status("in_progress"))
    watch.next_delay()
    clock.now = 20.0
    watch.observe(_done(created=EPOCH, completed=EPOCH + 17))  # 16-18 s by the server
    typical = durations.expected(MODEL)
    assert typical is not None and typical.mean == pytest.approx(17.0)
    # Timestamps that disagree with what was seen are ignored.
    durations2 = JobDurations(clock=clock)
    clock.now = 0.0
    durations2.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("image"), Deadline(900, clock), durations2)
    watch.observe(_status("in_progress"))
    watch.next_delay()
    clock.now = 20.0
    watch.observe(_done(created=EPOCH, completed=EPOCH + 40))
    assert durations2.expected(MODEL) == TypicalDuration(10.0, 10.0 + 1.0, 1)


def test_a_failed_job_teaches_nothing_and_is_forgotten() -> None:
    clock = FakeClock(0.0)
    durations = JobDurations(clock=clock)
    durations.submitted("job")
    watch = JobWatch("job", MODEL, PollSchedule.for_kind("image"), Deadline(900, clock), durations)
    watch.observe(_status("in_progress"))
    with pytest.raises(JobFailedError):
        watch.observe(_status("failed"))
    assert durations.expected(MODEL) is None and durations.submitted_at("job") is None


def test_typical_duration_averages_then_weighs_recent_jobs() -> None:
    first = TypicalDuration.first(59.0, 61.0)
    assert first == TypicalDuration(60.0, 1.0 + 6.0, 1)
    second = first.learn(61.0, 63.0)  # the first real deviation replaces the prior
    assert second == TypicalDuration(61.0, 2.0 + 1.0, 2)
    third = second.learn(61.0, 61.0)
    assert third.mean == pytest.approx(61.0) and third.spread == pytest.approx(1.5)
    later = TypicalDuration(60.0, 1.0, 10).learn(64.0, 64.0)
    assert later.mean == pytest.approx(61.0) and later.spread == pytest.approx(1.75)


def test_steady_durations_are_learned_within_a_few_jobs() -> None:
    clock = FakeClock()
    durations = JobDurations(clock=clock)
    schedule = PollSchedule.for_kind("image")
    outcomes = [
        _run_job(
            clock,
            schedule,
            60.0 + 0.3 * (i % 3 - 1),
            progress=False,
            durations=durations,
            job_id=f"job-{i}",
        )
        for i in range(8)
    ]
    assert outcomes[0].queries == 12  # the first job of the model: plain schedule
    assert outcomes[0].late_by > 1.0
    for outcome in outcomes[3:]:
        assert outcome.late_by <= MIN_POLL_INTERVAL + 1e-9
        assert outcome.queries <= 20


def test_durations_are_thread_safe_and_bounded() -> None:
    durations = JobDurations(max_tracked_jobs=50)

    def work(worker: int) -> None:
        for index in range(200):
            durations.submitted(f"{worker}-{index}")
            durations.learn(MODEL, shortest=1.0, longest=2.0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    typical = durations.expected(MODEL)
    assert typical is not None and typical.jobs == 1600
    assert durations.submitted_at("0-0") is None  # evicted: only the newest 50 are kept
    tracked = [f"{w}-{i}" for w in range(8) for i in range(200)]
    assert sum(durations.submitted_at(job_id) is not None for job_id in tracked) == 50


def test_learn_rejects_an_impossible_bracket() -> None:
    with pytest.raises(ValueError, match="shortest <= longest"):
        JobDurations().learn(MODEL, shortest=3.0, longest=2.0)


def test_slots_carry_the_durations_their_clients_share() -> None:
    shared = JobDurations()
    assert JobSlots(durations=shared).durations is shared
    assert JobSlots().durations is not JobSlots().durations


# Against the emulator: queries are counted in its request log, never timed.

VIDEO = "hy-video-1.5"


def _queries(emulator: TokenHubEmulator, job_id: str) -> int:
    return sum(
        1
        for request in emulator.requests
        if request.path.endswith("/query") and (request.json or {}).get("id") == job_id
    )


def test_a_video_job_with_progress_is_picked_up_with_few_queries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Scaled down 20x from a 42 s video at the default 2 s first interval: plain polling
    # makes about 8 queries, polling at the floor all along about 21.
    estimates: list[FinishEstimate | None] = []
    estimate = JobWatch.estimate
    monkeypatch.setattr(
        JobWatch, "estimate", lambda w: estimates.append(estimate(w)) or estimates[-1]
    )
    timing = JobTiming(queued_s=0.1, running_s=2.0)
    options = {**CLIENT_OPTIONS, "poll_interval": 0.1, "max_poll_interval": None}
    with TokenHubEmulator(api_key=API_KEY, job_timing=timing) as emulator:
        with JobClient(base_url=emulator.base_url, **options) as jobs:  # type: ignore[arg-type]
            result = jobs.generate(VIDEO, prompt="a paper boat")
        assert result.urls and result.kind == "video"
        # The first job of its model: every estimate came from the reported progress.
        assert any(e is not None for e in estimates)
        assert jobs.slots.durations.expected(VIDEO) is not None  # learned only at the end
        assert 3 <= _queries(emulator, result.job_id) <= 12


def test_twins_sharing_slots_share_what_they_learn(emulator: TokenHubEmulator) -> None:
    slots = JobSlots()
    options = {**CLIENT_OPTIONS, "base_url": emulator.base_url, "slots": slots}
    with JobClient(**options) as jobs:  # type: ignore[arg-type]
        jobs.generate(MODEL, prompt="a koi pond")
        assert slots.durations.expected(MODEL) is not None

        async def twin() -> str:
            async with AsyncJobClient(**options) as ajobs:  # type: ignore[arg-type]
                await ajobs.generate(MODEL, prompt="a koi pond")
                return await ajobs.submit_job(MODEL, prompt="a lotus")

        job_id = asyncio.run(twin())
        assert slots.durations.submitted_at(job_id) is not None
        jobs.wait_for_job(job_id, model=MODEL)  # submitted by the twin: timed and learned
    typical = slots.durations.expected(MODEL)
    assert typical is not None and typical.jobs == 3
    assert slots.durations.submitted_at(job_id) is None


def test_a_job_submitted_elsewhere_teaches_nothing(emulator: TokenHubEmulator) -> None:
    options = {**CLIENT_OPTIONS, "base_url": emulator.base_url}
    with JobClient(**options) as submitter, JobClient(**options) as waiter:  # type: ignore[arg-type]
        job_id = submitter.submit_job(MODEL, prompt="a koi pond")
        waiter.wait_for_job(job_id, model=MODEL)
        assert waiter.slots.durations.expected(MODEL) is None
        assert submitter.slots.durations.submitted_at(job_id) is not None
