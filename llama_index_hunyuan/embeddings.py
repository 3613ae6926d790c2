"""``HunyuanEmbedding``: LlamaIndex embeddings (text, and images with a multimodal model)."""

from __future__ import annotations

import os
from io import BytesIO
from typing import Any

import httpx
from llama_index.core.base.embeddings.base import Embedding
from llama_index.core.bridge.pydantic import ConfigDict, Field, PrivateAttr, SecretStr
from llama_index.core.embeddings import MultiModalEmbedding
from llama_index.core.schema import ImageType

from hunyuan_tokenhub import AsyncTokenHubClient, TokenHubClient
from hunyuan_tokenhub.adapters import (
    DEFAULT_EMBEDDING_MODEL,
    EmbeddingInput,
    EmbeddingPlan,
    LazyClients,
    chat_clients,
    image_input,
    resolve_api_key,
    resolve_settings,
)


class HunyuanEmbedding(MultiModalEmbedding):
    """LlamaIndex embeddings from Tencent TokenHub; usable as ``Settings.embed_model``.

    Text models (``kinfra-text-embedding-0.6b``, the default, and ``-4b``) embed text; the
    multimodal models (``kinfra-vl-embedding-2b``/``-8b``) embed text and images (a URL, a file
    path or ``BytesIO``) into one space. Texts go in batches of ``embed_batch_size`` (at most
    the model's documented 128 per request). The settings are ``Hunyuan``'s.

    Example:
        .. code-block:: python

            from llama_index.core import Document, Settings, VectorStoreIndex
            from llama_index_hunyuan import HunyuanEmbedding

            Settings.embed_model = HunyuanEmbedding()
            texts = ["TokenHub serves Hunyuan models", "Pandas eat bamboo"]
            index = VectorStoreIndex.from_documents([Document(text=t) for t in texts])
            hits = index.as_retriever(similarity_top_k=1).retrieve("What do pandas eat?")
            print(hits[0].node.get_content())  # Pandas eat bamboo

            images = HunyuanEmbedding(model="kinfra-vl-embedding-2b")
            print(len(images.get_image_embedding("https://example.com/cat.png")))  # 2048
    """

    model_name: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="An embedding model id, or a custom service id ep-xxxxxxxx.",
    )
    embed_batch_size: int = Field(
        default=128, gt=0, le=2048, description="Texts per request (capped at the model's limit)."
    )
    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="Defaults to TOKENHUB_API_KEY, then HUNYUAN_API_KEY. Never serialized.",
    )
    base_url: str | None = Field(default=None, description="Defaults to TOKENHUB_BASE_URL.")
    region: str | None = Field(default=None, description='"cn" (default) or "intl" (see README).')
    fallback_base_urls: list[str] | None = Field(
        default=None, description="Hosts tried when base_url cannot be reached."
    )
    timeout: float | None = Field(default=None, description="Seconds per request (core: 60).")
    max_retries: int | None = Field(
        default=None, description="Retries on 429, 5xx and connection errors (core: 2)."
    )
    default_headers: dict[str, str] | None = Field(
        default=None, description="Extra HTTP headers for every request."
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, protected_namespaces=())

    _clients: LazyClients[TokenHubClient, AsyncTokenHubClient] = PrivateAttr()

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        *,
        api_key: str | SecretStr | None = None,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        # A missing key fails here, naming the variables to set.
        kwargs.setdefault("model_name", model)
        kwargs["api_key"] = resolve_api_key(api_key, os.environ)
        super().__init__(**kwargs)
        settings = resolve_settings(
            api_key=self.api_key,
            base_url=self.base_url,
            region=self.region,
            fallback_base_urls=self.fallback_base_urls,
            timeout=self.timeout,
            max_retries=self.max_retries,
            default_headers=self.default_headers,
        )
        EmbeddingPlan.build(["probe"], model=self.model_name)
        self._clients = chat_clients(
            settings, http_client=http_client, async_http_client=async_http_client
        )

    @classmethod
    def class_name(cls) -> str:
        return "HunyuanEmbedding"

    def __getstate__(self) -> dict[str, Any]:
        # The settings, never the key: an unpickled copy reads it from the environment again.
        fields = {k: getattr(self, k) for k in self.model_fields_set if k != "api_key"}
        return {"__dict__": fields}

    def _embed(self, inputs: list[EmbeddingInput]) -> list[Embedding]:
        client = self._clients.sync()
        return client.embed(inputs, model=self.model_name, batch_size=self.embed_batch_size).vectors

    async def _aembed(self, inputs: list[EmbeddingInput]) -> list[Embedding]:
        client = self._clients.for_running_loop()
        result = await client.embed(inputs, model=self.model_name, batch_size=self.embed_batch_size)
        return result.vectors

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return (await self._aembed([query]))[0]

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._embed([text])[0]

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return (await self._aembed([text]))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._embed(list(texts))

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return await self._aembed(list(texts))

    def _get_image_embedding(self, img_file_path: ImageType) -> Embedding:
        return self._embed([_image_item(img_file_path)])[0]

    async def _aget_image_embedding(self, img_file_path: ImageType) -> Embedding:
        return (await self._aembed([_image_item(img_file_path)]))[0]


def _image_item(image: ImageType) -> dict[str, Any]:
    return image_input(image.getvalue() if isinstance(image, BytesIO) else image)
