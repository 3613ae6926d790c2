"""Helpers shared by the LlamaIndex adapter tests."""

from __future__ import annotations

from typing import Any

from hunyuan_tokenhub.emulator import TokenHubEmulator

API_KEY = "sk-llama-index-test-0123456789"


def chat_bodies(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    """The JSON bodies of the chat requests the emulator received, in order."""
    return [r.json for r in emulator.requests if r.path.endswith("/chat/completions")]
