"""The fields each streamed ``AIMessageChunk`` is built with.

A chunk records every field passed to it as set; LangChain keeps all chunks of a stream until it
ends, so empty ``additional_kwargs``/``tool_call_chunks`` passed on every token inflate a long
stream's memory. Only what a delta actually carries is passed.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessageChunk

from hunyuan_tokenhub._chat_stream import StreamDelta, ToolCallDelta
from langchain_hunyuan import ChatHunyuan
from langchain_hunyuan._messages import delta_to_chunk
from tests.langchain._support import get_time, get_weather, merge

MakeLLM = Callable[..., ChatHunyuan]
_OPTIONAL_FIELDS = {"additional_kwargs", "tool_call_chunks"}


def test_a_text_delta_sets_only_content_and_id() -> None:
    chunk = delta_to_chunk(StreamDelta(content="Hel"), "chatcmpl-1")
    assert chunk.content == "Hel" and chunk.id == "chatcmpl-1"
    assert chunk.model_fields_set == {"content", "id"}
    assert chunk.additional_kwargs == {} and chunk.tool_call_chunks == []


def test_reasoning_and_tool_fragments_are_passed_when_present() -> None:
    reasoning = delta_to_chunk(StreamDelta(reasoning_content="think"), "c")
    assert reasoning.additional_kwargs == {"reasoning_content": "think"}
    assert "tool_call_chunks" not in reasoning.model_fields_set

    fragment = ToolCallDelta(index=1, id="call_1", name="get_time", arguments='{"ci')
    tools = delta_to_chunk(StreamDelta(tool_calls=[fragment]), "c")
    assert tools.tool_call_chunks == [
        {
            "type": "tool_call_chunk",
            "name": "get_time",
            "args": '{"ci',
            "id": "call_1",
            "index": 1,
        }
    ]
    assert "additional_kwargs" not in tools.model_fields_set


def test_streamed_text_chunks_carry_no_empty_optional_fields(make_llm: MakeLLM) -> None:
    chunks = list(make_llm().stream("Tell me about the sea"))
    text_chunks = [c for c in chunks if c.content]
    assert len(text_chunks) > 1
    assert all(not (c.model_fields_set & _OPTIONAL_FIELDS) for c in text_chunks)
    assert (
        "".join(str(c.content) for c in chunks)
        == make_llm().invoke("Tell me about the sea").content
    )


def test_streamed_tool_calls_still_merge(make_llm: MakeLLM) -> None:
    llm = make_llm().bind_tools([get_weather, get_time])
    question = "What is the weather and the time in Paris?"
    whole = llm.invoke(question)
    chunks = [c for c in llm.stream(question) if isinstance(c, AIMessageChunk)]
    assert any("tool_call_chunks" in c.model_fields_set for c in chunks)
    assert merge(chunks).tool_calls == whole.tool_calls
