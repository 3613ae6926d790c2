"""Fixtures: an emulator with fast jobs, and job clients that poll it quickly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import AsyncJobClient, DownloadPolicy, JobClient

API_KEY = "jobs-test-key"
FAST = JobTiming(queued_s=0.02, running_s=0.06)
# Tiny intervals keep the tests fast; loopback http is allowed only because the emulator
# serves result files on 127.0.0.1.
CLIENT_OPTIONS = {
    "api_key": API_KEY,
    "poll_interval": 0.005,
    "max_poll_interval": 0.02,
    "timeout": 10.0,
    "max_retries": 0,
    "download_policy": DownloadPolicy(allow_loopback_http=True),
}


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=API_KEY, job_timing=FAST) as emu:
        yield emu


@pytest.fixture
def jobs(emulator: TokenHubEmulator) -> Iterator[JobClient]:
    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
async def ajobs(emulator: TokenHubEmulator) -> AsyncIterator[AsyncJobClient]:
    async with AsyncJobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as client:  # type: ignore[arg-type]
        yield client
