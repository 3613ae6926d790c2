"""The log of every request the emulator received, for tests to inspect."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from ._http import EmulatorRequest, HostName


@dataclass
class RecordedRequest:
    """One received request. ``headers`` has lower-case names; ``json`` is ``None`` when the
    body is empty or not JSON; ``status`` is filled in once the response is chosen (``None``
    for a dropped connection).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient
            from hunyuan_tokenhub.emulator import TokenHubEmulator

            with TokenHubEmulator() as emu:
                with TokenHubClient(api_key="k", base_url=emu.base_url) as client:
                    client.chat_completions(
                        {"model": "deepseek-v3.2", "messages": [{"role": "user", "content": "1+1"}]}
                    )
                    sent = emu.requests.last
                    print(sent.method, sent.path, sent.json["model"], sent.status)
                    # POST /v1/chat/completions deepseek-v3.2 200
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any
    host: HostName
    time: float
    request_id: str
    status: int | None = field(default=None)

    @classmethod
    def of(cls, request: EmulatorRequest, parsed_json: Any) -> RecordedRequest:
        return cls(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=request.headers,
            body=request.body,
            json=parsed_json,
            host=request.host,
            time=time.time(),
            request_id=request.request_id,
        )


class RequestLog(Sequence[RecordedRequest]):
    """A thread-safe, append-only list of ``RecordedRequest`` (reads return snapshots).

    ``maxlen`` keeps only the newest requests (for long-running servers); ``None`` keeps all.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import RequestLog, TokenHubEmulator

            print(len(RequestLog()))  # 0
            # emu.requests keeps the newest 100 requests
            with TokenHubEmulator(max_recorded_requests=100) as emu:
                print(emu.requests.filter("/v1/chat/completions", method="POST"))  # []
    """

    def __init__(self, maxlen: int | None = None) -> None:
        self._lock = threading.Lock()
        self._items: deque[RecordedRequest] = deque(maxlen=maxlen)

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def filter(
        self,
        path: str | None = None,
        *,
        host: HostName | None = None,
        method: str | None = None,
    ) -> list[RecordedRequest]:
        """The requests to ``path`` (and ``host``/``method`` when given), oldest first."""
        return [
            r
            for r in self.snapshot()
            if (path is None or r.path == path)
            and (host is None or r.host == host)
            and (method is None or r.method == method.upper())
        ]

    @property
    def last(self) -> RecordedRequest | None:
        with self._lock:
            return self._items[-1] if self._items else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            if isinstance(index, slice):
                return list(self._items)[index]
            return self._items[index]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __repr__(self) -> str:
        return f"RequestLog({len(self)} requests)"
