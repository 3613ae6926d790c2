"""The core clients behind one framework model instance (LangChain or LlamaIndex).

Built on first use, then reused for every call. Async clients are kept per event loop, because
an ``httpx.AsyncClient`` pool is bound to the loop it first ran on (a second ``asyncio.run``
would otherwise fail with "Event loop is closed"). Without a user-supplied ``httpx`` client,
the connection pools are process-wide, so models created per request (common in LangGraph
apps) reuse warm connections; timeouts are set per request by the core client, so sharing a
pool never mixes settings.

Usage::

    clients = AdapterClients({"api_key": "...", "region": "intl"})
    reply = clients.sync().chat_completions(payload)
    reply = await clients.for_running_loop().chat_completions(payload)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any

import httpx

from ._client import _POOL_LIMITS, AsyncTokenHubClient, TokenHubClient
from ._network import guard_pools
from ._per_loop import PerLoop

__all__ = ["CLIENT_SETTINGS", "AdapterClients"]

#: The settings an adapter model passes to its core clients, under the same names.
CLIENT_SETTINGS = ("api_key", "base_url", "region", "fallback_base_urls", "timeout", "max_retries")


@functools.cache
def _shared_pool() -> httpx.Client:
    return guard_pools(httpx.Client(limits=_POOL_LIMITS))


# A loop's pool is closed when the loop shuts down (see PerLoop).
_shared_async_pools: PerLoop[httpx.AsyncClient] = PerLoop(close=lambda pool: pool.aclose())


def _new_async_pool() -> httpx.AsyncClient:
    return guard_pools(httpx.AsyncClient(limits=_POOL_LIMITS))


class AdapterClients:
    """Lazily built ``TokenHubClient`` and per-loop ``AsyncTokenHubClient`` for one model.

    ``settings`` are the keyword arguments of both clients except ``http_client`` (``api_key``,
    ``base_url``, ``region``, ``timeout``, ``max_retries``, ``default_headers``, ...). A given
    ``http_client``/``async_http_client`` is used for every call and never closed here. A
    loop's async client is forgotten when the loop shuts down; it does not own the pool.
    """

    def __init__(
        self,
        settings: Mapping[str, Any],
        *,
        http_client: httpx.Client | None = None,
        async_http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._settings = dict(settings)
        self._http_client = http_client
        self._async_http_client = async_http_client
        self._lock = threading.Lock()
        self._client: TokenHubClient | None = None
        self._async_clients: PerLoop[AsyncTokenHubClient] = PerLoop()

    def sync(self) -> TokenHubClient:
        """The synchronous client (thread-safe; built once)."""
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    pool = self._http_client or _shared_pool()
                    self._client = TokenHubClient(**self._settings, http_client=pool)
                client = self._client
        return client

    def for_running_loop(self) -> AsyncTokenHubClient:
        """The asynchronous client for the running event loop."""
        return self._async_clients.get(self._new_async_client)

    def _new_async_client(self) -> AsyncTokenHubClient:
        pool = self._async_http_client or _shared_async_pools.get(_new_async_pool)
        return AsyncTokenHubClient(**self._settings, http_client=pool)
