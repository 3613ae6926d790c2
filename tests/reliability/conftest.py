"""Shared by the reliability tests: the planted key, a chat payload, a fresh fault server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability._fault_server import FaultServer

API_KEY = "sk-reliability-planted-secret-7f3a9c1e"
CHAT = {
    "model": "deepseek-v4-flash",
    "messages": [{"role": "user", "content": "Hi"}],
}


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as fault_server:
        yield fault_server
