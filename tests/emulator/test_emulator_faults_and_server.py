"""Fault injection, request recording, host failover support, extension routes and the server's
life cycle (keep-alive, concurrency, clean shutdown, CLI)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from hunyuan_tokenhub.emulator import (
    CHAT_ROUTE,
    EmulatorRequest,
    EmulatorResponse,
    TokenHubEmulator,
    json_response,
)
from tests.emulator._emulator_support import CHAT_MODEL, chat, error_of, user

HI = {"model": CHAT_MODEL, "messages": [user("one two three four five six")]}


def stream_lines(client: httpx.Client) -> list[str]:
    lines: list[str] = []
    with client.stream("POST", "/chat/completions", json={**HI, "stream": True}) as response:
        assert response.status_code == 200
        lines.extend(line for line in response.iter_lines() if line)
    return lines


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "403002"),
        (429, "429006"),
        (500, "engine_server_error"),
        (502, "engine_server_error"),
        (503, "service_unavailable"),
    ],
)
def test_status_faults_use_the_documented_error_shape(
    emu: TokenHubEmulator, client: httpx.Client, status: int, code: str
) -> None:
    emu.faults.add(route=CHAT_ROUTE, status=status, times=1)

    response = client.post("/chat/completions", json=HI)
    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert client.post("/chat/completions", json=HI).status_code == 200


def test_retry_after_times_and_hits(emu: TokenHubEmulator, client: httpx.Client) -> None:
    fault = emu.faults.add(route=CHAT_ROUTE, status=429, retry_after=0.01, times=2)

    first, second, third = (client.post("/chat/completions", json=HI) for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "0.01"
    assert fault.hits == 2 and len(emu.faults) == 0


def test_faults_filter_by_host_model_and_route_prefix(
    emu: TokenHubEmulator, client: httpx.Client, tokenhub_api_key: str
) -> None:
    emu.faults.add(route=CHAT_ROUTE, status=503, host="primary")
    emu.faults.add(route="/v1/api/*", status=500, model="hy-video-1.5")

    assert client.post("/chat/completions", json=HI).status_code == 503
    backup = httpx.post(
        f"{emu.backup_base_url}/chat/completions",
        json=HI,
        headers={"Authorization": f"Bearer {tokenhub_api_key}"},
    )
    assert backup.status_code == 200
    assert (
        client.post("/api/video/submit", json={"model": "hy-video-1.5", "prompt": "x"}).status_code
        == 500
    )
    assert (
        client.post("/api/3d/submit", json={"model": "hy-3d-3.0", "prompt": "x"}).status_code == 200
    )
    emu.faults.clear()
    assert client.post("/chat/completions", json=HI).status_code == 200


def test_fault_body_replaces_the_error_body(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.faults.add(route=CHAT_ROUTE, status=502, body="<html>Bad Gateway</html>", times=1)
    emu.faults.add(route=CHAT_ROUTE, status=400, body={"error": "custom"}, times=1)

    html = client.post("/chat/completions", json=HI)
    assert html.status_code == 502 and html.text == "<html>Bad Gateway</html>"
    assert client.post("/chat/completions", json=HI).json() == {"error": "custom"}


def test_delay_then_normal_answer(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.faults.add(route=CHAT_ROUTE, delay=0.3, times=1)

    with pytest.raises(httpx.ReadTimeout):
        client.post("/chat/completions", json=HI, timeout=0.05)
    assert client.post("/chat/completions", json=HI).status_code == 200


def test_drop_connection_sends_nothing(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.faults.add(route=CHAT_ROUTE, drop_connection=True, times=1)

    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/chat/completions", json=HI)
    assert client.post("/chat/completions", json=HI).status_code == 200
    assert emu.requests[0].status is None and emu.requests[1].status == 200


def test_drop_mid_stream_cuts_the_stream_without_done(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.faults.add(route=CHAT_ROUTE, drop_mid_stream=True, after_chunks=2, times=1)

    lines: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError):
        with client.stream("POST", "/chat/completions", json={**HI, "stream": True}) as response:
            lines.extend(line for line in response.iter_lines() if line)
    assert [line.startswith("data: {") for line in lines] == [False, True, True]


def test_drop_mid_stream_truncates_a_plain_body(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.faults.add(route=CHAT_ROUTE, drop_mid_stream=True, times=1)

    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/chat/completions", json=HI)


def test_malformed_chunk_is_the_seeds_broken_chunk(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.faults.add(route=CHAT_ROUTE, malformed_chunk=True, times=1)

    lines = stream_lines(client)
    chunk_id = json.loads(lines[1][6:])["id"]
    assert lines[-2] == (
        f'data: {{"id":"{chunk_id}","choices":[{{"index":0,"delta":{{"}},"finish_reason":"stop"}}]}}'
    )
    assert lines[-1] == "data: [DONE]"
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[-2][6:])


def test_stream_only_faults_skip_plain_requests(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    fault = emu.faults.add(route=CHAT_ROUTE, malformed_chunk=True, times=1)

    assert client.post("/chat/completions", json=HI).status_code == 200
    assert fault.hits == 0


def test_stream_error_sends_an_error_object(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.faults.add(
        route=CHAT_ROUTE,
        stream_error={"message": "overloaded", "code": "service_unavailable"},
        after_chunks=2,
        times=1,
    )

    lines = stream_lines(client)
    data = [json.loads(line[6:]) for line in lines if line.startswith("data: ")]
    assert len(data) == 3 and "choices" in data[0] and "choices" in data[1]
    assert data[2] == {
        "error": {
            "message": "overloaded",
            "message_zh": "overloaded",
            "code": "service_unavailable",
            "type": "engine_server_error",
            "source": "upstream",
            "request_id": data[2]["error"]["request_id"],
        }
    }


def test_rate_limit_inside_a_stream_has_the_gateway_shape(
    emu: TokenHubEmulator, client: httpx.Client
) -> None:
    emu.faults.add(
        route=CHAT_ROUTE,
        stream_error={"type": "rate_limit_error", "code": "429006", "source": "gateway"},
        after_chunks=1,
    )

    lines = stream_lines(client)
    error = json.loads(lines[-1][6:])["error"]
    assert (error["type"], error["code"], error["source"]) == (
        "rate_limit_error",
        "429006",
        "gateway",
    )
    assert error["request_id"]


def test_requests_are_recorded(emu: TokenHubEmulator, client: httpx.Client) -> None:
    chat(client, messages=[user("hi")])
    client.post("/chat/completions", json=HI, headers={"X-Trace": "t1"})

    first, second = emu.requests
    assert first.method == "POST" and first.path == CHAT_ROUTE and first.host == "primary"
    assert first.json["messages"] == [user("hi")]
    assert first.headers["authorization"] == "Bearer test-key"
    assert second.headers["x-trace"] == "t1" and second.status == 200
    assert first.time <= second.time
    assert emu.requests.filter(CHAT_ROUTE, host="primary") == [first, second]
    emu.requests.clear()
    assert len(emu.requests) == 0


def test_unreachable_url_refuses_connections(emu: TokenHubEmulator) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{emu.unreachable_base_url}/chat/completions", json=HI)


def test_host_can_go_down_and_come_back(emu: TokenHubEmulator, client: httpx.Client) -> None:
    port_url = emu.base_url
    assert client.post("/chat/completions", json=HI).status_code == 200

    emu.set_reachable("primary", False)
    with pytest.raises((httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)):
        client.post("/chat/completions", json=HI)
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{port_url}/chat/completions", json=HI)

    emu.set_reachable("primary", True)
    assert emu.base_url == port_url
    assert client.post("/chat/completions", json=HI).status_code == 200


def test_register_route_extends_both_hosts(emu: TokenHubEmulator) -> None:
    def legacy_query(request: EmulatorRequest) -> EmulatorResponse:
        if request.headers.get("authorization") != "sk-legacy":
            return json_response({"Response": {"Error": {"Code": "AuthFailure"}}})
        body = request.json_object()
        return json_response({"job": request.params["job"], "echo": body, "host": request.host})

    emu.register_route("POST", "/v1/aiart/{job}/query", legacy_query, auth=False)

    for base in (emu.root_url, emu.backup_root_url):
        reply = httpx.post(
            f"{base}/v1/aiart/7/query", json={"a": 1}, headers={"Authorization": "sk-legacy"}
        ).json()
        assert reply["job"] == "7" and reply["echo"] == {"a": 1}
    assert reply["host"] == "backup"
    denied = httpx.post(f"{emu.root_url}/v1/aiart/7/query", json={})
    assert denied.json()["Response"]["Error"]["Code"] == "AuthFailure"


def test_handler_crash_is_a_500_not_a_hang(emu: TokenHubEmulator) -> None:
    def broken(request: EmulatorRequest) -> EmulatorResponse:
        raise RuntimeError("bug")

    emu.register_route("GET", "/broken", broken, auth=False)

    response = httpx.get(f"{emu.root_url}/broken")
    assert response.status_code == 500
    assert error_of(response)["code"] == "engine_server_error"


def test_keep_alive_reuses_one_connection(emu: TokenHubEmulator, client: httpx.Client) -> None:
    ports = set()
    for _ in range(5):
        with client.stream("POST", "/chat/completions", json=HI) as response:
            response.read()
            stream = response.extensions["network_stream"]
            ports.add(stream.get_extra_info("socket").getsockname()[1])
    assert len(ports) == 1


def test_many_concurrent_connections(emu: TokenHubEmulator, tokenhub_api_key: str) -> None:
    headers = {"Authorization": f"Bearer {tokenhub_api_key}"}
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    with httpx.Client(base_url=emu.base_url, headers=headers, limits=limits, timeout=30) as http:

        def one(index: int) -> int:
            return http.post("/chat/completions", json={**HI, "stream": index % 2 == 0}).status_code

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200


def test_hundreds_of_simultaneous_connections(emu: TokenHubEmulator) -> None:
    body = json.dumps(HI).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer test-key"
        b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)
    )
    port = int(emu.root_url.rsplit(":", 1)[1])
    # 400 connections, each open on both sides, stay below a 1024 file-descriptor limit.

    async def one() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        status_line = await reader.readline()
        writer.close()
        return status_line

    async def all_at_once() -> list[bytes]:
        return await asyncio.gather(*(one() for _ in range(400)))

    assert set(asyncio.run(all_at_once())) == {b"HTTP/1.1 200 OK\r\n"}


def test_clean_shutdown_leaves_no_threads(tokenhub_api_key: str) -> None:
    baseline = threading.active_count()
    with TokenHubEmulator(api_key=tokenhub_api_key) as emu:
        headers = {"Authorization": f"Bearer {tokenhub_api_key}"}
        held = httpx.Client(base_url=emu.base_url, headers=headers)
        held.post("/chat/completions", json=HI)  # leaves an idle keep-alive connection open
        emu.faults.add(route=CHAT_ROUTE, delay=30, times=1)
        errors: list[Exception] = []

        def call_held() -> None:
            try:
                held.post("/chat/completions", json=HI)
            except httpx.HTTPError as exc:
                errors.append(exc)

        waiter = threading.Thread(target=call_held)
        waiter.start()
        while not any(r for r in emu.requests if r.status is None):
            threading.Event().wait(0.01)
    waiter.join(5)
    held.close()
    assert not waiter.is_alive()
    assert len(errors) == 1, "the in-flight request must fail, not hang"
    assert threading.active_count() == baseline
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{emu.base_url}/chat/completions", json=HI)


def test_restart_after_stop(tokenhub_api_key: str) -> None:
    emu = TokenHubEmulator()
    emu.start()
    emu.stop()
    emu.start()
    try:
        reply = httpx.post(
            f"{emu.base_url}/chat/completions", json=HI, headers={"Authorization": "Bearer k"}
        )
        assert reply.status_code == 200
    finally:
        emu.stop()


def test_command_line_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "hunyuan_tokenhub.emulator", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        base_url = first.rsplit(" ", 1)[-1]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        reply = httpx.post(
            f"{base_url}/chat/completions", json=HI, headers={"Authorization": "Bearer cli-key"}
        )
        assert reply.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_faults_apply_to_paths_without_a_route(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.faults.add(route="/v1/nothing-here", status=503, times=1)

    assert client.get("/nothing-here").status_code == 503
    assert client.get("/nothing-here").status_code == 404


def test_request_log_can_be_capped(tokenhub_api_key: str) -> None:
    with TokenHubEmulator(max_recorded_requests=2) as emu:
        for _ in range(3):
            httpx.post(f"{emu.base_url}/nowhere", json={})
        assert len(emu.requests) == 2
        assert emu.requests[:1] == [emu.requests[0]]


def test_stream_delay_paces_events(emu: TokenHubEmulator, client: httpx.Client) -> None:
    emu.stream_delay = 0.5
    received: list[str] = []

    with pytest.raises(httpx.ReadTimeout):
        with client.stream(
            "POST", "/chat/completions", json={**HI, "stream": True}, timeout=0.2
        ) as response:
            received.extend(line for line in response.iter_lines() if line)
    assert received == [": keep-alive"]


def test_idle_keep_alive_connections_are_closed(emu: TokenHubEmulator) -> None:
    emu.idle_timeout = 0.05
    port = int(emu.root_url.rsplit(":", 1)[1])
    body = json.dumps(HI).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer test-key"
        b"\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)
    )

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        reader = sock.makefile("rb")
        assert reader.readline() == b"HTTP/1.1 200 OK\r\n"
        headers = {}
        while (line := reader.readline()) != b"\r\n":
            name, _, value = line.decode().partition(":")
            headers[name.lower()] = value.strip()
        assert json.loads(reader.read(int(headers["content-length"])))["choices"]
        # Nothing more is sent; the server then closes the idle connection (EOF, not a hang).
        assert reader.read(1) == b""


def test_malformed_http_is_a_400_not_a_crash(emu: TokenHubEmulator, client: httpx.Client) -> None:
    port = int(emu.root_url.rsplit(":", 1)[1])
    for garbage in (b"NONSENSE\r\n\r\n", b"GET / HTTP/1.1\r\n" + b"x" * (2 << 20) + b"\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(garbage)
            assert sock.makefile("rb").readline().startswith(b"HTTP/1.1 400")
    assert client.post("/chat/completions", json=HI).status_code == 200
