"""ChatHunyuan and the generation tools raise LangChain's standard model errors too.

Each error is both the core's typed error (with its status, code and request id) and the
matching ``langchain_core.exceptions`` class, whose ``is_retryable`` LangChain's retry
middleware reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import exceptions as lc
from langchain_core.tools import ToolException

from hunyuan_tokenhub import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InternalServerError,
    ModelNotEnabledError,
    ModelNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan, HunyuanEmbeddings, HunyuanImageGenerationTool

MakeLLM = Callable[..., ChatHunyuan]
CHAT = "/v1/chat/completions"
# DeepSeek's wording for a prompt over the context window, under the generic code
# (https://github.com/FoundationAgents/OpenManus/issues/79).
DEEPSEEK_OVERFLOW = (
    "This model's maximum context length is 131072 tokens. However, you requested 141980 "
    "tokens (133980 in the messages, 8000 in the completion). Please reduce the length of the "
    "messages or completion."
)


def standard(name: str) -> type[Exception]:
    """The standard class, or a skip on langchain-core releases before it existed."""
    found = getattr(lc, name, None)
    if found is None:
        pytest.skip(f"this langchain-core has no {name}")
    return found


CASES: list[tuple[dict[str, Any], type[Exception], str, bool]] = [
    ({"status": 400}, BadRequestError, "ModelInvalidRequestError", False),
    (
        {"status": 400, "message": DEEPSEEK_OVERFLOW},
        ContextLengthExceededError,
        "ContextOverflowError",
        False,
    ),
    (
        {"status": 400, "code": "context_length_exceeded", "message": "too long"},
        ContextLengthExceededError,
        "ContextOverflowError",
        False,
    ),
    ({"status": 401}, AuthenticationError, "ModelAuthenticationError", False),
    ({"status": 400, "code": "400004"}, ModelNotFoundError, "ModelNotFoundError", False),
    ({"status": 403, "code": "403002"}, ModelNotEnabledError, "ModelNotFoundError", False),
    (
        {"status": 403, "code": "forbidden"},
        PermissionDeniedError,
        "ModelPermissionDeniedError",
        False,
    ),
    ({"status": 429}, RateLimitError, "ModelRateLimitError", True),
    ({"status": 500}, InternalServerError, "ModelAPIError", True),
    ({"drop_connection": True}, APIConnectionError, "ModelConnectionError", True),
]


@pytest.mark.parametrize(("fault", "core_class", "standard_name", "retryable"), CASES)
def test_invoke_raises_the_core_error_and_the_standard_one(
    make_llm: MakeLLM,
    emulator: TokenHubEmulator,
    fault: dict[str, Any],
    core_class: type[Exception],
    standard_name: str,
    retryable: bool,
) -> None:
    emulator.faults.add(route=CHAT, **fault)
    with pytest.raises(core_class) as caught:
        make_llm().invoke("hi")
    assert isinstance(caught.value, standard(standard_name))
    assert getattr(caught.value, "is_retryable", False) is retryable
    assert type(caught.value).__name__ == core_class.__name__
    if "status" in fault:
        assert caught.value.status_code == fault["status"]  # type: ignore[attr-defined]


def test_a_timeout_is_model_timeout_error(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    emulator.faults.add(route=CHAT, delay=2.0, times=1)
    with pytest.raises(standard("ModelTimeoutError")) as caught:
        make_llm(timeout=0.2).invoke("hi")
    assert caught.value.is_retryable  # type: ignore[attr-defined]


def test_streams_and_async_calls_map_too(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    rate_limited = standard("ModelRateLimitError")
    llm = make_llm()
    emulator.faults.add(route=CHAT, status=429)
    with pytest.raises(RateLimitError) as sync_stream:
        list(llm.stream("hi"))
    with pytest.raises(RateLimitError) as async_call:
        asyncio.run(llm.ainvoke("hi"))

    async def consume() -> None:
        async for _ in llm.astream("hi"):
            pass

    with pytest.raises(RateLimitError) as async_stream:
        asyncio.run(consume())
    for caught in (sync_stream, async_call, async_stream):
        assert isinstance(caught.value, rate_limited)


def test_an_error_inside_a_stream_maps_by_its_code(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    api_error = standard("ModelAPIError")
    emulator.faults.add(route=CHAT, malformed_chunk=True, times=1)
    with pytest.raises(StreamError) as caught:
        list(make_llm().stream("hi"))
    assert isinstance(caught.value, api_error)


def test_tool_failures_carry_the_standard_error_as_their_cause(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    auth_error = standard("ModelAuthenticationError")
    emulator.faults.add(route="/v1/api/image/*", status=401)
    tool = HunyuanImageGenerationTool(
        api_key=tokenhub_api_key, base_url=emulator.base_url, handle_tool_error=False
    )
    with pytest.raises(ToolException) as caught:
        tool.invoke({"prompt": "a lighthouse"})
    cause = caught.value.__cause__
    assert isinstance(cause, AuthenticationError)
    assert isinstance(cause, auth_error)


def test_embeddings_raise_the_standard_errors_too(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    rate_limited = standard("ModelRateLimitError")
    emulator.faults.add(route="/v1/embeddings", status=429)
    embeddings = HunyuanEmbeddings(
        api_key=tokenhub_api_key, base_url=emulator.base_url, max_retries=0
    )
    with pytest.raises(RateLimitError) as sync_error:
        embeddings.embed_query("hello")
    with pytest.raises(RateLimitError) as async_error:
        asyncio.run(embeddings.aembed_documents(["hello"]))
    for caught in (sync_error, async_error):
        assert isinstance(caught.value, rate_limited)
