"""LlamaIndex integration for Tencent TokenHub.

``Hunyuan`` is a ``FunctionCallingLLM`` for every TokenHub text model; ``HunyuanEmbedding``
embeds text (and images, with a multimodal model) for indexes and retrievers;
``HunyuanGenerationToolSpec`` turns Hunyuan image, video and 3D generation into agent tools.

Usage::

    from llama_index_hunyuan import Hunyuan

    llm = Hunyuan(model="deepseek-v3.2")
    print(llm.complete("计算 1+1"))
"""

from hunyuan_tokenhub.adapters import require_extra

require_extra("llama_index_hunyuan", "llama-index", "llama_index.core")

from .base import Hunyuan  # noqa: E402
from .embeddings import HunyuanEmbedding  # noqa: E402
from .tools import (  # noqa: E402
    GenerationProgressEvent,
    GenerationToolError,
    HunyuanGenerationToolSpec,
    JobProgressStreamEvent,
)

__all__ = [
    "GenerationProgressEvent",
    "GenerationToolError",
    "Hunyuan",
    "HunyuanEmbedding",
    "HunyuanGenerationToolSpec",
    "JobProgressStreamEvent",
]
