"""``python -m hunyuan_tokenhub.emulator``: run the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from ._emulator import TokenHubEmulator
from ._jobs import JobTiming

# The share of a job's duration spent queued before it starts running.
_QUEUED_SHARE = 0.2
# A long-running server keeps only the newest requests in memory.
_RECORDED_REQUESTS = 10_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hunyuan_tokenhub.emulator",
        description="Run a local TokenHub emulator (chat, generation jobs, result files).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="primary port (default 8765)")
    parser.add_argument(
        "--backup-port", type=int, default=0, help="backup host port (default: any free port)"
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="require this key (default: accept any non-empty Bearer key)",
    )
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=3.0,
        help="how long a generation job takes, queued + running (default 3)",
    )
    parser.add_argument(
        "--no-job-limits",
        action="store_true",
        help="do not enforce TokenHub's per-account concurrent job limits",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.job_seconds < 0:
        print("--job-seconds must be >= 0", file=sys.stderr)
        return 2
    timing = JobTiming(
        queued_s=args.job_seconds * _QUEUED_SHARE,
        running_s=args.job_seconds * (1 - _QUEUED_SHARE),
    )
    emulator = TokenHubEmulator(
        api_key=args.api_key,
        job_timing=timing,
        job_concurrency=not args.no_job_limits,
        host=args.host,
        port=args.port,
        backup_port=args.backup_port,
        max_recorded_requests=_RECORDED_REQUESTS,
    )
    emulator.legacy.timing = timing
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        emulator.start()
    except OSError as exc:
        # A port in use (or an address not on this machine) is a usage error, as in the CLI.
        print(
            f"cannot listen on {args.host}:{args.port} (backup port {args.backup_port}): {exc}; "
            "choose another --port or --backup-port",
            file=sys.stderr,
        )
        return 2
    with emulator:
        print(f"TokenHub emulator listening on {emulator.base_url}", flush=True)
        print(f"backup host: {emulator.backup_base_url}", flush=True)
        print(
            "api key: " + ("enforced" if args.api_key else "any non-empty Bearer key accepted"),
            flush=True,
        )
        credentials = ", ".join(f"{i} / {k}" for i, k in emulator.legacy.credentials.items())
        print(
            f"older endpoints on {emulator.root_url}: /v1/aiart/*, /v1/ai3d/* (any "
            f"'Authorization: <key>'), Cloud API 3.0 POST / (SecretId / SecretKey: {credentials})",
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
