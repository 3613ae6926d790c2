"""Worker processes for the multi-process tests: ``python -m tests.shared_limits._worker MODE``.

``--processes N`` forks N workers after the imports (each opens its own connections), so that
eight workers start in milliseconds instead of eight interpreter start-ups.

Every mode first reports ready on the Redis list ``test:ready`` and waits for its go on
``test:go``, so that the test starts all workers at once whatever their start-up time. Each
mode prints one JSON line per event on stdout.

* ``jobs``: run ``--jobs`` image jobs one after another against ``--base-url`` through slots
  shared at ``--redis``, recording when each asked for a slot and when it got it.
* ``hold``: take one slot and keep it (renewed) until killed.
* ``rate``: take ``--count`` turns of a shared rate limit, recording when each was granted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from typing import Any

import redis

from hunyuan_tokenhub import RedisRateLimit
from hunyuan_tokenhub.jobs import DownloadPolicy, JobClient, RedisJobSlots, get_backend
from hunyuan_tokenhub.jobs._slots import SlotLease

MODEL = "hy-image-v3.0"


def _emit(**event: Any) -> None:
    # One write of less than PIPE_BUF bytes: lines of forked siblings never interleave.
    os.write(1, (json.dumps(event) + "\n").encode())


class RecordingSlots(RedisJobSlots):
    """Slots that report when each acquire was asked for and when it returned."""

    def acquire(self, family: str, *, default_limit: int, timeout: float | None) -> SlotLease:
        arrived = time.time()
        lease = super().acquire(family, default_limit=default_limit, timeout=timeout)
        _emit(event="granted", arrived=arrived, granted=time.time())
        return lease


def _ready_then_wait_for_go(url: str) -> None:
    control = redis.Redis.from_url(url, socket_timeout=90)
    control.rpush("test:ready", 1)
    control.blpop(["test:go"], timeout=60)
    control.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("mode", choices=["jobs", "hold", "rate"])
    parser.add_argument("--redis", required=True)
    parser.add_argument("--base-url")
    parser.add_argument("--api-key")
    parser.add_argument("--jobs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=1)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    if args.processes == 1:
        run(args)  # in this process: a test may kill it by its pid
        return
    children = []
    for _ in range(args.processes):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run(args)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    sys.exit(1 if failed else 0)


def run(args: argparse.Namespace) -> None:
    if args.mode == "rate":
        limit = RedisRateLimit(args.redis, requests_per_second=args.rate, name="test")
        _ready_then_wait_for_go(args.redis)
        for _ in range(args.count):
            limit.acquire()
            _emit(event="turn", at=time.time())
        return

    family = get_backend().route(MODEL).family
    slots = RecordingSlots(args.redis, {family: args.limit}, lease_seconds=args.lease)
    if args.mode == "hold":
        slots.acquire(family, default_limit=1, timeout=None)
        _emit(event="held")
        time.sleep(600)  # killed by the test
        return

    slots.active(family)  # connected before the start, like a worker that has been running
    _ready_then_wait_for_go(args.redis)
    with JobClient(
        api_key=args.api_key,
        base_url=args.base_url,
        slots=slots,
        poll_interval=0.005,
        max_poll_interval=0.02,
        timeout=60,
        download_policy=DownloadPolicy(allow_loopback_http=True),
    ) as jobs:
        for index in range(args.jobs):
            result = jobs.generate(MODEL, prompt=f"job {index}")
            _emit(event="result", job_id=result.job_id, urls=result.urls)


if __name__ == "__main__":
    main()
