"""Replay of hand-built chat cassettes (``tests/cassettes/chat/*.yaml``) with vcrpy.

Record mode is ``none``: a request that no cassette entry matches fails the test instead of
reaching the network. Requests match on method, URL and JSON body, so a replay also checks
that the client sends the documented request. ``"stream": false`` is the documented default
and is ignored. The Authorization header is never stored.

Usage::

    from tests.cassettes.replay import chat_cassette

    with chat_cassette("basic") as cassette:
        ...  # run client code against https://tokenhub.tencentmaas.com/v1
    assert cassette.all_played
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import vcr
from vcr.cassette import Cassette
from vcr.request import Request

CHAT_CASSETTES = Path(__file__).parent / "chat"


def _json_body(request: Request) -> Any:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    parsed = json.loads(body) if body else None
    if isinstance(parsed, dict) and parsed.get("stream") is False:
        parsed = {k: v for k, v in parsed.items() if k != "stream"}
    return parsed


def json_body_matcher(received: Request, recorded: Request) -> None:
    """vcrpy matcher: the JSON bodies are equal (raises AssertionError with both otherwise)."""
    got, want = _json_body(received), _json_body(recorded)
    assert got == want, f"request body differs:\n sent:     {got}\n recorded: {want}"


def _replayer() -> vcr.VCR:
    replayer = vcr.VCR(
        cassette_library_dir=str(CHAT_CASSETTES),
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "json_body"],
        filter_headers=["authorization"],
        decode_compressed_response=True,
    )
    replayer.register_matcher("json_body", json_body_matcher)
    return replayer


def chat_cassette(name: str) -> Any:
    """Context manager replaying ``tests/cassettes/chat/<name>.yaml``; yields the cassette."""
    path = CHAT_CASSETTES / f"{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(path)
    return _replayer().use_cassette(path.name, allow_playback_repeats=False)


__all__ = ["CHAT_CASSETTES", "Cassette", "chat_cassette", "json_body_matcher"]
