"""Scenario 5: generation jobs: how late the caller learns that a job finished, and how many
query requests it costs.

The emulator runs in this process so that each job's finishing time is known exactly: a job's
timing is set right after it is submitted (before the first poll), so its end is
``created_at + duration`` on the same clock the caller reads when ``wait_for_job`` returns.
Durations are spread so that the jobs end at different points of the poll schedule.

Two runs:

* limits off: the emulator's per-account job limit disabled and the client's slots raised, so
  all jobs run at once; this isolates the polling.
* limits on: TokenHub's documented limit (one image job per account) and the client's default
  slots, with several ``generate`` calls started together; this shows the hand-over from one
  job to the next (the client queues them; the server refuses nothing).

A 60-second job cannot be run here in the time budget, so its query count and delay are
extrapolated from the client's own :class:`~hunyuan_tokenhub.jobs.PollSchedule` (durations
55-65 s, first poll right after the submit).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, PollSchedule

from ..contenders import API_KEY
from ..measure import run_async
from ..report import Row

MODEL = "hy-image-v3.0"
QUERY_PATH = "/v1/api/image/query"
SUBMIT_PATH = "/v1/api/image/submit"
_QUEUED_SHARE = 0.2
_MODE = "loopback (emulator in process)"


def _timing(duration: float) -> JobTiming:
    return JobTiming(queued_s=duration * _QUEUED_SHARE, running_s=duration * (1 - _QUEUED_SHARE))


def _queries(emulator: TokenHubEmulator, job_id: str) -> int:
    return sum(
        1
        for request in emulator.requests.filter(path=QUERY_PATH)
        if isinstance(request.json, dict) and request.json.get("id") == job_id
    )


async def _one_job(
    client: AsyncJobClient, emulator: TokenHubEmulator, index: int, duration: float
) -> tuple[str, float]:
    """Submit, fix the job's duration, wait; (job id, seconds from its end to the result)."""
    job_id = await client.submit_job(MODEL, prompt=f"benchmark job {index}")
    job = emulator.jobs.get(job_id)
    assert job is not None
    job.timing = _timing(duration)
    finished_at = job.created_at + duration
    result = await client.wait_for_job(job_id, model=MODEL)
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


def extrapolate(kind: str, low: float = 55.0, high: float = 65.0) -> tuple[float, float, float]:
    """(mean queries, mean delay s, worst delay s) for jobs of ``low``-``high`` seconds."""
    schedule = PollSchedule.for_kind(kind)  # type: ignore[arg-type]
    queries: list[int] = []
    delays: list[float] = []
    for tenth in range(int(low * 10), int(high * 10) + 1):
        duration = tenth / 10
        at, polls = 0.0, 1
        while at < duration:
            at += schedule.interval(polls - 1)
            polls += 1
        queries.append(polls)
        delays.append(at - duration)
    return statistics.mean(queries), statistics.mean(delays), max(delays)


def jobs_rows(jobs: int, low: float, high: float, queued_jobs: int, queued_s: float) -> list[Row]:
    label = f"5 jobs {jobs}x {MODEL} ({low:g}-{high:g} s)"
    off = run_async(_limits_off(jobs, low, high))
    note = f"errors: {off['errors'][:3]}" if off["errors"] else ""
    delays, queries = off["delays"] or [float("nan")], off["queries"] or [0]
    per_second = [q / d for q, d in zip(queries, _spread(jobs, low, high), strict=False)]
    rows = [
        Row(label, _MODE, "result delay ms (median)", ("ours", statistics.median(delays) * 1e3)),
        Row(label, _MODE, "result delay ms (max)", ("ours", max(delays) * 1e3)),
        Row(label, _MODE, "queries per job (median)", ("ours", statistics.median(queries))),
        Row(label, _MODE, "queries per job (max)", ("ours", float(max(queries)))),
        Row(label, _MODE, "queries per job-second", ("ours", statistics.mean(per_second))),
        Row(label, _MODE, "errors", ("ours", float(len(off["errors"]))), note=note),
    ]
    for row in rows:
        row.runs = jobs
        row.extra = {"delays_s": delays, "queries": queries}
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
    for kind in ("image", "video"):
        mean_queries, mean_delay, worst = extrapolate(kind)
        extrapolated = f"5 jobs 60 s {kind} job (from PollSchedule)"
        rows.append(Row(extrapolated, "computed", "queries per job", ("ours", mean_queries)))
        rows.append(
            Row(extrapolated, "computed", "result delay ms (mean)", ("ours", mean_delay * 1e3))
        )
        rows.append(Row(extrapolated, "computed", "result delay ms (worst)", ("ours", worst * 1e3)))
    return rows
