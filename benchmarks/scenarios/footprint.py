"""Scenario 6: import time in fresh interpreters, CLI start-up, and peak memory while streaming.

Import time is measured inside fresh interpreters around the ``import`` statement alone
(interpreter start-up excluded), as wall time and as CPU time (the CPU time is the steadier one
on a busy machine). Each module is imported in several fresh processes and the median kept.

CLI start-up is the whole ``hunyuan-tokenhub --help`` / ``--version`` process as a user waits
for it (interpreter start-up included), next to ``python -c pass`` as the floor; the target is
under 0.3 s.

Peak memory is ``tracemalloc``'s peak while one long response is streamed in process and its
text collected (as an application showing tokens would), for ours, the peer and the floors.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc

from ..canned import text_stream
from ..contenders import FAMILIES, Entry
from ..measure import median
from ..report import Row
from ..transport import canned_transport
from .chat import IN_PROCESS_URL

_PROBE = (
    "import time; w = time.perf_counter(); c = time.process_time(); import {module}; "
    "print(time.perf_counter() - w, time.process_time() - c)"
)


def import_seconds(module: str) -> tuple[float, float]:
    """(wall, CPU) seconds of ``import module`` in a fresh interpreter, start-up excluded."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = completed.stdout.split()
    return float(wall), float(cpu)


def _median_import(module: str, repeats: int) -> tuple[float | None, float | None]:
    try:
        samples = [import_seconds(module) for _ in range(repeats)]
    except (subprocess.CalledProcessError, ValueError):
        return None, None
    return median([s[0] for s in samples]) * 1e3, median([s[1] for s in samples]) * 1e3


_MODULES = (
    ("hunyuan_tokenhub", "langchain_openai"),
    ("langchain_hunyuan", "langchain_openai"),
    ("llama_index_hunyuan", "llama_index.llms.openai_like"),
)


def import_rows(repeats: int) -> list[Row]:
    timings = {
        module: _median_import(module, repeats)
        for module in dict.fromkeys(name for pair in _MODULES for name in pair)
    }
    rows = []
    for index, metric in enumerate(("import wall ms", "import CPU ms")):
        for ours, peer in _MODULES:
            rows.append(
                Row(
                    "6 import",
                    "fresh process",
                    metric,
                    (ours, timings[ours][index]),
                    peer=(peer, timings[peer][index]),
                    runs=repeats,
                )
            )
    return rows


def _process_seconds(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process, start-up included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cli_startup_rows(repeats: int) -> list[Row]:
    floor_samples = [_process_seconds([sys.executable, "-c", "pass"]) for _ in range(repeats)]
    rows = []
    for flag in ("--help", "--version"):
        argv = [sys.executable, "-m", "hunyuan_tokenhub.cli", flag]
        samples = [_process_seconds(argv) for _ in range(repeats)]
        for index, metric in enumerate(("process wall ms", "process CPU ms")):
            rows.append(
                Row(
                    f"6 cli {flag}",
                    "fresh process",
                    metric,
                    (f"hunyuan-tokenhub {flag}", median([s[index] for s in samples]) * 1e3),
                    floor=("python -c pass", median([s[index] for s in floor_samples]) * 1e3),
                    runs=repeats,
                    note="target: under 300 ms",
                )
            )
    return rows


def _peak_streaming(entry: Entry, chunk_count: int) -> float | None:
    response = text_stream(chunk_count)
    try:
        contender = entry.build(IN_PROCESS_URL, canned_transport(response), False)
        for _ in contender.stream():  # warm every code path before tracing
            pass
        tracemalloc.start()
        try:
            texts = [contender.piece(chunk) for chunk in contender.stream()]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        contender.close()
    except Exception:
        return None
    if "".join(texts) != response.expected_text:
        return None
    return peak / 2**20


def memory_rows(chunk_count: int) -> list[Row]:
    rows = []
    for family, entries in FAMILIES.items():
        cells = {entry.role: (entry.name, _peak_streaming(entry, chunk_count)) for entry in entries}
        rows.append(
            Row(
                f"6 memory {family} text-{chunk_count}",
                "in-process",
                "peak MiB while streaming",
                cells["ours"],
                peer=cells.get("peer"),
                floor=cells.get("floor"),
                framework=cells.get("framework"),
                runs=1,
                note="tracemalloc peak while the texts of all chunks are collected",
            )
        )
    return rows
