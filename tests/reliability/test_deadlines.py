"""Every request ends by its deadline, whatever the server does; sent chat requests are not
resent (issue points 3 and 8).

The bounds asserted are generous (a shared machine), but far below what each hostile server
would take without the deadline: the drips below would last 10-20 s, the silent server forever.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hunyuan_tokenhub import (
    APIConnectionError,
    APITimeoutError,
    AsyncTokenHubClient,
    TokenHubClient,
)
from tests.reliability._fault_server import (
    FaultServer,
    Script,
    chat_chunk,
    chat_completion,
    drip,
    json_response,
    silent,
    sse_response,
)
from tests.reliability.conftest import API_KEY, CHAT

TIMEOUT = 0.5
# Far above TIMEOUT plus scheduling noise, far below the hostile server's own duration.
BOUND = 2.5


def _client(server: FaultServer, **settings: Any) -> TokenHubClient:
    return TokenHubClient(api_key=API_KEY, base_url=server.base_url, max_retries=0, **settings)


def _async_client(server: FaultServer, **settings: Any) -> AsyncTokenHubClient:
    return AsyncTokenHubClient(api_key=API_KEY, base_url=server.base_url, max_retries=0, **settings)


def _timed(call: Callable[[], object]) -> tuple[BaseException, float]:
    start = time.monotonic()
    with pytest.raises(APIConnectionError) as caught:
        call()
    return caught.value, time.monotonic() - start


SLOW_BODY = drip(json_response(chat_completion("x" * 200)), interval=0.05)
SLOW_HEADERS = drip(json_response(chat_completion("x")) + b" " * 200, interval=0.05)
SLOW_LORIS = drip(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 400, interval=0.05)


@pytest.mark.parametrize(
    "script",
    [SLOW_BODY, SLOW_HEADERS, SLOW_LORIS, silent],
    ids=["drip-body", "drip-whole", "slow-loris-headers", "never-answers"],
)
def test_a_request_ends_by_its_deadline_however_the_server_drips(
    server: FaultServer, script: Script
) -> None:
    server.script = script
    with _client(server, timeout=TIMEOUT) as client:
        error, elapsed = _timed(lambda: client.chat_completions(CHAT))
    assert isinstance(error, APITimeoutError)
    assert "deadline of 0.5s" in str(error)
    assert elapsed < BOUND


@pytest.mark.parametrize("script", [SLOW_BODY, SLOW_LORIS, silent], ids=["drip", "loris", "silent"])
async def test_the_async_client_has_the_same_deadline(server: FaultServer, script: Script) -> None:
    server.script = script
    async with _async_client(server, timeout=TIMEOUT) as client:
        start = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            await client.chat_completions(CHAT)
    assert time.monotonic() - start < BOUND


def test_an_httpx_timeout_sets_the_phases_and_its_longest_phase_the_deadline(
    server: FaultServer,
) -> None:
    server.script = SLOW_BODY
    with _client(server, timeout=httpx.Timeout(0.2, read=TIMEOUT)) as client:
        error, elapsed = _timed(lambda: client.chat_completions(CHAT))
    assert "deadline of 0.5s" in str(error)
    assert elapsed < BOUND


KEEPALIVE_FOREVER = drip(sse_response([": keep-alive\n\n"] * 400), interval=0.01, after=120)


def test_a_stream_must_deliver_its_first_chunk_within_the_deadline(server: FaultServer) -> None:
    # Comments keep bytes flowing, but no chunk ever comes.
    server.script = KEEPALIVE_FOREVER
    with _client(server, timeout=TIMEOUT) as client:
        error, elapsed = _timed(lambda: list(client.stream_chat_completions(CHAT)))
    assert isinstance(error, APITimeoutError)
    assert "no stream chunk within the request's deadline" in str(error)
    assert elapsed < BOUND


def _stalling_stream() -> Script:
    # Two chunks at once, then the third one byte per 50 ms (it would take ~10 s).
    first = sse_response([chat_chunk("a"), chat_chunk("b"), chat_chunk("c" * 150)])
    boundary = first.index(b"data:", first.index(b"data:", first.index(b"data:") + 1) + 1)
    return drip(first, interval=0.05, after=boundary)


def test_a_stalled_stream_ends_after_the_idle_limit_with_what_came_kept(
    server: FaultServer,
) -> None:
    server.script = _stalling_stream()
    received: list[dict[str, Any]] = []
    with _client(server, timeout=30.0, stream_idle_timeout=0.4) as client:

        def consume() -> None:
            received.extend(client.stream_chat_completions(CHAT))

        error, elapsed = _timed(consume)
    assert isinstance(error, APITimeoutError)
    assert "stalled" in str(error) and "stream_idle_timeout" in str(error)
    assert [c["choices"][0]["delta"]["content"] for c in received] == ["a", "b"]
    assert elapsed < BOUND


async def test_the_async_stream_has_the_same_idle_limit(server: FaultServer) -> None:
    server.script = _stalling_stream()
    received = []
    async with _async_client(server, timeout=30.0, stream_idle_timeout=0.4) as client:
        with pytest.raises(APITimeoutError, match="stalled"):
            async for chunk in client.stream_chat_completions(CHAT):
                received.append(chunk)
    assert len(received) == 2


def test_a_slow_consumer_is_not_a_stalled_stream(server: FaultServer) -> None:
    server.script = drip(sse_response([chat_chunk("a"), chat_chunk("b"), "data: [DONE]\n\n"]), 0)
    with _client(server, stream_idle_timeout=0.2) as client:
        texts = []
        for chunk in client.stream_chat_completions(CHAT):
            time.sleep(0.3)  # longer than the idle limit: the server is not to blame
            texts.append(chunk["choices"][0]["delta"]["content"])
    assert texts == ["a", "b"]


@pytest.mark.parametrize("stream", [False, True])
def test_a_chat_read_timeout_is_not_resent_by_default(server: FaultServer, stream: bool) -> None:
    # Each send may start a billed generation on the server.
    server.script = silent
    with TokenHubClient(
        api_key=API_KEY, base_url=server.base_url, timeout=0.3, max_retries=2
    ) as client:
        with pytest.raises(APITimeoutError):
            if stream:
                list(client.stream_chat_completions(CHAT))
            else:
                client.chat_completions(CHAT)
    assert len(server.requests) == 1


def test_resending_after_a_read_timeout_is_opt_in(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hunyuan_tokenhub._retry.RetryPolicy.delay", lambda *a, **k: 0.0)
    server.script = silent
    with TokenHubClient(
        api_key=API_KEY,
        base_url=server.base_url,
        timeout=0.3,
        max_retries=2,
        retry_sent_chat_requests=True,
    ) as client:
        with pytest.raises(APITimeoutError):
            client.chat_completions(CHAT)
    assert len(server.requests) == 3


def test_job_queries_are_still_retried_after_a_read_timeout(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hunyuan_tokenhub._retry.RetryPolicy.delay", lambda *a, **k: 0.0)
    server.script = silent
    with TokenHubClient(
        api_key=API_KEY, base_url=server.base_url, timeout=0.3, max_retries=1
    ) as client:
        with pytest.raises(APITimeoutError):
            client.post_json("/api/image/query", {"model": "hy-image-v3.0", "id": "1"})
    assert len(server.requests) == 2


def test_the_deadline_does_not_leak_into_other_threads_or_tasks(server: FaultServer) -> None:
    # One pool, two concurrent requests: a short deadline in one task never cuts the other.
    server.script = drip(json_response(chat_completion("ok")), interval=0.004)

    async def both() -> list[Any]:
        async with httpx.AsyncClient() as pool:
            fast = AsyncTokenHubClient(
                api_key=API_KEY, base_url=server.base_url, timeout=0.05, http_client=pool
            )
            slow = AsyncTokenHubClient(
                api_key=API_KEY, base_url=server.base_url, timeout=30, http_client=pool
            )
            return await asyncio.gather(
                fast.chat_completions(CHAT), slow.chat_completions(CHAT), return_exceptions=True
            )

    fast_outcome, slow_outcome = asyncio.run(both())
    assert isinstance(fast_outcome, APITimeoutError)
    assert slow_outcome["choices"][0]["message"]["content"] == "ok"
