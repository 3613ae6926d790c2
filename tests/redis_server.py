"""A real ``redis-server`` on a free loopback port, for the tests of limits shared via Redis.

The binary is Debian's ``redis-server`` (``.ci/run`` installs it). Where it is missing, the
tests that need it skip, saying why; with ``HUNYUAN_REQUIRE_REDIS=1`` (set by ``.ci/run``) they
fail instead, so CI never passes without running them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRE_ENV_VAR = "HUNYUAN_REQUIRE_REDIS"
_START_TIMEOUT_S = 10.0


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV_VAR) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV_VAR}=1 requires these tests to run")
    pytest.skip(f"{reason}: tests of limits shared through Redis need it")


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Start ``redis-server`` in ``directory`` (no persistence); yield its ``redis://`` URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)")
    try:
        import redis  # noqa: F401
    except ImportError:
        _missing('redis-py is not installed (pip install "hunyuan-tokenhub[redis]")')
    assert binary is not None
    for _attempt in range(3):  # another process may take the free port before the server does
        port = free_port()
        log = (directory / f"redis-{port}.log").open("wb")
        server = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
                "--daemonize",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + _START_TIMEOUT_S
        while server.poll() is None and time.monotonic() < deadline and not _answers_ping(port):
            time.sleep(0.02)
        if server.poll() is None and _answers_ping(port):
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                server.terminate()
                server.wait(10)
                log.close()
            return
        server.kill()
        server.wait(10)
        log.close()
    pytest.fail(f"redis-server did not start; see the logs in {directory}")


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the session."""
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url: str) -> Iterator[str]:
    """The session's server, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server_url)
    client.flushall()
    client.close()
    yield redis_server_url
