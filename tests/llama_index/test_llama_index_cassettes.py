"""``Hunyuan`` replays TokenHub's documented chat exchanges (tests/cassettes/chat/*.yaml).

The cassettes are shared with the LangChain tests; each names in its header the documented
example it reproduces. Replay is record_mode "none" and matches the JSON request body, so these
tests also prove that the LlamaIndex LLM sends exactly the documented requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel, ConfigDict, Field
from vcr.errors import CannotOverwriteExistingCassetteException

from hunyuan_tokenhub import StreamError
from llama_index_hunyuan import Hunyuan
from tests.cassettes.replay import chat_cassette

API_KEY = "sk-cassette-replay-key"
STREAM_INPUT = [
    ChatMessage(role=MessageRole.SYSTEM, content="你是一个有帮助的 AI 助手。"),
    ChatMessage(role=MessageRole.USER, content="计算 1+1"),
]


@pytest.fixture(autouse=True)
def _documented_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The cassettes hold the documented default host; no environment may redirect the client.
    for name in ("TOKENHUB_BASE_URL", "TOKENHUB_REGION", "TOKENHUB_API_KEY", "HUNYUAN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield


def _llm(model: str, **kwargs: Any) -> Hunyuan:
    return Hunyuan(model, api_key=API_KEY, max_retries=0, **kwargs)


def test_example_1_basic_conversation() -> None:
    with chat_cassette("basic") as cassette:
        response = _llm("deepseek-v3.1-terminus").chat(
            [ChatMessage(role=MessageRole.USER, content="你好,请介绍一下你自己")]
        )
    assert cassette.all_played
    content = response.message.content or ""
    assert content.startswith("你好!很高兴见到你! 🎉\n\n我是DeepSeek")
    assert content.endswith("尽管告诉我吧! 🌟")
    assert response.raw is not None and response.raw["id"] == "5e9c7ae9-e0e4-4ec1-bbd0-22bcfda61e45"
    assert response.additional_kwargs == {
        "prompt_tokens": 10,
        "completion_tokens": 244,
        "total_tokens": 254,
        "cached_tokens": 0,
        "reasoning_tokens": 0,
    }


async def test_example_1_basic_completion_async() -> None:
    with chat_cassette("basic") as cassette:
        response = await _llm("deepseek-v3.1-terminus").acomplete("你好,请介绍一下你自己")
    assert cassette.all_played
    assert response.additional_kwargs["total_tokens"] == 254


def test_example_2_streaming() -> None:
    with chat_cassette("streaming") as cassette:
        chunks = list(
            _llm("hunyuan-2.0-instruct-20251111", stream_usage=False).stream_chat(STREAM_INPUT)
        )
    assert cassette.all_played
    assert [c.delta for c in chunks if c.delta] == ["1", "+", "1", "=", "2"]
    final = chunks[-1]
    assert final.message.content == "1+1=2"
    assert final.raw["id"] == "chatcpl-abc123"
    assert final.raw["choices"][0]["finish_reason"] == "stop"
    # The documented stream carries no usage, and none is invented.
    assert "usage" not in final.raw and final.additional_kwargs == {}


async def test_example_2_streaming_async() -> None:
    llm = _llm("hunyuan-2.0-instruct-20251111", stream_usage=False)
    with chat_cassette("streaming") as cassette:
        deltas = [c.delta async for c in await llm.astream_chat(STREAM_INPUT)]
    assert cassette.all_played
    assert "".join(d or "" for d in deltas) == "1+1=2"


def test_example_2_documented_malformed_chunk_is_a_typed_error_after_the_text() -> None:
    llm = _llm("hunyuan-2.0-instruct-20251111", stream_usage=False)
    received: list[str] = []
    with chat_cassette("streaming_documented"), pytest.raises(StreamError) as caught:
        for chunk in llm.stream_chat(STREAM_INPUT):
            received.append(chunk.delta or "")
    assert "".join(received) == "1+1=2"
    assert caught.value.raw_line is not None and '"delta":{"}' in caught.value.raw_line


def test_example_3_system_prompt() -> None:
    system = (
        "你是一个专业的英语翻译助手。将用户输入的中文翻译为英文，将英文翻译为中文。"
        "只返回翻译结果，不做解释。"
    )
    with chat_cassette("system_prompt") as cassette:
        response = _llm("deepseek-v3.1-terminus").chat(
            [
                ChatMessage(role=MessageRole.SYSTEM, content=system),
                ChatMessage(role=MessageRole.USER, content="今天天气真好"),
            ]
        )
    assert cassette.all_played
    assert response.message.content == "The weather is really nice today."
    assert (
        response.additional_kwargs["prompt_tokens"],
        response.additional_kwargs["completion_tokens"],
    ) == (38, 7)


def test_example_4_multi_turn() -> None:
    history = [
        ChatMessage(role=MessageRole.USER, content="请介绍一下量子计算"),
        ChatMessage(
            role=MessageRole.ASSISTANT,
            content="量子计算是一种利用量子力学原理进行信息处理的计算方式...",
        ),
        ChatMessage(role=MessageRole.USER, content="它和传统计算有什么区别? "),
    ]
    with chat_cassette("multi_turn") as cassette:
        response = _llm("deepseek-v3.1-terminus").chat(history)
    assert cassette.all_played
    assert (response.message.content or "").startswith("好的，这是一个非常核心的问题。")
    assert response.additional_kwargs["total_tokens"] == 1353


def _documented_schema(schema: dict[str, Any]) -> None:
    # The documented tool schema has no per-property "title" (pydantic adds one).
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


class WeatherQuery(BaseModel):
    model_config = ConfigDict(json_schema_extra=_documented_schema)
    city: str = Field(description="城市名称, 如: 北京")


def get_weather(city: str) -> str:
    return json.dumps({"temperature": 22, "weather": "晴", "humidity": 45}, ensure_ascii=False)


WEATHER = FunctionTool.from_defaults(
    fn=get_weather, name="get_weather", description="获取指定城市的天气信息", fn_schema=WeatherQuery
)


def test_example_5_function_calling_round_trip() -> None:
    llm = _llm("deepseek-v3.1-terminus")
    question = ChatMessage(role=MessageRole.USER, content="北京今天天气怎么样?")
    with chat_cassette("function_calling") as cassette:
        response = llm.chat_with_tools([WEATHER], chat_history=[question], tool_choice="auto")
        [call] = llm.get_tool_calls_from_response(response)
        assert (call.tool_id, call.tool_name, call.tool_kwargs) == (
            "call_abc123",
            "get_weather",
            {"city": "北京"},
        )
        assert response.message.content is None
        result = ChatMessage(
            role=MessageRole.TOOL,
            content=WEATHER(**call.tool_kwargs).content,
            additional_kwargs={"tool_call_id": call.tool_id},
        )
        answer = llm.chat([question, response.message, result])
    assert cassette.all_played
    assert answer.message.content == "北京今天晴，气温 22°C，湿度 45%。"


def test_an_undocumented_request_is_refused_not_sent() -> None:
    with (
        chat_cassette("basic"),
        pytest.raises(CannotOverwriteExistingCassetteException, match="request body differs"),
    ):
        _llm("deepseek-v3.1-terminus").complete("a different question")
