"""Scenario 5: generation jobs: how late the caller learns that a job finished, and how many
query requests it costs.

The emulator runs in this process so that each job's finishing time is known exactly: a job's
timing is set right after it is submitted (before the first poll), so its end is
``created_at + duration`` on the same clock the caller reads when ``wait_for_job`` returns.

Three live runs:

* limits off: 50 image jobs at once, the emulator's per-account job limit disabled and the
  client's slots raised; durations spread so that the jobs end at different points of the
  poll schedule. None of them knows the model yet (they learn from each other as they end).
* limits on: TokenHub's documented limit (one image job per account) and the client's default
  slots, with several ``generate`` calls started together; this shows the hand-over from one
  job to the next (the client queues them; the server refuses nothing).
* rounds: per kind (image, video with progress, 3D), jobs of about the same duration one after
  another through one client: the first job of a model polls on the plain schedule, the later
  ones on what the earlier ones taught (and video on its progress).

A 60-second job cannot be run here in the time budget, so its queries and delay are simulated:
the client's own :class:`~hunyuan_tokenhub.jobs._polling.JobWatch` and
:class:`~hunyuan_tokenhub.jobs._polling.JobDurations` on a fake clock, answered like the
emulator answers (queued for the first 20 %, then linear progress, video only; whole-second
server timestamps).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, JobKind, JobResult, JobStatus, PollSchedule
from hunyuan_tokenhub.jobs._polling import Deadline, JobDurations, JobWatch

from ..contenders import API_KEY
from ..measure import run_async
from ..report import Row

MODEL = "hy-image-v3.0"
MODELS: dict[JobKind, str] = {"image": MODEL, "video": "hy-video-1.5", "3d": "hy-3d-3.0"}
SUBMIT_PATH = "/v1/api/image/submit"
# Each round's duration is the base one shifted by this share (jobs of a model vary a little).
_ROUND_JITTER = (0.0, 0.02, -0.015, 0.01, -0.02, 0.015, -0.01, 0.005)
_QUEUED_SHARE = 0.2
_MODE = "loopback (emulator in process)"


def _timing(duration: float) -> JobTiming:
    return JobTiming(queued_s=duration * _QUEUED_SHARE, running_s=duration * (1 - _QUEUED_SHARE))


def _queries(emulator: TokenHubEmulator, job_id: str) -> int:
    return sum(
        1
        for request in emulator.requests
        if request.path.endswith("/query")
        and isinstance(request.json, dict)
        and request.json.get("id") == job_id
    )


async def _one_job(
    client: AsyncJobClient,
    emulator: TokenHubEmulator,
    index: int,
    duration: float,
    model: str = MODEL,
) -> tuple[str, float]:
    """Submit, fix the job's duration, wait; (job id, seconds from its end to the result)."""
    job_id = await client.submit_job(model, prompt=f"benchmark job {index}")
    job = emulator.jobs.get(job_id)
    assert job is not None
    job.timing = _timing(duration)
    finished_at = job.created_at + duration
    result = await client.wait_for_job(job_id, model=model)
    delay = time.time() - finished_at
    if result.job_id != job_id or not result.urls:
        raise AssertionError(f"job {job_id}: unexpected result {result!r}")
    return job_id, delay


def _spread(count: int, low: float, high: float) -> list[float]:
    step = (high - low) / max(1, count - 1)
    return [low + step * i for i in range(count)]


async def _limits_off(jobs: int, low: float, high: float) -> dict[str, Any]:
    with TokenHubEmulator(api_key=API_KEY, job_concurrency=False) as emulator:
        async with AsyncJobClient(
            api_key=API_KEY, base_url=emulator.base_url, max_concurrent_jobs=jobs
        ) as client:
            begin = time.perf_counter()
            outcomes = await asyncio.gather(
                *(
                    _one_job(client, emulator, i, duration)
                    for i, duration in enumerate(_spread(jobs, low, high))
                ),
                return_exceptions=True,
            )
            wall = time.perf_counter() - begin
        done = [o for o in outcomes if not isinstance(o, BaseException)]
        errors = [repr(o)[:120] for o in outcomes if isinstance(o, BaseException)]
        return {
            "delays": [delay for _, delay in done],
            "queries": [_queries(emulator, job_id) for job_id, _ in done],
            "errors": errors,
            "wall": wall,
        }


async def _limits_on(jobs: int, duration: float) -> dict[str, Any]:
    with TokenHubEmulator(api_key=API_KEY, job_timing=_timing(duration)) as emulator:
        async with AsyncJobClient(api_key=API_KEY, base_url=emulator.base_url) as client:
            begin = time.perf_counter()
            results = await asyncio.gather(
                *(client.generate(MODEL, prompt=f"queued job {i}") for i in range(jobs)),
                return_exceptions=True,
            )
            wall = time.perf_counter() - begin
        done = [r for r in results if not isinstance(r, BaseException)]
        refused = sum(
            1 for r in emulator.requests.filter(path=SUBMIT_PATH) if (r.status or 0) >= 400
        )
        return {
            "wall": wall,
            "ideal": jobs * duration,
            "errors": [repr(r)[:120] for r in results if isinstance(r, BaseException)],
            "refused": refused,
            "queries": [_queries(emulator, r.job_id) for r in done],
        }


async def _rounds_of(
    client: AsyncJobClient, emulator: TokenHubEmulator, model: str, rounds: int, base: float
) -> list[tuple[float, int]]:
    outcomes: list[tuple[float, int]] = []
    for index in range(rounds):
        duration = base * (1 + _ROUND_JITTER[index % len(_ROUND_JITTER)])
        job_id, delay = await _one_job(client, emulator, index, duration, model)
        outcomes.append((delay, _queries(emulator, job_id)))
    return outcomes


async def _rounds(rounds: int, base: float) -> dict[JobKind, list[tuple[float, int]]]:
    """(delay, queries) per round for each kind; the kinds run side by side."""
    with TokenHubEmulator(api_key=API_KEY) as emulator:
        async with AsyncJobClient(api_key=API_KEY, base_url=emulator.base_url) as client:
            kinds = list(MODELS)
            results = await asyncio.gather(
                *(_rounds_of(client, emulator, MODELS[kind], rounds, base) for kind in kinds)
            )
    return dict(zip(kinds, results, strict=True))


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _answer(kind: JobKind, elapsed: float, duration: float, start: float) -> JobStatus:
    """What the emulator answers ``elapsed`` s after the submit of a ``duration`` s job."""
    queued = 0.2 * duration
    if elapsed < queued:
        return JobStatus(job_id="sim", model=MODELS[kind], state="queued")
    if elapsed < duration:
        share = (elapsed - queued) / (duration - queued)
        progress = min(99, int(share * 100)) if kind == "video" else None
        return JobStatus(job_id="sim", model=MODELS[kind], state="in_progress", progress=progress)
    epoch = 1_700_000_000.37  # whole-second server stamps, as the emulator sends
    created, completed = (
        datetime.fromtimestamp(int(epoch + at), timezone.utc) for at in (start, start + duration)
    )
    result = JobResult(
        job_id="sim", model=MODELS[kind], kind=kind, created_at=created, completed_at=completed
    )
    return JobStatus(
        job_id="sim",
        model=MODELS[kind],
        state="completed",
        progress=100 if kind == "video" else None,
        result=result,
    )


def simulate(kind: JobKind, durations: Iterable[float], *, learn: bool) -> list[tuple[float, int]]:
    """(delay s, queries) of each job waited for by the client's own watch on a fake clock.

    With ``learn`` the jobs run one after another through one :class:`JobDurations`, so each
    one knows those before it; without, every job is the first of its model.
    """
    clock = _Clock()
    shared = JobDurations(clock=clock)
    outcomes: list[tuple[float, int]] = []
    for index, duration in enumerate(durations):
        known = shared if learn else JobDurations(clock=clock)
        clock.now += 5.0
        start, job_id = clock.now, f"sim-{index}"
        known.submitted(job_id)
        watch = JobWatch(
            job_id, MODELS[kind], PollSchedule.for_kind(kind), Deadline(900, clock), known
        )
        queries = 0
        while True:
            queries += 1
            result, _ = watch.observe(_answer(kind, clock.now - start, duration, start))
            if result is not None:
                outcomes.append((clock.now - (start + duration), queries))
                break
            clock.now += watch.next_delay()
    return outcomes


def _sixty_second_cases() -> list[tuple[str, JobKind, list[tuple[float, int]]]]:
    """Each case's (delay, queries) per job; learned cases count from the sixth job on."""
    grid = [tenth / 10 for tenth in range(550, 651)]  # 55.0 to 65.0 s
    draw = random.Random(5)
    cases: list[tuple[str, JobKind, list[tuple[float, int]]]] = []
    # Video reports progress from its first job on; image and 3D learn from the jobs before.
    cases.append(("video, progress, 55-65 s", "video", simulate("video", grid, learn=False)))
    kinds: tuple[JobKind, ...] = ("image", "3d")
    for kind in kinds:
        cases.append(
            (f"{kind}, first of its model, 55-65 s", kind, simulate(kind, grid, learn=False))
        )
    for kind in kinds:
        for low, high in ((59.0, 61.0), (55.0, 65.0)):
            jobs = [draw.uniform(low, high) for _ in range(105)]
            learned = simulate(kind, jobs, learn=True)[5:]
            cases.append((f"{kind}, learned, {low:g}-{high:g} s", kind, learned))
    return cases


def _delay_rows(
    label: str, mode: str, outcomes: list[tuple[float, int]], runs: int, *, central: str
) -> list[Row]:
    delays = [delay for delay, _ in outcomes] or [float("nan")]
    queries = [float(count) for _, count in outcomes] or [float("nan")]
    middle = statistics.median if central == "median" else statistics.mean
    rows = [
        Row(label, mode, f"result delay ms ({central})", ("ours", middle(delays) * 1e3)),
        Row(label, mode, "result delay ms (max)", ("ours", max(delays) * 1e3)),
        Row(
            label,
            mode,
            "queries per job" + (" (median)" if central == "median" else ""),
            ("ours", middle(queries)),
        ),
        Row(label, mode, "queries per job (max)", ("ours", max(queries))),
    ]
    for row in rows:
        row.runs = runs
        row.extra = {"delays_s": delays, "queries": queries}
    return rows


def jobs_rows(
    jobs: int,
    low: float,
    high: float,
    queued_jobs: int,
    queued_s: float,
    rounds: int = 6,
    round_s: float = 6.0,
) -> list[Row]:
    label = f"5 jobs {jobs}x {MODEL} ({low:g}-{high:g} s)"
    off = run_async(_limits_off(jobs, low, high))
    note = f"errors: {off['errors'][:3]}" if off["errors"] else ""
    delays, queries = off["delays"] or [float("nan")], off["queries"] or [0]
    per_second = [q / d for q, d in zip(queries, _spread(jobs, low, high), strict=False)]
    rows = _delay_rows(
        label, _MODE, list(zip(delays, queries, strict=True)), jobs, central="median"
    )
    rows.append(Row(label, _MODE, "queries per job-second", ("ours", statistics.mean(per_second))))
    rows.append(Row(label, _MODE, "errors", ("ours", float(len(off["errors"]))), note=note))
    on = run_async(_limits_on(queued_jobs, queued_s))
    queued_label = f"5 jobs {queued_jobs}x queued, limit 1 ({queued_s:g} s each)"
    rows.append(
        Row(
            queued_label,
            _MODE,
            "wall s (ideal = jobs x duration)",
            ("ours", on["wall"]),
            peer=("ideal", on["ideal"]),
            runs=queued_jobs,
            note=(
                f"submits refused by the server: {on['refused']}; queries per job: "
                f"{on['queries']}" + (f"; errors: {on['errors'][:3]}" if on["errors"] else "")
            ),
        )
    )
    for kind, outcomes in run_async(_rounds(rounds, round_s)).items():
        label = f"5 jobs rounds {kind} {MODELS[kind]} ({rounds}x ~{round_s:g} s)"
        first = Row(label, _MODE, "first job: result delay ms", ("ours", outcomes[0][0] * 1e3))
        first.note = f"(delay s, queries) per round: {[(round(d, 2), q) for d, q in outcomes]}"
        rows.append(first)
        rows.append(Row(label, _MODE, "first job: queries", ("ours", float(outcomes[0][1]))))
        rows.extend(
            _delay_rows(label + " rounds 3+", _MODE, outcomes[2:], rounds - 2, central="median")
        )
    for case, _kind, outcomes in _sixty_second_cases():
        rows.extend(
            _delay_rows(
                f"5 jobs 60 s {case}",
                "simulated (JobWatch, fake clock)",
                outcomes,
                len(outcomes),
                central="mean",
            )
        )
    return rows
