"""A hostile HTTP/1.1 server on loopback: every connection follows the script a test sets.

The emulator plays a well-behaved TokenHub; this server plays what the network and a broken or
malicious server can do instead: answer with a byte at a time, say nothing at all, cut a
response at any byte, send bodies and headers that echo the request's key, redirect anywhere.
It binds 127.0.0.1 only and records every request it reads.

Usage::

    with FaultServer() as server:
        server.script = drip(json_response({"ok": True}), interval=0.05)
        httpx.post(server.url("/v1/chat/completions"), json={})
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


@dataclass
class Request:
    """What the server read: request line, headers (lower-case names) and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Script = Callable[[Request, socket.socket, "FaultServer"], None]


def response_bytes(
    status: int, body: bytes, headers: Mapping[str, str] | None = None, *, length: bool = True
) -> bytes:
    """A complete HTTP/1.1 response (``Content-Length`` framed unless ``length=False``)."""
    lines = [f"HTTP/1.1 {status} X"]
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if length:
        all_headers["Content-Length"] = str(len(body))
    all_headers["Connection"] = "close"
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> bytes:
    return response_bytes(status, json.dumps(payload).encode(), headers)


def sse_response(events: Iterable[str]) -> bytes:
    """A chunked ``text/event-stream`` response, one transfer chunk per event."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    chunks = []
    for event in events:
        data = event.encode()
        chunks.append(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    return head + b"".join(chunks) + b"0\r\n\r\n"


def chat_chunk(content: str) -> str:
    chunk = {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "model": "deepseek-v4-flash",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(chunk)}\n\n"


def chat_completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "model": "deepseek-v4-flash",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


# --------------------------------------------------------------------------- scripts


def send(data: bytes) -> Script:
    """Answer with ``data`` and close."""

    def script(request: Request, conn: socket.socket, server: FaultServer) -> None:
        conn.sendall(data)

    return script


def cut(data: bytes, at: int) -> Script:
    """Send the first ``at`` bytes of ``data``, then drop the connection."""

    def script(request: Request, conn: socket.socket, server: FaultServer) -> None:
        conn.sendall(data[:at])

    return script


def drip(data: bytes, interval: float, *, after: int = 0) -> Script:
    """Send ``data[:after]`` at once, then the rest one byte every ``interval`` seconds."""

    def script(request: Request, conn: socket.socket, server: FaultServer) -> None:
        conn.sendall(data[:after])
        for index in range(after, len(data)):
            if server.closing.wait(interval) or _peer_closed(conn):
                return
            conn.sendall(data[index : index + 1])

    return script


def silent(request: Request, conn: socket.socket, server: FaultServer) -> None:
    """Read the request and never answer (until the client gives up or the server stops)."""
    while not server.closing.wait(0.02):
        if _peer_closed(conn):
            return


def by_path(routes: Mapping[str, Script]) -> Script:
    """Pick the script by request path (longest matching prefix)."""

    def script(request: Request, conn: socket.socket, server: FaultServer) -> None:
        for prefix in sorted(routes, key=len, reverse=True):
            if request.path.startswith(prefix):
                routes[prefix](request, conn, server)
                return
        conn.sendall(json_response({"error": "no route"}, status=404))

    return script


def _peer_closed(conn: socket.socket) -> bool:
    readable, _, _ = select.select([conn], [], [], 0)
    if not readable:
        return False
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


# ---------------------------------------------------------------------------- server


@dataclass
class FaultServer:
    """The server; ``script`` answers every connection (settable between requests)."""

    script: Script = field(default=send(json_response({})))
    requests: list[Request] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def base_url(self) -> str:
        return self.url("/v1")

    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.closing.set()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = _read_request(conn)
            except (OSError, ValueError):
                return
            if request is None:
                return
            self.requests.append(request)
            try:
                self.script(request, conn, self)
            except OSError:
                return  # the client went away mid-answer: that is what some tests do
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, path, _ = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            break
        body += piece
    return Request(method, path, headers, body[:length])


# ----------------------------------------------------------------------- resource counts


def open_sockets() -> int:
    """Sockets this process holds (from /proc/self/fd)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:
            continue
    return count


def settle(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Wait (briefly) for background threads to finish closing; True once ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
