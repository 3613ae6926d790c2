"""Auth, request validation and unknown models, in TokenHub's error body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hunyuan_tokenhub.emulator import UNKNOWN_MODEL_CODE, TokenHubEmulator
from tests.emulator._emulator_support import CHAT_MODEL, chat, error_of, user

WEATHER_CALL = {
    "id": "call_abc123",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "北京"}'},
}


def test_wrong_key_is_401_authentication_error(emu: TokenHubEmulator) -> None:
    response = httpx.post(
        f"{emu.base_url}/chat/completions",
        headers={"Authorization": "Bearer wrong-key"},
        json={"model": CHAT_MODEL, "messages": [user("hi")]},
    )

    assert response.status_code == 401
    error = error_of(response)
    assert error["type"] == error["code"] == "authentication_error"
    assert error["source"] == "gateway"
    assert "wrong-key" not in response.text


@pytest.mark.parametrize("header", [None, "test-key", "Basic test-key", "Bearer"])
def test_missing_or_malformed_authorization_is_401(
    emu: TokenHubEmulator, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = httpx.post(
        f"{emu.base_url}/chat/completions",
        headers=headers,
        json={"model": CHAT_MODEL, "messages": [user("hi")]},
    )

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_error"


def test_without_api_key_any_bearer_key_is_accepted() -> None:
    with TokenHubEmulator() as emu:
        response = httpx.post(
            f"{emu.base_url}/chat/completions",
            headers={"Authorization": "Bearer anything"},
            json={"model": CHAT_MODEL, "messages": [user("hi")]},
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"messages": [user("hi")]}, "model"),
        ({"model": CHAT_MODEL}, "messages"),
        ({"model": CHAT_MODEL, "messages": []}, "messages"),
        ({"model": CHAT_MODEL, "messages": [user("hi")], "temperature": 2.5}, "temperature"),
        ({"model": CHAT_MODEL, "messages": [user("hi")], "temperature": -0.1}, "temperature"),
        ({"model": CHAT_MODEL, "messages": [user("hi")], "top_p": 1.5}, "top_p"),
        ({"model": CHAT_MODEL, "messages": [user("hi")], "max_tokens": 0}, "max_tokens"),
        (
            {"model": CHAT_MODEL, "messages": [user("hi")], "stop": ["a", "b", "c", "d", "e"]},
            "stop",
        ),
        ({"model": CHAT_MODEL, "messages": [user("hi")], "stream": "yes"}, "stream"),
        (
            {"model": CHAT_MODEL, "messages": [user("hi")], "tool_choice": "sometimes"},
            "tool_choice",
        ),
        (
            {
                "model": CHAT_MODEL,
                "messages": [user("hi")],
                "stream_options": {"include_usage": True},
            },
            "stream_options",
        ),
        (
            {
                "model": CHAT_MODEL,
                "messages": [user("hi"), {"role": "assistant", "content": "hello"}],
            },
            "last message",
        ),
        (
            {"model": CHAT_MODEL, "messages": [{"role": "robot", "content": "x"}]},
            "'messages[0].role'",
        ),
        (
            {
                "model": CHAT_MODEL,
                "messages": [user("hi"), {"role": "tool", "tool_call_id": "nope", "content": "x"}],
            },
            "tool_call_id",
        ),
        (
            {
                "model": CHAT_MODEL,
                "messages": [
                    user("北京今天天气怎么样?"),
                    {"role": "assistant", "content": None, "tool_calls": [WEATHER_CALL]},
                    user("and?"),
                ],
            },
            "tool_calls",
        ),
        (
            {
                "model": CHAT_MODEL,
                "messages": [user("hi")],
                "tools": [{"type": "function", "function": {"name": "bad name!"}}],
            },
            "'tools[0].function.name'",
        ),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    client: httpx.Client, payload: dict[str, Any], named: str
) -> None:
    response = client.post("/chat/completions", json=payload)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == error["type"] == "invalid_request_error"
    assert error["source"] == "client"
    assert named in error["message"]


def test_invalid_json_body_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "not valid JSON" in error_of(response)["message"]


def test_unknown_model_is_the_gateways_400004(client: httpx.Client) -> None:
    response = chat(client, model="gpt-4o", messages=[user("hi")])

    assert response.status_code == 400
    error = error_of(response)
    # The real body (Hy3 quickstart) carries no "source".
    assert set(error) == {"message", "message_zh", "code", "type", "request_id"}
    assert (error["code"], error["type"]) == (UNKNOWN_MODEL_CODE, "gateway_error")
    assert error["message"].startswith("The model or service ID gpt-4o does not exist")
    assert error["message_zh"] == "请求中的模型或服务 ID gpt-4o 不存在,请检查服务 ID 是否正确。"


def test_generation_model_is_not_a_chat_model(client: httpx.Client) -> None:
    response = chat(client, model="hy-image-v3.0", messages=[user("hi")])
    assert response.status_code == 400
    assert error_of(response)["code"] == UNKNOWN_MODEL_CODE


def test_extra_chat_models_can_be_enabled(emu: TokenHubEmulator, client: httpx.Client) -> None:
    assert chat(client, model="my-model", messages=[user("hi")]).status_code == 400
    emu.extra_chat_models.add("my-model")
    assert chat(client, model="My-Model", messages=[user("hi")]).status_code == 200


def test_custom_service_ids_and_any_case_are_accepted(client: httpx.Client) -> None:
    assert chat(client, model="ep-abc12345", messages=[user("hi")]).status_code == 200
    response = chat(client, model="DeepSeek-V3.2", messages=[user("hi")])
    assert response.status_code == 200
    assert response.json()["model"] == "DeepSeek-V3.2"


def test_deepseek_reasoner_rejects_reasoning_content_in_input(client: httpx.Client) -> None:
    messages = [
        user("hi"),
        {"role": "assistant", "content": "hello", "reasoning_content": "greeting"},
        user("again"),
    ]
    response = chat(client, model="deepseek-r1-0528", messages=messages)

    assert response.status_code == 400
    error = error_of(response)
    assert "messages[1]" in error["message"]
    assert error["source"] == "upstream"
    messages[1].pop("reasoning_content")
    assert chat(client, model="deepseek-r1-0528", messages=messages).status_code == 200


def test_unknown_route_is_404_in_the_error_shape(client: httpx.Client) -> None:
    response = client.post("/nothing/here", json={})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405(client: httpx.Client) -> None:
    assert client.get("/chat/completions").status_code == 405


def test_unknown_quirk_is_rejected(client: httpx.Client) -> None:
    response = client.post(
        "/chat/completions",
        json={"model": CHAT_MODEL, "messages": [user("hi")]},
        headers={"X-Emulator-Quirks": "no_such_quirk"},
    )

    assert response.status_code == 400
    with pytest.raises(ValueError, match="unknown quirks"):
        TokenHubEmulator(quirks=["no_such_quirk"])
