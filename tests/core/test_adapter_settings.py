"""One set of connection settings, under one name each, for every adapter class.

Each LangChain and LlamaIndex class takes every setting (or all of them as ``settings=``), and
each reaches the core client the class sends with: its resolved settings, its httpx pool, and
on the wire (the failover cooldown, the retries, the headers).
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from langchain_core.messages import ToolMessage

from hunyuan_tokenhub import AsyncTokenHubClient, TokenHubClient, resolve_settings
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import JobClient
from langchain_hunyuan import (
    ChatHunyuan,
    HunyuanEmbeddings,
    HunyuanGenerationToolkit,
    HunyuanImageGenerationTool,
    HunyuanJobStatusTool,
)
from llama_index_hunyuan import (
    GenerationToolError,
    Hunyuan,
    HunyuanEmbedding,
    HunyuanGenerationToolSpec,
)
from tests.core._support import API_KEY

# A host nothing listens on: connecting to it fails at once, which is what fails over.
DEAD_HOST = "http://127.0.0.1:9/v1"


@dataclass(frozen=True)
class Adapter:
    """How to build one adapter class and reach the core clients it sends with."""

    name: str
    build: Callable[..., Any]
    sync_client: Callable[[Any], TokenHubClient]
    async_client: Callable[[Any], AsyncTokenHubClient]
    deadline: str  # the name of the per-request deadline (job tools: ``timeout`` is the job's)


def _chat_like(name: str, cls: type) -> Adapter:
    return Adapter(
        name,
        cls,
        lambda obj: obj.clients.sync(),
        lambda obj: obj.clients.for_running_loop(),
        "timeout",
    )


ADAPTERS = [
    _chat_like("ChatHunyuan", ChatHunyuan),
    _chat_like("HunyuanEmbeddings", HunyuanEmbeddings),
    _chat_like("Hunyuan", Hunyuan),
    _chat_like("HunyuanEmbedding", HunyuanEmbedding),
    Adapter(
        "HunyuanImageGenerationTool",
        HunyuanImageGenerationTool,
        lambda tool: tool._sync()._http,
        lambda tool: tool._async()._http,
        "request_timeout",
    ),
    Adapter(
        "HunyuanGenerationToolkit",
        lambda **kw: HunyuanGenerationToolkit(**kw, include=("image",)).get_tools()[0],
        lambda tool: tool._sync()._http,
        lambda tool: tool._async()._http,
        "request_timeout",
    ),
    Adapter(
        "HunyuanGenerationToolSpec",
        HunyuanGenerationToolSpec,
        lambda spec: spec._jobs._http,
        lambda spec: spec._clients.for_running_loop()._http,
        "request_timeout",
    ),
]


def _in_a_loop(get: Callable[[], AsyncTokenHubClient]) -> AsyncTokenHubClient:
    async def main() -> AsyncTokenHubClient:
        return get()

    return asyncio.run(main())


@pytest.fixture
def pools() -> Any:
    sync_pool, async_pool = httpx.Client(), httpx.AsyncClient()
    yield sync_pool, async_pool
    sync_pool.close()
    asyncio.run(async_pool.aclose())


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_every_class_takes_every_setting_under_the_same_name(
    adapter: Adapter, emulator: TokenHubEmulator, pools: tuple[httpx.Client, httpx.AsyncClient]
) -> None:
    sync_pool, async_pool = pools
    obj = adapter.build(
        api_key=API_KEY,
        base_url=emulator.base_url,
        region="intl",
        fallback_base_urls=[emulator.backup_base_url],
        max_retries=4,
        failover_cooldown=7,
        default_headers={"X-Trace": "t-1"},
        http_client=sync_pool,
        async_http_client=async_pool,
        **{adapter.deadline: 12},
    )
    client = adapter.sync_client(obj)
    settings = client.settings
    assert settings.api_key.get_secret_value() == API_KEY
    assert (settings.base_url, settings.fallback_base_urls) == (
        emulator.base_url,
        (emulator.backup_base_url,),
    )
    assert (settings.region, settings.max_retries, settings.failover_cooldown) == ("intl", 4, 7)
    assert (settings.timeout, dict(settings.default_headers)) == (12, {"X-Trace": "t-1"})
    assert client._http is sync_pool
    assert _in_a_loop(lambda: adapter.async_client(obj))._http is async_pool


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_every_class_takes_one_settings_object_and_a_name_overrides_it(
    adapter: Adapter, emulator: TokenHubEmulator
) -> None:
    shared = resolve_settings(
        api_key=API_KEY,
        base_url=emulator.base_url,
        fallback_base_urls=[emulator.backup_base_url],
        timeout=30,
        max_retries=5,
        failover_cooldown=3,
        default_headers={"X-Team": "search"},
    )
    settings = adapter.sync_client(adapter.build(settings=shared, max_retries=1)).settings
    assert settings.api_key.get_secret_value() == API_KEY
    assert (settings.base_url, settings.fallback_base_urls) == (
        emulator.base_url,
        (emulator.backup_base_url,),
    )
    assert (settings.timeout, settings.failover_cooldown) == (30, 3)
    assert settings.max_retries == 1  # the name wins over the object
    assert dict(settings.default_headers) == {"X-Team": "search"}


@pytest.mark.parametrize("cls", [ChatHunyuan, Hunyuan])
@pytest.mark.parametrize(("cooldown", "dead_host_attempts"), [(60, 1), (0, 2)])
def test_failover_cooldown_on_the_chat_models_decides_when_a_dead_host_is_tried_again(
    cls: type,
    cooldown: float,
    dead_host_attempts: int,
    emulator: TokenHubEmulator,
) -> None:
    attempts: list[str] = []

    def count(request: httpx.Request) -> None:
        attempts.append(f"{request.url.host}:{request.url.port}")

    with httpx.Client(event_hooks={"request": [count]}) as pool:
        llm = cls(
            api_key=API_KEY,
            base_url=DEAD_HOST,
            fallback_base_urls=[emulator.base_url],
            failover_cooldown=cooldown,
            http_client=pool,
        )
        for _ in range(2):
            if cls is ChatHunyuan:
                assert llm.invoke("1+1").content == "1+1=2"
            else:
                assert llm.complete("1+1").text == "1+1=2"
    assert attempts.count("127.0.0.1:9") == dead_host_attempts
    assert len(emulator.requests) == 2


@pytest.mark.parametrize("cls", [ChatHunyuan, HunyuanEmbeddings, Hunyuan, HunyuanEmbedding])
def test_default_headers_and_the_peers_spellings_reach_the_wire(
    cls: type, emulator: TokenHubEmulator
) -> None:
    # ChatOpenAI's http_async_client and api_base, LlamaIndex OpenAI's request_timeout: aliases.
    async_pool = httpx.AsyncClient()
    obj = cls(
        api_key=API_KEY,
        api_base=emulator.base_url,
        request_timeout=9,
        default_headers={"X-Trace": "t-2"},
        http_async_client=async_pool,
    )
    assert obj.async_http_client is async_pool and obj.timeout == 9

    async def call() -> None:
        if isinstance(obj, ChatHunyuan):
            await obj.ainvoke("1+1")
        elif isinstance(obj, Hunyuan):
            await obj.acomplete("1+1")
        elif isinstance(obj, HunyuanEmbeddings):
            await obj.aembed_query("1+1")
        else:
            await obj.aget_text_embedding("1+1")
        await async_pool.aclose()

    asyncio.run(call())
    (request,) = emulator.requests
    assert request.headers["x-trace"] == "t-2"


def _started_image_job(emulator: TokenHubEmulator) -> str:
    with JobClient(api_key=API_KEY, base_url=emulator.base_url) as jobs:
        return str(jobs.start_job("hy-image-v3.0", {"prompt": "a koi pond"}))


@pytest.mark.parametrize(("max_retries", "succeeds"), [(2, True), (0, False)])
def test_max_retries_reaches_the_langchain_tools(
    max_retries: int, succeeds: bool, emulator: TokenHubEmulator
) -> None:
    handle = _started_image_job(emulator)
    emulator.faults.add(route="/v1/api/image/query", status=503, times=2)
    tool = HunyuanJobStatusTool(
        api_key=API_KEY, base_url=emulator.base_url, max_retries=max_retries
    )
    message = tool.invoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"job": handle}}
    )
    assert isinstance(message, ToolMessage)
    assert (message.status == "success") is succeeds
    queries = [r for r in emulator.requests if r.path.endswith("/query")]
    assert len(queries) == (3 if succeeds else 1)


@pytest.mark.parametrize(("max_retries", "succeeds"), [(2, True), (0, False)])
def test_max_retries_reaches_the_llama_index_tool_spec(
    max_retries: int, succeeds: bool, emulator: TokenHubEmulator
) -> None:
    handle = _started_image_job(emulator)
    emulator.faults.add(route="/v1/api/image/query", status=503, times=2)
    spec = HunyuanGenerationToolSpec(
        api_key=API_KEY, base_url=emulator.base_url, max_retries=max_retries, wait=False
    )
    if succeeds:
        assert spec.job_status(job=handle).state == "completed"
    else:
        with pytest.raises(GenerationToolError, match=r"status=503"):
            spec.job_status(job=handle)
    queries = [r for r in emulator.requests if r.path.endswith("/query")]
    assert len(queries) == (3 if succeeds else 1)


def test_a_misspelt_connection_setting_fails_on_the_tool_spec_too() -> None:
    with pytest.raises(ValueError, match="max_retry"):
        HunyuanGenerationToolSpec(api_key=API_KEY, max_retry=3)


def test_a_settings_object_pickles_without_its_key(
    emulator: TokenHubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENHUB_API_KEY", "sk-from-the-environment")
    settings = resolve_settings(api_key=API_KEY, base_url=emulator.base_url, max_retries=3)
    llm = ChatHunyuan(settings=settings)
    for obj in (settings, llm):
        assert API_KEY.encode() not in pickle.dumps(obj)
    restored = pickle.loads(pickle.dumps(llm))
    restored_settings = restored.clients.sync().settings
    assert restored_settings.api_key.get_secret_value() == "sk-from-the-environment"
    assert (restored_settings.base_url, restored_settings.max_retries) == (emulator.base_url, 3)


@pytest.mark.parametrize("adapter", ADAPTERS[:4], ids=lambda a: a.name)
def test_the_chat_classes_take_the_stream_settings_too(
    adapter: Adapter, emulator: TokenHubEmulator
) -> None:
    obj = adapter.build(
        api_key=API_KEY,
        base_url=emulator.base_url,
        stream_idle_timeout=5,
        retry_sent_chat_requests=True,
    )
    settings = adapter.sync_client(obj).settings
    assert (settings.stream_idle_timeout, settings.retry_sent_chat_requests) == (5, True)


@pytest.mark.parametrize("adapter", ADAPTERS[4:], ids=lambda a: a.name)
def test_the_job_tools_refuse_the_stream_settings_they_would_ignore(adapter: Adapter) -> None:
    with pytest.raises(ValueError, match="stream_idle_timeout"):
        adapter.build(api_key=API_KEY, stream_idle_timeout=5)
