"""Fixtures: a real redis-server per session (emptied per test) and a fast emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy
from tests.redis_server import redis_server_url, redis_url

__all__ = ["redis_server_url", "redis_url"]

API_KEY = "shared-limits-key"
CLIENT_OPTIONS = {
    "api_key": API_KEY,
    "poll_interval": 0.005,
    "max_poll_interval": 0.02,
    "timeout": 20.0,
    "max_retries": 0,
    "download_policy": DownloadPolicy(allow_loopback_http=True),
}


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(
        api_key=API_KEY, job_timing=JobTiming(queued_s=0.02, running_s=0.06)
    ) as emu:
        yield emu
