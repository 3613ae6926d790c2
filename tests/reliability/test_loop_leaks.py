"""An event loop that has ended leaves nothing behind (issue point 1).

Scripts, notebook cells and task queues call ``asyncio.run`` once per call. Each run below
talks to the emulator through one long-lived model or tool; afterwards the process holds as
many sockets, threads and event loops as before the first run.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from tests.redis_server import redis_server_url, redis_url
from tests.reliability._fault_server import open_sockets, settle
from tests.reliability.conftest import API_KEY

__all__ = ["redis_server_url", "redis_url"]  # fixtures

RUNS = 15
MODEL = "deepseek-v4-flash"
FAST_JOBS = {"poll_interval": 0.005, "max_poll_interval": 0.02}


@pytest.fixture(scope="module")
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(
        api_key=API_KEY, job_timing=JobTiming(queued_s=0.01, running_s=0.02)
    ) as emu:
        yield emu


def live_loops() -> int:
    gc.collect()
    return sum(isinstance(o, asyncio.AbstractEventLoop) for o in gc.get_objects())


def resources() -> tuple[int, int, int]:
    return open_sockets(), threading.active_count(), live_loops()


@contextmanager
def closed_not_collected() -> Iterator[None]:
    """Fails if a socket or transport was left for the garbage collector to close."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not unclosed, unclosed


def nothing_left_since(before: tuple[int, int, int]) -> Callable[[], bool]:
    # Not more than before: the emulator may still be closing the first run's connection then.
    return lambda: all(now <= then for now, then in zip(resources(), before, strict=True))


def _langchain_chat(emulator: TokenHubEmulator) -> Callable[[], Awaitable[Any]]:
    from langchain_hunyuan import ChatHunyuan

    llm = ChatHunyuan(model=MODEL, api_key=API_KEY, base_url=emulator.base_url)

    async def call() -> None:
        await llm.ainvoke("hi")
        async for _ in llm.astream("hi"):
            pass

    return call


def _llama_index_chat(emulator: TokenHubEmulator) -> Callable[[], Awaitable[Any]]:
    from llama_index.core.llms import ChatMessage

    from llama_index_hunyuan import Hunyuan

    llm = Hunyuan(model=MODEL, api_key=API_KEY, base_url=emulator.base_url)
    messages = [ChatMessage(role="user", content="hi")]

    async def call() -> None:
        await llm.achat(messages)

    return call


def _langchain_tool(emulator: TokenHubEmulator) -> Callable[[], Awaitable[Any]]:
    from langchain_hunyuan import HunyuanImageGenerationTool

    tool = HunyuanImageGenerationTool(api_key=API_KEY, base_url=emulator.base_url, **FAST_JOBS)

    async def call() -> None:
        await tool.ainvoke({"prompt": "a koi pond"})

    return call


def _llama_index_tool(emulator: TokenHubEmulator) -> Callable[[], Awaitable[Any]]:
    from llama_index_hunyuan import HunyuanGenerationToolSpec

    spec = HunyuanGenerationToolSpec(
        api_key=API_KEY, base_url=emulator.base_url, poll_interval=0.005
    )

    async def call() -> None:
        await spec.agenerate_image(prompt="a koi pond")

    return call


@pytest.mark.parametrize(
    "make_call",
    [_langchain_chat, _llama_index_chat, _langchain_tool, _llama_index_tool],
    ids=["ChatHunyuan", "llama_index.Hunyuan", "langchain.image_tool", "llama_index.tool_spec"],
)
def test_repeated_asyncio_run_leaves_no_socket_thread_or_loop(
    emulator: TokenHubEmulator,
    make_call: Callable[[TokenHubEmulator], Callable[[], Awaitable[Any]]],
) -> None:
    call = make_call(emulator)
    asyncio.run(call())  # first use: imports, lazy clients, the emulator's own pools
    before = resources()
    with closed_not_collected():
        for _ in range(RUNS):
            asyncio.run(call())
    # The emulator's handler threads close their side a moment after the client's.
    assert settle(nothing_left_since(before)), (before, resources())


def test_a_loop_closed_without_shutdown_is_released_on_the_next_use(
    emulator: TokenHubEmulator,
) -> None:
    call = _langchain_chat(emulator)
    asyncio.run(call())
    before = resources()
    for _ in range(3):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(call())
        loop.close()  # no shutdown_asyncgens(): the cache cannot close the pool in time
    del loop
    asyncio.run(call())  # the next use forgets the closed loops' entries
    assert settle(lambda: live_loops() == before[2]), live_loops()


def test_cancelled_calls_leave_nothing_behind(emulator: TokenHubEmulator) -> None:
    call = _langchain_chat(emulator)
    asyncio.run(call())
    before = resources()

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(call())
        await asyncio.sleep(0.001)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    for _ in range(RUNS):
        asyncio.run(cancel_midway())
    assert settle(nothing_left_since(before)), (before, resources())


def test_per_loop_redis_connections_close_with_their_loop(redis_url: str) -> None:
    # Job slots and rate limits shared through Redis keep one async client per loop.
    from hunyuan_tokenhub._redis import RedisLink

    link = RedisLink(redis_url, purpose="leak test")
    assert asyncio.run(link.arun("return 1", [], [])) == 1
    before = resources()
    with closed_not_collected():
        for _ in range(RUNS):
            asyncio.run(link.arun("return 1", [], []))
    assert settle(nothing_left_since(before)), (before, resources())
