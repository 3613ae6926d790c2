"""``RedisRateLimiter``: LangChain's ``BaseRateLimiter`` on a request rate shared through Redis."""

from __future__ import annotations

from langchain_core.rate_limiters import BaseRateLimiter

from hunyuan_tokenhub import RedisRateLimit

__all__ = ["RedisRateLimiter"]


class RedisRateLimiter(BaseRateLimiter):
    """``InMemoryRateLimiter``'s budget, shared by every worker process and machine using ``url``.

    Example:
        .. code-block:: python

            import os
            from langchain_hunyuan import ChatHunyuan, RedisRateLimiter

            limiter = RedisRateLimiter(
                os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
                requests_per_second=5, max_bucket_size=5, name="tokenhub-chat",
            )
            llm = ChatHunyuan(model="hunyuan-2.0-instruct-20251111", rate_limiter=limiter)
            print(llm.invoke("Hello").content)

    The same object (or one with the same URL and ``name`` in another process) may be given to
    ``ChatHunyuan``, the generation tools (``rate_limiter=``) and LlamaIndex's ``Hunyuan``: they
    then share one budget. The rule and its Redis state live in
    :class:`hunyuan_tokenhub.RedisRateLimit` (``limit`` here); an unreachable Redis raises
    :class:`~hunyuan_tokenhub.SharedLimitsUnavailableError` at the first call.
    """

    def __init__(
        self,
        url: str,
        *,
        requests_per_second: float,
        max_bucket_size: int = 1,
        name: str = "default",
        namespace: str = "hunyuan-tokenhub",
    ) -> None:
        self.limit = RedisRateLimit(
            url,
            requests_per_second=requests_per_second,
            max_bucket_size=max_bucket_size,
            name=name,
            namespace=namespace,
        )

    def __repr__(self) -> str:
        return f"RedisRateLimiter({self.limit!r})"

    def acquire(self, *, blocking: bool = True) -> bool:
        """Wait for this request's turn in the shared budget (see ``BaseRateLimiter``)."""
        return self.limit.acquire(blocking=blocking)

    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async :meth:`acquire`."""
        return await self.limit.aacquire(blocking=blocking)
