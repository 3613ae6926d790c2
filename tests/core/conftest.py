from __future__ import annotations

from collections.abc import Iterator

import pytest

from hunyuan_tokenhub import TokenHubClient
from hunyuan_tokenhub._retry import RetryPolicy
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY
from tests.redis_server import redis_server_url, redis_url

__all__ = ["redis_server_url", "redis_url"]  # the examples of Redis-backed classes need them


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def recorded_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every backoff the client computes, and skip the actual waiting."""
    delays: list[float] = []
    original = RetryPolicy.delay

    def record(self: RetryPolicy, retry_number: int, retry_after: float | None = None) -> float:
        delays.append(original(self, retry_number, retry_after))
        return 0.0

    monkeypatch.setattr(RetryPolicy, "delay", record)
    return delays


@pytest.fixture
def client(emulator: TokenHubEmulator) -> Iterator[TokenHubClient]:
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as c:
        yield c
