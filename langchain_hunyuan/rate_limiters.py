"""``RedisRateLimiter``: LangChain's ``BaseRateLimiter`` on a request rate shared through Redis."""

from __future__ import annotations

from langchain_core.rate_limiters import BaseRateLimiter

from hunyuan_tokenhub import RedisRateLimit

__all__ = ["RedisRateLimiter"]


class RedisRateLimiter(RedisRateLimit, BaseRateLimiter):
    """``InMemoryRateLimiter``'s budget, shared by every worker process and machine using ``url``.

    Example:
        .. code-block:: python

            import os
            from langchain_hunyuan import ChatHunyuan, RedisRateLimiter

            limiter = RedisRateLimiter(
                os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
                requests_per_second=5, max_bucket_size=5, name="tokenhub-chat",
            )
            llm = ChatHunyuan(model="deepseek-v3.2", rate_limiter=limiter)
            print(llm.invoke("Hello").content)

    The same object (or one with the same URL and ``name`` in another process) may be given to
    ``ChatHunyuan``, the generation tools (``rate_limiter=``) and LlamaIndex's ``Hunyuan``: they
    then share one budget. It is :class:`hunyuan_tokenhub.RedisRateLimit` (same arguments, the
    rule and its Redis state) declared a LangChain ``BaseRateLimiter``; an unreachable Redis
    raises :class:`~hunyuan_tokenhub.SharedLimitsUnavailableError` at the first call.
    """
