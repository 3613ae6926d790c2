"""``from llama_index.llms.hunyuan import Hunyuan``: the import path of LlamaIndex integrations.

The same class as ``llama_index_hunyuan.Hunyuan``; ``llama_index`` and ``llama_index.llms`` are
namespace packages shared with llama-index-core and other integrations.
"""

from llama_index_hunyuan import Hunyuan

__all__ = ["Hunyuan"]
