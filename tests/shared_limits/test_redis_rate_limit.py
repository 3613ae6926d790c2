"""The Redis rate limit: its rule, and ChatHunyuan, the tools and LlamaIndex sharing it."""

from __future__ import annotations

import time

import pytest
from langchain_core.messages import ToolMessage
from llama_index.core.llms import ChatMessage

from hunyuan_tokenhub import RedisRateLimit, SharedLimitsUnavailableError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import RedisJobSlots
from langchain_hunyuan import (
    ChatHunyuan,
    HunyuanGenerationToolkit,
    HunyuanImageGenerationTool,
    RedisRateLimiter,
)
from llama_index_hunyuan import Hunyuan
from tests.redis_server import free_port
from tests.shared_limits.conftest import API_KEY, CLIENT_OPTIONS

CHAT_MODEL = "deepseek-v3.2"


def test_a_burst_then_one_turn_per_interval(redis_url: str) -> None:
    limit = RedisRateLimit(redis_url, requests_per_second=20, max_bucket_size=3, name="burst")
    limit.acquire(blocking=False)  # connected: the turns below are timed, not the connecting
    time.sleep(0.2)  # the bucket is full again
    started = time.monotonic()
    assert [limit.acquire(blocking=False) for _ in range(3)] == [True, True, True]
    assert limit.acquire(blocking=False) is False  # spent, and nothing was reserved
    assert limit.acquire() is True  # the fourth turn comes one interval after the burst
    assert 0.045 <= time.monotonic() - started < 0.5
    limit.close()


async def test_async_turns_are_spaced_by_the_interval(redis_url: str) -> None:
    limit = RedisRateLimit(redis_url, requests_per_second=10, name="async")
    started = time.monotonic()
    for _ in range(3):
        assert await limit.aacquire() is True
    assert time.monotonic() - started >= 0.18
    await limit.aclose()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"requests_per_second": 0}, "requests_per_second must be > 0"),
        ({"requests_per_second": 1, "max_bucket_size": 0}, "max_bucket_size must be >= 1"),
    ],
)
def test_bad_settings_fail_at_construction(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RedisRateLimit("redis://localhost:6379/0", **options)  # type: ignore[arg-type]


def test_an_unreachable_redis_fails_at_the_first_call_with_the_masked_url() -> None:
    limiter = RedisRateLimiter(
        f"redis://:s3cret-pass@127.0.0.1:{free_port()}/0", requests_per_second=1
    )
    with pytest.raises(
        SharedLimitsUnavailableError, match=r"rate limit 'default': Redis at redis://:\*\*\*@"
    ) as info:
        limiter.acquire()
    assert "s3cret-pass" not in str(info.value) + repr(limiter)


def test_chat_models_in_different_workers_share_one_budget(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    # Two limiter objects with their own connections, as in two worker processes.
    llms = [
        ChatHunyuan(
            model=CHAT_MODEL,
            api_key=API_KEY,
            base_url=emulator.base_url,
            rate_limiter=RedisRateLimiter(redis_url, requests_per_second=10, name="chat"),
        )
        for _ in range(2)
    ]
    started = time.monotonic()
    for _ in range(2):
        for llm in llms:
            assert llm.invoke("Hi").content
    assert time.monotonic() - started >= 0.27  # 4 requests, 10 per second, burst 1


async def test_async_chat_waits_for_its_turn(redis_url: str, emulator: TokenHubEmulator) -> None:
    limiter = RedisRateLimiter(redis_url, requests_per_second=10, name="achat")
    llm = ChatHunyuan(
        model=CHAT_MODEL, api_key=API_KEY, base_url=emulator.base_url, rate_limiter=limiter
    )
    started = time.monotonic()
    for _ in range(3):
        assert (await llm.ainvoke("Hi")).content
    assert time.monotonic() - started >= 0.18
    await limiter.aclose()


async def test_llama_index_hunyuan_takes_the_same_limiter(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    limiter = RedisRateLimiter(redis_url, requests_per_second=10, name="llama")
    llm = Hunyuan(CHAT_MODEL, api_key=API_KEY, base_url=emulator.base_url, rate_limiter=limiter)
    assert llm.model_copy(deep=True).rate_limiter.limiter is limiter  # a copy shares the budget
    messages = [ChatMessage(role="user", content="Hi")]
    started = time.monotonic()
    assert llm.chat(messages).message.content
    assert "".join(r.delta or "" for r in llm.stream_chat(messages))
    assert (await llm.achat(messages)).message.content
    async for _ in await llm.astream_chat(messages):
        pass
    assert time.monotonic() - started >= 0.27
    await limiter.aclose()


def test_llama_index_hunyuan_refuses_a_non_limiter(emulator: TokenHubEmulator) -> None:
    with pytest.raises(ValueError, match="rate_limiter"):
        Hunyuan(CHAT_MODEL, api_key=API_KEY, base_url=emulator.base_url, rate_limiter=5)


def test_generation_tools_share_the_limiter_and_the_slots(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    limiter = RedisRateLimiter(redis_url, requests_per_second=10, name="tools")
    tool = HunyuanImageGenerationTool(
        api_key=API_KEY,
        base_url=emulator.base_url,
        rate_limiter=limiter,
        job_slots_url=redis_url,
        download_policy=CLIENT_OPTIONS["download_policy"],
        poll_interval=0.005,
        max_poll_interval=0.02,
    )
    assert isinstance(tool.slots, RedisJobSlots) and "job_slots_url" not in repr(tool)
    started = time.monotonic()
    for index in range(3):
        message = tool.invoke(
            {"type": "tool_call", "id": f"c{index}", "name": tool.name, "args": {"prompt": "x"}}
        )
        assert isinstance(message, ToolMessage) and "Generated 1 image" in message.content
    assert time.monotonic() - started >= 0.18


def test_a_tool_raises_an_unreachable_redis_instead_of_telling_the_agent(
    emulator: TokenHubEmulator,
) -> None:
    tool = HunyuanImageGenerationTool(
        api_key=API_KEY,
        base_url=emulator.base_url,
        job_slots_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    with pytest.raises(SharedLimitsUnavailableError, match="shared job slots"):
        tool.invoke({"type": "tool_call", "id": "c", "name": tool.name, "args": {"prompt": "x"}})
    assert not emulator.requests


def test_the_toolkit_gives_every_tool_the_limiter_and_one_redis_store(
    redis_url: str, emulator: TokenHubEmulator
) -> None:
    limiter = RedisRateLimiter(redis_url, requests_per_second=10, name="toolkit")
    tools = HunyuanGenerationToolkit(
        api_key=API_KEY, base_url=emulator.base_url, rate_limiter=limiter, job_slots_url=redis_url
    ).get_tools()
    assert len(tools) == 3
    assert all(tool.rate_limiter is limiter for tool in tools)  # type: ignore[attr-defined]
    stores = {id(tool.slots) for tool in tools}  # type: ignore[attr-defined]
    assert len(stores) == 1 and isinstance(tools[0].slots, RedisJobSlots)  # type: ignore[attr-defined]
