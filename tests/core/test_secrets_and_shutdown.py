"""The key never leaks, and clients and the emulator shut down cleanly."""

from __future__ import annotations

import gc
import logging
import threading

import httpx
import pytest

from hunyuan_tokenhub import (
    APIConnectionError,
    AsyncTokenHubClient,
    AuthenticationError,
    TokenHubClient,
    resolve_settings,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY, CHAT


def test_key_absent_from_repr_str_and_settings(emulator: TokenHubEmulator) -> None:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        for text in (repr(client), str(client), repr(client.settings), str(client.settings)):
            assert API_KEY not in text
        assert API_KEY not in repr(vars(client.settings))
    settings = resolve_settings(api_key=API_KEY, env={})
    assert API_KEY not in f"{settings} {settings.api_key} {settings.api_key!r}"


def test_key_absent_from_errors_and_logs(
    emulator: TokenHubEmulator, caplog: pytest.LogCaptureFixture, recorded_delays: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator.faults.add(route="/v1/chat/completions", status=503, times=1)
    with TokenHubClient(
        api_key=API_KEY,
        base_url=emulator.unreachable_base_url,
        fallback_base_urls=[emulator.base_url],
        max_retries=1,
    ) as client:
        client.chat_completions(CHAT)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.unreachable_base_url) as client:
        with pytest.raises(APIConnectionError) as info:
            client.chat_completions(CHAT)
    with TokenHubClient(api_key=API_KEY + "x", base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as auth:
            client.chat_completions(CHAT)
    assert caplog.records  # the failover and retry were logged
    for text in (
        caplog.text,
        str(info.value),
        repr(info.value),
        str(auth.value),
        repr(auth.value.body),
    ):
        assert API_KEY not in text
    assert info.value.__cause__ is not None and API_KEY not in str(info.value.__cause__)


def test_a_key_echoed_by_the_server_is_scrubbed_from_errors(emulator: TokenHubEmulator) -> None:
    echo = f"Incorrect API key provided: {API_KEY}."
    emulator.faults.add(route="/v1/chat/completions", status=401, message=echo, times=1)
    emulator.faults.add(
        route="/v1/chat/completions",
        stream_error={"code": "authentication_error", "message": echo},
        after_chunks=1,
        times=1,
    )
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as plain:
            client.chat_completions(CHAT)
        with pytest.raises(AuthenticationError) as streamed:
            list(client.stream_chat_completions(CHAT))
    for error in (plain.value, streamed.value):
        assert "Incorrect API key provided: ***." in str(error)
        assert API_KEY not in f"{error} {error!r} {error.args} {error.body} {error.message}"


async def test_async_client_scrubs_an_echoed_key_too(emulator: TokenHubEmulator) -> None:
    emulator.faults.add(route="/v1/chat/completions", status=401, message=API_KEY, times=1)
    async with AsyncTokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.chat_completions(CHAT)
    assert API_KEY not in f"{info.value} {info.value.body}"


def test_client_closes_its_pool_but_not_a_user_client(emulator: TokenHubEmulator) -> None:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        client.chat_completions(CHAT)
    assert client._http.is_closed

    user_http = httpx.Client()
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, http_client=user_http) as c2:
        c2.chat_completions(CHAT)
    assert not user_http.is_closed
    user_http.close()


def test_connection_is_reused_across_calls(emulator: TokenHubEmulator) -> None:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        for _ in range(5):
            client.chat_completions(CHAT)
            list(client.stream_chat_completions(CHAT))
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1


def test_abandoned_stream_releases_its_connection(emulator: TokenHubEmulator) -> None:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        stream = client.stream_chat_completions(CHAT)
        next(stream)
        stream.close()
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert all(
            not c.is_connecting() and (c.is_idle() or c.is_closed()) for c in pool.connections
        )


async def test_async_client_closes(emulator: TokenHubEmulator) -> None:
    async with AsyncTokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        await client.chat_completions(CHAT)
    assert client._http.is_closed


def test_no_threads_left_after_emulator_and_clients_close() -> None:
    before = {t.ident for t in threading.enumerate()}
    with TokenHubEmulator(api_key=API_KEY) as emu:
        with TokenHubClient(api_key=API_KEY, base_url=emu.base_url) as client:
            client.chat_completions(CHAT)
            list(client.stream_chat_completions(CHAT))
    gc.collect()
    leftover = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    assert leftover == []
