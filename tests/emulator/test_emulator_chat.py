"""Chat completions: the documented shapes (https://cloud.tencent.com/document/product/1823/130079, 示例 1-5), streaming, reasoning, limits."""

from __future__ import annotations

import json

import httpx

from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.emulator._emulator_support import (
    CHAT_MODEL,
    THINKING_MODEL,
    chat,
    sse_chunks,
    sse_lines,
    user,
)


def test_plain_completion_has_the_documented_shape(client: httpx.Client) -> None:
    response = chat(client, messages=[user("你好,请介绍一下你自己")])

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "object", "created", "model", "choices", "usage"}
    assert body["object"] == "chat.completion"
    assert body["model"] == CHAT_MODEL
    assert isinstance(body["created"], int)
    [choice] = body["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    # Nothing to answer from: the stand-in says what it is, naming the model it stands in for.
    assert choice["message"]["content"].startswith(
        f"[TokenHub emulator: a rule-based stand-in for {CHAT_MODEL}, not a language model] "
        "Nothing I was given answers this (about: 介绍 自己)."
    )
    usage = body["usage"]
    assert set(usage) == {
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "prompt_tokens_details",
        "completion_tokens_details",
    }
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens_details"] == {"cached_token": 0}
    assert usage["completion_tokens_details"] == {"reasoning_tokens": 0}
    assert response.headers["x-request-id"]


def test_answers_are_deterministic(client: httpx.Client) -> None:
    messages = [{"role": "system", "content": "只返回翻译结果"}, user("今天天气真好")]
    first = chat(client, messages=messages, seed=7, temperature=1.3).json()
    second = chat(client, messages=messages, seed=7, temperature=1.3).json()

    assert first["choices"] == second["choices"]
    assert first["id"] != second["id"]


def test_multi_turn_answers_the_latest_user_message(client: httpx.Client) -> None:
    messages = [
        user("请介绍一下量子计算"),
        {"role": "assistant", "content": "量子计算是一种利用量子力学原理进行信息处理的计算方式..."},
        user("它和传统计算有什么区别? "),
    ]
    body = chat(client, messages=messages).json()

    content = body["choices"][0]["message"]["content"]
    about = content.split("(about: ", 1)[1].split(")", 1)[0]
    assert {"传统", "区别"} <= set(about.split())  # the latest question, not the first
    assert "量子" not in content


def test_repeated_prefix_reports_cached_tokens(client: httpx.Client) -> None:
    history = [user("hello there"), {"role": "assistant", "content": "hi"}]
    chat(client, messages=[*history, user("first")])
    usage = chat(client, messages=[*history, user("second")]).json()["usage"]

    assert 0 < usage["prompt_tokens_details"]["cached_token"] < usage["prompt_tokens"]


def test_stream_reproduces_the_seed_example(client: httpx.Client) -> None:
    lines = sse_lines(
        client,
        model="hunyuan-2.0-instruct-20251111",
        messages=[{"role": "system", "content": "你是一个有帮助的 AI 助手。"}, user("计算 1+1")],
    )

    assert lines[0] == ": keep-alive"
    chunks = [json.loads(line[6:]) for line in lines[1:-1]]
    assert lines[-1] == "data: [DONE]"
    assert all(set(chunk) == {"id", "choices"} for chunk in chunks)
    assert len({chunk["id"] for chunk in chunks}) == 1
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert deltas[0] == {"role": "assistant", "content": "1"}
    assert [d.get("content") for d in deltas[1:-1]] == ["+", "1", "=", "2"]
    assert chunks[-1]["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])


def test_stream_usage_only_with_include_usage(client: httpx.Client) -> None:
    plain = sse_chunks(client, messages=[user("2*21")])
    with_usage = sse_chunks(client, messages=[user("2*21")], stream_options={"include_usage": True})

    assert not any("usage" in chunk for chunk in plain)
    assert len(with_usage) == len(plain) + 1
    last = with_usage[-1]
    assert last["choices"] == []
    assert last["usage"]["completion_tokens"] == len(plain) - 1
    assert last["usage"]["total_tokens"] == (
        last["usage"]["prompt_tokens"] + last["usage"]["completion_tokens"]
    )


def test_thinking_model_returns_reasoning_plain_and_streamed(client: httpx.Client) -> None:
    body = chat(client, model=THINKING_MODEL, messages=[user("3+4")]).json()
    message = body["choices"][0]["message"]

    assert message["content"] == "3+4=7"
    assert message["reasoning_content"].startswith("The user asked: 3+4")
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    assert (
        body["usage"]["completion_tokens"]
        > body["usage"]["completion_tokens_details"]["reasoning_tokens"]
    )

    chunks = sse_chunks(
        client,
        model=THINKING_MODEL,
        messages=[user("3+4")],
        stream_options={"include_usage": True},
    )
    first = chunks[0]["choices"][0]["delta"]
    assert first["role"] == "assistant" and first["reasoning_content"]
    reasoning = "".join(c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks[:-1])
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    assert reasoning == message["reasoning_content"]
    assert content == "3+4=7"
    streamed_usage = chunks[-1]["usage"]
    assert streamed_usage["completion_tokens"] == body["usage"]["completion_tokens"]
    assert streamed_usage["completion_tokens_details"] == body["usage"]["completion_tokens_details"]
    # The identical prompt was sent a moment ago, so all of it now counts as cached.
    assert streamed_usage["prompt_tokens_details"]["cached_token"] == body["usage"]["prompt_tokens"]


def test_instruct_model_has_no_reasoning_content(client: httpx.Client) -> None:
    message = chat(client, messages=[user("hi")]).json()["choices"][0]["message"]

    assert "reasoning_content" not in message


def test_max_tokens_truncates_with_finish_reason_length(client: httpx.Client) -> None:
    body = chat(client, messages=[user("计算 12+11")], max_tokens=3).json()

    assert body["choices"][0]["message"]["content"] == "12+11"
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 3


def test_stop_sequence_cuts_before_the_match(client: httpx.Client) -> None:
    body = chat(client, messages=[user("计算 12+11")], stop=["=2"]).json()

    assert body["choices"][0]["message"]["content"] == "12+11"
    assert body["choices"][0]["finish_reason"] == "stop"


def test_json_mode_returns_the_requested_keys(client: httpx.Client) -> None:
    text = "Tell me a joke. Return JSON with 'setup' and 'punchline' keys."
    body = chat(client, messages=[user(text)], response_format={"type": "json_object"}).json()

    assert set(json.loads(body["choices"][0]["message"]["content"])) == {"setup", "punchline"}


def test_json_schema_response_format(client: httpx.Client) -> None:
    schema = {
        "type": "object",
        "properties": {"rating": {"type": "integer", "minimum": 1, "maximum": 5}},
        "required": ["rating"],
    }
    body = chat(
        client,
        messages=[user("rate it 9")],
        response_format={"type": "json_schema", "json_schema": {"name": "r", "schema": schema}},
    ).json()

    assert json.loads(body["choices"][0]["message"]["content"]) == {"rating": 5}


def test_quirk_cached_tokens_plural_and_openai_chunk_fields(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    headers = {"X-Emulator-Quirks": "cached_tokens_plural"}
    usage = client.post(
        "/chat/completions",
        json={"model": CHAT_MODEL, "messages": [user("hi")]},
        headers=headers,
    ).json()["usage"]
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0}

    emu.set_quirks(["openai_chunk_fields"])
    chunk = sse_chunks(client, messages=[user("hi")])[0]
    assert chunk["object"] == "chat.completion.chunk"
    assert chunk["model"] == CHAT_MODEL and isinstance(chunk["created"], int)


def test_usage_every_chunk_quirk_is_cumulative(client: httpx.Client) -> None:
    client.headers["X-Emulator-Quirks"] = "usage_every_chunk"
    chunks = sse_chunks(client, messages=[user("a b c")])

    produced = [chunk["usage"]["completion_tokens"] for chunk in chunks]
    assert produced == sorted(produced)
    assert produced[0] == 1
    assert chunks[-1]["usage"]["total_tokens"] == (
        chunks[-1]["usage"]["prompt_tokens"] + produced[-1]
    )


def test_separate_role_and_empty_choices_quirks(client: httpx.Client) -> None:
    client.headers["X-Emulator-Quirks"] = "separate_role_chunk, empty_choices_chunk"
    chunks = sse_chunks(client, messages=[user("1+2")])

    assert chunks[0]["choices"] == []
    assert chunks[1]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all("role" not in c["choices"][0]["delta"] for c in chunks[2:])
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[1:]) == "1+2=3"


def test_answers_from_the_context_it_is_given(client: httpx.Client) -> None:
    system = (
        "Answer using only the context below and cite the sources.\n\nContext:\n"
        "[hosts.md] The international site is tokenhub-intl.tencentmaas.com. Its backup host is "
        "tokenhub-intl.tencentmaas.cn.\n\n"
        "[jobs.md] Image result URLs stay valid for 1 hour. Video and 3D URLs stay valid for 24 "
        "hours."
    )
    body = chat(
        client,
        messages=[{"role": "system", "content": system}, user("How long do image URLs stay valid?")],
    ).json()

    assert body["choices"][0]["message"]["content"] == (
        "Image result URLs stay valid for 1 hour. [jobs.md]"
    )


def test_a_fact_from_earlier_in_the_conversation_answers_a_later_question(
    client: httpx.Client,
) -> None:
    messages = [
        user("My favourite colour is teal."),
        {"role": "assistant", "content": "Noted."},
        user("What is my favourite colour?"),
    ]
    body = chat(client, messages=messages).json()

    assert body["choices"][0]["message"]["content"] == "My favourite colour is teal."
