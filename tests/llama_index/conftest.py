"""Fixtures for the LlamaIndex adapter tests: one emulator per session, reset per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.emulator.pytest_plugin import FAST_JOB_TIMING
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import API_KEY


@pytest.fixture(scope="session")
def _session_emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=API_KEY, job_timing=FAST_JOB_TIMING) as emulator:
        yield emulator


@pytest.fixture
def emulator(_session_emulator: TokenHubEmulator) -> TokenHubEmulator:
    _session_emulator.reset()
    _session_emulator.jobs.timing = FAST_JOB_TIMING
    return _session_emulator


@pytest.fixture(autouse=True)
def _no_ambient_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see no real TokenHub (or other vendor) configuration from the machine."""
    for name in ("TOKENHUB_API_KEY", "HUNYUAN_API_KEY", "TOKENHUB_BASE_URL", "TOKENHUB_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_llm(emulator: TokenHubEmulator) -> Callable[..., Hunyuan]:
    """Build ``Hunyuan`` instances talking to the emulator."""

    def make(model: str = "hunyuan-2.0-instruct-20251111", **kwargs: Any) -> Hunyuan:
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("base_url", emulator.base_url)
        return Hunyuan(model, **kwargs)

    return make
