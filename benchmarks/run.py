"""Run every benchmark scenario, print a table of medians and ratios, write JSON.

Usage (from the repository root)::

    pip install -e ".[all,bench]"
    python -m benchmarks.run            # the full run, a few minutes on 2 cores
    python -m benchmarks.run --quick    # a smoke run (1,000-chunk stream, few repetitions)
    python -m benchmarks.run --only chat,stream --skip-loopback

Scenarios: ``chat`` (1), ``stream`` (2), ``llama_index`` (3), ``concurrency`` (4), ``jobs`` (5),
``footprint`` (6: import time and streaming memory), ``embeddings`` (7: a 1,000-text corpus).
Chat scenarios run in process (a mock transport) and over loopback (the emulator in a
subprocess). Results go to
``benchmarks/results/bench-<UTC time>.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial

from .canned import text_stream, tool_call_stream
from .measure import (
    CALL_BUDGET,
    QUICK_CALL_BUDGET,
    QUICK_STREAM_BUDGET,
    STREAM_BUDGET,
    Budget,
)
from .report import Row, format_table, format_verdicts, write_json
from .scenarios.chat import Setting, invoke_rows, stream_rows
from .scenarios.concurrency import concurrency_rows
from .scenarios.embeddings import embeddings_rows
from .scenarios.footprint import cli_startup_rows, import_rows, memory_rows
from .scenarios.jobs import jobs_rows
from .server import loopback_server
from .targets import judge

SCENARIOS = ("chat", "stream", "llama_index", "concurrency", "jobs", "footprint", "embeddings")
Step = tuple[str, str, Callable[[], list[Row]]]


def _chat_steps(
    setting: Setting, calls: Budget, streams: Budget, chunk_count: int
) -> Iterator[Step]:
    text, tools = text_stream(chunk_count), tool_call_stream()
    mode = setting.mode
    yield "chat", f"1 chat ({mode})", lambda: invoke_rows("langchain", setting, calls, "1 chat")
    for response in (text, tools):
        yield (
            "stream",
            f"2 stream {response.name} ({mode})",
            partial(stream_rows, "langchain", setting, streams, "2 stream", response),
        )
    yield (
        "llama_index",
        f"3 llama_index chat ({mode})",
        lambda: invoke_rows("llama_index", setting, calls, "3 llama_index"),
    )
    for response in (text, tools):
        yield (
            "llama_index",
            f"3 llama_index {response.name} ({mode})",
            partial(stream_rows, "llama_index", setting, streams, "3 llama_index", response),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: few repetitions")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma-separated subset of {SCENARIOS}"
    )
    parser.add_argument("--skip-loopback", action="store_true", help="chat in process only")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = wanted - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s) {sorted(unknown)}; choose from {SCENARIOS}")
    quick = args.quick
    calls = QUICK_CALL_BUDGET if quick else CALL_BUDGET
    streams = QUICK_STREAM_BUDGET if quick else STREAM_BUDGET

    started = time.perf_counter()
    rows: list[Row] = []
    chunk_count = 1000 if quick else 4000
    with ExitStack() as stack:
        steps: list[Step] = list(_chat_steps(Setting("in-process"), calls, streams, chunk_count))
        needs_server = not args.skip_loopback and wanted & {"chat", "stream", "llama_index"}
        if needs_server or "concurrency" in wanted:
            url = stack.enter_context(loopback_server(chunk_count))
            if needs_server:
                steps.extend(_chat_steps(Setting("loopback", url), calls, streams, chunk_count))
            calls_at_once, rounds = (100, 2) if quick else (500, 5)
            steps.append(
                (
                    "concurrency",
                    f"4 concurrency {calls_at_once}x",
                    lambda: concurrency_rows(url, calls_at_once, rounds),
                )
            )
        if quick:
            steps.append(("jobs", "5 jobs", lambda: jobs_rows(20, 0.3, 1.5, 2, 0.3, 4, 2.0)))
        else:
            steps.append(("jobs", "5 jobs", lambda: jobs_rows(50, 1.0, 8.0, 4, 1.0)))
        steps.append(("footprint", "6 import time", lambda: import_rows(2 if quick else 5)))
        steps.append(("footprint", "6 CLI start-up", lambda: cli_startup_rows(3 if quick else 9)))
        steps.append(
            ("footprint", "6 streaming memory", lambda: memory_rows(4000 if quick else 20000))
        )
        steps.append(("embeddings", "7 embeddings", lambda: embeddings_rows(streams)))

        for scenario, title, step in steps:
            if scenario not in wanted:
                continue
            begin = time.perf_counter()
            print(f"... {title}", end="", flush=True, file=sys.stderr)
            rows.extend(step())
            print(f" ({time.perf_counter() - begin:.1f} s)", file=sys.stderr)

    seconds = time.perf_counter() - started
    verdicts = judge(rows)
    print()
    print(format_table(rows))
    print()
    print(format_verdicts(verdicts))
    load = os.getloadavg()
    path = write_json(rows, verdicts, quick, seconds)
    print(f"\n{seconds:.0f} s; load average {load[0]:.1f} (2 cores: >2 means other work ran)")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
