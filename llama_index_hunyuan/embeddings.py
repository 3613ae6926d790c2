"""``HunyuanEmbedding``: LlamaIndex embeddings (text, and images with a multimodal model)."""

from __future__ import annotations

from io import BytesIO
from typing import Any, ClassVar

from llama_index.core.base.embeddings.base import Embedding
from llama_index.core.bridge.pydantic import ConfigDict, Field
from llama_index.core.embeddings import MultiModalEmbedding
from llama_index.core.schema import ImageType

from hunyuan_tokenhub.adapters import (
    DEFAULT_EMBEDDING_MODEL,
    ChatConnectionFields,
    EmbeddingInput,
    EmbeddingPlan,
    image_input,
)


class HunyuanEmbedding(ChatConnectionFields, MultiModalEmbedding):
    """LlamaIndex embeddings from Tencent TokenHub; usable as ``Settings.embed_model``.

    Text models (``kinfra-text-embedding-0.6b``, the default, and ``-4b``) embed text; the
    multimodal models (``kinfra-vl-embedding-2b``/``-8b``) embed text and images (a URL, a file
    path or ``BytesIO``) into one space. Texts go in batches of ``embed_batch_size`` (at most
    the model's documented 128 per request). The connection settings are ``Hunyuan``'s, under
    the same names (or ``settings=``).

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
    model_config = ConfigDict(extra="forbid", populate_by_name=True, protected_namespaces=())

    # A bad setting raises the core's ConfigurationError/InvalidParameterError (see Hunyuan).
    CONNECT_IN_VALIDATION: ClassVar[bool] = False

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", model)
        super().__init__(**kwargs)
        self.connect()

    def check_settings(self) -> None:
        EmbeddingPlan.build(["probe"], model=self.model_name)  # not an embedding model: fail now

    @classmethod
    def class_name(cls) -> str:
        return "HunyuanEmbedding"

    def _embed(self, inputs: list[EmbeddingInput]) -> list[Embedding]:
        client = self.clients.sync()
        return client.embed(inputs, model=self.model_name, batch_size=self.embed_batch_size).vectors

    async def _aembed(self, inputs: list[EmbeddingInput]) -> list[Embedding]:
        client = self.clients.for_running_loop()
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
