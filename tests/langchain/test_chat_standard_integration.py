"""langchain-tests' standard integration suite for ChatHunyuan: against the emulator (always)
and against the live TokenHub API (only when ``TOKENHUB_API_KEY`` is set).

Skips inherited from the suite's defaults, and why they are right for TokenHub:

* image/PDF/audio/video inputs and image/PDF tool messages (``supports_*_inputs`` False): the
  TokenHub docs define ``content`` as a string for every listed text model; no multimodal
  input is documented.
* ``test_anthropic_inputs``: Anthropic-format image blocks, same reason.
* ``test_stream_time`` (``enable_vcr_tests`` False): a benchmark; speed is measured in
  ``benchmarks/``, and our own cassettes are replayed in ``test_chat_cassettes.py``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessageChunk
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import STANDARD_SUITE_KEY, EmulatorPerClass

THINKING_MODEL = "hunyuan-2.0-thinking-20251109"
LIVE_KEY = os.environ.get("TOKENHUB_API_KEY")
LIVE_MODEL = os.environ.get("TOKENHUB_LIVE_MODEL", "hunyuan-2.0-instruct-20251111")
# A prompt long enough for a prefix cache; sent twice, the second reply reports cache reads.
_CACHEABLE_PROMPT = "Summarise in one word: " + "TokenHub serves many chat models. " * 120


class _HunyuanStandardSettings(ChatModelIntegrationTests):
    """What the suite needs to know about ChatHunyuan, shared by both runs."""

    @property
    def chat_model_class(self) -> type[ChatHunyuan]:
        return ChatHunyuan

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "deepseek-v3.2"

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details: list[Any] = ["reasoning_output", "cache_read_input"]
        return {"invoke": details, "stream": details}

    def _ask(self, model: ChatHunyuan, prompt: str, stream: bool) -> AIMessage:
        if not stream:
            return model.invoke(prompt)
        merged: BaseMessageChunk | None = None
        for chunk in model.stream(prompt):
            merged = chunk if merged is None else merged + chunk
        assert isinstance(merged, AIMessageChunk)
        return merged

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        model = self.chat_model_class(**{**self.chat_model_params, "model": THINKING_MODEL})
        return self._ask(model, "What is 12*12? Think it through.", stream)

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        model = self.chat_model_class(**self.chat_model_params)
        self._ask(model, _CACHEABLE_PROMPT, stream)
        return self._ask(model, _CACHEABLE_PROMPT, stream)


class TestChatHunyuanOnEmulator(EmulatorPerClass, _HunyuanStandardSettings):
    """The full standard suite against the local emulator (no key, no network)."""

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": "hunyuan-2.0-instruct-20251111",
            "api_key": STANDARD_SUITE_KEY,
            "base_url": self.base_url,
            "max_retries": 0,
        }


@pytest.mark.live
@pytest.mark.skipif(not LIVE_KEY, reason="TOKENHUB_API_KEY is not set: live TokenHub tests skipped")
class TestChatHunyuanLive(_HunyuanStandardSettings):
    """The standard suite against the real TokenHub (model: env TOKENHUB_LIVE_MODEL).

    The key and host come from the environment (TOKENHUB_API_KEY, TOKENHUB_BASE_URL or
    TOKENHUB_REGION), exactly as a user's application would read them.
    """

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": LIVE_MODEL, "temperature": 0, "max_retries": 4}
