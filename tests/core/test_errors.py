"""Every documented error status becomes its typed exception with code, message, request id."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import (
    APIStatusError,
    AsyncTokenHubClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    StreamError,
    TokenHubClient,
    TokenHubError,
)
from hunyuan_tokenhub._exceptions import error_from_response
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY, CHAT

CHAT_ROUTE = "/v1/chat/completions"

# The emulator's default error code per status: TokenHub's gateway codes where a real body
# is public (403002 plan gating, 429006 busy/rate limit), the April 2026 doc's names otherwise.
DOCUMENTED = [
    (400, "invalid_request_error", BadRequestError),
    (401, "authentication_error", AuthenticationError),
    (403, "403002", PermissionDeniedError),
    (429, "429006", RateLimitError),
    (500, "engine_server_error", InternalServerError),
    (503, "service_unavailable", ServiceUnavailableError),
]


@pytest.mark.parametrize(("status", "code", "cls"), DOCUMENTED)
def test_documented_statuses_map_to_typed_errors(
    emulator: TokenHubEmulator,
    recorded_delays: list[float],
    status: int,
    code: str,
    cls: type[APIStatusError],
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=status, times=10)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=0) as client:
        with pytest.raises(cls) as info:
            client.chat_completions(CHAT)
    error = info.value
    assert isinstance(error, TokenHubError)
    assert error.status_code == status
    assert error.code == code
    assert error.message
    assert error.request_id
    assert f"status={status}" in str(error)


def test_wrong_key_is_an_authentication_error(emulator: TokenHubEmulator) -> None:
    with TokenHubClient(api_key="sk-wrong-key-abcdef", base_url=emulator.base_url) as client:
        with pytest.raises(AuthenticationError) as info:
            client.chat_completions(CHAT)
    assert info.value.code == "authentication_error"
    assert "sk-wrong-key-abcdef" not in str(info.value)
    assert "sk-wrong-key-abcdef" not in repr(info.value.body)


def test_unknown_model_is_the_gateways_400004(
    emulator: TokenHubEmulator, client: TokenHubClient
) -> None:
    with pytest.raises(BadRequestError) as info:
        client.chat_completions({**CHAT, "model": "no-such-model"})
    assert (info.value.status_code, info.value.code) == (400, "400004")
    assert "no-such-model" in info.value.message


def test_error_shapes_from_other_families() -> None:
    tc3 = b'{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"rq"}}'
    error = error_from_response(401, tc3, {})
    assert isinstance(error, AuthenticationError)
    assert (error.code, error.message, error.request_id) == (
        "AuthFailure.SignatureFailure",
        "bad",
        "rq",
    )
    flat = error_from_response(404, b'{"code":"NotFound","message":"gone"}', {"x-request-id": "h1"})
    assert isinstance(flat, NotFoundError)
    assert (flat.code, flat.message, flat.request_id) == ("NotFound", "gone", "h1")
    text = error_from_response(502, b"<html>Bad gateway</html>", {})
    assert isinstance(text, InternalServerError)
    assert "Bad gateway" in text.message


def test_malformed_chunk_in_stream(emulator: TokenHubEmulator, client: TokenHubClient) -> None:
    emulator.faults.add(route=CHAT_ROUTE, malformed_chunk=True)
    with pytest.raises(StreamError) as info:
        list(client.stream_chat_completions(CHAT))
    assert info.value.raw_line is not None and '{"}' in info.value.raw_line


def test_stream_cut_off_raises(emulator: TokenHubEmulator, client: TokenHubClient) -> None:
    emulator.faults.add(route=CHAT_ROUTE, drop_mid_stream=True)
    received = []
    with pytest.raises(StreamError):
        for chunk in client.stream_chat_completions(CHAT):
            received.append(chunk)
    assert received  # what arrived before the cut was delivered, then the error


def test_error_object_inside_stream(emulator: TokenHubEmulator, client: TokenHubClient) -> None:
    emulator.faults.add(
        route=CHAT_ROUTE,
        stream_error={
            "message": "engine failed",
            "type": "engine_server_error",
            "code": "engine_server_error",
        },
    )
    with pytest.raises(InternalServerError) as info:
        list(client.stream_chat_completions(CHAT))
    assert info.value.code == "engine_server_error"
    assert info.value.message == "engine failed"


def test_seed_stream_shape(client: TokenHubClient) -> None:
    chunks = list(client.stream_chat_completions(CHAT))
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_async_stream_errors(emulator: TokenHubEmulator) -> None:
    emulator.faults.add(route=CHAT_ROUTE, malformed_chunk=True)
    emulator.faults.add(route=CHAT_ROUTE, drop_mid_stream=True)
    async with AsyncTokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(StreamError, match="malformed"):
            _ = [c async for c in client.stream_chat_completions(CHAT)]
        with pytest.raises(StreamError):
            _ = [c async for c in client.stream_chat_completions(CHAT)]
