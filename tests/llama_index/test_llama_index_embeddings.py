"""HunyuanEmbedding: a LlamaIndex BaseEmbedding (multimodal base) on the core's embed, checked
on the wire against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import HunyuanEmbedding
from tests.llama_index._support import API_KEY


@pytest.fixture
def make_embedding(emulator: TokenHubEmulator) -> Callable[..., HunyuanEmbedding]:
    def make(model: str = "kinfra-text-embedding-0.6b", **kwargs: Any) -> HunyuanEmbedding:
        return HunyuanEmbedding(
            model, api_key=API_KEY, base_url=emulator.base_url, max_retries=0, **kwargs
        )

    return make


def _bodies(emulator: TokenHubEmulator, path: str) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests if r.path == path]


def test_it_is_a_base_embedding_with_the_default_model(
    make_embedding: Callable[..., HunyuanEmbedding],
) -> None:
    embedding = make_embedding()
    assert isinstance(embedding, BaseEmbedding)
    assert embedding.model_name == "kinfra-text-embedding-0.6b"
    assert "api_key" not in embedding.to_dict()


def test_text_batches_follow_embed_batch_size(
    make_embedding: Callable[..., HunyuanEmbedding], emulator: TokenHubEmulator
) -> None:
    embedding = make_embedding(embed_batch_size=2)
    vectors = embedding.get_text_embedding_batch(["one", "two", "three"])
    assert [len(b["input"]) for b in _bodies(emulator, "/v1/embeddings")] == [2, 1]
    assert len(vectors) == 3 and all(len(v) == 1024 for v in vectors)
    assert vectors[2] == embedding.get_query_embedding("three")


def test_async_methods_match_the_sync_ones(
    make_embedding: Callable[..., HunyuanEmbedding],
) -> None:
    embedding = make_embedding("kinfra-text-embedding-4b")

    async def run() -> tuple[list[float], list[list[float]]]:
        query = await embedding.aget_query_embedding("pandas")
        return query, await embedding.aget_text_embedding_batch(["pandas", "bamboo"])

    query, texts = asyncio.run(run())
    assert len(query) == 2560 and query == texts[0]


def test_settings_embed_model_drives_a_vector_index(
    make_embedding: Callable[..., HunyuanEmbedding], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Settings, "_embed_model", make_embedding())
    index = VectorStoreIndex.from_documents(
        [
            Document(text="TokenHub serves Hunyuan models over an OpenAI compatible API"),
            Document(text="Giant pandas eat bamboo for most of the day"),
        ]
    )
    hits = index.as_retriever(similarity_top_k=1).retrieve("what do giant pandas eat")
    assert "bamboo" in hits[0].node.get_content()


def test_images_go_to_the_multimodal_endpoint_in_every_form(
    make_embedding: Callable[..., HunyuanEmbedding], emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    png = tmp_path / "cat.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake image")
    embedding = make_embedding("kinfra-vl-embedding-2b")
    by_url = embedding.get_image_embedding("https://example.com/cat.png")
    by_path = embedding.get_image_embedding(str(png))
    by_bytes = embedding.get_image_embedding(BytesIO(png.read_bytes()))
    text = embedding.get_text_embedding("a cat")
    bodies = _bodies(emulator, "/v1/embeddings/multimodal")
    assert bodies[0]["input"] == [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    ]
    assert bodies[1]["input"][0]["image_url"]["url"].startswith("data:image/png;base64,")
    assert bodies[3]["input"] == [{"type": "text", "text": "a cat"}]
    assert by_path == by_bytes != by_url and len(text) == 2048


def test_an_image_for_a_text_model_fails_before_sending(
    make_embedding: Callable[..., HunyuanEmbedding], emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError, match="multimodal"):
        make_embedding().get_image_embedding("https://example.com/cat.png")
    assert len(emulator.requests) == 0


def test_a_chat_model_is_refused_at_construction(emulator: TokenHubEmulator) -> None:
    with pytest.raises(InvalidParameterError, match="not an embedding model"):
        HunyuanEmbedding("deepseek-v4-flash", api_key=API_KEY, base_url=emulator.base_url)


def test_pickle_never_holds_the_key(
    make_embedding: Callable[..., HunyuanEmbedding], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    embedding = make_embedding("kinfra-text-embedding-4b", embed_batch_size=16)
    data = pickle.dumps(embedding)
    assert API_KEY.encode() not in data
    monkeypatch.setenv("TOKENHUB_API_KEY", API_KEY)
    restored = pickle.loads(data)
    assert (restored.model_name, restored.embed_batch_size) == ("kinfra-text-embedding-4b", 16)
    assert restored.get_query_embedding("x") == embedding.get_query_embedding("x")
