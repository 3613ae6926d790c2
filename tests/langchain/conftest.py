"""Fixtures for the LangChain adapter tests: a shared emulator, reset per test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hunyuan_tokenhub.emulator import TokenHubEmulator, pytest_plugin
from langchain_hunyuan import ChatHunyuan

# The emulator plugin's fixtures, made visible to this directory only.
_tokenhub_session_emulator = pytest_plugin._tokenhub_session_emulator
tokenhub_api_key = pytest_plugin.tokenhub_api_key
tokenhub_emulator_session = pytest_plugin.tokenhub_emulator_session


@pytest.fixture
def emulator(tokenhub_emulator_session: TokenHubEmulator) -> TokenHubEmulator:
    return tokenhub_emulator_session


@pytest.fixture
def make_llm(emulator: TokenHubEmulator, tokenhub_api_key: str) -> Callable[..., ChatHunyuan]:
    """Build a ChatHunyuan bound to the emulator (no retries unless asked for)."""

    def make(**kwargs: Any) -> ChatHunyuan:
        options: dict[str, Any] = {
            "api_key": tokenhub_api_key,
            "base_url": emulator.base_url,
            "max_retries": 0,
        }
        options.update(kwargs)
        return ChatHunyuan(**options)

    return make
