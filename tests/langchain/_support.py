"""Helpers shared by the LangChain adapter tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk, BaseMessageChunk
from langchain_core.tools import tool

from hunyuan_tokenhub.emulator import TokenHubEmulator

CHAT_PATH = "/v1/chat/completions"
STANDARD_SUITE_KEY = "standard-suite-key"


class EmulatorPerClass:
    """For langchain-tests' suites: one emulator (key ``STANDARD_SUITE_KEY``) for the whole
    test class, its URL in ``base_url``."""

    base_url: str = ""

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _emulator(cls) -> Iterator[None]:
        with TokenHubEmulator(api_key=STANDARD_SUITE_KEY) as emulator:
            cls.base_url = emulator.base_url
            yield


def chat_bodies(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    """The JSON bodies of the chat requests the emulator received, oldest first."""
    return [r.json for r in emulator.requests.filter(CHAT_PATH)]


def last_body(emulator: TokenHubEmulator) -> dict[str, Any]:
    bodies = chat_bodies(emulator)
    assert bodies, "no chat request reached the emulator"
    return bodies[-1]


def merge(chunks: Iterable[BaseMessageChunk]) -> AIMessageChunk:
    """Sum stream chunks the way LangChain aggregates them."""
    merged: BaseMessageChunk | None = None
    for chunk in chunks:
        merged = chunk if merged is None else merged + chunk
    assert isinstance(merged, AIMessageChunk)
    return merged


@tool
def get_weather(city: str) -> str:
    """Get the weather of a city."""
    return f"{city}: sunny, 22 degrees"


@tool
def get_time(city: str) -> str:
    """Get the local time of a city."""
    return f"{city}: 12:00"
