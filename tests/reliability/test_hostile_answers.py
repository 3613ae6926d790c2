"""Broken and hostile answers become typed errors, and a paid result is never lost (issue
points 5, 6 and 7, and the suite's random drops).

The drops are random but seeded: the same cut points every run.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hunyuan_tokenhub import (
    APIConnectionError,
    APIError,
    AsyncTokenHubClient,
    StreamError,
    TokenHubClient,
    TokenHubError,
)
from hunyuan_tokenhub.jobs import DownloadPolicy, JobClient
from tests.reliability._fault_server import (
    FaultServer,
    by_path,
    chat_chunk,
    chat_completion,
    cut,
    json_response,
    response_bytes,
    send,
    sse_response,
)
from tests.reliability.conftest import API_KEY, CHAT

SEED = 20261201
DROPS = 60


# ------------------------------------------------------------------------- random drops

STREAM = sse_response([chat_chunk("a"), chat_chunk("b"), "data: [DONE]\n\n"])
# Past the end of the [DONE] line the stream is complete, whatever follows (point 7).
STREAM_COMPLETE_AT = STREAM.index(b"data: [DONE]\n") + len(b"data: [DONE]\n")
PLAIN = json_response(chat_completion("whole"))


def _drop_outcome(client: TokenHubClient, stream: bool) -> str:
    try:
        if stream:
            chunks = list(client.stream_chat_completions(CHAT))
            assert [c["choices"][0]["delta"]["content"] for c in chunks] == ["a", "b"]
        else:
            assert client.chat_completions(CHAT)["choices"][0]["message"]["content"] == "whole"
    except StreamError:
        return "StreamError"
    except APIConnectionError:
        return "APIConnectionError"
    except APIError:
        return "APIError"
    return "complete"


def test_a_connection_dropped_at_any_byte_gives_the_answer_or_a_typed_error(
    server: FaultServer,
) -> None:
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    with TokenHubClient(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        for _ in range(DROPS):
            stream = rng.random() < 0.5
            answer = STREAM if stream else PLAIN
            # A quarter of the stream cuts fall around the end of [DONE], where the
            # complete/incomplete boundary is.
            near_done = stream and rng.random() < 0.25
            low = STREAM_COMPLETE_AT - 8 if near_done else 0
            at = rng.randrange(low, len(answer) + 1)
            server.script = cut(answer, at)
            outcome = _drop_outcome(client, stream)  # anything else raises and fails the test
            outcomes[outcome] += 1
            complete_at = STREAM_COMPLETE_AT if stream else len(answer)
            assert (outcome == "complete") == (at >= complete_at), (stream, at, outcome)
    assert len(server.requests) == DROPS  # no chat request was sent twice
    assert outcomes["complete"] and sum(outcomes.values()) - outcomes["complete"]


async def test_async_drops_give_the_same_typed_errors(server: FaultServer) -> None:
    rng = random.Random(SEED + 1)
    async with AsyncTokenHubClient(
        api_key=API_KEY, base_url=server.base_url, max_retries=0
    ) as client:
        for _ in range(DROPS // 2):
            at = rng.randrange(
                STREAM_COMPLETE_AT - 8 if rng.random() < 0.25 else 0, len(STREAM) + 1
            )
            server.script = cut(STREAM, at)
            try:
                chunks = [c async for c in client.stream_chat_completions(CHAT)]
            except (StreamError, APIConnectionError):
                assert at < STREAM_COMPLETE_AT
            else:
                assert at >= STREAM_COMPLETE_AT and len(chunks) == 2


# ---------------------------------------------------------------- hostile chat bodies (6)


def _completion_with(message: dict[str, Any]) -> bytes:
    body = chat_completion("x")
    body["choices"][0]["message"] = message
    return json_response(body)


DEEP = 50_000
HOSTILE_COMPLETIONS = {
    "tool_calls-5": _completion_with({"role": "assistant", "tool_calls": 5}),
    "tool_calls-true": _completion_with({"role": "assistant", "tool_calls": True}),
    "tool_calls-abc": _completion_with({"role": "assistant", "tool_calls": "abc"}),
    "tool_calls-[5]": _completion_with({"role": "assistant", "tool_calls": [5]}),
    "function-5": _completion_with({"role": "assistant", "tool_calls": [{"function": 5}]}),
    "message-null": _completion_with(None),  # type: ignore[arg-type]
    "choices-text": json_response({"choices": "x"}),
    "deeply-nested": response_bytes(200, b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    "deeply-nested-list": response_bytes(200, b"[" * DEEP + b"]" * DEEP),
}


@pytest.mark.parametrize(
    "answer", list(HOSTILE_COMPLETIONS.values()), ids=list(HOSTILE_COMPLETIONS)
)
def test_a_malformed_chat_answer_is_a_typed_error_in_every_adapter(
    server: FaultServer, answer: bytes
) -> None:
    from llama_index.core.llms import ChatMessage

    from langchain_hunyuan import ChatHunyuan
    from llama_index_hunyuan import Hunyuan

    server.script = send(answer)
    settings = {"api_key": API_KEY, "base_url": server.base_url, "max_retries": 0}
    with pytest.raises(APIError) as langchain:
        ChatHunyuan(**settings).invoke("hi")
    with pytest.raises(APIError) as llama_index:
        Hunyuan(**settings).chat([ChatMessage(role="user", content="hi")])
    for error in (langchain.value, llama_index.value):
        assert "malformed" in str(error) or "not JSON" in str(error) or "choices" in str(error)


HOSTILE_STREAMS = {
    "delta.tool_calls-5": f"data: {json.dumps({'choices': [{'delta': {'tool_calls': 5}}]})}\n\n",
    "chunk-number": "data: 5\n\n",
    "chunk-array": "data: []\n\n",
    "deeply-nested": "data: " + '{"a":' * DEEP + "1" + "}" * DEEP + "\n\n",
}


@pytest.mark.parametrize("event", list(HOSTILE_STREAMS.values()), ids=list(HOSTILE_STREAMS))
def test_a_malformed_stream_chunk_is_a_stream_error(server: FaultServer, event: str) -> None:
    from langchain_hunyuan import ChatHunyuan

    server.script = send(sse_response([chat_chunk("a"), event, "data: [DONE]\n\n"]))
    llm = ChatHunyuan(api_key=API_KEY, base_url=server.base_url, max_retries=0)
    with pytest.raises(StreamError):
        list(llm.stream("hi"))


# ---------------------------------------------------------------- job answers (5 and 7)

RESULT_URL_PATH = "/files/result.png"


def _job_answers(server: FaultServer, query_body: bytes, job_id: str = "job-1") -> None:
    submit = json.dumps({"id": job_id, "status": "queued"}).encode()
    server.script = by_path(
        {
            "/v1/api/image/submit": send(response_bytes(200, submit)),
            "/v1/api/image/query": send(response_bytes(200, query_body)),
            RESULT_URL_PATH: send(response_bytes(200, b"\x89PNG", {"Content-Type": "image/png"})),
        }
    )


def _completed(server: FaultServer, **fields: str) -> bytes:
    """A completed query answer with raw JSON ``fields`` (numbers JSON cannot spell in Python)."""
    url = json.dumps(server.url(RESULT_URL_PATH))
    extra = "".join(f', "{name}": {value}' for name, value in fields.items())
    return f'{{"id": "job-1", "status": "completed", "data": [{{"url": {url}}}]{extra}}}'.encode()


MALFORMED_NUMBERS = {
    "completed_at-microseconds": {"completed_at": "1764547200123456"},
    "completed_at-nan": {"completed_at": "NaN"},
    "completed_at-inf": {"completed_at": "1e400"},
    "completed_at-text": {"completed_at": '"yesterday"'},
    "created_at-negative-infinity": {"created_at": "-Infinity"},
    "progress-inf-text": {"progress": '"inf"'},
    "progress-huge": {"progress": "1e400"},
}


@pytest.mark.parametrize("fields", list(MALFORMED_NUMBERS.values()), ids=list(MALFORMED_NUMBERS))
def test_a_malformed_number_never_costs_the_result(
    server: FaultServer, fields: dict[str, str]
) -> None:
    from langchain_hunyuan import HunyuanImageGenerationTool

    _job_answers(server, _completed(server, **fields))
    with JobClient(api_key=API_KEY, base_url=server.base_url, poll_interval=0.01) as jobs:
        result = jobs.generate("hy-image-v3.0", prompt="a koi pond")
    assert result.urls == [server.url(RESULT_URL_PATH)]
    tool = HunyuanImageGenerationTool(api_key=API_KEY, base_url=server.base_url, poll_interval=0.01)
    text = asyncio.run(tool.ainvoke({"prompt": "a koi pond"}))
    assert server.url(RESULT_URL_PATH) in text


def test_a_progress_that_is_no_number_is_dropped_while_polling(server: FaultServer) -> None:
    running = b'{"id": "job-1", "status": "in_progress", "progress": 1e400}'
    _job_answers(server, running)
    with JobClient(api_key=API_KEY, base_url=server.base_url) as jobs:
        status = jobs.query_job("job-1", model="hy-image-v3.0")
    assert (status.state, status.progress) == ("in_progress", None)


@pytest.mark.parametrize("job_id", ["-rf", "--help", "-", "_-x", "../../-etc"])
def test_downloaded_file_names_never_begin_with_a_dash(
    server: FaultServer, tmp_path: Path, job_id: str
) -> None:
    _job_answers(server, _completed(server), job_id=job_id)
    with JobClient(
        api_key=API_KEY,
        base_url=server.base_url,
        poll_interval=0.01,
        download_policy=DownloadPolicy(allow_loopback_http=True),
    ) as jobs:
        result = jobs.generate("hy-image-v3.0", prompt="a koi pond")
        (path,) = jobs.download(result, tmp_path)
    assert path.parent == tmp_path.resolve()
    assert not path.name.startswith("-")
    assert path.read_bytes() == b"\x89PNG"


def test_every_failure_of_a_tool_reaches_the_agent_as_text(server: FaultServer) -> None:
    # Whatever the server does, the agent reads a message; nothing escapes the tool.
    from langchain_hunyuan import HunyuanImageGenerationTool

    tool = HunyuanImageGenerationTool(
        api_key=API_KEY, base_url=server.base_url, poll_interval=0.01, max_concurrent_jobs=1
    )
    for answer in (b"not json", b"[1]", b'{"status": "completed", "data": 5}', b'{"a":' * DEEP):
        _job_answers(server, answer)
        message = tool.invoke(
            {"type": "tool_call", "id": "1", "name": tool.name, "args": {"prompt": "x"}}
        )
        assert isinstance(message.content, str) and message.content
    with pytest.raises(TokenHubError):
        # Outside a tool, the same answer is a typed error.
        with JobClient(api_key=API_KEY, base_url=server.base_url) as jobs:
            jobs.query_job("job-1", model="hy-image-v3.0")
