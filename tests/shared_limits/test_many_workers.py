"""Many worker processes, one account: slots and rate limits shared through a real Redis.

Each worker is a separate Python process (``_worker.py``) with its own clients, as under
gunicorn or Celery; the emulator (a real server on loopback) enforces the account's job limit
and refuses a surplus job with JobNumExceed, so a refusal count of 0 proves the workers queued
among themselves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from tests.shared_limits.conftest import API_KEY

REPO = Path(__file__).resolve().parents[2]
MODEL = "hy-image-v3.0"
WORKERS = 8
JOBS_EACH = 5
# How far a slot may go out of arrival order: the arrival is stamped in the worker just before
# it asks Redis, and on a loaded 2-core machine a process can be descheduled in between.
# Without a shared queue (each worker retrying the server's refusals) it is seconds.
ORDER_TOLERANCE_S = 0.25


def _start(mode: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "HUNYUAN_JOB_SLOTS_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.shared_limits._worker", mode, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _release_when_ready(url: str, count: int) -> None:
    """Wait until ``count`` workers have started, then let them all go at once."""
    control = redis.Redis.from_url(url, socket_timeout=90)
    for _ in range(count):
        assert control.blpop(["test:ready"], timeout=60), "a worker did not start"
    control.rpush("test:go", *([1] * count))
    control.close()


def _events(workers: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    events = []
    for worker in workers:
        out, _ = worker.communicate(timeout=90)
        assert worker.returncode == 0, out
        events += [json.loads(line) for line in out.splitlines()]
    return events


@pytest.fixture
def workers_to_stop() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)


def _peak_in_flight(emulator: TokenHubEmulator) -> int:
    """Most jobs unfinished at one instant, by the server's clock."""
    edges = []
    for job in emulator.jobs:
        end = job.state().completed_at
        assert end is not None
        edges += [(job.created_at, 1), (end, -1)]
    peak = running = 0
    for _, delta in sorted(edges):
        running += delta
        peak = max(peak, running)
    return peak


def _refusals(emulator: TokenHubEmulator) -> int:
    return sum(1 for r in emulator.requests if r.path.endswith("/submit") and r.status == 429)


def _largest_overtake(grants: list[dict[str, Any]]) -> float:
    """How much later than another waiter the most unfair grant's holder had arrived."""
    by_grant = sorted(grants, key=lambda g: g["granted"])
    latest_arrival_so_far = float("-inf")
    worst = 0.0
    for grant in by_grant:
        # Served before every later grant: it overtook those that arrived before it.
        worst = max(worst, latest_arrival_so_far - grant["arrived"])
        latest_arrival_so_far = max(latest_arrival_so_far, grant["arrived"])
    return worst


@pytest.mark.parametrize(("limit", "running_s"), [(1, 0.06), (3, 0.15)])
def test_eight_workers_share_the_account_limit_in_arrival_order(
    redis_url: str, workers_to_stop: list[subprocess.Popen[str]], limit: int, running_s: float
) -> None:
    with TokenHubEmulator(
        api_key=API_KEY,
        job_timing=JobTiming(queued_s=0.02, running_s=running_s),
        job_concurrency={MODEL: limit},
    ) as emulator:
        options = ["--redis", redis_url, "--base-url", emulator.base_url, "--api-key", API_KEY]
        options += ["--jobs", str(JOBS_EACH), "--limit", str(limit), "--lease", "5"]
        workers_to_stop.append(_start("jobs", "--processes", str(WORKERS), *options))
        _release_when_ready(redis_url, WORKERS)
        events = _events(workers_to_stop)

        results = [e for e in events if e["event"] == "result"]
        assert len(results) == WORKERS * JOBS_EACH
        assert len({r["job_id"] for r in results}) == WORKERS * JOBS_EACH
        assert all(r["urls"] for r in results)
        assert emulator.jobs.submit_count(MODEL) == WORKERS * JOBS_EACH
        assert _refusals(emulator) == 0
        assert _peak_in_flight(emulator) == limit
    grants = [e for e in events if e["event"] == "granted"]
    print(f"largest overtake {_largest_overtake(grants):.3f}s")
    assert _largest_overtake(grants) <= ORDER_TOLERANCE_S


def test_a_killed_holder_frees_its_slot_within_the_lease(
    redis_url: str, emulator: TokenHubEmulator, workers_to_stop: list[subprocess.Popen[str]]
) -> None:
    lease = 1.0
    holder = _start("hold", "--redis", redis_url, "--lease", str(lease))
    workers_to_stop.append(holder)
    assert holder.stdout is not None
    assert json.loads(holder.stdout.readline())["event"] == "granted"
    assert json.loads(holder.stdout.readline())["event"] == "held"
    options = ["--redis", redis_url, "--base-url", emulator.base_url, "--api-key", API_KEY]
    options += ["--jobs", "2", "--lease", str(lease)]
    others = _start("jobs", "--processes", "3", *options)
    workers_to_stop.append(others)
    _release_when_ready(redis_url, 3)
    # Longer than a lease: the holder's renewals keep its slot while it lives.
    time.sleep(2 * lease)
    killed_at = time.time()
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)

    events = _events([others])
    grants = sorted(e["granted"] for e in events if e["event"] == "granted")
    assert len(grants) == 6
    assert grants[0] > killed_at  # nobody got the slot while its holder lived
    assert grants[0] - killed_at <= lease + 0.25
    assert len([e for e in events if e["event"] == "result"]) == 6
    assert _refusals(emulator) == 0


def test_a_shared_rate_limit_holds_eight_workers_to_the_rate(
    redis_url: str, workers_to_stop: list[subprocess.Popen[str]]
) -> None:
    rate, each = 40.0, 10
    workers_to_stop.append(
        _start(
            "rate",
            "--processes",
            str(WORKERS),
            "--redis",
            redis_url,
            "--rate",
            str(rate),
            "--count",
            str(each),
        )
    )
    _release_when_ready(redis_url, WORKERS)
    turns = sorted(e["at"] for e in _events(workers_to_stop) if e["event"] == "turn")
    assert len(turns) == WORKERS * each
    measured = (len(turns) - 1) / (turns[-1] - turns[0])
    assert abs(measured - rate) <= 0.1 * rate, measured
    # Over any second, never more than the rate allows (plus the burst of 1).
    for index, start in enumerate(turns):
        within = sum(1 for t in turns[index:] if t < start + 1.0)
        assert within <= rate + 1 + 2  # 2: sleep wake-up jitter across processes
