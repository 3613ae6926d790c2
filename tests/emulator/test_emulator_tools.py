"""Tool calling: which tools get called, schema-valid arguments, rounds, streamed deltas, quirks."""

from __future__ import annotations

import json
from typing import Any, Literal

import httpx
import pytest
from pydantic import BaseModel, Field

from hunyuan_tokenhub.emulator._schema import generate_arguments
from hunyuan_tokenhub.jobs.agent_tools import DEFAULT_TOOL_MODELS, tool_description
from tests.emulator._emulator_support import (
    THINKING_MODEL,
    chat,
    merge_tool_calls,
    sse_chunks,
    user,
)


def tool(
    name: str, description: str = "", parameters: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": parameters or {"type": "object", "properties": {}},
        },
    }


WEATHER = tool(
    "get_weather",
    "获取指定城市的天气信息",
    {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "城市名称, 如: 北京"}},
        "required": ["city"],
    },
)
PROMPT_SCHEMA = {
    "type": "object",
    "properties": {"prompt": {"type": "string", "maxLength": 40}},
    "required": ["prompt"],
}
IMAGE = tool("hunyuan_image_generation", "Generate an image from a text prompt.", PROMPT_SCHEMA)
VIDEO = tool("hunyuan_video_generation", "Generate a short video clip.", PROMPT_SCHEMA)
MODEL_3D = tool("hunyuan_3d_generation", "Generate a 3D model.", PROMPT_SCHEMA)
GENERATORS = [IMAGE, VIDEO, MODEL_3D]


def message_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    choice = response.json()["choices"][0]
    message: dict[str, Any] = choice["message"]
    message["finish_reason"] = choice["finish_reason"]
    return message


def called(message: dict[str, Any]) -> list[str]:
    return [call["function"]["name"] for call in message.get("tool_calls", [])]


def test_seed_example_5_round_trip(client: httpx.Client) -> None:
    first = message_of(
        chat(client, messages=[user("北京今天天气怎么样?")], tools=[WEATHER], tool_choice="auto")
    )

    assert first["content"] is None
    assert first["finish_reason"] == "tool_calls"
    [call] = first["tool_calls"]
    assert call["id"].startswith("call_") and call["type"] == "function"
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "北京"}'}

    first.pop("finish_reason")
    result = '{"temperature": 22, "weather": "晴", "humidity": 45}'
    final = message_of(
        chat(
            client,
            model="deepseek-v3",  # the documented second request switches to this id
            messages=[
                user("北京今天天气怎么样?"),
                first,
                {"role": "tool", "tool_call_id": call["id"], "content": result},
            ],
            tools=[WEATHER],
        )
    )
    assert final["finish_reason"] == "stop"
    assert final["content"] == "According to get_weather: temperature: 22, weather: 晴, humidity: 45"
    assert "tool_calls" not in final


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Draw a picture of a cat", ["hunyuan_image_generation"]),
        ("make a short video of waves", ["hunyuan_video_generation"]),
        ("I need a 3D model of a chair", ["hunyuan_3d_generation"]),
        ("画一张小猫的图片", ["hunyuan_image_generation"]),
        ("an image and a video of a dog", ["hunyuan_image_generation", "hunyuan_video_generation"]),
        ("What is the capital of France?", []),
    ],
)
def test_auto_calls_the_tools_the_user_mentions(
    client: httpx.Client, text: str, expected: list[str]
) -> None:
    message = message_of(chat(client, messages=[user(text)], tools=GENERATORS))

    assert called(message) == expected
    if not expected:
        assert message["finish_reason"] == "stop" and message["content"]


def test_description_word_alone_does_not_trigger_a_call(client: httpx.Client) -> None:
    weather = tool("get_weather", "Get the current weather for a city")
    message = message_of(
        chat(client, messages=[user("Which city is the largest?")], tools=[weather])
    )

    assert called(message) == []


def test_parallel_tool_calls_false_calls_one_per_message(client: httpx.Client) -> None:
    text = "an image and a video of a dog"
    message = message_of(
        chat(client, messages=[user(text)], tools=GENERATORS, parallel_tool_calls=False)
    )

    assert called(message) == ["hunyuan_image_generation"]


def test_remaining_tools_are_called_in_later_rounds(client: httpx.Client) -> None:
    text = "an image and a video of a dog"
    messages: list[dict[str, Any]] = [user(text)]
    seen: list[str] = []
    for round_number in range(3):
        message = message_of(
            chat(client, messages=messages, tools=GENERATORS, parallel_tool_calls=False)
        )
        message.pop("finish_reason")
        messages.append(message)
        if not message.get("tool_calls"):
            break
        for call in message["tool_calls"]:
            seen.append(call["function"]["name"])
            url = f"https://files.example/{round_number}.bin?sig=a%2Fb"
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": url})

    assert seen == ["hunyuan_image_generation", "hunyuan_video_generation"]
    final = messages[-1]["content"]
    assert "https://files.example/0.bin?sig=a%2Fb" in final
    assert "https://files.example/1.bin?sig=a%2Fb" in final


def test_tool_choice_none_answers_text(client: httpx.Client) -> None:
    message = message_of(
        chat(client, messages=[user("Draw a picture")], tools=GENERATORS, tool_choice="none")
    )

    assert called(message) == [] and message["content"]


def test_required_calls_a_tool_even_without_a_mention(client: httpx.Client) -> None:
    message = message_of(
        chat(client, messages=[user("Hello!")], tools=GENERATORS, tool_choice="required")
    )

    assert called(message) == ["hunyuan_image_generation"]


def test_forced_function_is_called(client: httpx.Client) -> None:
    choice = {"type": "function", "function": {"name": "hunyuan_3d_generation"}}
    message = message_of(
        chat(client, messages=[user("Draw a picture")], tools=GENERATORS, tool_choice=choice)
    )

    assert called(message) == ["hunyuan_3d_generation"]
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {
        "prompt": "Draw a picture"
    }


def test_forced_unknown_function_is_400(client: httpx.Client) -> None:
    choice = {"type": "function", "function": {"name": "nope"}}
    response = chat(client, messages=[user("x")], tools=GENERATORS, tool_choice=choice)

    assert response.status_code == 400


def test_thinking_model_tool_call_carries_reasoning(client: httpx.Client) -> None:
    message = message_of(
        chat(client, model=THINKING_MODEL, messages=[user("北京今天天气怎么样?")], tools=[WEATHER])
    )

    assert called(message) == ["get_weather"]
    assert "get_weather" in message["reasoning_content"]


# Argument generation against schemas -------------------------------------------------------


class Address(BaseModel):
    street: str
    zip_code: str = Field(min_length=5, max_length=5)


class Booking(BaseModel):
    """A booking with every schema construct the generator must handle."""

    guest: str = Field(max_length=8)
    nights: int = Field(ge=1, le=14)
    adults: int = Field(gt=0, lt=5)
    price: float = Field(ge=10.5)
    room: Literal["suite", "double", "single"]
    breakfast: bool
    address: Address
    tags: list[str] = Field(min_length=2)
    note: str | None
    website: str


def test_arguments_validate_against_a_pydantic_schema() -> None:
    schema = Booking.model_json_schema()
    text = "Book a single room for 'Alexander the Great' for 30 nights, 2 adults, 12 euros"

    arguments = generate_arguments(schema, text)
    booking = Booking.model_validate(arguments)

    assert booking.guest == "Alexande"
    assert booking.nights == 14
    assert booking.adults == 2
    assert booking.price == 12
    assert booking.room == "single"
    assert len(booking.tags) == 2
    assert booking.website.startswith("https://")


def test_numbers_and_quotes_come_from_the_user_text() -> None:
    magic = {
        "type": "object",
        "properties": {
            "input": {"type": "integer", "exclusiveMinimum": -1000, "exclusiveMaximum": 1000}
        },
        "required": ["input"],
    }
    adder = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }
    customer = {
        "type": "object",
        "properties": {"customer_name": {"type": "string"}, "description": {"type": "string"}},
        "required": ["customer_name", "description"],
    }

    assert generate_arguments(magic, "What is the value of magic_function(3)?") == {"input": 3}
    assert generate_arguments(adder, "What is 1 + 2") == {"a": 1, "b": 2}
    named = generate_arguments(customer, "Create a customer named '你好啊集团' (Hello Group)")
    assert named["customer_name"] == "你好啊集团"
    assert generate_arguments(
        WEATHER["function"]["parameters"], "What is the weather in San Francisco, CA?"
    ) == {"city": "San Francisco, CA"}


def test_url_parameters_use_urls_from_the_text() -> None:
    schema = {
        "type": "object",
        "properties": {"image_url": {"type": "string"}},
        "required": ["image_url"],
    }

    assert generate_arguments(schema, "animate https://x.test/cat.png please") == {
        "image_url": "https://x.test/cat.png"
    }


# Streamed tool calls ------------------------------------------------------------------------


def test_streamed_parallel_calls_use_indexed_deltas(client: httpx.Client) -> None:
    text = "an image and a video of a dog"
    plain = message_of(chat(client, messages=[user(text)], tools=GENERATORS))
    chunks = sse_chunks(client, messages=[user(text)], tools=GENERATORS)

    deltas = [d for c in chunks for d in c["choices"][0]["delta"].get("tool_calls", [])]
    headers = [d for d in deltas if "id" in d]
    assert [h["index"] for h in headers] == [0, 1]
    assert all(h["type"] == "function" and h["function"]["arguments"] == "" for h in headers)
    fragments = [d for d in deltas if "id" not in d]
    assert all(
        set(d) == {"index", "function"} and set(d["function"]) == {"arguments"} for d in fragments
    )
    indexes = [d["index"] for d in deltas]
    assert indexes != sorted(indexes), "parallel calls should be interleaved"
    merged = merge_tool_calls(chunks)
    assert [(c["id"], c["name"], c["arguments"]) for c in merged] == [
        (c["id"], c["function"]["name"], c["function"]["arguments"]) for c in plain["tool_calls"]
    ]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "tool_calls"}


def test_repeat_tool_name_and_no_index_quirks(client: httpx.Client) -> None:
    client.headers["X-Emulator-Quirks"] = "repeat_tool_name,no_index"
    chunks = sse_chunks(client, messages=[user("an image and a video")], tools=GENERATORS)

    deltas = [d for c in chunks for d in c["choices"][0]["delta"].get("tool_calls", [])]
    assert all("index" not in d for d in deltas)
    assert all(d["id"].startswith("call_") and d["function"]["name"] for d in deltas)
    names = [d["function"]["name"] for d in deltas]
    assert names == sorted(names, key=names.index), "calls stream one after another"
    arguments = "".join(
        d["function"]["arguments"] for d in deltas if d["function"]["name"] == names[0]
    )
    assert json.loads(arguments) == {"prompt": "an image and a video"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Make a photo of a cat from this description", ["image"]),
        ("Draw me a logo", ["image"]),
        ("Animate a dancing robot", ["video"]),
        ("I need a 3D model of a chair", ["3d"]),
        ("Generate an image and a video of the sea", ["image", "video"]),
        ("What time is it?", []),
    ],
)
def test_project_generation_tools_are_told_apart(
    client: httpx.Client, text: str, expected: list[str]
) -> None:
    tools = [
        tool(f"hunyuan_{kind}_generation", tool_description(kind, model), PROMPT_SCHEMA)
        for kind, model in DEFAULT_TOOL_MODELS.items()
    ]
    message = message_of(chat(client, messages=[user(text)], tools=tools))

    assert called(message) == [f"hunyuan_{kind}_generation" for kind in expected]


@pytest.mark.parametrize(
    "text",
    [
        "What is a 3D model?",
        "How long do image links stay valid?",
        "Don't draw anything, just tell me about lighthouses.",
        "不要画图,告诉我灯塔的历史",
        "Describe the video formats you know.",
    ],
)
def test_a_generation_tool_needs_a_request_to_make_something(
    client: httpx.Client, text: str
) -> None:
    # On the real service such a call is a paid job: a mention or a question is not a request.
    tools = [
        tool(f"hunyuan_{kind}_generation", tool_description(kind, model), PROMPT_SCHEMA)
        for kind, model in DEFAULT_TOOL_MODELS.items()
    ]
    message = message_of(chat(client, messages=[user(text)], tools=tools))

    assert called(message) == []
    assert message["finish_reason"] == "stop" and message["content"]


def test_tool_results_are_reported_in_the_answer(client: httpx.Client) -> None:
    first = message_of(chat(client, messages=[user("北京今天天气怎么样?")], tools=[WEATHER]))
    first.pop("finish_reason")
    [call] = first["tool_calls"]
    final = message_of(
        chat(
            client,
            messages=[
                user("北京今天天气怎么样?"),
                first,
                {"role": "tool", "tool_call_id": call["id"], "content": "晴, 22°C"},
            ],
            tools=[WEATHER],
        )
    )
    assert final["content"] == "According to get_weather: 晴, 22°C"


def test_a_single_schema_tool_unforced_is_filled_from_the_prompt(client: httpx.Client) -> None:
    person = tool(
        "Person",
        "A person.",
        {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    )
    message = message_of(chat(client, messages=[user("Alice is 30")], tools=[person]))

    assert called(message) == ["Person"]
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {
        "name": "Alice",
        "age": 30,
    }
    # An action-named tool the prompt does not ask for is not called.
    assert called(message_of(chat(client, messages=[user("Alice is 30")], tools=[WEATHER]))) == []
