"""langchain-tests' standard suites for HunyuanEmbeddings: unit (no network), integration
against the emulator (always) and against the live TokenHub API (only with ``TOKENHUB_API_KEY``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import HunyuanEmbeddings

EMULATOR_KEY = "standard-suite-key"
LIVE_KEY = os.environ.get("TOKENHUB_API_KEY")


class TestHunyuanEmbeddingsStandardUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[HunyuanEmbeddings]:
        return HunyuanEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "kinfra-text-embedding-4b", "api_key": "test-key"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"TOKENHUB_API_KEY": "env-key", "TOKENHUB_BASE_URL": "http://127.0.0.1:9/v1"},
            {},
            {"api_key": "env-key", "model": "kinfra-text-embedding-0.6b"},
        )


class TestHunyuanEmbeddingsOnEmulator(EmbeddingsIntegrationTests):
    base_url: str = ""

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _emulator(cls) -> Iterator[None]:
        with TokenHubEmulator(api_key=EMULATOR_KEY) as emulator:
            cls.base_url = emulator.base_url
            yield

    @property
    def embeddings_class(self) -> type[HunyuanEmbeddings]:
        return HunyuanEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"api_key": EMULATOR_KEY, "base_url": self.base_url, "max_retries": 0}


@pytest.mark.live
@pytest.mark.skipif(not LIVE_KEY, reason="TOKENHUB_API_KEY is not set: live TokenHub tests skipped")
class TestHunyuanEmbeddingsLive(EmbeddingsIntegrationTests):
    """Key and host from the environment, as a user's application would read them."""

    @property
    def embeddings_class(self) -> type[HunyuanEmbeddings]:
        return HunyuanEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"max_retries": 4}
