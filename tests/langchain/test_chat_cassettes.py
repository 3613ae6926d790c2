"""ChatHunyuan replays TokenHub's documented chat exchanges (tests/cassettes/chat/*.yaml).

Each cassette header names the documented example it reproduces. Replay is record_mode
"none" and matches the JSON request body, so these tests also prove that ChatHunyuan sends
the documented requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from vcr.errors import CannotOverwriteExistingCassetteException

from hunyuan_tokenhub import StreamError
from langchain_hunyuan import ChatHunyuan
from tests.cassettes.replay import CHAT_CASSETTES, chat_cassette

API_KEY = "sk-cassette-replay-key"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "获取指定城市的天气信息",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "城市名称, 如: 北京"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture(autouse=True)
def _documented_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The cassettes hold the documented default host; no environment may redirect the client.
    for name in ("TOKENHUB_BASE_URL", "TOKENHUB_REGION", "TOKENHUB_API_KEY", "HUNYUAN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield


def _llm(model: str, **kwargs: object) -> ChatHunyuan:
    return ChatHunyuan(model=model, api_key=API_KEY, max_retries=0, **kwargs)  # type: ignore[arg-type]


def test_basic_conversation() -> None:
    with chat_cassette("basic") as cassette:
        reply = _llm("deepseek-v3.1-terminus").invoke("你好,请介绍一下你自己")
    assert cassette.all_played
    assert reply.content.startswith("你好!很高兴见到你! 🎉\n\n我是DeepSeek")
    assert reply.content.endswith("尽管告诉我吧! 🌟")
    assert reply.id == "5e9c7ae9-e0e4-4ec1-bbd0-22bcfda61e45"
    assert reply.response_metadata == {
        "model_name": "deepseek-v3.1-terminus",
        "finish_reason": "stop",
        "id": "5e9c7ae9-e0e4-4ec1-bbd0-22bcfda61e45",
        "model_provider": "hunyuan",
        "token_usage": {
            "prompt_tokens": 10,
            "completion_tokens": 244,
            "total_tokens": 254,
            "prompt_tokens_details": {"cached_token": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
    }
    assert reply.usage_metadata == {
        "input_tokens": 10,
        "output_tokens": 244,
        "total_tokens": 254,
        "input_token_details": {"cache_read": 0},
        "output_token_details": {"reasoning": 0},
    }


async def test_basic_conversation_async() -> None:
    with chat_cassette("basic") as cassette:
        reply = await _llm("deepseek-v3.1-terminus").ainvoke("你好,请介绍一下你自己")
    assert cassette.all_played
    assert reply.usage_metadata is not None and reply.usage_metadata["total_tokens"] == 254


STREAM_INPUT = [SystemMessage("你是一个有帮助的 AI 助手。"), HumanMessage("计算 1+1")]


def test_streaming() -> None:
    llm = _llm("hunyuan-2.0-instruct-20251111", stream_usage=False)
    with chat_cassette("streaming") as cassette:
        chunks = list(llm.stream(STREAM_INPUT))
    assert cassette.all_played
    assert [c.content for c in chunks if c.content] == ["1", "+", "1", "=", "2"]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert isinstance(merged, AIMessageChunk)
    assert merged.content == "1+1=2"
    assert merged.id == "chatcpl-abc123"
    assert merged.response_metadata["finish_reason"] == "stop"
    # The documented stream carries no usage, and none is invented.
    assert merged.usage_metadata is None


async def test_streaming_async() -> None:
    llm = _llm("hunyuan-2.0-instruct-20251111", stream_usage=False)
    with chat_cassette("streaming") as cassette:
        text = "".join([str(c.content) async for c in llm.astream(STREAM_INPUT)])
    assert cassette.all_played
    assert text == "1+1=2"


def test_documented_malformed_last_chunk_raises_a_typed_error_after_the_text() -> None:
    llm = _llm("hunyuan-2.0-instruct-20251111", stream_usage=False)
    received: list[str] = []
    with chat_cassette("streaming_documented"), pytest.raises(StreamError) as caught:
        for chunk in llm.stream(STREAM_INPUT):
            received.append(str(chunk.content))
    assert "".join(received) == "1+1=2"
    assert caught.value.raw_line is not None and '"delta":{"}' in caught.value.raw_line


def test_system_prompt() -> None:
    system = (
        "你是一个专业的英语翻译助手。将用户输入的中文翻译为英文，将英文翻译为中文。"
        "只返回翻译结果，不做解释。"
    )
    with chat_cassette("system_prompt") as cassette:
        reply = _llm("deepseek-v3.1-terminus").invoke(
            [SystemMessage(system), HumanMessage("今天天气真好")]
        )
    assert cassette.all_played
    assert reply.content == "The weather is really nice today."
    assert reply.usage_metadata is not None
    assert (reply.usage_metadata["input_tokens"], reply.usage_metadata["output_tokens"]) == (38, 7)


def test_multi_turn() -> None:
    history = [
        HumanMessage("请介绍一下量子计算"),
        AIMessage("量子计算是一种利用量子力学原理进行信息处理的计算方式..."),
        HumanMessage("它和传统计算有什么区别? "),
    ]
    with chat_cassette("multi_turn") as cassette:
        reply = _llm("deepseek-v3.1-terminus").invoke(history)
    assert cassette.all_played
    assert reply.content.startswith("好的，这是一个非常核心的问题。")
    assert reply.usage_metadata is not None and reply.usage_metadata["total_tokens"] == 1353


def test_function_calling_round_trip() -> None:
    llm = _llm("deepseek-v3.1-terminus")
    question = HumanMessage("北京今天天气怎么样?")
    with chat_cassette("function_calling") as cassette:
        call_message = llm.bind_tools([WEATHER_TOOL], tool_choice="auto").invoke([question])
        assert call_message.tool_calls == [
            {
                "name": "get_weather",
                "args": {"city": "北京"},
                "id": "call_abc123",
                "type": "tool_call",
            }
        ]
        assert call_message.content == ""
        assert call_message.response_metadata["finish_reason"] == "tool_calls"
        result = json.dumps(
            {"temperature": 22, "weather": "晴", "humidity": 45}, ensure_ascii=False
        )
        answer = llm.invoke(
            [question, call_message, ToolMessage(result, tool_call_id="call_abc123")]
        )
    assert cassette.all_played
    assert answer.content == "北京今天晴，气温 22°C，湿度 45%。"


def test_an_undocumented_request_is_refused_not_sent() -> None:
    with (
        chat_cassette("basic"),
        pytest.raises(CannotOverwriteExistingCassetteException, match="request body differs"),
    ):
        _llm("deepseek-v3.1-terminus").invoke("a different question")


def test_cassettes_name_their_example_and_hold_no_credentials() -> None:
    files = sorted(CHAT_CASSETTES.glob("*.yaml"))
    assert len(files) == 6
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Reproduces TokenHub's 文本生成 page (https://cloud.tencent.com/document/product/1823/130079"), path.name
        assert "示例" in text.splitlines()[0] or "示例" in text.splitlines()[1], path.name
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            assert "authorization" not in headers, path.name
        assert "Bearer" not in text and "sk-" not in text, path.name
