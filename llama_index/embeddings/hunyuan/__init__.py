"""``from llama_index.embeddings.hunyuan import HunyuanEmbedding``, as LlamaIndex embedding
integrations are imported.

The same class as ``llama_index_hunyuan.HunyuanEmbedding``; ``llama_index`` and
``llama_index.embeddings`` are namespace packages shared with llama-index-core and other
integrations.
"""

from llama_index_hunyuan import HunyuanEmbedding

__all__ = ["HunyuanEmbedding"]
