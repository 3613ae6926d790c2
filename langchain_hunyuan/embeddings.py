"""``HunyuanEmbeddings``: LangChain embeddings for TokenHub's kinfra models."""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import ConfigDict

from hunyuan_tokenhub.adapters import DEFAULT_EMBEDDING_MODEL, ChatConnectionFields, EmbeddingPlan

from ._errors import standard_errors


class HunyuanEmbeddings(ChatConnectionFields, Embeddings):
    """Embeddings from Tencent TokenHub (``kinfra-text-embedding-0.6b`` by default).

    Setup:
        ``pip install "hunyuan-tokenhub[langchain]"`` and set ``TOKENHUB_API_KEY``. The
        connection settings are ``ChatHunyuan``'s, under the same names (key, base URL,
        region, timeout, retries, failover, your own httpx clients, or ``settings=``).
        Texts are sent in batches of the model's documented size (128 texts of at
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
    batch_size: int | None = None
    """Texts per request, at most the model's documented limit (the default)."""
    dimensions: int | None = None
    """Only the model's fixed output size is accepted (TokenHub refuses other values)."""

    def check_settings(self) -> None:
        EmbeddingPlan.build(["probe"], **self._options())  # a bad model or dimensions fails now

    def _options(self) -> dict[str, Any]:
        return {"model": self.model, "dimensions": self.dimensions, "batch_size": self.batch_size}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order (no request for an empty list)."""
        if not texts:
            return []
        with standard_errors():
            return self.clients.sync().embed(texts, **self._options()).vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with standard_errors():
            result = await self.clients.for_running_loop().embed(texts, **self._options())
        return result.vectors

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]
