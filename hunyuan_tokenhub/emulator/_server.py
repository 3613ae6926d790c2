"""The socket layer: one loopback HTTP/1.1 listener with keep-alive and chunked streaming.

Each listener owns its accept thread and one thread per connection, and tracks both so that
``stop()`` returns only when every socket is closed and every thread has ended. The accept loop
waits on the listening socket and a wake-up socket pair, so stopping is immediate (no polling).
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._http import DROP_CONNECTION, EmulatorResponse, HostName

logger = logging.getLogger("hunyuan_tokenhub.emulator")

#: Builds the response for one raw request; returning ``DROP_CONNECTION`` closes the socket.
App = Callable[["RawRequest"], "EmulatorResponse | object"]

_JOIN_TIMEOUT_S = 5.0


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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TokenHubEmulator"
    sys_version = ""
    disable_nagle_algorithm = True
    listener: Listener

    def __init__(self, request: Any, client_address: Any, listener: Listener) -> None:
        self.listener = listener
        super().__init__(request, client_address, listener)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self.send_error(400, str(exc))
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        raw = RawRequest(
            self.command, self.path, headers, body, self.listener.host_name, self.listener.root_url
        )
        result = self.listener.app(raw)
        if result is DROP_CONNECTION:
            self._drop()
            return
        assert isinstance(result, EmulatorResponse)
        try:
            self._write(result)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        if not length.isdigit():
            raise ValueError("invalid Content-Length")
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            size = int(size_line or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _write(self, response: EmulatorResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.events is None or self.command == "HEAD":
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if response.cut_after is None:
                self.wfile.write(response.body)
                return
            self.wfile.write(response.body[: response.cut_after])
            self._drop()
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for item in response.events:
            if item is DROP_CONNECTION:
                self._drop()
                return
            assert isinstance(item, bytes)
            if item:
                self.wfile.write(b"%x\r\n%b\r\n" % (len(item), item))
        self.wfile.write(b"0\r\n\r\n")

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class Listener:
    """One loopback HTTP server (the primary or the backup host)."""

    def __init__(self, app: App, host_name: HostName, bind_host: str, port: int) -> None:
        self.app = app
        self.host_name = host_name
        self.bind_host = bind_host
        self.port = port
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._socket: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._stopping = False

    @property
    def root_url(self) -> str:
        return f"http://{self.bind_host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._socket is not None

    def start(self) -> None:
        """Bind (to the same port after a restart) and start accepting connections."""
        if self._socket is not None:
            return
        sock = socket.create_server((self.bind_host, self.port), backlog=2048)
        self.port = sock.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = False
        self._socket = sock
        self._accept_thread = threading.Thread(
            target=self._accept_loop,
            name=f"tokenhub-emulator-{self.host_name}-accept",
            daemon=True,
        )
        self._accept_thread.start()

    def stop(self) -> None:
        """Close the listening socket and every open connection; join all threads."""
        if self._socket is None:
            return
        self._stopping = True
        assert self._wake_w is not None and self._accept_thread is not None
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        self._accept_thread.join(_JOIN_TIMEOUT_S)
        self._socket.close()
        self._wake_w.close()
        assert self._wake_r is not None
        self._wake_r.close()
        self._socket = self._accept_thread = self._wake_r = self._wake_w = None
        with self._lock:
            connections = list(self._connections.items())
        for conn, _ in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for _, thread in connections:
            thread.join(_JOIN_TIMEOUT_S)
            if thread.is_alive():
                logger.warning("emulator connection thread %s did not stop", thread.name)

    def _accept_loop(self) -> None:
        assert self._socket is not None and self._wake_r is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r or self._stopping:
                        return
                    try:
                        conn, address = self._socket.accept()
                    except OSError:
                        continue
                    self._spawn(conn, address)

    def _spawn(self, conn: socket.socket, address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(conn, address),
            name=f"tokenhub-emulator-{self.host_name}-conn",
            daemon=True,
        )
        with self._lock:
            self._connections[conn] = thread
        thread.start()

    def _serve_connection(self, conn: socket.socket, address: Any) -> None:
        try:
            _Handler(conn, address, self)
        except (OSError, ValueError):
            logger.debug("emulator connection from %s closed abruptly", address)
        except Exception:
            logger.exception("emulator connection handler failed")
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._lock:
                self._connections.pop(conn, None)
