"""``Hunyuan`` tool calling: chat_with_tools (4 twins), tool_choice forms, parallel calls,
reasoning pass-back in tool loops, structured prediction, instrumentation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole, ThinkingBlock
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.prompts import PromptTemplate
from llama_index.core.rate_limiter import BaseRateLimiter
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel, Field

from hunyuan_tokenhub import BadRequestError, InvalidParameterError
from hunyuan_tokenhub.emulator import KIMI_MISSING_REASONING, TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import EventRecorder, chat_bodies, recording_events

MakeLLM = Callable[..., Hunyuan]


def get_weather(city: str) -> str:
    """获取指定城市的天气信息 (get the weather of a city)."""
    return f'{{"city": "{city}", "temperature": 22, "weather": "晴", "humidity": 45}}'


def get_time(city: str) -> str:
    """Get the local time of a city."""
    return f"12:00 in {city}"


WEATHER = FunctionTool.from_defaults(fn=get_weather)
TIME = FunctionTool.from_defaults(fn=get_time)
SEED_QUESTION = "北京今天天气怎么样?"
BOTH_QUESTION = "What is the weather and the local time in Paris?"


def _selections(llm: Hunyuan, response: ChatResponse) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (s.tool_id, s.tool_name, s.tool_kwargs)
        for s in llm.get_tool_calls_from_response(response, error_on_no_tool_call=False)
    ]


def _tool_result(selection: ToolSelection, output: str) -> ChatMessage:
    return ChatMessage(
        role=MessageRole.TOOL, content=output, additional_kwargs={"tool_call_id": selection.tool_id}
    )


# ----------------------------------------------------------------------- the documented exchange


def test_seed_example_5_function_calling_round_trip(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm("deepseek-v3.1-terminus")
    history: list[ChatMessage] = []
    response = llm.chat_with_tools(
        [WEATHER], user_msg=SEED_QUESTION, chat_history=history, tool_choice="auto"
    )
    assert history == []  # the caller's list is not modified
    [call] = llm.get_tool_calls_from_response(response)
    assert call.tool_name == "get_weather" and call.tool_id.startswith("call_")
    assert set(call.tool_kwargs) == {"city"}
    first = chat_bodies(emulator)[0]
    assert first["tool_choice"] == "auto"
    assert first["tools"] == [WEATHER.metadata.to_openai_tool()]

    answer = llm.chat(
        [
            ChatMessage(role="user", content=SEED_QUESTION),
            response.message,
            _tool_result(call, get_weather(call.tool_kwargs["city"])),
        ]
    )
    assert "temperature: 22" in (answer.message.content or "")
    second = chat_bodies(emulator)[1]["messages"]
    assert second[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.tool_id,
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "arguments": response.message.additional_kwargs["tool_calls"][0]["function"][
                        "arguments"
                    ],
                },
            }
        ],
    }
    assert second[2]["role"] == "tool" and second[2]["tool_call_id"] == call.tool_id


def test_error_on_no_tool_call(make_llm: MakeLLM) -> None:
    llm = make_llm()
    response = llm.chat_with_tools([WEATHER], user_msg="计算 1+1")
    with pytest.raises(ValueError, match="1\\+1=2"):
        llm.get_tool_calls_from_response(response)
    assert llm.get_tool_calls_from_response(response, error_on_no_tool_call=False) == []


# --------------------------------------------------------------------------- parallel calls


def test_parallel_calls_and_single_call_enforcement(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm()
    both = llm.chat_with_tools(
        [WEATHER, TIME], user_msg=BOTH_QUESTION, allow_parallel_tool_calls=True
    )
    assert [name for _, name, _ in _selections(llm, both)] == ["get_weather", "get_time"]
    one = llm.chat_with_tools([WEATHER, TIME], user_msg=BOTH_QUESTION)
    assert [name for _, name, _ in _selections(llm, one)] == ["get_weather"]
    assert len(one.message.additional_kwargs["tool_calls"]) == 1
    # allow_parallel_tool_calls is enforced client-side: parallel_tool_calls is never sent
    # unless the user sets it.
    assert all("parallel_tool_calls" not in body for body in chat_bodies(emulator))
    make_llm(parallel_tool_calls=False).chat_with_tools([WEATHER, TIME], user_msg=BOTH_QUESTION)
    assert chat_bodies(emulator)[-1]["parallel_tool_calls"] is False


@pytest.mark.parametrize("quirks", [[], ["repeat_tool_name"], ["no_index"]])
def test_streamed_tool_calls_equal_the_non_streamed_ones(
    make_llm: MakeLLM, emulator: TokenHubEmulator, quirks: list[str]
) -> None:
    llm = make_llm()
    expected = _selections(
        llm,
        llm.chat_with_tools(
            [WEATHER, TIME], user_msg=BOTH_QUESTION, allow_parallel_tool_calls=True
        ),
    )
    assert len(expected) == 2
    emulator.set_quirks(quirks)
    chunks = list(
        llm.stream_chat_with_tools(
            [WEATHER, TIME], user_msg=BOTH_QUESTION, allow_parallel_tool_calls=True
        )
    )
    assert _selections(llm, chunks[-1]) == expected
    # Every chunk can be read by an agent mid-stream without errors.
    for chunk in chunks:
        llm.get_tool_calls_from_response(chunk, error_on_no_tool_call=False)


async def test_async_tool_twins(make_llm: MakeLLM) -> None:
    llm = make_llm()
    response = await llm.achat_with_tools(
        [WEATHER, TIME], user_msg=BOTH_QUESTION, allow_parallel_tool_calls=True
    )
    expected = _selections(llm, response)
    stream = await llm.astream_chat_with_tools(
        [WEATHER, TIME], user_msg=BOTH_QUESTION, allow_parallel_tool_calls=True
    )
    chunks = [chunk async for chunk in stream]
    assert _selections(llm, chunks[-1]) == expected
    outcome = await llm.apredict_and_call([WEATHER], user_msg=SEED_QUESTION)
    assert '"weather": "晴"' in outcome.response


def test_predict_and_call(make_llm: MakeLLM) -> None:
    outcome = make_llm().predict_and_call([WEATHER], user_msg=SEED_QUESTION)
    assert outcome.sources[0].tool_name == "get_weather"
    assert '"humidity": 45' in outcome.response


# ---------------------------------------------------------------------- tool_choice forms


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({}, None),
        ({"tool_required": True}, "required"),
        ({"tool_choice": "none"}, "none"),
        ({"tool_choice": "auto"}, "auto"),
        ({"tool_choice": "get_time"}, {"type": "function", "function": {"name": "get_time"}}),
        (
            {"tool_choice": {"type": "function", "function": {"name": "get_time"}}},
            {"type": "function", "function": {"name": "get_time"}},
        ),
    ],
)
def test_tool_choice_forms_on_the_wire(
    make_llm: MakeLLM, emulator: TokenHubEmulator, kwargs: dict[str, Any], sent: Any
) -> None:
    make_llm().chat_with_tools([WEATHER, TIME], user_msg=SEED_QUESTION, **kwargs)
    body = chat_bodies(emulator)[-1]
    assert body.get("tool_choice") == sent


def test_forced_choice_is_honoured(make_llm: MakeLLM) -> None:
    llm = make_llm()
    response = llm.chat_with_tools([WEATHER, TIME], user_msg="hello", tool_choice="get_time")
    assert [name for _, name, _ in _selections(llm, response)] == ["get_time"]


def test_thinking_models_get_auto_instead_of_a_forced_choice(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    make_llm("hunyuan-2.0-thinking-20251109").chat_with_tools(
        [WEATHER], user_msg=SEED_QUESTION, tool_required=True
    )
    assert chat_bodies(emulator)[-1]["tool_choice"] == "auto"


def test_unknown_tool_name_fails_before_any_request(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError) as excinfo:
        make_llm().chat_with_tools([WEATHER], user_msg=SEED_QUESTION, tool_choice="get_tme")
    assert excinfo.value.param == "tool_choice"
    assert chat_bodies(emulator) == []


def test_without_tools_no_tool_choice_is_sent(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    response = make_llm().chat_with_tools([], user_msg="计算 1+1", tool_required=True)
    assert response.message.content == "1+1=2"
    body = chat_bodies(emulator)[-1]
    assert "tools" not in body and "tool_choice" not in body and "parallel_tool_calls" not in body


def test_strict_is_sent_only_when_asked(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    make_llm().chat_with_tools([WEATHER], user_msg=SEED_QUESTION)
    assert "strict" not in chat_bodies(emulator)[-1]["tools"][0]["function"]
    make_llm(strict=True).chat_with_tools([WEATHER], user_msg=SEED_QUESTION)
    assert chat_bodies(emulator)[-1]["tools"][0]["function"]["strict"] is True


# ----------------------------------------------------------- reasoning pass-back in loops


def _tool_loop(llm: Hunyuan) -> ChatResponse:
    """One tool round trip, then the final answer; the model's pass-back rules apply."""
    first = llm.chat_with_tools([WEATHER], user_msg=SEED_QUESTION)
    [call] = llm.get_tool_calls_from_response(first)
    history = [
        ChatMessage(role="user", content=SEED_QUESTION),
        first.message,
        _tool_result(call, get_weather("北京")),
    ]
    return llm.chat_with_tools([WEATHER], chat_history=history)


def test_thinking_tool_turns_send_reasoning_back(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    final = _tool_loop(make_llm("hunyuan-2.0-thinking-20251109"))
    assert "weather: 晴" in (final.message.content or "")
    assistant = chat_bodies(emulator)[-1]["messages"][1]
    assert assistant["reasoning_content"].startswith("The user asked")


def test_models_that_reject_reasoning_never_get_it_back(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm("deepseek-r1-0528")
    first = llm.chat_with_tools([WEATHER], user_msg=SEED_QUESTION)
    assert isinstance(first.message.blocks[0], ThinkingBlock)
    final = _tool_loop(llm)
    assert final.message.content
    assert all("reasoning_content" not in m for m in chat_bodies(emulator)[-1]["messages"])


def test_passback_override_is_applied(make_llm: MakeLLM) -> None:
    with pytest.raises(BadRequestError, match=KIMI_MISSING_REASONING.format(index=1)):
        _tool_loop(make_llm("kimi-k2-thinking-turbo", reasoning_passback="never"))


def test_streamed_thinking_tool_loop(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    llm = make_llm("kimi-k2-thinking-turbo")
    chunks = list(llm.stream_chat_with_tools([WEATHER], user_msg=SEED_QUESTION))
    last = chunks[-1]
    [call] = llm.get_tool_calls_from_response(last)
    history = [
        ChatMessage(role="user", content=SEED_QUESTION),
        last.message,
        _tool_result(call, "晴"),
    ]
    answer = list(llm.stream_chat_with_tools([WEATHER], chat_history=history))[-1]
    assert "晴" in (answer.message.content or "")
    assert chat_bodies(emulator)[-1]["messages"][1]["reasoning_content"]


# ------------------------------------------------------------------- structured prediction


class CityWeather(BaseModel):
    """Weather report for a city."""

    city: str = Field(description="City name")
    temperature: int = Field(description="Temperature in °C")


PROMPT = PromptTemplate("Report the weather in {city}.")


def test_structured_predict_through_tool_calling(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    result = make_llm().structured_predict(CityWeather, PROMPT, city="Paris")
    assert isinstance(result, CityWeather)
    body = chat_bodies(emulator)[-1]
    assert body["tool_choice"] == "required"
    assert body["tools"][0]["function"]["name"] == "CityWeather"


async def test_astructured_predict_and_structured_llm(make_llm: MakeLLM) -> None:
    llm = make_llm()
    assert isinstance(await llm.astructured_predict(CityWeather, PROMPT, city="Paris"), CityWeather)
    structured = llm.as_structured_llm(CityWeather)
    response = structured.chat([ChatMessage(role="user", content="Report the weather in Paris.")])
    assert isinstance(response.raw, CityWeather)
    assert CityWeather.model_validate_json(response.message.content or "") == response.raw
    streamed = list(structured.stream_chat([ChatMessage(role="user", content="Paris weather")]))
    assert isinstance(streamed[-1].raw, CityWeather)


def test_structured_predict_on_a_thinking_model(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    result = make_llm("hunyuan-2.0-thinking-20251109").structured_predict(
        CityWeather, PROMPT, city="Paris"
    )
    assert isinstance(result, CityWeather)
    assert chat_bodies(emulator)[-1]["tool_choice"] == "auto"


THINKING = "hunyuan-2.0-thinking-20251109"


class Person(BaseModel):
    """A person."""

    name: str
    age: int


def _text_reply(content: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": content, "reasoning_content": "No tool needed."}
    return {
        "id": "r1",
        "model": THINKING,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def _structured_calls(llm: Hunyuan) -> list[Callable[[], Any]]:
    """Every non-streamed structured-output entry point, as a no-argument call."""
    prompt = PromptTemplate("Alice is 30")
    messages = [ChatMessage(role="user", content="Alice is 30")]
    return [
        lambda: llm.structured_predict(Person, prompt),
        lambda: asyncio.run(llm.astructured_predict(Person, prompt)),
        lambda: llm.as_structured_llm(Person).chat(messages).raw,
        lambda: asyncio.run(llm.as_structured_llm(Person).achat(messages)).raw,
    ]


@pytest.mark.parametrize("entry", range(4), ids=["sync", "async", "llm-chat", "llm-achat"])
@pytest.mark.parametrize(
    "content",
    ['{"name": "Alice", "age": 30}', 'Here you are:\n```json\n{"name": "Alice", "age": 30}\n```'],
    ids=["bare", "fenced"],
)
def test_thinking_model_answering_json_text_gives_the_object(
    make_llm: MakeLLM, emulator: TokenHubEmulator, entry: int, content: str
) -> None:
    # A thinking model gets tool_choice="auto" and may answer the JSON as text, as ChatHunyuan
    # also accepts (both through the core's json_object_from_text).
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=1, body=_text_reply(content)
    )
    assert _structured_calls(make_llm(THINKING))[entry]() == Person(name="Alice", age=30)
    assert chat_bodies(emulator)[-1]["tool_choice"] == "auto"


@pytest.mark.parametrize("entry", range(4), ids=["sync", "async", "llm-chat", "llm-achat"])
def test_thinking_model_answering_neither_call_nor_json_fails_clearly(
    make_llm: MakeLLM, emulator: TokenHubEmulator, entry: int
) -> None:
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=1, body=_text_reply("Alice is thirty.")
    )
    with pytest.raises(ValueError, match="A call to Person was required") as caught:
        _structured_calls(make_llm(THINKING))[entry]()
    assert THINKING in str(caught.value)
    assert "'Alice is thirty.'" in str(caught.value)


def test_json_text_not_matching_the_output_class_fails_naming_the_field(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=1, body=_text_reply('{"name": "Alice"}')
    )
    with pytest.raises(ValueError, match="could not be parsed into Person") as caught:
        make_llm(THINKING).structured_predict(Person, PromptTemplate("Alice is 30"))
    assert "age" in str(caught.value)


def test_streamed_structured_output_reads_bare_json_text(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    # The streamed path is LlamaIndex's own: it parses the text of a reply without tool calls.
    chunks = [
        {"id": "s1", "choices": [{"index": 0, "delta": {"content": part}}]}
        for part in ('{"name": "Al', 'ice", "age"', ": 30}")
    ]
    sse = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    emulator.faults.add(
        route="/v1/chat/completions",
        status=200,
        times=1,
        body=sse.encode(),
        headers={"Content-Type": "text/event-stream"},
    )
    streamed = list(make_llm(THINKING).stream_structured_predict(Person, PromptTemplate("x")))
    assert streamed[-1] == Person(name="Alice", age=30)


def test_agents_without_tool_required_keep_a_text_answer(make_llm: MakeLLM) -> None:
    # Only a required tool turns JSON text into a call; an agent's turn stays as answered.
    response = make_llm(THINKING).chat_with_tools([WEATHER], user_msg='{"city": "Paris"}')
    assert _selections(make_llm(THINKING), response) == []


# ---------------------------------------------------------------------- instrumentation


@pytest.fixture
def recorder() -> Iterator[EventRecorder]:
    with recording_events() as events:
        yield events


def test_dispatcher_events_fire(make_llm: MakeLLM, recorder: EventRecorder) -> None:
    llm = make_llm()
    llm.chat([ChatMessage(role="user", content="计算 1+1")])
    assert recorder.names() == ["LLMChatStartEvent", "LLMChatEndEvent"]
    end = recorder.events[-1]
    assert end.response.additional_kwargs["total_tokens"] > 0  # type: ignore[attr-defined]
    assert "sk-" not in str(recorder.events[0].model_dict)  # type: ignore[attr-defined]

    recorder.events.clear()
    list(llm.stream_chat([ChatMessage(role="user", content="计算 1+1")]))
    names = recorder.names()
    assert names[0] == "LLMChatStartEvent" and names[-1] == "LLMChatEndEvent"
    assert names.count("LLMChatInProgressEvent") == 6  # five text chunks and the final one

    recorder.events.clear()
    llm.complete("计算 1+1")
    assert recorder.names() == ["LLMCompletionStartEvent", "LLMCompletionEndEvent"]

    recorder.events.clear()
    asyncio.run(llm.achat([ChatMessage(role="user", content="计算 1+1")]))
    assert recorder.names() == ["LLMChatStartEvent", "LLMChatEndEvent"]

    recorder.events.clear()
    llm.structured_predict(CityWeather, PROMPT, city="Paris")
    names = recorder.names()
    assert names[0] == "LLMStructuredPredictStartEvent"
    assert names[-1] == "LLMStructuredPredictEndEvent"


def test_token_counting_callback_gets_server_counts(make_llm: MakeLLM) -> None:
    counter = TokenCountingHandler()
    llm = make_llm(callback_manager=CallbackManager([counter]))
    response = llm.chat([ChatMessage(role="user", content="计算 1+1")])
    assert counter.prompt_llm_token_count == response.additional_kwargs["prompt_tokens"]
    assert counter.completion_llm_token_count == response.additional_kwargs["completion_tokens"]
    counter.reset_counts()
    final = list(llm.stream_chat([ChatMessage(role="user", content="计算 1+1")]))[-1]
    assert counter.completion_llm_token_count == final.additional_kwargs["completion_tokens"]


class _CountingLimiter(BaseRateLimiter):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def acquire(self, num_tokens: int = 0) -> None:
        self.calls.append("sync")

    async def async_acquire(self, num_tokens: int = 0) -> None:
        self.calls.append("async")


def test_rate_limiter_is_honoured_on_every_path(make_llm: MakeLLM) -> None:
    limiter = _CountingLimiter()
    llm = make_llm(rate_limiter=limiter)
    messages = [ChatMessage(role="user", content="计算 1+1")]
    llm.chat(messages)
    list(llm.stream_chat(messages))
    llm.complete("计算 1+1")
    asyncio.run(llm.achat(messages))
    assert limiter.calls == ["sync", "sync", "sync", "async"]
