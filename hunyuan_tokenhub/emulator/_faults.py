"""Scripted failures: per-route error statuses, delays, dropped connections and broken streams."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ._http import HostName

#: How many SSE data events a stream sends before a mid-stream fault strikes.
DEFAULT_AFTER_CHUNKS = 3


@dataclass
class Fault:
    """One scripted failure; see ``FaultRegistry.add`` for the meaning of each field.

    ``hits`` counts the requests it has been applied to.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient
            from hunyuan_tokenhub.emulator import TokenHubEmulator

            with TokenHubEmulator() as emu:
                with TokenHubClient(api_key="k", base_url=emu.base_url) as client:
                    fault = emu.faults.add(
                        route="/v1/chat/completions", status=429, retry_after=0.01, times=1
                    )
                    client.chat_completions(
                        {"model": "deepseek-v3.2", "messages": [{"role": "user", "content": "1+1"}]}
                    )  # the 429 is retried
                    print(fault.hits, fault.status)  # 1 429
    """

    route: str | None = None
    method: str | None = None
    host: HostName | None = None
    model: str | None = None
    times: int | None = None
    status: int | None = None
    retry_after: float | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    code: str | None = None
    message: str | None = None
    delay: float = 0.0
    drop_connection: bool = False
    drop_mid_stream: bool = False
    malformed_chunk: bool = False
    stream_error: dict[str, Any] | None = None
    after_chunks: int = DEFAULT_AFTER_CHUNKS
    hits: int = 0

    @property
    def stream_only(self) -> bool:
        """Faults that only make sense inside an SSE stream skip non-streaming requests."""
        return self.malformed_chunk or self.stream_error is not None

    def matches(
        self, *, method: str, path: str, host: HostName, model: str | None, streaming: bool
    ) -> bool:
        if self.route is not None and not _route_matches(self.route, path):
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.host is not None and self.host != host:
            return False
        if self.model is not None and (model or "").lower() != self.model.lower():
            return False
        return streaming or not self.stream_only


def _route_matches(route: str, path: str) -> bool:
    if route.endswith("*"):
        return path.startswith(route[:-1])
    return path == route


class FaultRegistry:
    """The faults the emulator applies, first match wins.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import TokenHubEmulator

            with TokenHubEmulator() as emu:
                emu.faults.add(route="/v1/chat/completions", drop_mid_stream=True, after_chunks=2)
                emu.faults.add(route="/files/*", status=404, times=1)
                print(len(emu.faults))  # first match wins
                emu.faults.clear()
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        route: str | None = None,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        times: int | None = None,
        host: HostName | None = None,
        method: str | None = None,
        model: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        message: str | None = None,
        delay: float = 0.0,
        drop_connection: bool = False,
        drop_mid_stream: bool = False,
        malformed_chunk: bool = False,
        stream_error: dict[str, Any] | None = None,
        after_chunks: int = DEFAULT_AFTER_CHUNKS,
    ) -> Fault:
        """Script a failure and return it.

        Args:
            route: exact path (``"/v1/chat/completions"``), a prefix ending in ``*``
                (``"/files/*"``), or ``None`` for every route.
            status: answer with this HTTP status in the documented error shape (``code`` and
                ``message`` override the defaults; ``body`` replaces the whole body: a dict is
                sent as JSON, ``str``/``bytes`` as-is).
            retry_after: seconds for a ``Retry-After`` header.
            times: how many matching requests it applies to; ``None`` means until cleared.
            host: only requests to the ``"primary"`` or ``"backup"`` host.
            method, model: only requests with this method / JSON ``model`` (case-insensitive).
            headers: extra response headers for a ``status`` answer.
            delay: sleep this long before answering (then answer normally unless another
                effect is set).
            drop_connection: close the socket without any response.
            drop_mid_stream: a stream stops after ``after_chunks`` events without ``[DONE]``
                (a plain response is cut in the middle of its body).
            malformed_chunk: streams end with the documented example's broken chunk ``"delta":{"}``.
            stream_error: streams send ``data: {"error": <this>}`` after ``after_chunks``
                events and end without ``[DONE]``.
        """
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None")
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status}")
        fault = Fault(
            route=route,
            method=method,
            host=host,
            model=model,
            times=times,
            status=status,
            retry_after=retry_after,
            body=body,
            headers=dict(headers or {}),
            code=code,
            message=message,
            delay=delay,
            drop_connection=drop_connection,
            drop_mid_stream=drop_mid_stream,
            malformed_chunk=malformed_chunk,
            stream_error=stream_error,
            after_chunks=after_chunks,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f is not fault]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def __iter__(self):  # type: ignore[no-untyped-def]
        with self._lock:
            return iter(list(self._faults))

    def take(
        self, *, method: str, path: str, host: HostName, model: str | None, streaming: bool
    ) -> Fault | None:
        """Claim the first matching fault for one request (counting it against ``times``)."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(
                    method=method, path=path, host=host, model=model, streaming=streaming
                ):
                    continue
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self._faults.remove(fault)
                return fault
        return None
