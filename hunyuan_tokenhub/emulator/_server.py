"""The socket layer: loopback HTTP/1.1 listeners with keep-alive and chunked streaming.

All listeners of an emulator share one asyncio event loop in one background thread. A thread per
connection would make hundreds of concurrent clients fight over the GIL (each new thread must be
scheduled before ``accept`` can continue), so one loop serves every connection and handlers run
inline: they are plain, fast functions. Waiting (fault delays, paced streams) happens in the loop
with ``asyncio.sleep`` and so never blocks other connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any, NamedTuple, TypeVar
from urllib.parse import parse_qsl, urlsplit

from ._http import DropConnection, EmulatorResponse, HostName

logger = logging.getLogger("hunyuan_tokenhub.emulator")

_T = TypeVar("_T")
_JOIN_TIMEOUT_S = 5.0
_MAX_HEADERS = 200
_READER_LIMIT = 1 << 20


class RawRequest:
    """What the socket layer hands to the application for one request."""

    __slots__ = ("body", "headers", "host", "method", "path", "query", "root_url")

    def __init__(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        host: HostName,
        root_url: str,
    ) -> None:
        split = urlsplit(target)
        self.method = method
        self.path = split.path or "/"
        self.query = dict(parse_qsl(split.query, keep_blank_values=True))
        self.headers = headers
        self.body = body
        self.host = host
        self.root_url = root_url


Outcome = EmulatorResponse | DropConnection


class Deferred(NamedTuple):
    """Answer after ``delay`` seconds with whatever ``then()`` returns."""

    delay: float
    then: Callable[[], Outcome]


#: Builds the answer for one request.
App = Callable[[RawRequest], "Outcome | Deferred"]


class _BadRequest(Exception):
    pass


class EventLoopThread:
    """One asyncio loop running in a daemon thread, shared by an emulator's listeners."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="tokenhub-emulator-loop", daemon=True)
        self._thread.start()
        ready.wait()

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the loop and wait for its result."""
        assert self._loop is not None, "event loop not started"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(_JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            logger.warning("emulator event loop thread did not stop")
        self._loop = self._thread = None


class Listener:
    """One loopback HTTP server (the primary or the backup host); methods run on the loop."""

    def __init__(
        self,
        app: App,
        host_name: HostName,
        bind_host: str,
        port: int,
        idle_timeout: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.app = app
        self.idle_timeout = idle_timeout
        self.host_name = host_name
        self.bind_host = bind_host
        self.port = port
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def root_url(self) -> str:
        return f"http://{self.bind_host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        """Bind (to the same port after a restart) and accept connections."""
        if self._server is not None:
            return
        self._server = await asyncio.start_server(
            self._on_connection,
            self.bind_host,
            self.port,
            backlog=2048,
            reuse_address=True,
            limit=_READER_LIMIT,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop accepting, close every open connection and wait for their tasks to end."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await _Connection(self, reader, writer).serve()
        except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:
            logger.exception("emulator connection handler failed")
        finally:
            self._connections.discard(task)
            writer.transport.abort()


class _Connection:
    """Serves the requests of one keep-alive connection, one after another."""

    def __init__(
        self, listener: Listener, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.listener = listener
        self.reader = reader
        self.writer = writer

    async def serve(self) -> None:
        while True:
            try:
                parsed = await self._read_request()
            except (_BadRequest, ValueError) as exc:  # ValueError: a line over the size limit
                await self._write_plain_error(400, str(exc))
                return
            if parsed is None:
                return
            raw, keep_alive = parsed
            outcome = self.listener.app(raw)
            if isinstance(outcome, Deferred):
                await asyncio.sleep(outcome.delay)
                outcome = outcome.then()
            if isinstance(outcome, DropConnection):
                await self._close()
                return
            if not await self._write(outcome, raw.method == "HEAD", keep_alive):
                return
            if not keep_alive:
                await self._close()
                return

    async def _read_request(self) -> tuple[RawRequest, bool] | None:
        idle_timeout = self.listener.idle_timeout()
        try:
            if idle_timeout is None:
                line = await self.reader.readline()
            else:
                line = await asyncio.wait_for(self.reader.readline(), idle_timeout)
        except asyncio.TimeoutError:
            return None  # an idle keep-alive connection: close it, as servers do
        while line in (b"\r\n", b"\n"):
            line = await self.reader.readline()
        if not line:
            return None
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(f"malformed request line {line[:80]!r}")
        method, target, version = parts
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS):
            header = await self.reader.readline()
            if header in (b"\r\n", b"\n", b""):
                break
            name, separator, value = header.decode("latin-1").partition(":")
            if not separator:
                raise _BadRequest(f"malformed header line {header[:80]!r}")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        else:
            raise _BadRequest("too many headers")
        if headers.get("expect", "").lower() == "100-continue":
            self.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await self._read_body(headers)
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (
            version == "HTTP/1.1" or "keep-alive" in connection
        )
        listener = self.listener
        raw = RawRequest(method, target, headers, body, listener.host_name, listener.root_url)
        return raw, keep_alive

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size_line = (await self.reader.readline()).split(b";", 1)[0].strip()
                try:
                    size = int(size_line or b"0", 16)
                except ValueError as exc:
                    raise _BadRequest("malformed chunk size") from exc
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
        length = headers.get("content-length", "0") or "0"
        if not length.isdigit():
            raise _BadRequest("invalid Content-Length")
        return await self.reader.readexactly(int(length)) if int(length) else b""

    def _head(self, response: EmulatorResponse, framing: dict[str, str], keep_alive: bool) -> bytes:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {response.status} {reason}", "Server: TokenHubEmulator"]
        lines.extend(f"{name}: {value}" for name, value in {**response.headers, **framing}.items())
        if not keep_alive:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    async def _write(self, response: EmulatorResponse, head_only: bool, keep_alive: bool) -> bool:
        """Send ``response``; ``False`` when the connection was closed on purpose."""
        if response.events is None or head_only:
            framing = {"Content-Length": str(len(response.body))}
            self.writer.write(self._head(response, framing, keep_alive))
            if head_only:
                await self.writer.drain()
                return True
            if response.cut_after is not None:
                self.writer.write(response.body[: response.cut_after])
                await self._close()
                return False
            self.writer.write(response.body)
            await self.writer.drain()
            return True
        self.writer.write(self._head(response, {"Transfer-Encoding": "chunked"}, keep_alive))
        for index, item in enumerate(response.events):
            if isinstance(item, DropConnection):
                await self._close()
                return False
            if index and response.event_delay > 0:
                await asyncio.sleep(response.event_delay)
            if item:
                self.writer.write(b"%x\r\n%b\r\n" % (len(item), item))
                await self.writer.drain()
        self.writer.write(b"0\r\n\r\n")
        await self.writer.drain()
        return True

    async def _write_plain_error(self, status: int, message: str) -> None:
        body = message.encode("latin-1", "replace")
        response = EmulatorResponse(
            status=status, body=body, headers={"Content-Type": "text/plain"}
        )
        await self._write(response, head_only=False, keep_alive=False)
        await self._close()

    async def _close(self) -> None:
        """Flush what was written, then close (FIN): the peer sees an incomplete response."""
        with contextlib.suppress(ConnectionError):
            await self.writer.drain()
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
