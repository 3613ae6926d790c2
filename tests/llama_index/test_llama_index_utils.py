"""Message, tool and tool-call conversions between LlamaIndex types and OpenAI dicts."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    AudioBlock,
    ChatMessage,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.tools import FunctionTool

from llama_index_hunyuan._messages import (
    chat_response_from_completion,
    to_openai_message_dict,
    to_openai_message_dicts,
    to_openai_tools,
    tool_call_block,
    tool_selections_from_message,
)


def _weather(city: str) -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"


WEATHER_TOOL = FunctionTool.from_defaults(fn=_weather, name="get_weather")


def test_roles_map_to_documented_wire_roles() -> None:
    dicts = to_openai_message_dicts(
        [
            ChatMessage(role=MessageRole.SYSTEM, content="be brief"),
            ChatMessage(role=MessageRole.DEVELOPER, content="dev note"),
            ChatMessage(role=MessageRole.USER, content="hi"),
            ChatMessage(role=MessageRole.ASSISTANT, content="hello"),
        ]
    )
    assert dicts == [
        {"role": "system", "content": "be brief"},
        {"role": "system", "content": "dev note"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]


def test_seed_example_5_round_trip_shapes() -> None:
    """The assistant tool-call turn and tool result of the documented function-calling example."""
    assistant = ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[
            ToolCallBlock(
                tool_call_id="call_abc123", tool_name="get_weather", tool_kwargs={"city": "北京"}
            )
        ],
    )
    tool = ChatMessage(
        role=MessageRole.TOOL,
        content='{"temperature": 22, "weather": "晴", "humidity": 45}',
        additional_kwargs={"tool_call_id": "call_abc123"},
    )
    assert to_openai_message_dicts([assistant, tool]) == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_abc123",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "北京"}'},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_abc123",
            "content": '{"temperature": 22, "weather": "晴", "humidity": 45}',
        },
    ]


def from_openai_message(message: dict[str, Any]) -> ChatMessage:
    return chat_response_from_completion({"choices": [{"message": message}]}).message


def test_tool_message_without_call_id_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="tool_call_id"):
        to_openai_message_dict(ChatMessage(role=MessageRole.TOOL, content="42"))


def test_thinking_block_becomes_reasoning_content_on_assistant_messages() -> None:
    message = ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[
            ThinkingBlock(content="let me think"),
            TextBlock(text="answer"),
        ],
    )
    assert to_openai_message_dict(message) == {
        "role": "assistant",
        "content": "answer",
        "reasoning_content": "let me think",
    }


def test_legacy_additional_kwargs_tool_calls_are_sent() -> None:
    message = ChatMessage(
        role=MessageRole.ASSISTANT,
        content="",
        additional_kwargs={
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}
            ]
        },
    )
    assert to_openai_message_dict(message)["tool_calls"] == [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    ]


def test_user_images_become_content_parts() -> None:
    message = ChatMessage(
        role=MessageRole.USER,
        blocks=[
            TextBlock(text="what is this?"),
            ImageBlock(url="https://example.com/cat.png", detail="low"),
        ],
    )
    assert to_openai_message_dict(message)["content"] == [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
    ]


def test_images_in_tool_results_keep_their_url_as_text() -> None:
    message = ChatMessage(
        role=MessageRole.TOOL,
        blocks=[TextBlock(text="done"), ImageBlock(url="https://example.com/out.png")],
        additional_kwargs={"tool_call_id": "c1"},
    )
    assert (
        to_openai_message_dict(message)["content"] == "done\n[image: https://example.com/out.png]"
    )


def test_unsupported_blocks_fail_with_the_block_type() -> None:
    message = ChatMessage(role=MessageRole.USER, blocks=[AudioBlock(audio=b"RIFF....")])
    with pytest.raises(ValueError, match="'audio'"):
        to_openai_message_dict(message)


def test_from_openai_message_orders_thinking_text_tool_calls() -> None:
    message = from_openai_message(
        {
            "role": "assistant",
            "reasoning_content": "thinking",
            "content": "calling",
            "tool_calls": [
                {"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}},
                {"id": "b", "type": "function", "function": {"name": "g", "arguments": ""}},
            ],
        }
    )
    kinds = [type(b).__name__ for b in message.blocks]
    assert kinds == ["ThinkingBlock", "TextBlock", "ToolCallBlock", "ToolCallBlock"]
    assert message.content == "calling"
    calls = [b for b in message.blocks if isinstance(b, ToolCallBlock)]
    assert [(c.tool_call_id, c.tool_name, c.tool_kwargs) for c in calls] == [
        ("a", "f", {"x": 1}),
        ("b", "g", {}),
    ]
    assert [c["id"] for c in message.additional_kwargs["tool_calls"]] == ["a", "b"]


def test_invalid_arguments_are_kept_verbatim_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="llama_index_hunyuan._messages"):
        message = from_openai_message(
            {
                "content": None,
                "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{oops"}}],
            }
        )
    block = message.blocks[0]
    assert isinstance(block, ToolCallBlock) and block.tool_kwargs == "{oops"
    assert "{oops" in caplog.text and "'f'" in caplog.text
    assert tool_selections_from_message(message)[0].tool_kwargs == {}


def test_tool_call_block_accepts_dict_arguments_and_keeps_non_objects_as_text() -> None:
    assert tool_call_block(
        {"id": "a", "function": {"name": "f", "arguments": {"k": "v"}}}
    ).tool_kwargs == {"k": "v"}
    assert (
        tool_call_block({"function": {"name": "f", "arguments": "[1, 2]"}}).tool_kwargs == "[1, 2]"
    )


def test_tool_selections_parse_partial_json_while_streaming() -> None:
    message = ChatMessage(
        role=MessageRole.ASSISTANT,
        blocks=[ToolCallBlock(tool_call_id="a", tool_name="f", tool_kwargs='{"city": "Bei')],
    )
    [selection] = tool_selections_from_message(message)
    assert (selection.tool_id, selection.tool_name) == ("a", "f")
    assert set(selection.tool_kwargs) == {"city"}


def test_tool_selections_error_on_no_tool_call() -> None:
    text_only = ChatMessage(role=MessageRole.ASSISTANT, content="no tools today")
    with pytest.raises(ValueError, match="no tools today"):
        tool_selections_from_message(text_only)
    assert tool_selections_from_message(text_only, error_on_no_tool_call=False) == []


def test_to_openai_tools_sends_strict_only_when_asked() -> None:
    [plain] = to_openai_tools([WEATHER_TOOL])
    assert plain["type"] == "function"
    assert plain["function"]["name"] == "get_weather"
    assert "strict" not in plain["function"]
    assert plain["function"]["parameters"]["properties"]["city"]["type"] == "string"
    [strict] = to_openai_tools([WEATHER_TOOL], strict=True)
    assert strict["function"]["strict"] is True
    assert strict["function"]["parameters"]["additionalProperties"] is False


def test_long_descriptions_are_not_rejected() -> None:
    tool = FunctionTool.from_defaults(fn=_weather, name="w", description="x" * 2000)
    spec: dict[str, Any] = to_openai_tools([tool])[0]
    assert len(spec["function"]["description"]) == 2000
    json.dumps(spec)


def test_the_0_1_0_utils_module_still_imports_with_a_deprecation_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import sys

    from llama_index_hunyuan import _messages, _stream

    monkeypatch.delitem(sys.modules, "llama_index_hunyuan.utils", raising=False)
    with pytest.warns(DeprecationWarning, match="llama_index_hunyuan.utils is deprecated"):
        utils = importlib.import_module("llama_index_hunyuan.utils")
    assert utils.to_openai_message_dicts is _messages.to_openai_message_dicts
    assert utils.ChatStreamAssembler is _stream.ChatStreamAssembler
