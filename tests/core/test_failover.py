"""Failover to the backup host when the default host is down, and back after the cool-down."""

from __future__ import annotations

import time

import pytest

from hunyuan_tokenhub import (
    APIConnectionError,
    AsyncTokenHubClient,
    ServiceUnavailableError,
    TokenHubClient,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY, CHAT

CHAT_ROUTE = "/v1/chat/completions"


def hosts_seen(emulator: TokenHubEmulator) -> list[str]:
    return [r.host for r in emulator.requests if r.path == CHAT_ROUTE]


def test_unreachable_default_host_fails_over_to_backup(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    with TokenHubClient(
        api_key=API_KEY,
        base_url=emulator.unreachable_base_url,
        fallback_base_urls=[emulator.backup_base_url],
    ) as client:
        assert client.chat_completions(CHAT)["choices"]
        assert client.chat_completions(CHAT)["choices"]
    assert hosts_seen(emulator) == ["backup", "backup"]
    assert recorded_delays == []  # failing over costs no retry and no wait


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_fail_over_then_return_after_cooldown(
    emulator: TokenHubEmulator, recorded_delays: list[float], status: int
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=status, times=1, host="primary")
    with TokenHubClient(
        api_key=API_KEY,
        base_url=emulator.base_url,
        fallback_base_urls=[emulator.backup_base_url],
        failover_cooldown=0.2,
    ) as client:
        client.chat_completions(CHAT)
        client.chat_completions(CHAT)  # inside the cool-down: straight to the backup
        assert hosts_seen(emulator) == ["primary", "backup", "backup"]
        time.sleep(0.3)
        client.chat_completions(CHAT)  # cool-down over: back to the default host
    assert hosts_seen(emulator)[-1] == "primary"


def test_explicit_base_url_without_fallback_does_not_fail_over(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.unreachable_base_url) as client:
        assert client.settings.fallback_base_urls == ()
        with pytest.raises(APIConnectionError) as info:
            client.chat_completions(CHAT)
    assert "could not reach" in str(info.value)
    assert len(recorded_delays) == 2
    assert hosts_seen(emulator) == []


def test_submit_does_not_fail_over_on_gateway_error(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route="/v1/api/3d/submit", status=503, times=1, host="primary")
    with TokenHubClient(
        api_key=API_KEY, base_url=emulator.base_url, fallback_base_urls=[emulator.backup_base_url]
    ) as client:
        with pytest.raises(ServiceUnavailableError):
            client.post_json(
                "/api/3d/submit", {"model": "hy-3d-3.0", "prompt": "一只小狗"}, submit=True
            )
    submits = [r.host for r in emulator.requests if r.path == "/v1/api/3d/submit"]
    assert submits == ["primary"]


def test_submit_fails_over_when_the_connection_is_refused(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    with TokenHubClient(
        api_key=API_KEY,
        base_url=emulator.unreachable_base_url,
        fallback_base_urls=[emulator.backup_base_url],
    ) as client:
        job = client.post_json(
            "/api/3d/submit", {"model": "hy-3d-3.0", "prompt": "一只小狗"}, submit=True
        )
    assert job["object"] == "3d_job"
    assert [r.host for r in emulator.requests if r.path == "/v1/api/3d/submit"] == ["backup"]


async def test_async_failover_streams_from_backup(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    async with AsyncTokenHubClient(
        api_key=API_KEY,
        base_url=emulator.unreachable_base_url,
        fallback_base_urls=[emulator.backup_base_url],
    ) as client:
        chunks = [c async for c in client.stream_chat_completions(CHAT)]
    assert chunks
    assert hosts_seen(emulator) == ["backup"]
