"""The clients being compared, each behind the same small interface.

A contender is built for one endpoint: either in process (``transport`` given: every HTTP client
it owns is an ``httpx`` client on that mock transport) or over loopback (``transport`` is
``None``: it makes its own connections to ``base_url``). Clients are built once and reused, as an
application does; only calls are timed.

``ours`` marks our side of each comparison; the other contenders are peers, and ``raw`` (an
``httpx`` client plus ``json.loads``) is the floor no client can beat.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from .canned import MESSAGES, MODEL, TOOLS

API_KEY = "bench-key"
ToolCalls = list[tuple[str, dict[str, Any]]]


@dataclass
class Outcome:
    """What a client made of a response: the text and the tool calls (name, arguments)."""

    text: str
    tool_calls: ToolCalls


class Contender:
    """One client. ``stream``/``astream`` yield whatever the client yields per chunk."""

    name: str
    family: str  # "langchain" or "llama_index": which peers it is compared with
    ours: bool = False

    def invoke(self) -> Any:
        raise NotImplementedError

    async def ainvoke(self) -> Any:
        raise NotImplementedError

    def stream(self) -> Iterator[Any]:
        raise NotImplementedError

    def astream(self) -> AsyncIterator[Any]:
        raise NotImplementedError

    def outcome(self, result: Any) -> Outcome:
        """The outcome of an ``invoke`` result."""
        raise NotImplementedError

    def piece(self, chunk: Any) -> str:
        """The new text one streamed chunk carries (what an application would show)."""
        raise NotImplementedError

    def stream_outcome(self, chunks: list[Any]) -> Outcome:
        """The outcome of a whole stream's chunks, merged as the framework merges them."""
        raise NotImplementedError

    def close(self) -> None:
        """Release sync resources (async clients are dropped with their event loop)."""


def _http_clients(
    transport: httpx.MockTransport | None,
) -> tuple[httpx.Client | None, httpx.AsyncClient | None]:
    if transport is None:
        return None, None
    return httpx.Client(transport=transport), httpx.AsyncClient(transport=transport)


def _injected_clients(transport: httpx.MockTransport | None, async_name: str) -> dict[str, Any]:
    """Constructor arguments giving our clients the mock transport (nothing over loopback, so
    that they use their own shared pools)."""
    http_client, http_async_client = _http_clients(transport)
    if http_client is None:
        return {}
    return {"http_client": http_client, async_name: http_async_client}


# --- the floor: httpx + json.loads -------------------------------------------------------------

_RAW_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=200)


class RawHttpx(Contender):
    """``httpx.Client.post`` + ``json.loads``; streams split lines and ``json.loads`` each event."""

    name = "raw httpx"

    def __init__(
        self, family: str, base_url: str, transport: httpx.MockTransport | None, tools: bool
    ) -> None:
        self.family = family
        self._url = base_url + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
        payload: dict[str, Any] = {"model": MODEL, "messages": MESSAGES}
        if tools:
            payload["tools"] = TOOLS
        self._body = json.dumps(payload).encode()
        self._stream_body = json.dumps({**payload, "stream": True}).encode()
        kwargs: dict[str, Any] = {"limits": _RAW_LIMITS, "timeout": 60.0}
        if transport is not None:
            kwargs["transport"] = transport
        self._client = httpx.Client(**kwargs)
        self._aclient = httpx.AsyncClient(**kwargs)

    def invoke(self) -> Any:
        response = self._client.post(self._url, content=self._body, headers=self._headers)
        response.raise_for_status()
        return json.loads(response.content)

    async def ainvoke(self) -> Any:
        response = await self._aclient.post(self._url, content=self._body, headers=self._headers)
        response.raise_for_status()
        return json.loads(response.content)

    def stream(self) -> Iterator[Any]:
        with self._client.stream(
            "POST", self._url, content=self._stream_body, headers=self._headers
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        return
                    yield json.loads(data)

    async def astream(self) -> AsyncIterator[Any]:
        async with self._aclient.stream(
            "POST", self._url, content=self._stream_body, headers=self._headers
        ) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        return
                    yield json.loads(data)

    def outcome(self, result: Any) -> Outcome:
        message = result["choices"][0]["message"]
        calls = [
            (call["function"]["name"], json.loads(call["function"]["arguments"]))
            for call in message.get("tool_calls") or []
        ]
        return Outcome(message.get("content") or "", calls)

    def piece(self, chunk: Any) -> str:
        choices = chunk.get("choices") or [{}]
        return (choices[0].get("delta") or {}).get("content") or ""

    def stream_outcome(self, chunks: list[Any]) -> Outcome:
        text: list[str] = []
        names: dict[int, str] = {}
        arguments: dict[int, list[str]] = {}
        for chunk in chunks:
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                if delta.get("content"):
                    text.append(delta["content"])
                for call in delta.get("tool_calls") or []:
                    function = call.get("function") or {}
                    if function.get("name"):
                        names[call["index"]] = function["name"]
                    arguments.setdefault(call["index"], []).append(function.get("arguments", ""))
        calls = [(names[i], json.loads("".join(arguments[i]))) for i in sorted(names)]
        return Outcome("".join(text), calls)

    def close(self) -> None:
        self._client.close()


# --- LangChain: ChatOpenAI and ChatHunyuan -----------------------------------------------------


class LangChainChat(Contender):
    """A LangChain chat model (``invoke``/``stream`` on LangChain messages)."""

    family = "langchain"

    def __init__(self, name: str, model: Any, tools: bool, ours: bool) -> None:
        from langchain_core.messages import HumanMessage, SystemMessage

        self.name = name
        self.ours = ours
        self._model = model.bind_tools(TOOLS) if tools else model
        self._messages = [
            SystemMessage(MESSAGES[0]["content"]),
            HumanMessage(MESSAGES[1]["content"]),
        ]

    def invoke(self) -> Any:
        return self._model.invoke(self._messages)

    async def ainvoke(self) -> Any:
        return await self._model.ainvoke(self._messages)

    def stream(self) -> Iterator[Any]:
        return self._model.stream(self._messages)  # type: ignore[no-any-return]

    def astream(self) -> AsyncIterator[Any]:
        return self._model.astream(self._messages)  # type: ignore[no-any-return]

    def outcome(self, result: Any) -> Outcome:
        return Outcome(result.text, [(c["name"], c["args"]) for c in result.tool_calls])

    def piece(self, chunk: Any) -> str:
        return chunk.text  # type: ignore[no-any-return]

    def stream_outcome(self, chunks: list[Any]) -> Outcome:
        merged = chunks[0]
        for chunk in chunks[1:]:
            merged = merged + chunk
        return self.outcome(merged)


def chat_openai(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    from langchain_openai import ChatOpenAI

    http_client, http_async_client = _http_clients(transport)
    model = ChatOpenAI(
        model=MODEL,
        api_key=API_KEY,  # type: ignore[arg-type]
        base_url=base_url,
        max_retries=2,
        stream_usage=True,
        http_client=http_client,
        http_async_client=http_async_client,
    )
    return LangChainChat("ChatOpenAI", model, tools, ours=False)


def chat_hunyuan(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    from langchain_hunyuan import ChatHunyuan

    kwargs = _injected_clients(transport, "http_async_client")
    model = ChatHunyuan(
        model=MODEL, api_key=SecretStr(API_KEY), base_url=base_url, max_retries=2, **kwargs
    )
    return LangChainChat("ChatHunyuan", model, tools, ours=True)


# --- LlamaIndex: OpenAILike and Hunyuan --------------------------------------------------------


def _tool_functions() -> list[Any]:
    from llama_index.core.tools import FunctionTool

    def lookup(query: str, days: int = 1) -> str:
        return query

    return [
        FunctionTool.from_defaults(
            fn=lookup, name=tool["function"]["name"], description=tool["function"]["description"]
        )
        for tool in TOOLS
    ]


class LlamaIndexChat(Contender):
    """A LlamaIndex LLM: ``chat``/``stream_chat``, or ``*_chat_with_tools`` with tools bound."""

    family = "llama_index"

    def __init__(self, name: str, llm: Any, tools: bool, ours: bool) -> None:
        from llama_index.core.llms import ChatMessage

        self.name = name
        self.ours = ours
        self._llm = llm
        self._tools = _tool_functions() if tools else None
        self._messages = [ChatMessage(role=m["role"], content=m["content"]) for m in MESSAGES]

    def invoke(self) -> Any:
        if self._tools:
            return self._llm.chat_with_tools(
                self._tools, chat_history=self._messages, allow_parallel_tool_calls=True
            )
        return self._llm.chat(self._messages)

    async def ainvoke(self) -> Any:
        if self._tools:
            return await self._llm.achat_with_tools(
                self._tools, chat_history=self._messages, allow_parallel_tool_calls=True
            )
        return await self._llm.achat(self._messages)

    def stream(self) -> Iterator[Any]:
        if self._tools:
            return self._llm.stream_chat_with_tools(  # type: ignore[no-any-return]
                self._tools, chat_history=self._messages, allow_parallel_tool_calls=True
            )
        return self._llm.stream_chat(self._messages)  # type: ignore[no-any-return]

    async def astream(self) -> AsyncIterator[Any]:
        if self._tools:
            stream = await self._llm.astream_chat_with_tools(
                self._tools, chat_history=self._messages, allow_parallel_tool_calls=True
            )
        else:
            stream = await self._llm.astream_chat(self._messages)
        async for chunk in stream:
            yield chunk

    def outcome(self, result: Any) -> Outcome:
        calls: ToolCalls = []
        if self._tools:
            selections = self._llm.get_tool_calls_from_response(result, error_on_no_tool_call=False)
            calls = [(s.tool_name, dict(s.tool_kwargs)) for s in selections]
        return Outcome(result.message.content or "", calls)

    def piece(self, chunk: Any) -> str:
        return chunk.delta or ""  # type: ignore[no-any-return]

    def stream_outcome(self, chunks: list[Any]) -> Outcome:
        # Each LlamaIndex chunk carries the message accumulated so far; the last one is the whole.
        return self.outcome(chunks[-1])


def openai_like(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    from llama_index.llms.openai_like import OpenAILike  # type: ignore[import-untyped]

    http_client, http_async_client = _http_clients(transport)
    llm = OpenAILike(
        model=MODEL,
        api_key=API_KEY,
        api_base=base_url,
        is_chat_model=True,
        is_function_calling_model=True,
        context_window=128000,
        max_retries=2,
        http_client=http_client,
        async_http_client=http_async_client,
    )
    return LlamaIndexChat("OpenAILike", llm, tools, ours=False)


def hunyuan_llm(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    from llama_index_hunyuan import Hunyuan

    kwargs = _injected_clients(transport, "async_http_client")
    llm = Hunyuan(model=MODEL, api_key=API_KEY, base_url=base_url, max_retries=2, **kwargs)
    return LlamaIndexChat("Hunyuan", llm, tools, ours=True)


def langchain_floor(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
    from .floors import LangChainFloor

    http_client, http_async_client = _http_clients(transport)
    model = LangChainFloor(
        base_url=base_url,
        http_client=http_client or httpx.Client(limits=_RAW_LIMITS),
        http_async_client=http_async_client or httpx.AsyncClient(limits=_RAW_LIMITS),
    )
    return LangChainChat("LangChain floor", model, tools, ours=False)


def llama_index_floor(
    base_url: str, transport: httpx.MockTransport | None, tools: bool
) -> Contender:
    from .floors import llama_index_floor_class

    http_client, http_async_client = _http_clients(transport)
    llm = llama_index_floor_class()(
        base_url=base_url,
        http_client=http_client or httpx.Client(limits=_RAW_LIMITS),
        async_http_client=http_async_client or httpx.AsyncClient(limits=_RAW_LIMITS),
    )
    return LlamaIndexChat("LlamaIndex floor", llm, tools, ours=False)


Factory = Callable[[str, "httpx.MockTransport | None", bool], Contender]


@dataclass(frozen=True)
class Entry:
    """A contender before it is built (building may fail if a client is not installed).

    ``role``: ``ours``, ``peer``, ``framework`` (the framework floor) or ``floor`` (raw httpx).
    """

    name: str
    role: str
    build: Factory

    @property
    def ours(self) -> bool:
        return self.role == "ours"


def _raw(family: str) -> Entry:
    def build(base_url: str, transport: httpx.MockTransport | None, tools: bool) -> Contender:
        return RawHttpx(family, base_url, transport, tools)

    return Entry(RawHttpx.name, "floor", build)


#: Per framework: ours, the peer, the framework floor, the raw floor.
FAMILIES: dict[str, list[Entry]] = {
    "langchain": [
        Entry("ChatHunyuan", "ours", chat_hunyuan),
        Entry("ChatOpenAI", "peer", chat_openai),
        Entry("LangChain floor", "framework", langchain_floor),
        _raw("langchain"),
    ],
    "llama_index": [
        Entry("Hunyuan", "ours", hunyuan_llm),
        Entry("OpenAILike", "peer", openai_like),
        Entry("LlamaIndex floor", "framework", llama_index_floor),
        _raw("llama_index"),
    ],
}
