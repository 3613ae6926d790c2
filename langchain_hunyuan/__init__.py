"""LangChain integration for Tencent TokenHub (Hunyuan, DeepSeek, GLM, Kimi, MiniMax).

Usage::

    from langchain_hunyuan import ChatHunyuan

    llm = ChatHunyuan(model="deepseek-v3.2")
    print(llm.invoke("你好").content)
"""

from hunyuan_tokenhub.adapters import require_extra

require_extra("langchain_hunyuan", "langchain", "langchain_core")

from langchain_hunyuan.chat_models import ChatHunyuan  # noqa: E402
from langchain_hunyuan.embeddings import HunyuanEmbeddings  # noqa: E402

# A request rate shared by many worker processes (needs the [redis] extra when used).
from langchain_hunyuan.rate_limiters import RedisRateLimiter  # noqa: E402

__all__ = [
    "ChatHunyuan",
    "HunyuanEmbeddings",
    "RedisRateLimiter",
]

# Generation tools (image, video, 3D) and their toolkit.
from langchain_hunyuan.toolkits import HunyuanGenerationToolkit  # noqa: E402
from langchain_hunyuan.tools import (  # noqa: E402
    PROGRESS_EVENT,
    Hunyuan3DGenerationTool,
    HunyuanImageGenerationTool,
    HunyuanJobStatusTool,
    HunyuanVideoGenerationTool,
)

__all__ += [
    "PROGRESS_EVENT",
    "Hunyuan3DGenerationTool",
    "HunyuanGenerationToolkit",
    "HunyuanImageGenerationTool",
    "HunyuanJobStatusTool",
    "HunyuanVideoGenerationTool",
]
