"""What ChatHunyuan sends: request bodies as the emulator recorded them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import chat_bodies, get_weather, last_body

MakeLLM = Callable[..., ChatHunyuan]


class GetTime(BaseModel):
    """Get the local time of a city."""

    city: str = Field(description="city name")


class GetPopulation(TypedDict):
    """Get the population of a city."""

    city: str


def convert_currency(amount: float, currency: str) -> str:
    """Convert an amount of money to a currency.

    Args:
        amount: how much money
        currency: target currency code
    """
    return f"{amount} {currency}"


OPENAI_DICT_TOOL = {
    "type": "function",
    "function": {
        "name": "get_stock",
        "description": "Get a stock price.",
        "parameters": {
            "type": "object",
            "properties": {"symbol": {"type": "string"}},
            "required": ["symbol"],
        },
    },
}

ALL_TOOL_FORMATS: list[Any] = [
    get_weather,
    GetTime,
    GetPopulation,
    convert_currency,
    OPENAI_DICT_TOOL,
]


def test_sampling_parameters_and_extras_reach_the_request(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm(
        model="deepseek-v3.2",
        temperature=0.3,
        top_p=0.9,
        max_tokens=50,
        stop=["11."],
        seed=42,
        model_kwargs={"frequency_penalty": 0.5},
        extra_body={"thinking": {"type": "disabled"}},
    )
    llm.invoke("1+1")
    body = last_body(emulator)
    assert body == {
        "model": "deepseek-v3.2",
        "messages": [{"role": "user", "content": "1+1"}],
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 50,
        "stop": ["11."],
        "seed": 42,
        "frequency_penalty": 0.5,
        "thinking": {"type": "disabled"},
        "stream": False,
    }


def test_unset_parameters_are_not_sent(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    make_llm().invoke("1+1")
    assert last_body(emulator) == {
        "model": "deepseek-v4-flash",
        "messages": [{"role": "user", "content": "1+1"}],
        "stream": False,
    }


def test_per_call_overrides(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    llm = make_llm(temperature=0.3)
    reply = llm.invoke("1+1", model="glm-5", temperature=1.5, stop=["="], logprobs=True)
    body = last_body(emulator)
    assert (body["model"], body["temperature"], body["stop"], body["logprobs"]) == (
        "glm-5",
        1.5,
        ["="],
        True,
    )
    assert reply.response_metadata["model_name"] == "glm-5"
    assert reply.content == "1+1"  # the emulator honours the stop sequence


def test_stream_asks_for_usage_unless_disabled(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    list(make_llm().stream("1+1"))
    assert last_body(emulator)["stream"] is True
    assert last_body(emulator)["stream_options"] == {"include_usage": True}
    list(make_llm(stream_usage=False).stream("1+1"))
    assert "stream_options" not in last_body(emulator)
    list(make_llm(stream_usage=False).stream("1+1", stream_usage=True))
    assert last_body(emulator)["stream_options"] == {"include_usage": True}


def test_streaming_flag_makes_invoke_stream(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    reply = make_llm(streaming=True).invoke("1+1")
    assert last_body(emulator)["stream"] is True
    assert reply.content == "1+1=2"
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] > 0


def test_every_tool_format_is_sent_as_an_openai_function(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    make_llm().bind_tools(ALL_TOOL_FORMATS).invoke("hello")
    tools = last_body(emulator)["tools"]
    assert [t["function"]["name"] for t in tools] == [
        "get_weather",
        "GetTime",
        "GetPopulation",
        "convert_currency",
        "get_stock",
    ]
    assert all(t["type"] == "function" for t in tools)
    by_name = {t["function"]["name"]: t["function"] for t in tools}
    assert by_name["GetTime"]["parameters"]["properties"]["city"]["description"] == "city name"
    assert by_name["convert_currency"]["parameters"]["required"] == ["amount", "currency"]
    assert by_name["GetPopulation"]["description"] == "Get the population of a city."
    assert "tool_choice" not in last_body(emulator)
    assert "parallel_tool_calls" not in last_body(emulator)


@pytest.mark.parametrize(
    ("tool_choice", "wire"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("any", "required"),
        (True, "required"),
        ("get_stock", {"type": "function", "function": {"name": "get_stock"}}),
        (
            {"type": "function", "function": {"name": "GetTime"}},
            {"type": "function", "function": {"name": "GetTime"}},
        ),
    ],
)
def test_each_tool_choice_form_request_body(
    make_llm: MakeLLM, emulator: TokenHubEmulator, tool_choice: Any, wire: Any
) -> None:
    # Thinking off: only then does the gateway accept a forced choice (see test_model_rules).
    llm = make_llm(thinking=False)
    reply = llm.bind_tools(ALL_TOOL_FORMATS, tool_choice=tool_choice).invoke("hello Paris")
    assert last_body(emulator)["tool_choice"] == wire
    if isinstance(wire, dict):
        assert [c["name"] for c in reply.tool_calls] == [wire["function"]["name"]]
    elif wire == "required":
        assert reply.tool_calls
    elif wire == "none":
        assert not reply.tool_calls


@pytest.mark.parametrize("parallel", [True, False])
def test_parallel_tool_calls_passed_through(
    make_llm: MakeLLM, emulator: TokenHubEmulator, parallel: bool
) -> None:
    llm = make_llm().bind_tools([get_weather, GetTime], parallel_tool_calls=parallel)
    reply = llm.invoke("What is the weather and the time in Paris?")
    assert last_body(emulator)["parallel_tool_calls"] is parallel
    assert len(reply.tool_calls) == (2 if parallel else 1)


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda llm: llm.bind_tools([get_weather], tool_choice="get_stock"), "tool_choice"),
        (lambda llm: llm.bind_tools([get_weather], tool_choice=7), "tool_choice"),
        (lambda llm: llm.invoke("hi", temperature=5), "temperature"),
        (lambda llm: llm.invoke("hi", max_tokens=-1), "max_tokens"),
        (lambda llm: llm.invoke("hi", stop=["1", "2", "3", "4", "5"]), "stop"),
        (lambda llm: llm.invoke("hi", tool_choice="required"), "tool_choice"),
        (lambda llm: llm.bind_tools([get_weather], parallel_tool_calls="x").invoke("hi"),
         "parallel_tool_calls"),
    ],
)  # fmt: skip
def test_bad_values_fail_before_any_request(
    make_llm: MakeLLM, emulator: TokenHubEmulator, call: Callable[[ChatHunyuan], Any], param: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        call(make_llm())
    assert caught.value.param == param
    assert chat_bodies(emulator) == []


def test_bad_values_fail_before_any_request_async(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError, match="top_p"):
        asyncio.run(make_llm().ainvoke("hi", top_p=2))
    assert chat_bodies(emulator) == []


def test_history_round_trip(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    history = [
        SystemMessage("You are terse."),
        HumanMessage("What is the weather in Paris?", name="alice"),
        AIMessage(
            "",
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}],
        ),
        ToolMessage("sunny", tool_call_id="call_1"),
        AIMessage("It is sunny."),
        HumanMessage([{"type": "text", "text": "And "}, {"type": "text", "text": "Rome?"}]),
        AIMessage(
            "Let me check.",
            tool_calls=[{"name": "get_weather", "args": {"city": "罗马"}, "id": "call_2"}],
        ),
        ToolMessage([{"type": "text", "text": "rainy"}], tool_call_id="call_2"),
    ]
    reply = make_llm().bind_tools([get_weather]).invoke(history)
    assert last_body(emulator)["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is the weather in Paris?", "name": "alice"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
            # The default model thinks: tool-call turns from elsewhere carry an empty reasoning.
            "reasoning_content": "",
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny."},
        {"role": "user", "content": "And Rome?"},
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "罗马"}'},
                }
            ],
            "reasoning_content": "",
        },
        {"role": "tool", "tool_call_id": "call_2", "content": "rainy"},
    ]
    assert "rainy" in reply.content


def test_invalid_tool_calls_are_sent_back_with_their_raw_arguments(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    broken = AIMessage(
        "",
        invalid_tool_calls=[
            {"name": "get_weather", "args": '{"city": Par', "id": "call_x", "error": "bad"}
        ],
    )
    make_llm().invoke(
        [HumanMessage("weather?"), broken, ToolMessage("error", tool_call_id="call_x")]
    )
    assistant = last_body(emulator)["messages"][1]
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"city": Par'


def test_image_blocks_become_openai_image_parts(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    message = HumanMessage(
        [
            {"type": "text", "text": "Describe"},
            {"type": "image", "url": "https://example.com/cat.png"},
            {"type": "image", "base64": "AAAA", "mime_type": "image/png"},
        ]
    )
    make_llm(model="kimi-k2.5").invoke([message])
    assert last_body(emulator)["messages"][0]["content"] == [
        {"type": "text", "text": "Describe"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]


def test_per_call_extra_body_is_merged_not_sent_as_a_field(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm(extra_body={"thinking": {"type": "disabled"}, "user": "u1"})
    llm.invoke("1+1", extra_body={"thinking": {"type": "enabled"}})
    body = last_body(emulator)
    assert body["thinking"] == {"type": "enabled"} and body["user"] == "u1"
    assert "extra_body" not in body
