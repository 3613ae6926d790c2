"""Scenarios 1-3: non-streamed and streamed chat, LangChain and LlamaIndex, against the peers.

Each contender of a framework family is checked once against what the canned response must
give (text, tool calls), then timed. In process, every contender reads the canned bytes from an
``httpx.MockTransport``; over loopback, from the canned server in another process.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx

from ..canned import CannedCompletion, CannedStream, completion
from ..contenders import FAMILIES, Contender, Outcome
from ..measure import (
    Budget,
    Sample,
    acall_sample,
    ainterleave,
    astream_sample,
    call_sample,
    interleave,
    median,
    run_async,
    stream_sample,
)
from ..report import Row
from ..transport import canned_transport

IN_PROCESS_URL = "http://tokenhub.bench/v1"


@dataclass
class Setting:
    """Where the contenders send: in process (a mock transport) or a loopback server."""

    mode: str
    loopback_url: str | None = None

    @contextmanager
    def endpoint(
        self, response: CannedCompletion | CannedStream
    ) -> Iterator[tuple[str, httpx.MockTransport | None]]:
        if self.loopback_url is None:
            yield IN_PROCESS_URL, canned_transport(response)
        else:
            yield self.loopback_url, None


@dataclass
class Measured:
    """One contender's medians for one call kind (``None`` when it could not run)."""

    name: str
    role: str
    values: dict[str, float | None]
    runs: int = 0
    problem: str = ""


def _check(outcome: Outcome, text: str, calls: tuple[tuple[str, dict[str, Any]], ...]) -> str:
    problems = []
    if outcome.text != text:
        problems.append(f"text differs ({len(outcome.text)} chars, expected {len(text)})")
    if [tuple(c) for c in outcome.tool_calls] != [tuple(c) for c in calls]:
        problems.append(f"tool calls differ: {outcome.tool_calls[:3]!r}")
    return "; ".join(problems)


def _problem(exc: BaseException) -> str:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"could not run: {detail[:200]}"


def _row(
    scenario: str,
    mode: str,
    metric: str,
    key: str,
    measured: list[Measured],
    lower_is_better: bool = True,
) -> Row:
    by_role = {m.role: m for m in measured}

    def cell(role: str) -> tuple[str, float | None] | None:
        m = by_role.get(role)
        return None if m is None else (m.name, m.values.get(key))

    problems = [f"{m.name}: {m.problem}" for m in measured if m.problem]
    return Row(
        scenario=scenario,
        mode=mode,
        metric=metric,
        ours=cell("ours") or ("ours", None),
        peer=cell("peer"),
        floor=cell("floor"),
        framework=cell("framework"),
        lower_is_better=lower_is_better,
        runs=min((m.runs for m in measured if m.values), default=0),
        note="; ".join(problems),
    )


class _Field:
    """The contenders of one family, built and checked, ready to be timed in turns."""

    def __init__(
        self,
        family: str,
        url: str,
        transport: httpx.MockTransport | None,
        tools: bool,
    ) -> None:
        self.entries = FAMILIES[family]
        self.ready: dict[str, Contender] = {}
        self.problems: dict[str, str] = {}
        for entry in self.entries:
            try:
                self.ready[entry.name] = entry.build(url, transport, tools)
            except Exception as exc:  # an unfinished or broken client must not stop the run
                self.problems[entry.name] = _problem(exc)

    def check_all(self, verify: Callable[[Contender], str]) -> None:
        """Run ``verify`` once per client: a wrong answer is reported (and still timed), an
        exception takes the client out."""
        for name, contender in list(self.ready.items()):
            try:
                self._settle(name, verify(contender))
            except Exception as exc:
                self._settle(name, exc)

    async def acheck_all(self, verify: Callable[[Contender], Awaitable[str]]) -> None:
        """Async :meth:`check_all`."""
        for name, contender in list(self.ready.items()):
            try:
                self._settle(name, await verify(contender))
            except Exception as exc:
                self._settle(name, exc)

    def _settle(self, name: str, problem: str | Exception) -> None:
        if isinstance(problem, Exception):
            del self.ready[name]
            problem = _problem(problem)
        if problem:
            self.problems[name] = problem

    def measured(
        self,
        samples: dict[str, list[Sample]],
        values: Callable[[list[Sample]], dict[str, float | None]],
    ) -> list[Measured]:
        return [
            Measured(
                entry.name,
                entry.role,
                values(samples[entry.name]) if samples.get(entry.name) else {},
                len(samples.get(entry.name, ())),
                self.problems.get(entry.name, ""),
            )
            for entry in self.entries
        ]

    def close(self) -> None:
        for contender in self.ready.values():
            contender.close()


def _call_values(samples: list[Sample]) -> dict[str, float | None]:
    return {
        "ms": median([s.wall for s in samples]) * 1e3,
        "cpu_ms": median([s.cpu for s in samples]) * 1e3,
    }


def invoke_rows(family: str, setting: Setting, budget: Budget, label: str) -> list[Row]:
    """Non-streamed calls, sync and async, the contenders of ``family`` taking turns."""
    response = completion()
    expected = response.expected_text
    with setting.endpoint(response) as (url, transport):
        field = _Field(family, url, transport, tools=False)
        field.check_all(lambda c: _check(c.outcome(c.invoke()), expected, ()))
        sync = interleave(
            {name: partial(call_sample, c.invoke) for name, c in field.ready.items()}, budget
        )

        async def verify(contender: Contender) -> str:
            return _check(contender.outcome(await contender.ainvoke()), expected, ())

        async def run() -> dict[str, list[Sample]]:
            await field.acheck_all(verify)
            runners = {name: partial(acall_sample, c.ainvoke) for name, c in field.ready.items()}
            return await ainterleave(runners, budget)

        asynced = run_async(run())
        field.close()
    calls = {"langchain": ("invoke", "ainvoke"), "llama_index": ("chat", "achat")}[family]
    rows = []
    for call, samples in zip(calls, (sync, asynced), strict=True):
        measured = field.measured(samples, _call_values)
        rows.append(_row(label, setting.mode, f"{call} ms/call", "ms", measured))
        rows.append(_row(label, setting.mode, f"{call} CPU ms/call", "cpu_ms", measured))
    return rows


def _stream_values(chunk_count: int) -> Callable[[list[Sample]], dict[str, float | None]]:
    def values(samples: list[Sample]) -> dict[str, float | None]:
        total = median([s.wall for s in samples])
        return {
            "first_ms": median([s.first or 0.0 for s in samples]) * 1e3,
            "cps": chunk_count / total,
            "cpu_ms": median([s.cpu for s in samples]) * 1e3,
        }

    return values


def stream_rows(
    family: str, setting: Setting, budget: Budget, label: str, response: CannedStream
) -> list[Row]:
    """Streamed calls, sync and async: time to the first chunk, chunks/s, CPU per stream."""
    expected = (response.expected_text, response.expected_tool_calls)
    with setting.endpoint(response) as (url, transport):
        field = _Field(family, url, transport, tools=bool(response.expected_tool_calls))
        field.check_all(lambda c: _check(c.stream_outcome(list(c.stream())), *expected))
        sync = interleave(
            {name: partial(stream_sample, c.stream) for name, c in field.ready.items()}, budget
        )

        async def verify(contender: Contender) -> str:
            chunks = [chunk async for chunk in contender.astream()]
            return _check(contender.stream_outcome(chunks), *expected)

        async def run() -> dict[str, list[Sample]]:
            await field.acheck_all(verify)
            runners = {name: partial(astream_sample, c.astream) for name, c in field.ready.items()}
            return await ainterleave(runners, budget)

        asynced = run_async(run())
        field.close()
    calls = {"langchain": ("stream", "astream"), "llama_index": ("stream_chat", "astream_chat")}
    values = _stream_values(response.chunk_count)
    name = f"{label} {response.name}"
    rows = []
    for call, samples in zip(calls[family], (sync, asynced), strict=True):
        measured = field.measured(samples, values)
        rows.append(_row(name, setting.mode, f"{call} CPU ms/stream", "cpu_ms", measured))
        rows.append(_row(name, setting.mode, f"{call} first chunk ms", "first_ms", measured))
        rows.append(
            _row(name, setting.mode, f"{call} chunks/s", "cps", measured, lower_is_better=False)
        )
    return rows
