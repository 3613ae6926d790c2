"""What people bring from OpenAILike: its argument names, and n refused before sending."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from llama_index.core.llms import ChatMessage

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import API_KEY, chat_bodies

MakeLLM = Callable[..., Hunyuan]


def test_openai_like_names_are_accepted_and_survive_a_round_trip(
    emulator: TokenHubEmulator,
) -> None:
    llm = Hunyuan(api_key=API_KEY, api_base=emulator.base_url, request_timeout=7)
    assert (llm.base_url, llm.timeout) == (emulator.base_url, 7)
    copy = Hunyuan.from_dict({**llm.to_dict(), "api_key": API_KEY})
    assert (copy.base_url, copy.timeout) == (emulator.base_url, 7)
    assert llm.complete("hi").text


def test_several_choices_are_refused_before_sending(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError, match="n: got 2"):
        make_llm(additional_kwargs={"n": 2})
    sent = len(chat_bodies(emulator))
    with pytest.raises(InvalidParameterError, match="send several requests"):
        make_llm().chat([ChatMessage(role="user", content="hi")], n=2)
    assert len(chat_bodies(emulator)) == sent


def test_logprobs_are_surfaced_when_the_server_sends_them(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    top = [{"token": "2", "logprob": -0.01, "bytes": [50]}, {"token": "二", "logprob": -4.6}]
    body = {
        "id": "c1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "2"},
                "logprobs": {"content": [{"token": "2", "logprob": -0.01, "top_logprobs": top}]},
                "finish_reason": "stop",
            }
        ],
    }
    emulator.faults.add(route="/v1/chat/completions", status=200, times=1, body=body)
    response = make_llm().chat([ChatMessage(role="user", content="1+1?")], logprobs=True)

    assert response.logprobs is not None
    assert [
        [(p.token, p.logprob, p.bytes) for p in position] for position in response.logprobs
    ] == [[("2", -0.01, [50]), ("二", -4.6, [])]]
    assert chat_bodies(emulator)[-1]["logprobs"] is True
    assert make_llm().chat([ChatMessage(role="user", content="hi")]).logprobs is None
