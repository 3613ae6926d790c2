"""``Hunyuan``: construction, metadata, chat/complete (sync, async, streamed), usage, reasoning."""

from __future__ import annotations

import asyncio
import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.llms.function_calling import FunctionCallingLLM

from hunyuan_tokenhub import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidParameterError,
    RateLimitError,
    StreamError,
)
from hunyuan_tokenhub._catalog import DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_OUTPUT_TOKENS
from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import API_KEY, chat_bodies

MakeLLM = Callable[..., Hunyuan]
USER_1_PLUS_1 = [ChatMessage(role=MessageRole.USER, content="计算 1+1")]


# ---------------------------------------------------------------------------- construction


def test_is_a_function_calling_llm() -> None:
    assert issubclass(Hunyuan, FunctionCallingLLM)
    assert Hunyuan.class_name() == "Hunyuan_LLM"


def test_default_model_and_documented_metadata(make_llm: MakeLLM) -> None:
    llm = make_llm()
    assert llm.model == "hunyuan-2.0-instruct-20251111"
    meta = llm.metadata
    assert meta.model_name == "hunyuan-2.0-instruct-20251111"
    assert meta.is_chat_model and meta.is_function_calling_model
    assert meta.context_window == DEFAULT_CONTEXT_WINDOW
    assert meta.num_output == DEFAULT_MAX_OUTPUT_TOKENS
    # The only context window the docs state: deepseek-v3.2, 128K.
    assert make_llm("deepseek-v3.2").metadata.context_window == 128_000
    assert make_llm("deepseek-v3.2", max_tokens=500).metadata.num_output == 500


def test_custom_service_ids_get_safe_overridable_defaults(make_llm: MakeLLM) -> None:
    meta = make_llm("ep-abc12345").metadata
    assert (meta.model_name, meta.context_window) == ("ep-abc12345", DEFAULT_CONTEXT_WINDOW)
    assert meta.is_function_calling_model
    custom = make_llm(
        "ep-abc12345", context_window=200_000, is_function_calling_model=False
    ).metadata
    assert custom.context_window == 200_000
    assert not custom.is_function_calling_model


def test_never_falls_back_to_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-should-never-be-used")
    with pytest.raises(ConfigurationError, match="TOKENHUB_API_KEY"):
        Hunyuan()


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENHUB_API_KEY", API_KEY)
    llm = Hunyuan()
    assert llm.api_key is not None and llm.api_key.get_secret_value() == API_KEY


def test_key_never_shown_or_serialized(make_llm: MakeLLM) -> None:
    llm = make_llm()
    texts = [
        repr(llm),
        str(llm),
        llm.to_json(),
        json.dumps(llm.to_dict(), default=str),
        str(llm.model_dump()),
    ]
    if hasattr(llm, "to_payload"):  # llama-index-core 0.14.23 and later
        texts.append(json.dumps(llm.to_payload(), default=str))
    for text in texts:
        assert API_KEY not in text
    assert API_KEY.encode() not in pickle.dumps(llm.to_dict())


def test_pickle_never_holds_the_key(make_llm: MakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    llm = make_llm("deepseek-v3.2", temperature=0.3)
    data = pickle.dumps(llm)
    assert API_KEY.encode() not in data
    monkeypatch.setenv("TOKENHUB_API_KEY", "sk-from-the-environment")
    restored = pickle.loads(data)
    assert (restored.model, restored.temperature) == ("deepseek-v3.2", 0.3)
    assert restored.api_key is not None
    assert restored.api_key.get_secret_value() == "sk-from-the-environment"


def test_deep_copies_work_and_share_the_users_http_client(emulator: TokenHubEmulator) -> None:
    http_client = httpx.Client()
    llm = Hunyuan(api_key=API_KEY, base_url=emulator.base_url, http_client=http_client)
    copied = copy.deepcopy(llm)
    assert copied.chat(USER_1_PLUS_1).message.content == "1+1=2"
    assert copied.model_copy(deep=True, update={"temperature": 0.5}).temperature == 0.5
    assert copied.http_client is http_client
    moved = llm.model_copy(update={"base_url": emulator.backup_base_url})
    assert moved.chat(USER_1_PLUS_1).message.content == "1+1=2"
    assert [r.host for r in emulator.requests] == ["primary", "backup"]
    with pytest.raises(InvalidParameterError):
        llm.model_copy(update={"temperature": 9})
    http_client.close()


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"temperature": 3.0}, "temperature"),
        ({"top_p": -0.1}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ],
)
def test_bad_settings_fail_at_construction(
    make_llm: MakeLLM, kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidParameterError) as excinfo:
        make_llm(**kwargs)
    assert excinfo.value.param == param


def test_bad_reasoning_passback_names_the_allowed_values(make_llm: MakeLLM) -> None:
    with pytest.raises(ValueError, match="reasoning_passback") as excinfo:
        make_llm(reasoning_passback="sometimes")
    assert "tool_turns" in str(excinfo.value)


def test_misspelt_settings_are_refused(make_llm: MakeLLM) -> None:
    with pytest.raises(ValueError, match="temprature"):
        make_llm(temprature=0.2)
    assert make_llm(is_chat_model=True).metadata.is_chat_model  # OpenAILike settings carry over
    with pytest.raises(ValueError, match="is_chat_model"):
        make_llm(is_chat_model=False)


def test_bad_region_fails_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="region"):
        Hunyuan(api_key=API_KEY, region="mars")


def test_bad_call_arguments_fail_before_any_request(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm()
    with pytest.raises(InvalidParameterError) as excinfo:
        llm.chat(USER_1_PLUS_1, temperature=5)
    assert excinfo.value.param == "temperature"
    with pytest.raises(InvalidParameterError):
        llm.stream_chat(USER_1_PLUS_1, top_p=2)
    assert chat_bodies(emulator) == []


# ------------------------------------------------------------------------------ chat paths


def test_chat_seed_example_1_shape(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    response = make_llm("deepseek-v3.1-terminus").chat(
        [ChatMessage(role="user", content="你好,请介绍一下你自己")]
    )
    assert response.message.role == MessageRole.ASSISTANT
    assert response.message.content
    assert response.raw is not None and response.raw["object"] == "chat.completion"
    usage = response.raw["usage"]
    assert response.additional_kwargs["prompt_tokens"] == usage["prompt_tokens"]
    assert response.additional_kwargs["completion_tokens"] == usage["completion_tokens"]
    assert response.additional_kwargs["total_tokens"] == usage["total_tokens"]
    assert response.additional_kwargs["cached_tokens"] == 0
    assert response.additional_kwargs["reasoning_tokens"] == 0
    [body] = chat_bodies(emulator)
    assert body == {
        "model": "deepseek-v3.1-terminus",
        "messages": [{"role": "user", "content": "你好,请介绍一下你自己"}],
        "stream": False,
    }


def test_only_parameters_that_are_set_are_sent(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    make_llm(temperature=0.2, top_p=0.9, max_tokens=64, stop="11.", seed=7).chat(USER_1_PLUS_1)
    [body] = chat_bodies(emulator)
    assert body["temperature"] == 0.2 and body["top_p"] == 0.9 and body["seed"] == 7
    assert body["max_tokens"] == 64 and body["stop"] == "11."
    assert "parallel_tool_calls" not in body and "tool_choice" not in body


def test_additional_kwargs_and_extra_body_reach_the_body(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm(
        additional_kwargs={"user": "u-1", "extra_body": {"thinking": {"type": "disabled"}}},
        extra_body={"x_trace": "t"},
    )
    llm.chat(USER_1_PLUS_1, extra_body={"x_call": 1}, some_new_param=True)
    [body] = chat_bodies(emulator)
    assert body["user"] == "u-1"
    assert body["thinking"] == {"type": "disabled"}
    assert body["x_trace"] == "t" and body["x_call"] == 1
    assert body["some_new_param"] is True
    assert "extra_body" not in body


def test_complete_and_system_prompt(make_llm: MakeLLM) -> None:
    response = make_llm().complete("计算 2*21")
    assert response.text == "2*21=42"
    assert response.additional_kwargs["total_tokens"] > 0


def test_stream_chat_deltas_and_final_usage(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    chunks = list(make_llm().stream_chat(USER_1_PLUS_1))
    assert "".join(c.delta or "" for c in chunks) == "1+1=2"
    assert [c.message.content for c in chunks[:2]] == ["1", "1+"]
    final = chunks[-1]
    assert final.message.content == "1+1=2"
    assert final.additional_kwargs["total_tokens"] > 0
    assert final.raw["usage"]["total_tokens"] == final.additional_kwargs["total_tokens"]
    assert final.raw["choices"][0]["finish_reason"] == "stop"
    [body] = chat_bodies(emulator)
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_stream_usage_can_be_turned_off(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    chunks = list(make_llm(stream_usage=False).stream_chat(USER_1_PLUS_1))
    assert "stream_options" not in chat_bodies(emulator)[0]
    assert "total_tokens" not in chunks[-1].additional_kwargs


def test_usage_repeated_on_every_chunk_is_counted_once(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.set_quirks(["usage_every_chunk", "cached_tokens_plural"])
    streamed = list(make_llm().stream_chat(USER_1_PLUS_1))[-1]
    emulator.set_quirks([])
    plain = make_llm().chat(USER_1_PLUS_1)
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        assert streamed.additional_kwargs[key] == plain.additional_kwargs[key]
    assert "cached_tokens" in streamed.additional_kwargs


def test_stream_complete(make_llm: MakeLLM) -> None:
    chunks = list(make_llm().stream_complete("计算 1+1"))
    assert chunks[-1].text == "1+1=2"
    assert "".join(c.delta or "" for c in chunks) == "1+1=2"


async def test_async_twins(make_llm: MakeLLM) -> None:
    llm = make_llm()
    assert (await llm.achat(USER_1_PLUS_1)).message.content == "1+1=2"
    assert (await llm.acomplete("计算 1+1")).text == "1+1=2"
    chunks = [c async for c in await llm.astream_chat(USER_1_PLUS_1)]
    assert chunks[-1].message.content == "1+1=2"
    assert chunks[-1].additional_kwargs["total_tokens"] > 0
    completions = [c async for c in await llm.astream_complete("计算 1+1")]
    assert completions[-1].text == "1+1=2"


def test_one_instance_across_event_loops(make_llm: MakeLLM) -> None:
    llm = make_llm()
    for _ in range(2):
        assert asyncio.run(llm.achat(USER_1_PLUS_1)).message.content == "1+1=2"


# ---------------------------------------------------------------------------------- reasoning


def _thinking_text(response: ChatResponse) -> str:
    return "".join(b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock))


def test_reasoning_becomes_a_thinking_block(make_llm: MakeLLM) -> None:
    response = make_llm("deepseek-r1-0528").chat(USER_1_PLUS_1)
    blocks = response.message.blocks
    assert isinstance(blocks[0], ThinkingBlock) and isinstance(blocks[1], TextBlock)
    assert blocks[0].content and blocks[0].content.startswith("The user asked")
    assert blocks[0].num_tokens == response.additional_kwargs["reasoning_tokens"] > 0
    assert response.message.content == "1+1=2"


def test_thinking_deltas_sync_and_async_agree_from_the_first_chunk(make_llm: MakeLLM) -> None:
    llm = make_llm("deepseek-r1-0528")
    complete_reasoning = _thinking_text(llm.chat(USER_1_PLUS_1))
    sync_chunks = list(llm.stream_chat(USER_1_PLUS_1))

    async def collect() -> list[ChatResponse]:
        return [c async for c in await llm.astream_chat(USER_1_PLUS_1)]

    async_chunks = asyncio.run(collect())
    for chunks in (sync_chunks, async_chunks):
        deltas = [c.additional_kwargs.get("thinking_delta") for c in chunks]
        assert deltas[0] == "The"  # the first chunk's reasoning is kept
        assert "".join(d for d in deltas if d) == complete_reasoning
        assert _thinking_text(chunks[-1]) == complete_reasoning
        assert chunks[-1].message.content == "1+1=2"


# ---------------------------------------------------------------------------------- errors


def test_wrong_key_is_a_typed_error_without_the_key(emulator: TokenHubEmulator) -> None:
    llm = Hunyuan(api_key="sk-wrong-key-000", base_url=emulator.base_url)
    with pytest.raises(AuthenticationError) as excinfo:
        llm.chat(USER_1_PLUS_1)
    assert excinfo.value.status_code == 401
    assert "sk-wrong-key-000" not in str(excinfo.value)
    assert len(chat_bodies(emulator)) == 1  # a 401 is not retried


def test_one_retry_layer(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    emulator.faults.add(route="/v1/chat/completions", status=429, retry_after=0.01, times=1)
    assert make_llm(max_retries=1).chat(USER_1_PLUS_1).message.content == "1+1=2"
    assert len(chat_bodies(emulator)) == 2
    emulator.reset()
    emulator.faults.add(route="/v1/chat/completions", status=429, retry_after=0.01, times=5)
    with pytest.raises(RateLimitError):
        make_llm(max_retries=2).chat(USER_1_PLUS_1)
    assert len(chat_bodies(emulator)) == 3  # 1 + max_retries, nothing stacked on top


def test_seed_malformed_last_chunk_fails_clearly(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(route="/v1/chat/completions", malformed_chunk=True, times=1)
    with pytest.raises(StreamError):
        list(make_llm().stream_chat(USER_1_PLUS_1))


def test_bad_request_is_typed(make_llm: MakeLLM) -> None:
    with pytest.raises(BadRequestError) as excinfo:
        # A tool result without the assistant call it answers: TokenHub rejects the order.
        make_llm().chat(
            [
                ChatMessage(role="user", content="hi"),
                ChatMessage(role="tool", content="42", additional_kwargs={"tool_call_id": "x"}),
            ]
        )
    assert excinfo.value.status_code == 400


# ------------------------------------------------------- stream assembly from raw SSE bytes


def _sse(*chunks: dict[str, Any]) -> bytes:
    lines = [f"data: {json.dumps(chunk)}\n\n" for chunk in chunks]
    return ("".join(lines) + "data: [DONE]\n\n").encode()


def _scripted_llm(body: bytes) -> Hunyuan:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    return Hunyuan(
        api_key=API_KEY,
        base_url="http://tokenhub.invalid/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def _call(index: int, **fields: Any) -> dict[str, Any]:
    return {"index": index, **fields}


def test_streamed_calls_in_one_chunk_repeated_ids_and_empty_args() -> None:
    """Two calls in one chunk; ids and names repeated on every fragment; one without args."""
    body = _sse(
        {
            "id": "c",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "role": "assistant",
                        "tool_calls": [
                            _call(
                                0,
                                id="call_a",
                                type="function",
                                function={"name": "get_weather", "arguments": '{"ci'},
                            ),
                            _call(
                                1,
                                id="call_b",
                                type="function",
                                function={"name": "now", "arguments": ""},
                            ),
                        ],
                    },
                }
            ],
        },
        {
            "id": "c",
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            _call(
                                0,
                                id="call_a",
                                function={"name": "get_weather", "arguments": 'ty": "北京"}'},
                            ),
                        ]
                    },
                    "finish_reason": "tool_calls",
                }
            ],
        },
    )
    llm = _scripted_llm(body)
    final = list(llm.stream_chat(USER_1_PLUS_1))[-1]
    calls = [b for b in final.message.blocks if isinstance(b, ToolCallBlock)]
    assert [(c.tool_call_id, c.tool_name, c.tool_kwargs) for c in calls] == [
        ("call_a", "get_weather", {"city": "北京"}),
        ("call_b", "now", {}),
    ]
    selections = llm.get_tool_calls_from_response(final)
    assert [(s.tool_id, s.tool_name, s.tool_kwargs) for s in selections] == [
        ("call_a", "get_weather", {"city": "北京"}),
        ("call_b", "now", {}),
    ]
    assert final.raw["choices"][0]["finish_reason"] == "tool_calls"
