"""The loopback server: the TokenHub emulator, in its own process, answering chat with canned bytes.

Running it in another process keeps the server's work off the benchmark's interpreter (the
machine has few cores, and a server thread would compete with the client for the GIL). The chat
route is replaced by one that picks the canned response from the request: not streamed ->
the completion; streamed with ``tools`` -> the parallel tool-call stream; streamed without ->
the 4,000-chunk text stream. Everything else (sockets, keep-alive, chunked encoding, auth, the
request log) is the emulator's own.

``python -m benchmarks.server [CHUNKS]`` prints the base URL on one line and serves until stdin
closes (``CHUNKS``: the length of the text stream, 4,000 by default).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.emulator._http import EmulatorRequest, EmulatorResponse, sse_response

from .canned import completion, text_stream, tool_call_stream
from .contenders import API_KEY


def canned_emulator(chunk_count: int) -> TokenHubEmulator:
    """An emulator (not started) whose chat route serves the canned responses."""
    plain, text, tools = completion(), text_stream(chunk_count), tool_call_stream()
    emulator = TokenHubEmulator(api_key=API_KEY)

    def chat(request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        if body.get("stream") is not True:
            headers = {"Content-Type": "application/json; charset=utf-8"}
            return EmulatorResponse(status=200, body=plain.body, headers=headers)
        return sse_response(iter((tools if body.get("tools") else text).events))

    emulator.register_route("POST", "/v1/chat/completions", chat)
    return emulator


def main() -> None:
    chunk_count = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    with canned_emulator(chunk_count) as emulator:
        print(emulator.base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


@contextmanager
def loopback_server(chunk_count: int = 4000) -> Iterator[str]:
    """Start ``python -m benchmarks.server`` and yield its base URL; stop it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", str(chunk_count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the loopback server did not start (said {url!r})")
        yield url
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
