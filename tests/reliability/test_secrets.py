"""The key never comes back out, whatever the server echoes (issue point 2).

A hostile or broken server (or a proxy page quoting the request headers) plants the key in
every place an answer can carry text: bodies of every status, headers, stream chunks, malformed
stream lines, in-stream errors, HTTP framing itself, job errors and job result URLs. None of it
may reach an exception (message, args, attributes, traceback), a log, a returned body, a tool's
output or a pickle.
"""

from __future__ import annotations

import json
import logging
import pickle
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from hunyuan_tokenhub import APIError, TokenHubClient, TokenHubError
from hunyuan_tokenhub.jobs import JobClient
from tests.reliability._fault_server import (
    FaultServer,
    Script,
    by_path,
    chat_chunk,
    chat_completion,
    json_response,
    response_bytes,
    send,
    sse_response,
)
from tests.reliability.conftest import API_KEY, CHAT

ECHO = f"Authorization: Bearer {API_KEY}"
HTML_ECHO = f"<html><pre>Request headers:\n{ECHO}\nUser-Agent: x</pre></html>".encode()


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog
    # httpcore's DEBUG trace included: it quotes the raw bytes of a broken answer.
    assert all(API_KEY not in r.getMessage() for r in caplog.get_records("call"))


def exposed_text(value: Any) -> str:
    """Everything a user, a log or a tracer could read from ``value``."""
    if isinstance(value, BaseException):
        parts = [str(value), repr(value), repr(value.args), repr(vars(value))]
        parts.append("".join(traceback.format_exception(value)))
        return "\n".join(parts)
    return f"{value!r}\n{value}"


def assert_no_key(*values: Any) -> None:
    for value in values:
        assert API_KEY not in exposed_text(value)


ERROR_ANSWERS = {
    "200-not-json": response_bytes(200, HTML_ECHO, {"Content-Type": "text/html"}),
    "401-json-message": json_response(
        {"error": {"code": "authentication_error", "message": f"bad key {API_KEY}"}}, 401
    ),
    "502-html-page": response_bytes(502, HTML_ECHO, {"Content-Type": "text/html"}),
    "400-echoing-header": json_response(
        {"error": {"code": "invalid_request_error", "message": "no"}},
        400,
        {"X-Echo-Authorization": f"Bearer {API_KEY}"},
    ),
    "200-json-array": response_bytes(200, json.dumps([ECHO]).encode()),
    "broken-status-line": f"HTTP/1.1 {ECHO}\r\n\r\n".encode(),
    "broken-header": f"HTTP/1.1 200 OK\r\n{API_KEY}\r\n\r\n".encode(),
}


@pytest.mark.parametrize("answer", list(ERROR_ANSWERS.values()), ids=list(ERROR_ANSWERS))
def test_no_key_in_errors_whatever_the_answer(server: FaultServer, answer: bytes) -> None:
    server.script = send(answer)
    with TokenHubClient(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        with pytest.raises(APIError) as caught:
            client.chat_completions(CHAT)
    assert_no_key(caught.value)
    assert "***" in exposed_text(caught.value)  # what the server said is still shown


STREAMS = {
    "malformed-line": sse_response([f"data: {{not json {API_KEY}\n\n", "data: [DONE]\n\n"]),
    "in-stream-error": sse_response(
        [f"data: {json.dumps({'error': {'code': 'authentication_error', 'message': ECHO}})}\n\n"]
    ),
    "unknown-in-stream-error": sse_response(
        [f"data: {json.dumps({'error': {'code': 'x', 'message': ECHO}})}\n\n"]
    ),
    "cut-after-echo": sse_response([chat_chunk(ECHO)])[:-5],
}


@pytest.mark.parametrize("answer", list(STREAMS.values()), ids=list(STREAMS))
def test_no_key_in_stream_errors_or_chunks(server: FaultServer, answer: bytes) -> None:
    server.script = send(answer)
    received: list[dict[str, Any]] = []
    with TokenHubClient(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        with pytest.raises(APIError) as caught:
            received.extend(client.stream_chat_completions(CHAT))
    assert_no_key(caught.value, received)


def test_no_key_in_successful_answers(server: FaultServer) -> None:
    server.script = send(json_response(chat_completion(f"your key is {API_KEY}")))
    with TokenHubClient(api_key=API_KEY, base_url=server.base_url) as client:
        reply = client.chat_completions(CHAT)
        server.script = send(sse_response([chat_chunk(ECHO), "data: [DONE]\n\n"]))
        chunks = list(client.stream_chat_completions(CHAT))
    assert reply["choices"][0]["message"]["content"] == "your key is ***"
    assert chunks[0]["choices"][0]["delta"]["content"] == "Authorization: Bearer ***"


def _job_server(query_answer: dict[str, Any]) -> Script:
    return by_path(
        {
            "/v1/api/image/submit": send(json_response({"id": "job-1", "status": "queued"})),
            "/v1/api/image/query": send(json_response(query_answer)),
        }
    )


JOB_ANSWERS = {
    "failed-with-echo": {
        "id": "job-1",
        "status": "failed",
        "error": {"code": "InvalidParameter", "message": f"rejected {ECHO}"},
    },
    "result-url-with-key": {
        "id": "job-1",
        "status": "completed",
        "data": [{"url": f"https://cdn.example.com/a.png?key={API_KEY}"}],
        "request_id": API_KEY,
    },
}


@pytest.mark.parametrize("answer", list(JOB_ANSWERS.values()), ids=list(JOB_ANSWERS))
def test_no_key_in_job_errors_results_or_what_the_agent_reads(
    server: FaultServer, answer: dict[str, Any]
) -> None:
    from langchain_hunyuan import HunyuanImageGenerationTool

    server.script = _job_server(answer)
    with JobClient(api_key=API_KEY, base_url=server.base_url, poll_interval=0.01) as jobs:
        try:
            outcome: Any = jobs.generate("hy-image-v3.0", prompt="a koi pond")
        except TokenHubError as exc:
            outcome = exc
    tool = HunyuanImageGenerationTool(api_key=API_KEY, base_url=server.base_url, poll_interval=0.01)
    message = tool.invoke(
        {"type": "tool_call", "id": "1", "name": tool.name, "args": {"prompt": "a koi pond"}}
    )
    assert_no_key(outcome, message, message.content, getattr(message, "artifact", None))


def test_no_key_in_pickles() -> None:
    from langchain_hunyuan import ChatHunyuan, HunyuanGenerationToolkit

    for settings in (
        ChatHunyuan(api_key=API_KEY),
        HunyuanGenerationToolkit(
            api_key=API_KEY,
            secret_id=API_KEY,
            secret_key=API_KEY,
            job_slots_url=f"redis://:{API_KEY}@127.0.0.1:1/0",
        ),
    ):
        assert API_KEY.encode() not in pickle.dumps(settings)
