"""The core clients behind one framework object: a chat model, an embeddings class, a tool.

Built on first use, then reused for every call. Async clients are kept per event loop, because
an ``httpx.AsyncClient`` pool is bound to the loop it first ran on (a second ``asyncio.run``
would otherwise fail with "Event loop is closed"). Without a user-supplied ``httpx`` client,
the chat clients' connection pools are process-wide, so models created per request (common in
LangGraph apps) reuse warm connections; timeouts are set per request by the core client, so
sharing a pool never mixes settings.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

import httpx

from ._client import _POOL_LIMITS, AsyncTokenHubClient, TokenHubClient
from ._config import ClientSettings
from ._network import guard_pools
from ._per_loop import PerLoop

__all__ = ["LazyClients", "chat_clients"]


class _Closable(Protocol):
    def close(self) -> None: ...


class _AsyncClosable(Protocol):
    def aclose(self) -> Awaitable[None]: ...


SyncT = TypeVar("SyncT", bound=_Closable)
AsyncT = TypeVar("AsyncT", bound=_AsyncClosable)


class LazyClients(Generic[SyncT, AsyncT]):
    """A sync client built on first use, and an async client per running event loop.

    What every adapter object holds: :func:`chat_clients` makes the bundle of a chat model or
    an embeddings class, :func:`~hunyuan_tokenhub.adapters.job_clients` that of a generation
    tool.

    Example:
        .. code-block:: python

            import asyncio

            from hunyuan_tokenhub.adapters import chat_clients, resolve_settings

            clients = chat_clients(resolve_settings())  # key: TOKENHUB_API_KEY
            assert clients.sync() is clients.sync()  # built once
            hi = [{"role": "user", "content": "Hi"}]
            request = {"model": "deepseek-v4-flash", "messages": hi}
            print(clients.sync().chat_completions(request)["choices"][0]["message"]["content"])

            async def main() -> None:  # each event loop gets its own async client
                reply = await clients.for_running_loop().chat_completions(request)
                print(reply["usage"])

            asyncio.run(main())
            clients.close()

    ``new_sync``/``new_async`` build the clients; with ``owns_async`` each loop's async client
    is closed when its loop shuts down (and by :meth:`aclose`), else only forgotten (it was
    given, or it does not own its connection pool).
    """

    def __init__(
        self,
        new_sync: Callable[[], SyncT],
        new_async: Callable[[], AsyncT],
        *,
        owns_async: bool = True,
    ) -> None:
        self._new_sync = new_sync
        self._new_async = new_async
        self._owns_async = owns_async
        self._lock = threading.Lock()
        self._sync: SyncT | None = None
        self._async: PerLoop[AsyncT] = PerLoop(
            close=(lambda client: client.aclose()) if owns_async else None
        )

    def sync(self) -> SyncT:
        """The synchronous client (thread-safe; built once)."""
        client = self._sync
        if client is None:
            with self._lock:
                if self._sync is None:
                    self._sync = self._new_sync()
                client = self._sync
        return client

    def for_running_loop(self) -> AsyncT:
        """The asynchronous client for the running event loop."""
        return self._async.get(self._new_async)

    def close(self) -> None:
        """Close the sync client, if it was built."""
        with self._lock:
            client = self._sync
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the running event loop's async client, when this bundle owns it."""
        client = self._async.pop()
        if client is not None and self._owns_async:
            await client.aclose()


@functools.cache
def _shared_pool() -> httpx.Client:
    return guard_pools(httpx.Client(limits=_POOL_LIMITS))


# A loop's pool is closed when the loop shuts down (see PerLoop).
_shared_async_pools: PerLoop[httpx.AsyncClient] = PerLoop(close=lambda pool: pool.aclose())


def _new_async_pool() -> httpx.AsyncClient:
    return guard_pools(httpx.AsyncClient(limits=_POOL_LIMITS))


def chat_clients(
    settings: ClientSettings,
    *,
    http_client: httpx.Client | None = None,
    async_http_client: httpx.AsyncClient | None = None,
) -> LazyClients[TokenHubClient, AsyncTokenHubClient]:
    """The ``TokenHubClient`` and per-loop ``AsyncTokenHubClient`` of one adapter object.

    A given ``http_client``/``async_http_client`` is used for every call and never closed
    here; else the process-wide pools are. A loop's async client is forgotten when the loop
    shuts down: it does not own the pool.
    """

    def new_sync() -> TokenHubClient:
        return TokenHubClient(settings=settings, http_client=http_client or _shared_pool())

    def new_async() -> AsyncTokenHubClient:
        pool = async_http_client or _shared_async_pools.get(_new_async_pool)
        return AsyncTokenHubClient(settings=settings, http_client=pool)

    return LazyClients(new_sync, new_async, owns_async=False)
