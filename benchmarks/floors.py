"""Framework floors: the thinnest possible chat model of each framework on raw ``httpx``.

``raw httpx`` is the floor for the wire work; these add only what the framework itself costs
(LangChain's ``BaseChatModel`` callbacks and message objects, LlamaIndex's ``LLM`` decorators
and response objects). No adapter built on the framework can be faster, so they show how much
of our distance from the raw floor is ours to remove.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import httpx
from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import ConfigDict, PrivateAttr

from .canned import MODEL

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}


def _lc_payload(messages: list[BaseMessage], stream: bool, tools: Any) -> bytes:
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [{"role": _ROLES[m.type], "content": m.content} for m in messages],
        "stream": stream,
    }
    if tools:
        body["tools"] = tools
    return json.dumps(body).encode()


def _lc_message(data: dict[str, Any]) -> AIMessage:
    message = data["choices"][0]["message"]
    calls = [
        {
            "name": c["function"]["name"],
            "args": json.loads(c["function"]["arguments"]),
            "id": c["id"],
            "type": "tool_call",
        }
        for c in message.get("tool_calls") or []
    ]
    return AIMessage(content=message.get("content") or "", tool_calls=calls)


def _lc_chunk(data: dict[str, Any]) -> AIMessageChunk | None:
    choices = data.get("choices")
    if not choices:
        return None
    delta = choices[0].get("delta") or {}
    calls = [
        tool_call_chunk(
            name=(c.get("function") or {}).get("name"),
            args=(c.get("function") or {}).get("arguments"),
            id=c.get("id"),
            index=c.get("index"),
        )
        for c in delta.get("tool_calls") or []
    ]
    return AIMessageChunk(content=delta.get("content") or "", tool_call_chunks=calls)


def _sse_lines_to_chunks(line: str) -> dict[str, Any] | None:
    if line.startswith("data: ") and line[6:] != "[DONE]":
        return json.loads(line[6:])  # type: ignore[no-any-return]
    return None


class LangChainFloor(BaseChatModel):
    """``BaseChatModel`` doing nothing beyond ``httpx`` + ``json.loads`` + message objects."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    base_url: str
    http_client: httpx.Client
    http_async_client: httpx.AsyncClient
    tools: list[dict[str, Any]] | None = None
    _headers: dict[str, str] = PrivateAttr(
        default_factory=lambda: {
            "Authorization": "Bearer bench-key",
            "Content-Type": "application/json",
        }
    )

    @property
    def _llm_type(self) -> str:
        return "langchain-floor"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, Any]:
        return self.model_copy(update={"tools": list(tools)})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = self.http_client.post(
            self.base_url + "/chat/completions",
            content=_lc_payload(messages, False, self.tools),
            headers=self._headers,
        )
        message = _lc_message(json.loads(response.content))
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        response = await self.http_async_client.post(
            self.base_url + "/chat/completions",
            content=_lc_payload(messages, False, self.tools),
            headers=self._headers,
        )
        message = _lc_message(json.loads(response.content))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with self.http_client.stream(
            "POST",
            self.base_url + "/chat/completions",
            content=_lc_payload(messages, True, self.tools),
            headers=self._headers,
        ) as response:
            for line in response.iter_lines():
                data = _sse_lines_to_chunks(line)
                chunk = _lc_chunk(data) if data else None
                if chunk is not None:
                    if run_manager:
                        run_manager.on_llm_new_token(chunk.text, chunk=None)
                    yield ChatGenerationChunk(message=chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        async with self.http_async_client.stream(
            "POST",
            self.base_url + "/chat/completions",
            content=_lc_payload(messages, True, self.tools),
            headers=self._headers,
        ) as response:
            async for line in response.aiter_lines():
                data = _sse_lines_to_chunks(line)
                chunk = _lc_chunk(data) if data else None
                if chunk is not None:
                    if run_manager:
                        await run_manager.on_llm_new_token(chunk.text, chunk=None)
                    yield ChatGenerationChunk(message=chunk)


def llama_index_floor_class() -> type[Any]:
    """Built on demand so that LangChain-only runs need not import LlamaIndex."""
    from llama_index.core.base.llms.types import (
        ChatMessage,
        ChatResponse,
        ChatResponseAsyncGen,
        ChatResponseGen,
        CompletionResponse,
        LLMMetadata,
    )
    from llama_index.core.llms.callbacks import llm_chat_callback
    from llama_index.core.llms.function_calling import FunctionCallingLLM
    from llama_index.core.llms.llm import ToolSelection

    def payload(messages: Sequence[ChatMessage], stream: bool, tools: Any) -> bytes:
        body: dict[str, Any] = {
            "model": MODEL,
            "messages": [{"role": m.role.value, "content": m.content} for m in messages],
            "stream": stream,
        }
        if tools:
            body["tools"] = tools
        return json.dumps(body).encode()

    class Accumulator:
        def __init__(self) -> None:
            self.text = ""
            self.calls: dict[int, dict[str, Any]] = {}

        def feed(self, data: dict[str, Any]) -> ChatResponse | None:
            choices = data.get("choices")
            if not choices:
                return None
            delta = choices[0].get("delta") or {}
            piece = delta.get("content") or ""
            self.text += piece
            for call in delta.get("tool_calls") or []:
                slot = self.calls.setdefault(call["index"], {"name": "", "arguments": ""})
                function = call.get("function") or {}
                slot["name"] = function.get("name") or slot["name"]
                slot["arguments"] += function.get("arguments") or ""
            message = ChatMessage(
                role="assistant",
                content=self.text,
                additional_kwargs={"tool_calls": list(self.calls.values())},
            )
            return ChatResponse(message=message, delta=piece, raw=data)

    class LlamaIndexFloor(FunctionCallingLLM):
        """``FunctionCallingLLM`` doing nothing beyond ``httpx`` + ``json.loads``."""

        base_url: str
        http_client: Any
        async_http_client: Any

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(is_chat_model=True, is_function_calling_model=True, model_name=MODEL)

        def _post(self, body: bytes) -> dict[str, Any]:
            response = self.http_client.post(
                self.base_url + "/chat/completions", content=body, headers=_HEADERS
            )
            return json.loads(response.content)  # type: ignore[no-any-return]

        @staticmethod
        def _response(data: dict[str, Any]) -> ChatResponse:
            message = data["choices"][0]["message"]
            return ChatResponse(
                message=ChatMessage(role="assistant", content=message.get("content") or ""),
                raw=data,
            )

        @llm_chat_callback()
        def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            return self._response(self._post(payload(messages, False, kwargs.get("tools"))))

        @llm_chat_callback()
        async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            response = await self.async_http_client.post(
                self.base_url + "/chat/completions",
                content=payload(messages, False, kwargs.get("tools")),
                headers=_HEADERS,
            )
            return self._response(json.loads(response.content))

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            body = payload(messages, True, kwargs.get("tools"))

            def gen() -> ChatResponseGen:
                accumulator = Accumulator()
                with self.http_client.stream(
                    "POST", self.base_url + "/chat/completions", content=body, headers=_HEADERS
                ) as response:
                    for line in response.iter_lines():
                        data = _sse_lines_to_chunks(line)
                        out = accumulator.feed(data) if data else None
                        if out is not None:
                            yield out

            return gen()

        @llm_chat_callback()
        async def astream_chat(
            self, messages: Sequence[ChatMessage], **kwargs: Any
        ) -> ChatResponseAsyncGen:
            body = payload(messages, True, kwargs.get("tools"))

            async def gen() -> ChatResponseAsyncGen:
                accumulator = Accumulator()
                async with self.async_http_client.stream(
                    "POST", self.base_url + "/chat/completions", content=body, headers=_HEADERS
                ) as response:
                    async for line in response.aiter_lines():
                        data = _sse_lines_to_chunks(line)
                        out = accumulator.feed(data) if data else None
                        if out is not None:
                            yield out

            return gen()

        def _prepare_chat_with_tools(
            self,
            tools: Sequence[Any],
            user_msg: Any = None,
            chat_history: list[ChatMessage] | None = None,
            verbose: bool = False,
            allow_parallel_tool_calls: bool = False,
            tool_required: bool = False,
            **kwargs: Any,
        ) -> dict[str, Any]:
            specs = [tool.metadata.to_openai_tool() for tool in tools]
            return {"messages": list(chat_history or []), "tools": specs, **kwargs}

        def get_tool_calls_from_response(
            self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
        ) -> list[ToolSelection]:
            calls = response.message.additional_kwargs.get("tool_calls") or []
            return [
                ToolSelection(
                    tool_id=str(i),
                    tool_name=call["name"],
                    tool_kwargs=json.loads(call["arguments"] or "{}"),
                )
                for i, call in enumerate(calls)
            ]

        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError

        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError

        async def acomplete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> CompletionResponse:
            raise NotImplementedError

        async def astream_complete(
            self, prompt: str, formatted: bool = False, **kwargs: Any
        ) -> Any:
            raise NotImplementedError

    return LlamaIndexFloor


_HEADERS = {"Authorization": "Bearer bench-key", "Content-Type": "application/json"}
