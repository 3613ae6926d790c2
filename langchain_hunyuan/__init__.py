"""LangChain integration for Tencent TokenHub (Hunyuan, DeepSeek, GLM, Kimi, MiniMax).

Usage::

    from langchain_hunyuan import ChatHunyuan

    llm = ChatHunyuan(model="deepseek-v3.2")
    print(llm.invoke("你好").content)
"""

from langchain_hunyuan.chat_models import ChatHunyuan
from langchain_hunyuan.embeddings import HunyuanEmbeddings

# A request rate shared by many worker processes (needs the [redis] extra when used).
from langchain_hunyuan.rate_limiters import RedisRateLimiter

__all__ = [
    "ChatHunyuan",
    "HunyuanEmbeddings",
    "RedisRateLimiter",
]

# Generation tools (image, video, 3D) and their toolkit.
from langchain_hunyuan.toolkits import HunyuanGenerationToolkit
from langchain_hunyuan.tools import (
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
