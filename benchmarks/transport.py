"""In-process serving of canned bytes: an ``httpx.MockTransport`` every client can be given.

A streamed body is handed over one SSE event per read, as a socket would deliver it, so the
line splitting and per-read work of each client is exercised the same way as on a network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx

from .canned import CannedCompletion, CannedStream

_JSON = {"content-type": "application/json; charset=utf-8", "x-request-id": "bench-request"}
_SSE = {"content-type": "text/event-stream; charset=utf-8", "x-request-id": "bench-request"}


class _EventStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, events: tuple[bytes, ...]) -> None:
        self._events = events

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._events)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for event in self._events:
            yield event


def canned_transport(response: CannedCompletion | CannedStream) -> httpx.MockTransport:
    """A transport answering every request with ``response`` (works for sync and async)."""
    if isinstance(response, CannedStream):
        events = response.events

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, headers=_SSE, stream=_EventStream(events))

    else:
        body = response.body

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, headers=_JSON, content=body)

    return httpx.MockTransport(handler)
