"""Deadlines and address checks enforced at the socket, underneath httpx.

httpx's timeouts bound each socket operation, not a request: a server dripping one byte at a
time, or a slow-loris proxy, holds a request for as long as it likes. And httpx resolves a host
name itself, so a check of the name's addresses made before the request can be undone by a
second DNS answer (DNS rebinding).

:func:`guard_pools` wraps the network backend of every connection pool of an httpx client.
The wrapper does nothing outside :func:`guarded`; inside it, every connect, TLS handshake, read
and write of this thread or task is capped by the deadline given there, and, when an address
check is given, a TCP connection is made only to an address of the host that passed the check
(the address is resolved here and connected to as is; httpcore still sends the real host name
as TLS SNI and verifies the certificate against it). A context variable carries the state, so
threads and tasks sharing one pool never see each other's deadlines.

Usage::

    client = guard_pools(httpx.Client())
    with guarded(expires_at=time.monotonic() + 30.0):
        client.get("https://example.com/")  # raises httpx.ReadTimeout etc. after 30 s in all
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore
import httpx

__all__ = ["AddressCheck", "IPAddress", "guard_pools", "guarded"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[str, IPAddress], None]
"""Called with (host name, resolved address); raises to refuse connecting to that address."""

ClientT = TypeVar("ClientT", httpx.Client, httpx.AsyncClient)


@dataclass(frozen=True)
class _Guard:
    expires_at: float | None
    check_address: AddressCheck | None
    redact: Callable[[str], str] | None


_current: ContextVar[_Guard | None] = ContextVar("hunyuan_tokenhub_guard", default=None)


@contextmanager
def guarded(
    *,
    expires_at: float | None = None,
    check_address: AddressCheck | None = None,
    redact: Callable[[str], str] | None = None,
) -> Iterator[None]:
    """Within the block, socket operations end by ``expires_at`` (``time.monotonic()``), TCP
    connections go only to addresses ``check_address`` accepts (on guarded pools), and
    httpcore's log records pass through ``redact``."""
    token = _current.set(_Guard(expires_at, check_address, redact))
    try:
        yield
    finally:
        _current.reset(token)


class _RedactingFilter(logging.Filter):
    """Applies the running request's ``redact`` to httpcore's log records.

    httpcore's DEBUG trace quotes the server's raw bytes when they break HTTP (an illegal
    status or header line), and a hostile server may put the key there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        guard = _current.get()
        if guard is not None and guard.redact is not None:
            message = record.getMessage()
            cleaned = guard.redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


# A filter acts only on records of the logger it is added to, so each of httpcore's loggers
# gets it.
for _name in ("connection", "http11", "http2", "proxy", "socks"):
    logging.getLogger(f"httpcore.{_name}").addFilter(_RedactingFilter())


def _capped(timeout: float | None, expired: type[Exception]) -> float | None:
    guard = _current.get()
    if guard is None or guard.expires_at is None:
        return timeout
    remaining = guard.expires_at - time.monotonic()
    if remaining <= 0:
        raise expired("the request's overall deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


def _checked_addresses(host: str, infos: Iterable[tuple[Any, ...]]) -> list[str]:
    guard = _current.get()
    check = guard.check_address if guard is not None else None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
    if check is not None:
        for address in addresses:
            check(host, ipaddress.ip_address(address))
    return addresses


def _checking() -> bool:
    guard = _current.get()
    return guard is not None and guard.check_address is not None


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, direct: bool) -> None:
        self._inner = inner
        # Through a proxy, the proxy resolves the target: there is no address of ours to pin.
        self._direct = direct

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        targets = [host]
        if self._direct and _checking():
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            targets = _checked_addresses(host, infos)
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for target in targets:
            try:
                stream = self._inner.connect_tcp(
                    target,
                    port,
                    _capped(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _Stream(stream)
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend, direct: bool) -> None:
        self._inner = inner
        self._direct = direct

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        targets = [host]
        if self._direct and _checking():
            loop = asyncio.get_running_loop()
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            targets = _checked_addresses(host, infos)
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for target in targets:
            try:
                stream = await self._inner.connect_tcp(
                    target,
                    port,
                    _capped(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _AsyncStream(stream)
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_PROXIES = (
    httpcore.HTTPProxy,
    httpcore.SOCKSProxy,
    httpcore.AsyncHTTPProxy,
    httpcore.AsyncSOCKSProxy,
)


def guard_pools(client: ClientT) -> ClientT:
    """Wrap the network backend of each httpcore pool behind ``client``; returns ``client``.

    Only httpx's own transports have such a pool (a custom transport keeps its own timeouts).
    Wrapping is idempotent and changes nothing outside :func:`guarded`.
    """
    # httpx exposes no public hook for a network backend; these attributes are httpx 0.2x's
    # (pinned below 1.0 in pyproject.toml) and a transport without them is left as it is.
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or isinstance(backend, (_Backend, _AsyncBackend)):
            continue
        direct = not isinstance(pool, _PROXIES)
        if isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _AsyncBackend(backend, direct)  # type: ignore[union-attr]
        else:
            pool._network_backend = _Backend(backend, direct)  # type: ignore[union-attr]
    return client
