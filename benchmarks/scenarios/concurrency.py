"""Scenario 4: many concurrent ``ainvoke`` calls over loopback: wall time and errors.

Each client is built once and warmed by one full round (as an application's would be); then the
clients take turns, round after round, so that drift in the machine's load hits all of them
alike. A round starts all calls at once with ``asyncio.gather``; its wall time runs from the first
call to the last answer. Errors are counted, not raised, and their kinds reported.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from ..canned import completion
from ..contenders import FAMILIES, Contender, Entry
from ..measure import frozen_heap, median, run_async
from ..report import Row


async def _round(contender: Contender, calls: int) -> tuple[float, float, Counter[str]]:
    """(wall seconds, this process's CPU seconds, errors by kind) of one round."""
    with frozen_heap():
        begin, cpu = time.perf_counter(), time.process_time()
        results = await asyncio.gather(
            *(contender.ainvoke() for _ in range(calls)), return_exceptions=True
        )
        wall, cpu = time.perf_counter() - begin, time.process_time() - cpu
    expected = completion().expected_text
    errors: Counter[str] = Counter()
    for result in results:
        if isinstance(result, BaseException):
            errors[type(result).__name__] += 1
        elif contender.outcome(result).text != expected:
            errors["wrong answer"] += 1
    return wall, cpu, errors


def concurrency_rows(loopback_url: str, calls: int, rounds: int) -> list[Row]:
    contenders: list[tuple[Entry, Contender]] = []
    notes: list[str] = []
    for entry in FAMILIES["langchain"]:
        try:
            contender = entry.build(loopback_url, None, False)
            run_async(_round(contender, calls))
        except Exception as exc:
            notes.append(f"{entry.name}: could not run: {type(exc).__name__}: {exc}"[:240])
        else:
            contenders.append((entry, contender))
    walls: dict[str, list[float]] = {entry.name: [] for entry, _ in contenders}
    cpus: dict[str, list[float]] = {entry.name: [] for entry, _ in contenders}
    errors: dict[str, Counter[str]] = {entry.name: Counter() for entry, _ in contenders}
    for _ in range(rounds):
        for entry, contender in contenders:
            wall, cpu, round_errors = run_async(_round(contender, calls))
            walls[entry.name].append(wall)
            cpus[entry.name].append(cpu)
            errors[entry.name].update(round_errors)
    cells: dict[str, tuple[str, float | None]] = {}
    best_cells: dict[str, tuple[str, float | None]] = {}
    cpu_cells: dict[str, tuple[str, float | None]] = {}
    error_cells: dict[str, tuple[str, float | None]] = {}
    for entry in FAMILIES["langchain"]:
        measured = walls.get(entry.name)
        cells[entry.role] = (entry.name, median(measured) * 1e3 if measured else None)
        best_cells[entry.role] = (entry.name, min(measured) * 1e3 if measured else None)
        cpu = cpus.get(entry.name)
        cpu_cells[entry.role] = (entry.name, median(cpu) * 1e3 if cpu else None)
        error_cells[entry.role] = (
            entry.name,
            float(sum(errors[entry.name].values())) if measured else None,
        )
        if errors.get(entry.name):
            notes.append(f"{entry.name}: {dict(errors[entry.name])}")
    for _, contender in contenders:
        contender.close()
    if rounds < 3:
        notes.append(
            f"only {rounds} round(s): single rounds vary 2-5x (httpcore's pool scans every pooled "
            "connection per queued request), so this is a smoke test, not a measurement"
        )
    label = f"4 concurrency {calls}x ainvoke"
    common = {"scenario": label, "mode": "loopback", "runs": rounds, "note": "; ".join(notes)}
    return [
        Row(
            metric=metric,
            ours=values["ours"],
            peer=values.get("peer"),
            floor=values.get("floor"),
            framework=values.get("framework"),
            **common,  # type: ignore[arg-type]
        )
        for metric, values in (
            ("wall ms (median)", cells),
            ("wall ms (best round)", best_cells),
            ("client CPU ms", cpu_cells),
            ("errors (all rounds)", error_cells),
        )
    ]
