"""langchain-tests' standard suites for HunyuanEmbeddings: unit (no network), integration
against the emulator (always) and against the live TokenHub API (only with ``TOKENHUB_API_KEY``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import HunyuanEmbeddings
from tests.langchain._support import STANDARD_SUITE_KEY, EmulatorPerClass

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


class TestHunyuanEmbeddingsOnEmulator(EmulatorPerClass, EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[HunyuanEmbeddings]:
        return HunyuanEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"api_key": STANDARD_SUITE_KEY, "base_url": self.base_url, "max_retries": 0}


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


def test_settings_are_checked_at_construction() -> None:
    # pydantic wraps the core's InvalidParameterError (a ValueError) in a ValidationError.
    with pytest.raises(ValueError, match=r"dimensions: .* fixed output size"):
        HunyuanEmbeddings(api_key="k", dimensions=512)
    with pytest.raises(ValueError, match="not an embedding model"):
        HunyuanEmbeddings(api_key="k", model="deepseek-v4-flash")
    assert HunyuanEmbeddings(api_key="k", model="kinfra-text-embedding-4b", dimensions=2560)


def test_no_key_in_repr_or_pickle_and_an_empty_list_sends_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pickle

    secret = "sk-embeddings-secret-1234"
    with TokenHubEmulator(api_key=secret) as emulator:
        embeddings = HunyuanEmbeddings(api_key=secret, base_url=emulator.base_url, batch_size=2)
        assert secret not in repr(embeddings) and secret not in str(embeddings)
        data = pickle.dumps(embeddings)
        assert secret.encode() not in data
        assert embeddings.embed_documents([]) == [] and len(emulator.requests) == 0
        monkeypatch.setenv("TOKENHUB_API_KEY", secret)
        restored = pickle.loads(data)
        assert restored.batch_size == 2
        assert restored.embed_query("hello") == embeddings.embed_query("hello")
