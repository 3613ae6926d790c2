"""Per-model gateway rules on the wire: thinking defaults and switches, forced tool_choice in
thinking mode, reasoning_content pass-back, fixed temperature, reasoning_effort, images, the
MiniMax think-tag quirk, retired and plan-gated ids, ``GET /v1/models``.

Raw httpx requests in, status and body out: no client class is involved.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hunyuan_tokenhub.emulator import (
    DEEPSEEK_FORCED_TOOL_CHOICE,
    DEEPSEEK_MISSING_REASONING,
    KIMI_MISSING_REASONING,
    PLAN_GATED_CODE,
    SERVED_CHAT_MODELS,
    UNKNOWN_MODEL_CODE,
    TokenHubEmulator,
    served_chat_model,
)
from tests.emulator._emulator_support import chat, error_of, sse_chunks, user

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
FORCED = {"type": "function", "function": {"name": "get_weather"}}
ONLINE = [model.id for model in SERVED_CHAT_MODELS if model.status == "online"]


def message_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["choices"][0]["message"]
    return message


def tool_call(call_id: str) -> dict[str, Any]:
    arguments = json.dumps({"city": "Beijing"})
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": "get_weather", "arguments": arguments},
    }


def agent_history(*reasonings: str | None) -> list[dict[str, Any]]:
    """One user turn per reasoning value, each with a tool call, its result and an answer,
    then a new user question. ``None`` leaves ``reasoning_content`` out."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": "You are helpful."}]
    for turn, reasoning in enumerate(reasonings):
        call_id = f"call_{turn}"
        assistant: dict[str, Any] = {"role": "assistant", "content": None}
        assistant["tool_calls"] = [tool_call(call_id)]
        if reasoning is not None:
            assistant["reasoning_content"] = reasoning
        messages += [
            user(f"weather in Beijing, question {turn}?"),
            assistant,
            {"role": "tool", "tool_call_id": call_id, "content": "sunny"},
            {"role": "assistant", "content": "It is sunny."},
        ]
    messages.append(user("and tomorrow?"))
    return messages


# Thinking defaults and the switch ----------------------------------------------------------


@pytest.mark.parametrize("model", ONLINE)
def test_every_online_model_answers_and_reasons_exactly_when_thinking_is_on(
    client: httpx.Client, model: str
) -> None:
    served = served_chat_model(model)
    assert served is not None
    message = message_of(chat(client, model=model, messages=[user("2+2")]))
    assert message["content"] == "2+2=4"
    assert ("reasoning_content" in message) is served.thinks_by_default()


@pytest.mark.parametrize(
    ("model", "thinking", "reasons"),
    [
        ("kimi-k2.6", None, True),
        ("kimi-k2.6", {"type": "disabled"}, False),
        ("glm-5", {"type": "disabled"}, False),
        ("deepseek-v4-flash", {"type": "enabled"}, True),
        ("hy3", None, False),
        ("hy3", {"type": "enabled"}, True),
        ("minimax-m3", {"type": "adaptive"}, True),
        ("minimax-m3", {"type": "disabled"}, False),
        ("minimax-m2.7", {"type": "adaptive"}, True),
        ("ep-abc12345", None, False),
        ("ep-abc12345", {"type": "enabled"}, True),
    ],
)
def test_reasoning_follows_the_effective_thinking_state(
    client: httpx.Client, model: str, thinking: dict[str, str] | None, reasons: bool
) -> None:
    payload: dict[str, Any] = {"model": model, "messages": [user("2+2")]}
    if thinking is not None:
        payload["thinking"] = thinking
    body = client.post("/chat/completions", json=payload).json()
    message = body["choices"][0]["message"]
    assert ("reasoning_content" in message) is reasons
    reasoning_tokens = body["usage"]["completion_tokens_details"]["reasoning_tokens"]
    assert (reasoning_tokens > 0) is reasons

    chunks = sse_chunks(client, **payload)
    streamed = "".join(
        c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks if c["choices"]
    )
    assert bool(streamed) is reasons
    if reasons:
        assert streamed == message["reasoning_content"]


@pytest.mark.parametrize(
    ("model", "thinking", "message"),
    [
        ("minimax-m3", "enabled", 'invalid params, invalid thinking.type: "enabled"'),
        ("minimax-m2.5", "enabled", 'invalid thinking.type: "enabled" (allowed: adaptive)'),
        ("minimax-m2.5", "disabled", "Thinking cannot be disabled for model minimax-m2.5."),
        ("hunyuan-2.0-thinking-20251109", "disabled", "Thinking cannot be disabled"),
        ("glm-5", "adaptive", "Invalid thinking.type 'adaptive' for model glm-5"),
    ],
)
def test_thinking_switch_values_are_checked_per_model(
    client: httpx.Client, model: str, thinking: str, message: str
) -> None:
    response = chat(client, model=model, messages=[user("hi")], thinking={"type": thinking})

    assert response.status_code == 400
    error = error_of(response)
    assert message in error["message"]
    assert error["source"] == ("upstream" if "thinking.type: " in message else "client")


@pytest.mark.parametrize("thinking", ["enabled", {"mode": "on"}, {"type": 1}])
def test_malformed_thinking_is_400(client: httpx.Client, thinking: Any) -> None:
    response = chat(client, model="kimi-k2.5", messages=[user("hi")], thinking=thinking)

    assert response.status_code == 400
    assert "'thinking' must be an object" in error_of(response)["message"]


def test_thinking_switch_is_ignored_by_models_without_thinking(client: httpx.Client) -> None:
    message = message_of(
        chat(
            client,
            model="hunyuan-2.0-instruct-20251111",
            messages=[user("hi")],
            thinking={"type": "enabled"},
        )
    )
    assert "reasoning_content" not in message


# Forced tool_choice in thinking mode --------------------------------------------------------


@pytest.mark.parametrize("tool_choice", ["required", FORCED])
@pytest.mark.parametrize(
    ("model", "switch"),
    [("deepseek-v4-flash", None), ("deepseek-v4-pro-202606", None), ("deepseek-v3.2", None)],
)
def test_deepseek_thinking_mode_rejects_a_forced_tool_choice(
    client: httpx.Client, model: str, switch: str | None, tool_choice: Any
) -> None:
    payload = {"messages": [user("weather?")], "tools": [WEATHER_TOOL], "tool_choice": tool_choice}
    thinking = {} if switch is None else {"thinking": {"type": switch}}
    response = chat(client, model=model, **payload, **thinking)

    assert response.status_code == 400
    error = error_of(response)
    assert error["message"] == DEEPSEEK_FORCED_TOOL_CHOICE
    assert (error["type"], error["source"]) == ("invalid_request_error", "upstream")

    forced = message_of(chat(client, model=model, thinking={"type": "disabled"}, **payload))
    assert forced["tool_calls"][0]["function"]["name"] == "get_weather"


@pytest.mark.parametrize(
    ("model", "extra"),
    [
        ("kimi-k2.5", {}),
        ("glm-5", {}),
        ("glm-5v-turbo", {}),
        ("minimax-m2.5", {}),
        ("minimax-m3", {}),
        ("hy3", {"thinking": {"type": "enabled"}}),
        ("hunyuan-2.0-thinking-20251109", {}),
        ("ep-abc12345", {"thinking": {"type": "enabled"}}),
    ],
)
def test_thinking_mode_takes_only_auto_and_none(
    client: httpx.Client, model: str, extra: dict[str, Any]
) -> None:
    base = {"model": model, "messages": [user("weather in Beijing?")], "tools": [WEATHER_TOOL]}
    for forced in ("required", FORCED):
        response = client.post("/chat/completions", json={**base, **extra, "tool_choice": forced})
        assert response.status_code == 400
        assert "tool_choice supports only 'auto' and 'none'" in error_of(response)["message"]
    for free in ("auto", "none"):
        response = client.post("/chat/completions", json={**base, **extra, "tool_choice": free})
        assert response.status_code == 200


def test_forced_tool_choice_is_fine_while_thinking_is_off(client: httpx.Client) -> None:
    message = message_of(
        chat(
            client,
            model="hy3",
            messages=[user("hello")],
            tools=[WEATHER_TOOL],
            tool_choice="required",
        )
    )
    assert message["tool_calls"]


# reasoning_content pass-back ----------------------------------------------------------------


def test_kimi_needs_reasoning_on_every_tool_call_message_of_the_history(
    client: httpx.Client,
) -> None:
    # The first turn's tool-call message (index 2) lost its reasoning; the second kept it.
    messages = agent_history(None, "second turn thinking")
    response = chat(client, model="kimi-k2.6", messages=messages, tools=[WEATHER_TOOL])

    assert response.status_code == 400
    error = error_of(response)
    assert error["message"] == KIMI_MISSING_REASONING.format(index=2)
    assert error["message"].endswith("at index 2")
    assert (error["type"], error["source"]) == ("invalid_request_error", "upstream")

    later = chat(
        client, model="kimi-k2.6", messages=agent_history("kept", None), tools=[WEATHER_TOOL]
    )
    assert error_of(later)["message"].endswith("at index 6")


def test_deepseek_uses_its_own_wording(client: httpx.Client) -> None:
    response = chat(client, model="deepseek-v4-pro", messages=agent_history("kept", None))

    assert response.status_code == 400
    assert error_of(response)["message"] == DEEPSEEK_MISSING_REASONING


@pytest.mark.parametrize("model", ["kimi-k2.5", "deepseek-v4-flash", "deepseek-v3.2"])
def test_empty_reasoning_is_accepted_and_thinking_off_needs_none(
    client: httpx.Client, model: str
) -> None:
    assert chat(client, model=model, messages=agent_history("", "")).status_code == 200
    response = chat(
        client, model=model, messages=agent_history(None, None), thinking={"type": "disabled"}
    )
    assert response.status_code == 200


def test_models_without_a_passback_rule_accept_stripped_history(client: httpx.Client) -> None:
    for model in ("glm-5.1", "minimax-m2.7", "hy3"):
        assert chat(client, model=model, messages=agent_history(None, None)).status_code == 200


def test_a_tool_loop_with_reasoning_passed_back_runs(client: httpx.Client) -> None:
    messages: list[dict[str, Any]] = [user("weather in Beijing?")]
    first = message_of(chat(client, model="kimi-k2.6", messages=messages, tools=[WEATHER_TOOL]))
    assert first["reasoning_content"] and first["tool_calls"]
    messages += [
        first,
        {"role": "tool", "tool_call_id": first["tool_calls"][0]["id"], "content": "sunny"},
    ]
    answer = message_of(chat(client, model="kimi-k2.6", messages=messages, tools=[WEATHER_TOOL]))
    assert "sunny" in answer["content"]


def _switch_states(model_id: str) -> list[dict[str, Any]]:
    served = served_chat_model(model_id)
    assert served is not None
    return [{}, *({"thinking": {"type": value}} for value in sorted(served.switch.accepted))]


AGENT_CASES = [
    (model.id, extra)
    for model in SERVED_CHAT_MODELS
    for extra in _switch_states(model.id)
    if model.thinking != "never" or not extra
]


@pytest.mark.parametrize(("model", "extra"), AGENT_CASES)
def test_multi_turn_agent_conversation_runs_on_every_served_model(
    client: httpx.Client, model: str, extra: dict[str, Any]
) -> None:
    """Tools in turn 1, a new question in turn 2, tools again: every answer sent back as
    received (its reasoning_content included, except to deepseek-reasoner, which refuses it)
    is accepted."""
    served = served_chat_model(model)
    assert served is not None
    messages: list[dict[str, Any]] = []
    for question in ("weather in Beijing?", "and the weather in Shanghai?"):
        messages.append(user(question))
        payload = {"model": model, "messages": messages, "tools": [WEATHER_TOOL], **extra}
        call = message_of(client.post("/chat/completions", json=payload))
        assert call["tool_calls"], call
        if served.passback == "reject":
            call.pop("reasoning_content")
        messages += [
            call,
            {"role": "tool", "tool_call_id": call["tool_calls"][0]["id"], "content": "sunny"},
        ]
        answer = message_of(client.post("/chat/completions", json=payload))
        assert "sunny" in answer["content"] and not answer.get("tool_calls")
        messages.append({"role": "assistant", "content": answer["content"]})


# Fixed temperature and reasoning_effort ----------------------------------------------------


@pytest.mark.parametrize(
    ("thinking", "temperature", "status", "allowed"),
    [
        (None, 0.2, 400, "1"),
        (None, 0.6, 400, "1"),
        (None, 1.0, 200, ""),
        ({"type": "disabled"}, 1.0, 400, "0.6"),
        ({"type": "disabled"}, 0.6, 200, ""),
    ],
)
def test_kimi_temperature_is_fixed(
    client: httpx.Client,
    thinking: dict[str, str] | None,
    temperature: float,
    status: int,
    allowed: str,
) -> None:
    payload: dict[str, Any] = {"messages": [user("hi")], "temperature": temperature}
    if thinking is not None:
        payload["thinking"] = thinking
    response = chat(client, model="kimi-k2.5", **payload)

    assert response.status_code == status
    if status == 400:
        message = f"invalid temperature: only {allowed} is allowed for this model"
        assert error_of(response)["message"] == message
    assert chat(client, model="kimi-k2.5", messages=[user("hi")]).status_code == 200


def test_other_models_take_any_temperature_in_range(client: httpx.Client) -> None:
    assert chat(client, model="glm-5", messages=[user("hi")], temperature=0.2).status_code == 200


def test_reasoning_effort_values(client: httpx.Client) -> None:
    for effort in ("none", "low", "medium", "high", "xhigh"):
        response = chat(client, model="hy3", messages=[user("hi")], reasoning_effort=effort)
        assert response.status_code == 200
    response = chat(client, model="hy3", messages=[user("hi")], reasoning_effort="off")
    assert response.status_code == 400
    assert "Invalid reasoning_effort 'off'" in error_of(response)["message"]


def test_max_completion_tokens_limits_the_answer_like_max_tokens(client: httpx.Client) -> None:
    payload = {"model": "glm-5", "messages": [user("tell me a long story")]}
    capped = client.post("/chat/completions", json={**payload, "max_completion_tokens": 2})
    assert capped.json()["choices"][0]["finish_reason"] == "length"
    bad = client.post("/chat/completions", json={**payload, "max_completion_tokens": 0})
    assert "'max_completion_tokens' must be a positive integer" in error_of(bad)["message"]


# Images ------------------------------------------------------------------------------------


def test_text_only_deepseek_refuses_image_parts_and_kimi_takes_them(client: httpx.Client) -> None:
    content = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    messages = [{"role": "user", "content": content}]
    refused = chat(client, model="deepseek-v4-flash", messages=messages)

    assert refused.status_code == 400
    assert (
        "messages[0]: unknown variant `image_url`, expected `text`"
        in (error_of(refused)["message"])
    )
    assert chat(client, model="kimi-k2.6", messages=messages).status_code == 200


# MiniMax <think> tags ----------------------------------------------------------------------

THINK_QUIRK = {"X-Emulator-Quirks": "think_tags_in_content"}


def test_minimax_think_tags_quirk_moves_reasoning_into_content(client: httpx.Client) -> None:
    payload = {"model": "minimax-m2.5", "messages": [user("2+2")]}
    plain = message_of(client.post("/chat/completions", json=payload))
    tagged = message_of(client.post("/chat/completions", json=payload, headers=THINK_QUIRK))

    assert "reasoning_content" not in tagged
    assert tagged["content"] == f"<think>\n{plain['reasoning_content']}\n</think>\n\n2+2=4"


def test_minimax_think_tags_are_split_across_stream_chunks(client: httpx.Client) -> None:
    payload = {"model": "minimax-m2.7", "messages": [user("2+2")], "stream": True}
    with client.stream("POST", "/chat/completions", json=payload, headers=THINK_QUIRK) as reply:
        lines = [line for line in reply.iter_lines() if line.startswith("data: {")]
    deltas = [json.loads(line[6:])["choices"][0]["delta"] for line in lines]
    contents = [d["content"] for d in deltas if d.get("content")]

    assert not any("reasoning_content" in d for d in deltas)
    assert contents[0] == "<" and "<think>" not in contents
    text = "".join(contents)
    assert text.startswith("<think>\n") and text.endswith("</think>\n\n2+2=4")


def test_think_tags_quirk_leaves_other_models_alone(client: httpx.Client) -> None:
    payload = {"model": "minimax-m3", "messages": [user("2+2")]}
    message = message_of(client.post("/chat/completions", json=payload, headers=THINK_QUIRK))
    assert message["content"] == "2+2=4" and message["reasoning_content"]


def test_think_tags_with_tool_calls(client: httpx.Client) -> None:
    payload = {"model": "minimax-m2.5", "messages": [user("weather in Beijing?")]}
    payload["tools"] = [WEATHER_TOOL]
    message = message_of(client.post("/chat/completions", json=payload, headers=THINK_QUIRK))
    assert message["content"].startswith("<think>\n") and message["tool_calls"]


# Served ids: retired, plan-gated, custom services ------------------------------------------


def test_retired_ids_are_served_unless_the_gateway_refuses_them(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    assert chat(client, model="hunyuan-2.0-instruct-20251111", messages=[user("hi")]).is_success
    emu.refuse_retired_models = True

    response = chat(client, model="hunyuan-2.0-instruct-20251111", messages=[user("hi")])
    assert response.status_code == 400
    assert error_of(response)["code"] == UNKNOWN_MODEL_CODE
    assert chat(client, model="kimi-k2.6", messages=[user("hi")]).status_code == 200


def test_plan_gated_model_is_403(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.plan_gated_models.add("GLM-5.1")

    response = chat(client, model="glm-5.1", messages=[user("hi")])
    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["type"], error["source"]) == (
        PLAN_GATED_CODE,
        "gateway_error",
        "gateway",
    )
    assert "glm-5.1" in error["message"]


def test_a_custom_service_follows_its_base_models_rules(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    assert chat(client, model="ep-kimi0001", messages=[user("hi")], temperature=0.3).is_success
    emu.service_bases["ep-kimi0001"] = "kimi-k2.6"

    response = chat(client, model="ep-kimi0001", messages=[user("hi")], temperature=0.3)
    assert response.status_code == 400
    assert "only 1 is allowed" in error_of(response)["message"]
    message = message_of(chat(client, model="ep-kimi0001", messages=[user("hi")]))
    assert message["reasoning_content"]


def test_reset_forgets_the_gateway_knobs(emu: TokenHubEmulator) -> None:
    emu.plan_gated_models.add("glm-5")
    emu.service_bases["ep-x"] = "glm-5"
    emu.refuse_retired_models = True
    emu.reset()
    assert (emu.plan_gated_models, emu.service_bases, emu.refuse_retired_models) == (
        set(),
        {},
        False,
    )


def test_rate_limit_fault_is_the_gateways_429006(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.faults.add(route="/v1/chat/completions", status=429, retry_after=2, times=1)

    response = chat(client, model="hy3", messages=[user("hi")])
    assert (response.status_code, response.headers["retry-after"]) == (429, "2")
    error = error_of(response)
    assert (error["type"], error["code"], error["source"]) == (
        "rate_limit_error",
        "429006",
        "gateway",
    )
    assert error["message_zh"].startswith("当前模型服务繁忙")


# GET /v1/models ----------------------------------------------------------------------------


def test_models_list_shape(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.extra_chat_models.add("my-model")
    emu.plan_gated_models.add("glm-5")
    response = client.get("/models")

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    ids = [entry["id"] for entry in body["data"]]
    for entry in body["data"]:
        assert set(entry) == {"id", "object", "created", "status"}
        assert (entry["object"], entry["status"]) == ("model", "online")
        assert isinstance(entry["created"], int) and entry["created"] > 1_700_000_000
    assert "kimi-k2.6" in ids and "deepseek-v4-pro-202606" in ids and "my-model" in ids
    assert "glm-5" not in ids
    assert "hunyuan-2.0-instruct-20251111" not in ids  # retired
    assert len(ids) == len(set(ids))


def test_models_list_needs_the_key(emu: TokenHubEmulator) -> None:
    response = httpx.get(f"{emu.base_url}/models")

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_error"
