"""Error bodies as today's gateway sends them, and GET /v1/models, through the real client.

The bodies are the ones public quickstarts quote from real answers (the Hy3 quickstart's
"real error responses", the gateway's error-code page as transcribed by public clients): a
string or integer ``code`` whose first three digits are the status, ``type``, ``source``,
``message_zh`` and ``request_id`` inside ``error``. They are served through an httpx mock
transport, so the client's parsing is tested on exactly those bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hunyuan_tokenhub import (
    APIError,
    AsyncTokenHubClient,
    BadRequestError,
    ModelNotAvailableError,
    ModelNotEnabledError,
    ModelNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RemoteModel,
    StreamError,
    TokenHubClient,
)
from hunyuan_tokenhub._sse import SSEDecoder

NOT_FOUND_BODY = {
    "error": {
        "message": "The model or service ID not-a-real-model does not exist. Please check it.",
        "message_zh": "请求中的模型或服务 ID not-a-real-model 不存在，请检查服务 ID 是否正确。",
        "code": "400004",
        "type": "gateway_error",
        "request_id": "7a948a0f-740f-4d37-846f-0b500c3f1c48",
    }
}
RATE_LIMIT_BODY = {
    "error": {
        "message": "The model is busy, please retry later.",
        "message_zh": "模型繁忙，请稍后重试。",
        "code": 429006,
        "type": "rate_limit_error",
        "source": "upstream",
        "request_id": "r-429",
    }
}
CHAT = {"model": "not-a-real-model", "messages": [{"role": "user", "content": "hi"}]}


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> TokenHubClient:
    return TokenHubClient(
        api_key="sk-test",
        base_url="https://gateway.test/v1",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def _answer(status: int, body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


def test_unknown_model_is_model_not_found_and_a_bad_request() -> None:
    with _client(_answer(400, NOT_FOUND_BODY)) as client, pytest.raises(ModelNotFoundError) as info:
        client.chat_completions(CHAT)
    error = info.value
    assert isinstance(error, ModelNotAvailableError) and isinstance(error, BadRequestError)
    assert (error.status_code, error.code, error.type) == (400, "400004", "gateway_error")
    assert error.request_id == "7a948a0f-740f-4d37-846f-0b500c3f1c48"
    assert error.message_zh is not None and "不存在" in error.message_zh
    assert error.model == "not-a-real-model"
    assert "'not-a-real-model'" in str(error) and "list_models()" in str(error)


def test_a_model_outside_the_plan_is_model_not_enabled_and_permission_denied() -> None:
    body = {"error": {"message": "model not in plan", "code": "403002", "type": "gateway_error"}}
    with _client(_answer(403, body)) as client, pytest.raises(ModelNotAvailableError) as info:
        client.chat_completions({**CHAT, "model": "kimi-k3"})
    assert isinstance(info.value, ModelNotEnabledError)
    assert isinstance(info.value, PermissionDeniedError)
    assert info.value.model == "kimi-k3"


def test_other_bad_requests_are_not_model_errors() -> None:
    body = {"error": {"message": "bad temperature", "code": "400002", "type": "gateway_error"}}
    with _client(_answer(400, body)) as client, pytest.raises(BadRequestError) as info:
        client.chat_completions(CHAT)
    assert not isinstance(info.value, ModelNotAvailableError)
    assert info.value.code == "400002"


def test_integer_codes_type_and_source_are_exposed() -> None:
    with _client(_answer(429, RATE_LIMIT_BODY)) as client, pytest.raises(RateLimitError) as info:
        client.chat_completions(CHAT)
    error = info.value
    assert (error.code, error.type, error.source) == ("429006", "rate_limit_error", "upstream")
    assert error.request_id == "r-429"


def _decode(lines: list[str]) -> list[dict[str, Any]]:
    decoder = SSEDecoder()
    chunks = [chunk for line in lines if (chunk := decoder.feed(line)) is not None]
    decoder.finish()
    return chunks


def test_a_rate_limit_inside_a_stream_is_a_rate_limit_error() -> None:
    line = "data: " + json.dumps(RATE_LIMIT_BODY)
    with pytest.raises(RateLimitError) as info:
        _decode([line, ""])
    assert (info.value.status_code, info.value.code) == (429, "429006")
    assert info.value.source == "upstream"


def test_an_in_stream_error_known_only_by_its_type_keeps_its_status() -> None:
    line = 'data: {"error": {"message": "slow", "type": "rate_limit_error"}}'
    with pytest.raises(RateLimitError):
        _decode([line, ""])
    with pytest.raises(StreamError):
        _decode(['data: {"error": {"message": "odd", "type": "strange"}}', ""])


MODELS_BODY = {
    "object": "list",
    "data": [
        {"id": "hy3", "object": "model", "created": 1753142400, "status": "online"},
        {"id": "deepseek-v3.2", "object": "model", "created": 1748400000, "status": "pre-offline"},
        {"id": "kimi-k2.6", "created": 1750000000, "status": "online", "owned_by": "moonshot"},
    ],
}


def test_list_models_sends_an_authorised_get_and_keeps_every_field() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=MODELS_BODY)

    with _client(handler) as client:
        models = client.list_models()
    assert [(r.method, r.url.path) for r in seen] == [("GET", "/v1/models")]
    assert seen[0].headers["authorization"] == "Bearer sk-test"
    assert models[1] == RemoteModel(
        id="deepseek-v3.2", created=1748400000, status="pre-offline", raw=MODELS_BODY["data"][1]
    )
    assert models[2].owned_by == "moonshot" and models[2].raw["owned_by"] == "moonshot"


async def test_async_list_models() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=MODELS_BODY))
    async with AsyncTokenHubClient(
        api_key="sk-test",
        base_url="https://gateway.test/v1",
        http_client=httpx.AsyncClient(transport=transport),
    ) as client:
        models = await client.list_models()
    assert [m.id for m in models] == ["hy3", "deepseek-v3.2", "kimi-k2.6"]


@pytest.mark.parametrize(
    "body",
    [{"object": "list"}, {"data": "nope"}, {"data": [{"object": "model"}]}, {"data": [5]}],
)
def test_a_malformed_model_list_is_a_typed_error(body: dict[str, Any]) -> None:
    with _client(_answer(200, body)) as client, pytest.raises(APIError):
        client.list_models()
