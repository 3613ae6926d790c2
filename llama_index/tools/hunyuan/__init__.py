"""``from llama_index.tools.hunyuan import HunyuanGenerationToolSpec``, as LlamaIndex tool
integrations are imported.

The same classes as in ``llama_index_hunyuan``; ``llama_index`` and ``llama_index.tools`` are
namespace packages shared with llama-index-core and other integrations.
"""

from llama_index_hunyuan import (
    GenerationProgressEvent,
    GenerationToolError,
    HunyuanGenerationToolSpec,
)

__all__ = ["GenerationProgressEvent", "GenerationToolError", "HunyuanGenerationToolSpec"]
