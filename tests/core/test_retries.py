"""Retries against the emulator: which failures retry, how often, and how long we wait."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import (
    APIConnectionError,
    AsyncTokenHubClient,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    ServiceUnavailableError,
    TokenHubClient,
)
from hunyuan_tokenhub._retry import RetryPolicy, parse_retry_after
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY, CHAT

CHAT_ROUTE = "/v1/chat/completions"
SUBMIT_ROUTE = "/v1/api/image/submit"
IMAGE_JOB = {"model": "hy-image-v3.0", "prompt": "一只橘猫"}


def chat_requests(emulator: TokenHubEmulator, route: str = CHAT_ROUTE) -> int:
    return sum(1 for r in emulator.requests if r.path == route)


def test_429_retry_after_is_honoured(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=429, retry_after=0.25, times=2)
    reply = client.chat_completions(CHAT)
    assert reply["object"] == "chat.completion"
    assert chat_requests(emulator) == 3
    assert recorded_delays == [0.25, 0.25]


# Every 5xx is transient, as in openai-python (501 and 505 too, since issue 16).
@pytest.mark.parametrize("status", [500, 501, 502, 503, 504, 505])
def test_server_errors_are_retried_up_to_max_retries(
    emulator: TokenHubEmulator, recorded_delays: list[float], status: int
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=status, times=10)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=3) as client:
        with pytest.raises(InternalServerError) as info:
            client.chat_completions(CHAT)
    assert info.value.status_code == status
    assert chat_requests(emulator) == 4
    assert len(recorded_delays) == 3


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(max_retries=10, initial_backoff=0.5, max_backoff=8.0)
    for retry_number, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        samples = [policy.delay(retry_number) for _ in range(50)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len(set(samples)) > 1


def test_retry_after_header_forms() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("3600") == 60.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_rate_limit_error_after_retries_carries_retry_after(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=429, retry_after=1, times=5)
    with pytest.raises(RateLimitError) as info:
        client.chat_completions(CHAT)
    assert info.value.retry_after == 1.0
    assert info.value.code == "429006"
    assert chat_requests(emulator) == 3


def test_400_is_not_retried(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    with pytest.raises(BadRequestError) as info:
        client.chat_completions({**CHAT, "temperature": 3.5})
    assert info.value.status_code == 400
    assert info.value.code == "invalid_request_error"
    assert info.value.request_id
    assert chat_requests(emulator) == 1
    assert recorded_delays == []


def test_a_chat_request_that_reached_the_server_is_not_resent_by_default(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    # The body was sent, the answer never came: the generation may be billed already.
    emulator.faults.add(route=CHAT_ROUTE, drop_connection=True, times=1)
    with pytest.raises(APIConnectionError):
        client.chat_completions(CHAT)
    emulator.faults.add(route=CHAT_ROUTE, drop_connection=True, times=1)
    with pytest.raises(APIConnectionError):
        list(client.stream_chat_completions(CHAT))
    assert chat_requests(emulator) == 2
    assert recorded_delays == []


def test_a_sent_chat_request_is_resent_when_the_user_opts_in(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, drop_connection=True, times=1)
    with TokenHubClient(
        api_key=API_KEY, base_url=emulator.base_url, retry_sent_chat_requests=True
    ) as client:
        assert client.chat_completions(CHAT)["choices"]
    assert chat_requests(emulator) == 2


def test_a_chat_request_that_never_left_is_retried(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    # Nothing listens on the unreachable URL: the connection fails before any byte is sent.
    with TokenHubClient(
        api_key=API_KEY, base_url=emulator.unreachable_base_url, max_retries=2
    ) as client:
        with pytest.raises(APIConnectionError):
            client.chat_completions(CHAT)
    assert len(recorded_delays) == 2


def test_job_queries_are_retried_after_a_dropped_connection(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route="/v1/api/image/query", drop_connection=True, times=1)
    job_id = client.post_json("/api/image/submit", IMAGE_JOB, submit=True)["id"]
    client.post_json("/api/image/query", {"model": "hy-image-v3.0", "id": job_id})
    assert chat_requests(emulator, "/v1/api/image/query") == 2


def test_submit_not_retried_after_server_may_have_accepted(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=SUBMIT_ROUTE, status=503, times=1)
    with pytest.raises(ServiceUnavailableError):
        client.post_json("/api/image/submit", IMAGE_JOB, submit=True)
    assert chat_requests(emulator, SUBMIT_ROUTE) == 1

    emulator.faults.add(route=SUBMIT_ROUTE, drop_connection=True, times=1)
    with pytest.raises(APIConnectionError):
        client.post_json("/api/image/submit", IMAGE_JOB, submit=True)
    assert chat_requests(emulator, SUBMIT_ROUTE) == 2
    assert recorded_delays == []


def test_submit_retried_on_429(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=SUBMIT_ROUTE, status=429, retry_after=0.1, times=1)
    job = client.post_json("/api/image/submit", IMAGE_JOB, submit=True)
    assert job["status"] == "queued"
    assert chat_requests(emulator, SUBMIT_ROUTE) == 2
    assert recorded_delays == [0.1]


def test_submit_retried_when_connection_refused(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    with TokenHubClient(
        api_key=API_KEY, base_url=emulator.unreachable_base_url, max_retries=1
    ) as client:
        with pytest.raises(APIConnectionError):
            client.post_json("/api/image/submit", IMAGE_JOB, submit=True)
    assert len(recorded_delays) == 1


def test_max_retries_zero_means_one_attempt(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=500, times=3)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=0) as client:
        with pytest.raises(InternalServerError):
            client.chat_completions(CHAT)
    assert chat_requests(emulator) == 1


async def test_async_client_retries_the_same_way(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=CHAT_ROUTE, status=429, retry_after=0.2, times=1)
    async with AsyncTokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        reply = await client.chat_completions(CHAT)
        with pytest.raises(BadRequestError):
            await client.chat_completions({**CHAT, "messages": []})
    assert reply["choices"][0]["message"]["role"] == "assistant"
    assert recorded_delays == [0.2]
    assert chat_requests(emulator) == 3


def test_a_check_error_is_retried_like_the_same_error_status(
    emulator: TokenHubEmulator, client: TokenHubClient, recorded_delays: list[float]
) -> None:
    """An error the response check finds in an HTTP 200 body goes through the same loop: a
    server error is retried within max_retries, a client error is final at once."""
    from hunyuan_tokenhub import APIStatusError

    bodies = iter([{"busy": True}, {"busy": True}, {"busy": False}])

    def check(answer: dict[str, object]) -> None:
        if next(bodies)["busy"]:
            raise InternalServerError("busy", status_code=200, code="InternalError")

    models = client.get_json("/models", check=check)
    assert chat_requests(emulator, "/v1/models") == 3 and len(recorded_delays) == 2
    assert models["data"]

    def refuse(answer: dict[str, object]) -> None:
        raise APIStatusError("bad", status_code=200, code="InvalidParameter")

    with pytest.raises(APIStatusError, match="bad"):
        client.get_json("/models", check=refuse)
    assert chat_requests(emulator, "/v1/models") == 4 and len(recorded_delays) == 2
