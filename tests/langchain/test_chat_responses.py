"""What ChatHunyuan makes of responses: messages, usage, reasoning, tool calls, streams, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler, BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.rate_limiters import BaseRateLimiter

from hunyuan_tokenhub import (
    APIConnectionError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    StreamError,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import CHAT_PATH, chat_bodies, get_time, get_weather, last_body, merge

MakeLLM = Callable[..., ChatHunyuan]
PARALLEL_QUESTION = "What is the weather and the time in Paris?"


def _sse(*chunks: dict[str, Any]) -> str:
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


def _script_sse(emulator: TokenHubEmulator, *chunks: dict[str, Any]) -> None:
    emulator.faults.add(
        route=CHAT_PATH,
        status=200,
        times=1,
        body=_sse(*chunks),
        headers={"Content-Type": "text/event-stream"},
    )


# ------------------------------------------------------------------------- plain replies


def test_invoke_message_and_metadata(make_llm: MakeLLM) -> None:
    # A prompt no other test sends: the emulator's prompt cache lives as long as the session.
    # Thinking switched off: deepseek-v3.2 may think by default (the TokenHub pages disagree).
    thinking_off = {"thinking": {"type": "disabled"}}
    reply = make_llm(model="deepseek-v3.2", extra_body=thinking_off).invoke("173+25")
    assert isinstance(reply, AIMessage)
    assert reply.content == "173+25=198"
    assert reply.response_metadata["model_name"] == "deepseek-v3.2"
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.response_metadata["model_provider"] == "hunyuan"
    assert reply.response_metadata["id"] == reply.id and reply.id
    usage = reply.usage_metadata
    assert usage is not None
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"] > 0
    assert usage["input_token_details"] == {"cache_read": 0}
    assert usage["output_token_details"] == {"reasoning": 0}


def test_cached_prompt_tokens_become_cache_read(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm()
    question = [HumanMessage("A long shared prefix " * 20), AIMessage("ok"), HumanMessage("1+1")]
    llm.invoke(question)
    again = llm.invoke(question)
    assert again.usage_metadata is not None
    assert again.usage_metadata["input_token_details"]["cache_read"] > 0
    # Some gateways spell it cached_tokens; both are read.
    emulator.set_quirks(["cached_tokens_plural"])
    plural = llm.invoke(question)
    assert plural.usage_metadata is not None
    assert plural.usage_metadata["input_token_details"]["cache_read"] > 0


def test_max_tokens_finish_reason_length(make_llm: MakeLLM) -> None:
    reply = make_llm(max_tokens=2).invoke("Tell me a long story about the sea")
    assert reply.response_metadata["finish_reason"] == "length"


async def test_ainvoke_batch_and_abatch(make_llm: MakeLLM) -> None:
    llm = make_llm()
    assert (await llm.ainvoke("2+3")).content == "2+3=5"
    assert [m.content for m in llm.batch(["1+1", "2+2", "3+3"])] == ["1+1=2", "2+2=4", "3+3=6"]
    assert [m.content for m in await llm.abatch(["4+4", "5+5"])] == ["4+4=8", "5+5=10"]


# ------------------------------------------------------------------------------ streams


def test_stream_chunks_usage_once_and_metadata_on_the_last_chunk(make_llm: MakeLLM) -> None:
    chunks = list(make_llm(model="glm-5").stream("Tell me about the sea"))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert len([c for c in chunks if c.content]) > 1
    with_usage = [c for c in chunks if c.usage_metadata]
    assert len(with_usage) == 1
    with_model = [c for c in chunks if c.response_metadata.get("model_name")]
    assert len(with_model) == 1
    assert chunks[-1].chunk_position == "last"
    merged = merge(chunks)
    assert merged.response_metadata["model_name"] == "glm-5"
    assert merged.response_metadata["finish_reason"] == "stop"
    assert merged.response_metadata["model_provider"] == "hunyuan"
    reply = make_llm(model="glm-5").invoke("Tell me about the sea")
    assert merged.content == reply.content
    assert merged.usage_metadata is not None and reply.usage_metadata is not None
    assert merged.usage_metadata["output_tokens"] == reply.usage_metadata["output_tokens"]


async def test_astream_matches_stream(make_llm: MakeLLM) -> None:
    llm = make_llm()
    sync_text = "".join(str(c.content) for c in llm.stream("Tell me about the sea"))
    async_chunks = [c async for c in llm.astream("Tell me about the sea")]
    assert "".join(str(c.content) for c in async_chunks) == sync_text
    assert merge(async_chunks).usage_metadata is not None


def test_usage_sent_on_every_chunk_is_counted_once(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    reply = make_llm().invoke("Tell me about the sea")
    emulator.set_quirks(["usage_every_chunk"])
    merged = merge(make_llm().stream("Tell me about the sea"))
    assert merged.usage_metadata is not None and reply.usage_metadata is not None
    assert merged.usage_metadata["output_tokens"] == reply.usage_metadata["output_tokens"]
    assert merged.usage_metadata["total_tokens"] == reply.usage_metadata["total_tokens"]


class _TokenRecorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


class _AsyncTokenRecorder(AsyncCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    async def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


def test_token_callbacks_fire_once_per_chunk(make_llm: MakeLLM) -> None:
    recorder = _TokenRecorder()
    chunks = list(make_llm().stream("Tell me about the sea", config={"callbacks": [recorder]}))
    assert recorder.tokens == [c.content for c in chunks]
    streaming = _TokenRecorder()
    reply = make_llm(streaming=True).invoke(
        "Tell me about the sea", config={"callbacks": [streaming]}
    )
    assert "".join(streaming.tokens) == reply.content
    assert len([t for t in streaming.tokens if t]) > 1


async def test_async_token_callbacks_fire_once_per_chunk(make_llm: MakeLLM) -> None:
    recorder = _AsyncTokenRecorder()
    chunks = [
        c
        async for c in make_llm().astream("Tell me about the sea", config={"callbacks": [recorder]})
    ]
    assert recorder.tokens == [c.content for c in chunks]


async def test_astream_events(make_llm: MakeLLM) -> None:
    events = [e async for e in make_llm().astream_events("Tell me about the sea", version="v2")]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_chat_model_start" and kinds[-1] == "on_chat_model_end"
    streamed = [e["data"]["chunk"].content for e in events if e["event"] == "on_chat_model_stream"]
    assert len([s for s in streamed if s]) > 1
    final = events[-1]["data"]["output"]
    assert final.content == "".join(streamed)
    assert final.usage_metadata is not None


class _CountingLimiter(BaseRateLimiter):
    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self, *, blocking: bool = True) -> bool:
        self.acquired += 1
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        self.acquired += 1
        return True


async def test_rate_limiter_is_honoured(make_llm: MakeLLM) -> None:
    limiter = _CountingLimiter()
    llm = make_llm(rate_limiter=limiter)
    llm.invoke("1+1")
    list(llm.stream("1+1"))
    await llm.ainvoke("1+1")
    [c async for c in llm.astream("1+1")]
    assert limiter.acquired == 4


# --------------------------------------------------------------------------- reasoning


@pytest.mark.parametrize("model", ["hunyuan-2.0-thinking-20251109", "deepseek-r1-0528"])
def test_reasoning_content_invoke_and_stream(make_llm: MakeLLM, model: str) -> None:
    llm = make_llm(model=model)
    reply = llm.invoke("1+1")
    reasoning = reply.additional_kwargs["reasoning_content"]
    assert reasoning.startswith("The user asked: 1+1")
    assert reply.content_blocks[0] == {"type": "reasoning", "reasoning": reasoning}
    assert reply.content_blocks[1] == {"type": "text", "text": "1+1=2"}
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["output_token_details"]["reasoning"] > 0

    chunks = list(llm.stream("1+1"))
    # The very first chunk already carries reasoning (no chunk is dropped as "role only").
    assert chunks[0].additional_kwargs.get("reasoning_content")
    merged = merge(chunks)
    assert merged.additional_kwargs["reasoning_content"] == reasoning
    assert merged.content == "1+1=2"
    assert merged.content_blocks[0] == {"type": "reasoning", "reasoning": reasoning}


def test_reasoning_in_output_version_v1(make_llm: MakeLLM) -> None:
    reply = make_llm(model="deepseek-r1-0528", output_version="v1").invoke("1+1")
    assert isinstance(reply.content, list)
    assert [b["type"] for b in reply.content] == ["reasoning", "text"]


def _tool_loop(llm: Any, question: str) -> tuple[list[Any], AIMessage]:
    """Run one tool round by hand: ask, execute the calls, ask again."""
    tools = {"get_weather": get_weather, "get_time": get_time}
    bound = llm.bind_tools([get_weather, get_time])
    messages: list[Any] = [HumanMessage(question)]
    first = bound.invoke(messages)
    messages.append(first)
    for call in first.tool_calls:
        messages.append(tools[call["name"]].invoke(call))
    return messages, bound.invoke(messages)


def test_tool_turn_reasoning_is_passed_back(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    # The emulator answers 400 (like DeepSeek/Kimi thinking mode) when a tool-call turn's
    # reasoning_content is missing; kimi-k2-thinking-turbo's policy is tool_turns.
    llm = make_llm(model="kimi-k2-thinking-turbo")
    history = [
        HumanMessage("hi"),
        AIMessage("hello", additional_kwargs={"reasoning_content": "old"}),
    ]
    messages, answer = _tool_loop(llm, PARALLEL_QUESTION)
    assert "sunny" in answer.content
    sent = last_body(emulator)["messages"]
    assert sent[1]["reasoning_content"] == messages[1].additional_kwargs["reasoning_content"]
    llm.bind_tools([get_weather, get_time]).invoke([*history, *messages])
    sent = last_body(emulator)["messages"]
    assert "reasoning_content" not in sent[1]  # an earlier turn: not sent back
    assert sent[3]["reasoning_content"]


def test_never_policy_strips_reasoning(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    # deepseek-r1-0528 rejects reasoning_content (the emulator answers 400 if it is sent).
    _, answer = _tool_loop(make_llm(model="deepseek-r1-0528"), PARALLEL_QUESTION)
    assert "sunny" in answer.content
    assert all("reasoning_content" not in m for m in last_body(emulator)["messages"])


def test_policy_override_is_applied(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    with pytest.raises(BadRequestError, match="reasoning_content") as caught:
        _tool_loop(
            make_llm(model="kimi-k2-thinking-turbo", reasoning_passback="never"), PARALLEL_QUESTION
        )
    assert caught.value.status_code == 400
    with pytest.raises(BadRequestError, match="reasoning_content"):
        _tool_loop(
            make_llm(model="deepseek-r1-0528", reasoning_passback="always"), PARALLEL_QUESTION
        )


# -------------------------------------------------------------------------- tool calls


def test_parallel_tool_calls_with_ids(make_llm: MakeLLM) -> None:
    reply = make_llm().bind_tools([get_weather, get_time]).invoke(PARALLEL_QUESTION)
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {"city": "Paris"}),
    ]
    assert all(c["id"] and c["id"].startswith("call_") for c in reply.tool_calls)
    assert reply.content == ""
    assert reply.response_metadata["finish_reason"] == "tool_calls"
    assert reply.invalid_tool_calls == []


@pytest.mark.parametrize("quirks", [(), ("repeat_tool_name",), ("no_index",), ("repeat_tool_name", "no_index", "usage_every_chunk", "openai_chunk_fields")])  # fmt: skip
def test_summed_stream_equals_the_non_streamed_message(
    make_llm: MakeLLM, emulator: TokenHubEmulator, quirks: tuple[str, ...]
) -> None:
    llm = make_llm().bind_tools([get_weather, get_time])
    whole = llm.invoke(PARALLEL_QUESTION)
    emulator.set_quirks(quirks)
    chunks = list(llm.stream(PARALLEL_QUESTION))
    indexed = [tc for c in chunks for tc in c.tool_call_chunks]
    assert indexed and all(isinstance(tc["index"], int) for tc in indexed)
    assert {tc["index"] for tc in indexed} == {0, 1}
    merged = merge(chunks)
    assert merged.tool_calls == whole.tool_calls
    assert merged.invalid_tool_calls == []
    assert merged.usage_metadata is not None and whole.usage_metadata is not None
    assert merged.usage_metadata["output_tokens"] == whole.usage_metadata["output_tokens"]
    assert merged.response_metadata["finish_reason"] == "tool_calls"


async def test_async_stream_parallel_tool_calls(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.set_quirks(["repeat_tool_name"])
    llm = make_llm().bind_tools([get_weather, get_time])
    merged = merge([c async for c in llm.astream(PARALLEL_QUESTION)])
    assert [c["name"] for c in merged.tool_calls] == ["get_weather", "get_time"]


def test_invalid_arguments_become_invalid_tool_calls(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    calls = [
        {"id": "call_ok", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}},
        {"id": "call_bad", "type": "function", "function": {"name": "get_time", "arguments": '{"city": Oslo'}},
        {"id": "call_empty", "type": "function", "function": {"name": "get_time", "arguments": ""}},
    ]  # fmt: skip
    body = {
        "id": "r1",
        "model": "glm-5",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "tool_calls": calls},
                "finish_reason": "tool_calls",
            }
        ],
    }
    emulator.faults.add(route=CHAT_PATH, status=200, times=1, body=body)
    reply = make_llm(model="glm-5").bind_tools([get_weather, get_time]).invoke("weather in Oslo")
    assert reply.tool_calls == [
        {"name": "get_weather", "args": {"city": "Oslo"}, "id": "call_ok", "type": "tool_call"},
        {"name": "get_time", "args": {}, "id": "call_empty", "type": "tool_call"},
    ]
    assert len(reply.invalid_tool_calls) == 1
    invalid = reply.invalid_tool_calls[0]
    assert (invalid["name"], invalid["id"], invalid["args"]) == (
        "get_time",
        "call_bad",
        '{"city": Oslo',
    )
    assert "not valid JSON" in (invalid["error"] or "")


def test_streamed_invalid_arguments_become_invalid_tool_calls(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    def part(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": "s1", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    _script_sse(
        emulator,
        part({"role": "assistant", "tool_calls": [{"index": 0, "id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": '}}]}),
        part({"tool_calls": [{"index": 0, "function": {"arguments": "Oslo}"}}]}),
        part({}, "tool_calls"),
    )  # fmt: skip
    merged = merge(make_llm().bind_tools([get_weather]).stream("weather in Oslo"))
    assert merged.tool_calls == []
    assert [(c["name"], c["id"], c["args"]) for c in merged.invalid_tool_calls] == [
        ("get_weather", "c1", '{"city": Oslo}')
    ]


def test_reasoning_on_the_first_chunk_with_tool_calls(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    chunks = list(
        make_llm(model="hunyuan-2.0-thinking-20251109")
        .bind_tools([get_weather])
        .stream("weather in Oslo")
    )
    assert chunks[0].additional_kwargs.get("reasoning_content")
    merged = merge(chunks)
    assert merged.additional_kwargs["reasoning_content"].startswith("The user asked")
    assert merged.tool_calls[0]["args"] == {"city": "Oslo"}


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 429, "retry_after": 0}, RateLimitError),
        ({"status": 500}, InternalServerError),
        ({"status": 400, "code": "invalid_request_error"}, BadRequestError),
        ({"drop_connection": True}, APIConnectionError),
    ],
)
async def test_http_errors_surface_as_core_typed_errors(
    make_llm: MakeLLM, emulator: TokenHubEmulator, fault: dict[str, Any], error: type[Exception]
) -> None:
    emulator.faults.add(route=CHAT_PATH, **fault)
    llm = make_llm()
    with pytest.raises(error):
        llm.invoke("1+1")
    with pytest.raises(error):
        await llm.ainvoke("1+1")
    with pytest.raises(error):
        list(llm.stream("1+1"))


def test_retries_are_the_core_clients(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    emulator.faults.add(route=CHAT_PATH, status=503, retry_after=0, times=2)
    assert make_llm(max_retries=2).invoke("1+1").content == "1+1=2"
    assert len(chat_bodies(emulator)) == 3


def test_unknown_model_is_the_gateways_400004(make_llm: MakeLLM) -> None:
    with pytest.raises(BadRequestError) as caught:
        make_llm(model="gpt-4o").invoke("hi")
    assert (caught.value.status_code, caught.value.code) == (400, "400004")


@pytest.mark.parametrize(
    "fault",
    [
        {"stream_error": {"code": "engine_server_error"}, "after_chunks": 2},
        {"malformed_chunk": True},
        {"drop_mid_stream": True, "after_chunks": 3},
    ],
)
async def test_broken_streams_raise_typed_errors(
    make_llm: MakeLLM, emulator: TokenHubEmulator, fault: dict[str, Any]
) -> None:
    emulator.faults.add(route=CHAT_PATH, **fault)
    with pytest.raises((StreamError, InternalServerError, APIConnectionError)):
        list(make_llm().stream("Tell me about the sea"))
    with pytest.raises((StreamError, InternalServerError, APIConnectionError)):
        [c async for c in make_llm().astream("Tell me about the sea")]


def test_tool_message_round_trip_with_run_id_less_ids(make_llm: MakeLLM) -> None:
    # A ToolMessage answering an AIMessage from history is accepted and the answer uses it.
    history = [
        HumanMessage("weather in Oslo"),
        AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Oslo"}, "id": "x1"}]),
        ToolMessage("Oslo: snow", tool_call_id="x1"),
    ]
    reply = make_llm().bind_tools([get_weather]).invoke(history)
    assert "Oslo: snow" in reply.content


def test_v1_content_blocks_round_trip_with_reasoning(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    # With output_version="v1" the reasoning and tool calls live in content blocks; they must
    # still go back as reasoning_content/tool_calls (the emulator answers 400 otherwise).
    llm = make_llm(model="kimi-k2-thinking-turbo", output_version="v1")
    messages, answer = _tool_loop(llm, PARALLEL_QUESTION)
    assert isinstance(messages[1].content, list)
    assert {block["type"] for block in messages[1].content} >= {"reasoning", "tool_call"}
    assert "sunny" in str(answer.content)
    assistant = last_body(emulator)["messages"][1]
    assert assistant["content"] is None and assistant["reasoning_content"]
    assert len(assistant["tool_calls"]) == 2
