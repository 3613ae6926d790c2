"""Scenarios 1-3: non-streamed and streamed chat, LangChain and LlamaIndex, against the peers.

Each contender of a framework family is checked once against what the canned response must
give (text, tool calls), then timed. In process, every contender reads the canned bytes from an
``httpx.MockTransport``; over loopback, from the canned server in another process.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from ..canned import CannedCompletion, CannedStream, completion, text_stream, tool_call_stream
from ..contenders import FAMILIES, Contender, Entry, Outcome
from ..measure import (
    Budget,
    atime_calls,
    atime_stream,
    median,
    run_async,
    time_calls,
    time_stream,
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


def _build(entry: Entry, url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    return entry.build(url, transport, tools)


def _failure(entry: Entry, exc: BaseException) -> Measured:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Measured(entry.name, entry.role, {}, problem=f"could not run: {detail[:200]}")


def _rows(
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


def _invoke_one(
    entry: Entry,
    url: str,
    transport: httpx.MockTransport | None,
    response: CannedCompletion,
    budget: Budget,
) -> tuple[Measured, Measured]:
    try:
        contender = _build(entry, url, transport, tools=False)
    except Exception as exc:  # an unfinished or broken client must not stop the run
        return _failure(entry, exc), _failure(entry, exc)
    try:
        problem = _check(contender.outcome(contender.invoke()), response.expected_text, ())
        sync = time_calls(contender.invoke, budget)

        async def run() -> tuple[str, list[float]]:
            result = await contender.ainvoke()
            aproblem = _check(contender.outcome(result), response.expected_text, ())
            return aproblem, await atime_calls(contender.ainvoke, budget)

        aproblem, asynced = run_async(run())
    except Exception as exc:
        return _failure(entry, exc), _failure(entry, exc)
    finally:
        contender.close()
    return (
        Measured(entry.name, entry.role, {"ms": median(sync) * 1e3}, len(sync), problem),
        Measured(entry.name, entry.role, {"ms": median(asynced) * 1e3}, len(asynced), aproblem),
    )


def invoke_rows(family: str, setting: Setting, budget: Budget, label: str) -> list[Row]:
    """Non-streamed calls, sync and async, per contender of ``family``."""
    response = completion()
    sync: list[Measured] = []
    asynced: list[Measured] = []
    with setting.endpoint(response) as (url, transport):
        for entry in FAMILIES[family]:
            one, two = _invoke_one(entry, url, transport, response, budget)
            sync.append(one)
            asynced.append(two)
    calls = {"langchain": ("invoke", "ainvoke"), "llama_index": ("chat", "achat")}[family]
    return [
        _rows(label, setting.mode, f"{calls[0]} ms/call", "ms", sync),
        _rows(label, setting.mode, f"{calls[1]} ms/call", "ms", asynced),
    ]


def _stream_values(times: Any, chunks: int) -> dict[str, float | None]:
    total = median(times.total)
    return {"first_ms": median(times.first) * 1e3, "total_ms": total * 1e3, "cps": chunks / total}


def _stream_one(
    entry: Entry,
    url: str,
    transport: httpx.MockTransport | None,
    response: CannedStream,
    budget: Budget,
) -> tuple[Measured, Measured]:
    tools = bool(response.expected_tool_calls)
    try:
        contender = _build(entry, url, transport, tools)
    except Exception as exc:
        return _failure(entry, exc), _failure(entry, exc)
    expected = (response.expected_text, response.expected_tool_calls)
    try:
        problem = _check(contender.stream_outcome(list(contender.stream())), *expected)
        sync = time_stream(contender.stream, budget)

        async def run() -> tuple[str, Any]:
            chunks = [chunk async for chunk in contender.astream()]
            return _check(contender.stream_outcome(chunks), *expected), await atime_stream(
                contender.astream, budget
            )

        aproblem, asynced = run_async(run())
    except Exception as exc:
        return _failure(entry, exc), _failure(entry, exc)
    finally:
        contender.close()
    n = response.chunk_count
    return (
        Measured(entry.name, entry.role, _stream_values(sync, n), len(sync.total), problem),
        Measured(entry.name, entry.role, _stream_values(asynced, n), len(asynced.total), aproblem),
    )


def stream_rows(
    family: str, setting: Setting, budget: Budget, label: str, response: CannedStream
) -> list[Row]:
    """Streamed calls, sync and async: time to first chunk and chunks per second."""
    sync: list[Measured] = []
    asynced: list[Measured] = []
    with setting.endpoint(response) as (url, transport):
        for entry in FAMILIES[family]:
            one, two = _stream_one(entry, url, transport, response, budget)
            sync.append(one)
            asynced.append(two)
    calls = {"langchain": ("stream", "astream"), "llama_index": ("stream_chat", "astream_chat")}
    rows = []
    for call, measured in zip(calls[family], (sync, asynced), strict=True):
        name = f"{label} {response.name}"
        rows.append(_rows(name, setting.mode, f"{call} total ms", "total_ms", measured))
        rows.append(_rows(name, setting.mode, f"{call} first chunk ms", "first_ms", measured))
        rows.append(
            _rows(name, setting.mode, f"{call} chunks/s", "cps", measured, lower_is_better=False)
        )
    return rows


def chat_scenarios(
    setting: Setting, call_budget: Budget, stream_budget: Budget
) -> Iterator[Callable[[], list[Row]]]:
    """Scenarios 1-3 for one setting, as thunks so the runner can report progress."""
    text, tools = text_stream(), tool_call_stream()
    yield lambda: invoke_rows("langchain", setting, call_budget, "1 chat")
    yield lambda: stream_rows("langchain", setting, stream_budget, "2 stream", text)
    yield lambda: stream_rows("langchain", setting, stream_budget, "2 stream", tools)
    yield lambda: invoke_rows("llama_index", setting, call_budget, "3 llama_index")
    yield lambda: stream_rows("llama_index", setting, stream_budget, "3 llama_index", text)
    yield lambda: stream_rows("llama_index", setting, stream_budget, "3 llama_index", tools)
