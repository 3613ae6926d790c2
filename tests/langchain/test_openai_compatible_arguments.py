"""What people bring from ChatOpenAI: its argument names, token_usage, logprobs, n."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import chat_bodies, last_body

MakeLLM = Callable[..., ChatHunyuan]
CHAT = "/v1/chat/completions"


def test_chat_openai_names_are_accepted(emulator: TokenHubEmulator, tokenhub_api_key: str) -> None:
    key = tokenhub_api_key
    llm = ChatHunyuan(api_key=key, api_base=emulator.base_url, request_timeout=7)
    assert (llm.base_url, llm.timeout) == (emulator.base_url, 7)
    assert ChatHunyuan(api_key=key, openai_api_base=emulator.base_url).base_url == (
        emulator.base_url
    )
    assert llm.model_copy(update={"request_timeout": 3}).timeout == 3
    assert llm.invoke("hi").content


def test_token_usage_is_the_servers_usage_object(make_llm: MakeLLM) -> None:
    reply = make_llm().invoke("计算 1+1")
    usage = reply.response_metadata["token_usage"]
    assert usage["prompt_tokens"] == reply.usage_metadata["input_tokens"]  # type: ignore[index]
    assert usage["completion_tokens"] == reply.usage_metadata["output_tokens"]  # type: ignore[index]
    assert usage["total_tokens"] == reply.usage_metadata["total_tokens"]  # type: ignore[index]


def test_logprobs_are_surfaced_when_the_server_sends_them(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    logprobs = {"content": [{"token": "2", "logprob": -0.01, "bytes": [50], "top_logprobs": []}]}
    body = {
        "id": "c1",
        "object": "chat.completion",
        "model": "deepseek-v3.2",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "2"},
                "logprobs": logprobs,
                "finish_reason": "stop",
            }
        ],
    }
    emulator.faults.add(route=CHAT, status=200, times=1, body=body)
    reply = make_llm(model="deepseek-v3.2").invoke("1+1?", logprobs=True)
    assert reply.response_metadata["logprobs"] == logprobs
    assert last_body(emulator)["logprobs"] is True
    assert "logprobs" not in make_llm().invoke("hi").response_metadata


@pytest.mark.parametrize("where", ["constructor", "call"])
def test_several_choices_are_refused_before_sending(
    make_llm: MakeLLM, emulator: TokenHubEmulator, where: str
) -> None:
    sent = len(chat_bodies(emulator))
    with pytest.raises(ValueError, match=r"n: got 2; for several answers, send several requests"):
        if where == "constructor":
            make_llm(model_kwargs={"n": 2})
        else:
            make_llm().invoke("hi", n=2)
    assert len(chat_bodies(emulator)) == sent
    with pytest.raises(InvalidParameterError):
        make_llm().invoke("hi", n=3)
    make_llm().invoke("hi", n=1)
