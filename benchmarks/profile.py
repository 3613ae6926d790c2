"""Profile our side of one in-process scenario and show where its time goes.

    python -m benchmarks.profile stream            # ChatHunyuan.stream, 4,000 chunks
    python -m benchmarks.profile li-stream --html out.html   # pyinstrument page

Targets: ``invoke``, ``stream``, ``tools-stream`` (ChatHunyuan) and ``li-chat``, ``li-stream``,
``li-tools-stream`` (LlamaIndex Hunyuan); add ``--peer`` to profile the peer instead. The default
output is cProfile's table of the functions with the most own time; ``--html`` writes a
pyinstrument call tree instead (``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

from .canned import completion, text_stream, tool_call_stream
from .contenders import FAMILIES, Contender
from .scenarios.chat import IN_PROCESS_URL
from .transport import canned_transport

TARGETS: dict[str, tuple[str, str, bool, int]] = {
    # name: (family, call, tools, repetitions)
    "invoke": ("langchain", "invoke", False, 3000),
    "stream": ("langchain", "stream", False, 20),
    "tools-stream": ("langchain", "stream", True, 60),
    "li-chat": ("llama_index", "invoke", False, 3000),
    "li-stream": ("llama_index", "stream", False, 20),
    "li-tools-stream": ("llama_index", "stream", True, 60),
}


def _workload(target: str, peer: bool) -> tuple[Contender, Callable[[], Any], int]:
    family, call, tools, repetitions = TARGETS[target]
    response = (
        completion() if call == "invoke" else (tool_call_stream() if tools else text_stream())
    )
    entry = FAMILIES[family][1 if peer else 0]
    contender = entry.build(IN_PROCESS_URL, canned_transport(response), tools)
    if call == "invoke":
        return contender, contender.invoke, repetitions

    def drain() -> None:
        for _ in contender.stream():
            pass

    return contender, drain, repetitions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--peer", action="store_true", help="profile the peer client instead")
    parser.add_argument("--html", help="write a pyinstrument HTML call tree to this file")
    parser.add_argument("--top", type=int, default=25, help="rows of the cProfile table")
    args = parser.parse_args(argv)
    contender, work, repetitions = _workload(args.target, args.peer)
    for _ in range(3):
        work()
    begin = time.perf_counter()
    if args.html:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(repetitions):
            work()
        profiler.stop()
        with open(args.html, "w", encoding="utf-8") as page:
            page.write(profiler.output_html())
    else:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(repetitions):
            work()
        profile.disable()
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
    each_ms = (time.perf_counter() - begin) / repetitions * 1e3
    print(f"{contender.name} {args.target}: {repetitions} calls, {each_ms:.3f} ms each (profiled)")
    contender.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
