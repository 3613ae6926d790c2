"""``HunyuanEmbeddings``: LangChain embeddings for TokenHub's kinfra models."""

from __future__ import annotations

import os
from typing import Any

import httpx
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from hunyuan_tokenhub import AsyncTokenHubClient, TokenHubClient
from hunyuan_tokenhub.adapters import (
    DEFAULT_EMBEDDING_MODEL,
    EmbeddingPlan,
    LazyClients,
    chat_clients,
    resolve_api_key,
    resolve_settings,
)

from ._errors import standard_errors


class HunyuanEmbeddings(BaseModel, Embeddings):
    """Embeddings from Tencent TokenHub (``kinfra-text-embedding-0.6b`` by default).

    Setup:
        ``pip install "hunyuan-tokenhub[langchain]"`` and set ``TOKENHUB_API_KEY``. The
        settings are ``ChatHunyuan``'s (key, base URL, region, timeout, retries, your own httpx
        clients). Texts are sent in batches of the model's documented size (128 texts of at
        most 2,000 characters each for the text models); the output size is fixed per model
        (1,024 for ``kinfra-text-embedding-0.6b``, 2,560 for ``-4b``).

    Example:
        .. code-block:: python

            from langchain_core.vectorstores import InMemoryVectorStore
            from langchain_hunyuan import HunyuanEmbeddings

            embeddings = HunyuanEmbeddings()
            print(len(embeddings.embed_query("What is TokenHub?")))  # 1024

            store = InMemoryVectorStore.from_texts(
                ["TokenHub serves Hunyuan models", "Pandas eat bamboo"], embeddings
            )
            print(store.similarity_search("Which service serves Hunyuan models?", k=1))
    """

    # Validation errors never echo the constructor's arguments: they include the API key.
    model_config = ConfigDict(
        populate_by_name=True,
        arbitrary_types_allowed=True,
        extra="forbid",
        hide_input_in_errors=True,
        protected_namespaces=(),
    )

    model: str = DEFAULT_EMBEDDING_MODEL
    """An embedding model id (``kinfra-text-embedding-0.6b``/``-4b``, ``kinfra-vl-embedding-2b``
    /``-8b``) or a custom service id ``ep-xxxxxxxx``."""
    api_key: SecretStr | None = None
    """Defaults to ``TOKENHUB_API_KEY``, then ``HUNYUAN_API_KEY``."""
    base_url: str | None = None
    region: str | None = None
    fallback_base_urls: list[str] | None = None
    timeout: float | None = None
    max_retries: int | None = None
    default_headers: dict[str, str] | None = None
    batch_size: int | None = None
    """Texts per request, at most the model's documented limit (the default)."""
    dimensions: int | None = None
    """Only the model's fixed output size is accepted (TokenHub refuses other values)."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)

    _clients: LazyClients[TokenHubClient, AsyncTokenHubClient] = PrivateAttr()

    @model_validator(mode="after")
    def _validate_settings(self) -> Self:
        # A bad key, host, model or dimensions fails here, naming the setting.
        self.api_key = resolve_api_key(self.api_key, os.environ)
        settings = resolve_settings(
            api_key=self.api_key,
            base_url=self.base_url,
            region=self.region,
            fallback_base_urls=self.fallback_base_urls,
            timeout=self.timeout,
            max_retries=self.max_retries,
            default_headers=self.default_headers,
        )
        EmbeddingPlan.build(["probe"], **self._options())
        self._clients = chat_clients(
            settings, http_client=self.http_client, async_http_client=self.http_async_client
        )
        return self

    def __getstate__(self) -> dict[Any, Any]:
        # The settings, never the key nor your httpx clients: an unpickled copy reads the key
        # from the environment again and uses the process's own connection pools.
        secret = ("api_key", "http_client", "http_async_client")
        fields = {k: getattr(self, k) for k in self.model_fields_set if k not in secret}
        return {"fields": fields}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        type(self).__init__(self, **state["fields"])

    def _options(self) -> dict[str, Any]:
        return {"model": self.model, "dimensions": self.dimensions, "batch_size": self.batch_size}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order (no request for an empty list)."""
        if not texts:
            return []
        with standard_errors():
            return self._clients.sync().embed(texts, **self._options()).vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with standard_errors():
            result = await self._clients.for_running_loop().embed(texts, **self._options())
        return result.vectors

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]
