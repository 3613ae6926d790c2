"""Downloads never reach internal addresses (issue point 4).

Result URLs come from the server (and through the tools' ``download_dir``, from an agent's
run): a URL, a redirect or a DNS answer pointing into the user's network must be refused
before any connection, and the connection must go to the very address that was checked.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from hunyuan_tokenhub import APIError, InvalidParameterError
from hunyuan_tokenhub._network import guard_pools, guarded
from hunyuan_tokenhub.jobs import DownloadPolicy, JobAsset, JobResult, adownload, download
from tests.reliability._fault_server import (
    FaultServer,
    by_path,
    json_response,
    response_bytes,
    send,
)
from tests.reliability.conftest import API_KEY

PUBLIC = "93.184.216.34"
INTERNAL = [
    "169.254.169.254",  # cloud metadata
    "169.254.0.23",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "0.0.0.0",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",
    "240.0.0.1",
    "[fd00::1]",
    "[fe80::1]",
    "[::1]",
    "[::]",
    "[ff02::1]",
    "[::ffff:10.0.0.1]",  # IPv4-mapped
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "[2002:a00:1::1]",  # 6to4 of 10.0.0.1
]


def _result(url: str) -> JobResult:
    return JobResult(
        job_id="job", model="hy-image-v3.0", kind="image", assets=[JobAsset(url=url, kind="image")]
    )


@pytest.fixture(autouse=True)
def serve_a_file(server: FaultServer) -> None:
    server.script = by_path(
        {"/file.png": send(response_bytes(200, b"PNG", {"Content-Type": "image/png"}))}
    )


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names answered by a fake DNS (each lookup pops the next answer); counts lookups."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host in answers:
            address = answers[host].pop(0)
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.parametrize("host", INTERNAL)
def test_urls_with_internal_addresses_are_refused_before_any_request(
    host: str, tmp_path: Path
) -> None:
    for policy in (DownloadPolicy(), DownloadPolicy(allow_loopback_http=True)):
        if policy.allow_loopback_http and host in ("127.0.0.1", "[::1]"):
            continue  # the emulator's case: loopback explicitly allowed
        with pytest.raises(InvalidParameterError, match="refusing to download"):
            download(_result(f"https://{host}/latest/meta-data"), tmp_path, policy=policy)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("address", ["10.0.0.7", "169.254.169.254", "127.0.0.1", "fd00::7"])
def test_host_names_resolving_to_internal_addresses_are_refused(
    resolver: dict[str, list[str]], tmp_path: Path, address: str
) -> None:
    resolver["cdn.example.com"] = [address]
    with pytest.raises(InvalidParameterError, match=f"{address} is a"):
        download(_result("https://cdn.example.com/a.png"), tmp_path)
    assert resolver["cdn.example.com"] == []  # it was resolved once, then refused


def test_names_that_spell_a_loopback_address_are_refused(tmp_path: Path) -> None:
    # 2130706433 == 127.0.0.1; the system resolver accepts such spellings.
    for host in ("2130706433", "0x7f.1", "localhost"):
        with pytest.raises(InvalidParameterError, match="loopback"):
            download(_result(f"https://{host}/a.png"), tmp_path)


async def test_the_async_download_checks_the_same(
    resolver: dict[str, list[str]], tmp_path: Path
) -> None:
    resolver["cdn.example.com"] = ["10.9.8.7"]
    with pytest.raises(InvalidParameterError, match="private"):
        await adownload(_result("https://cdn.example.com/a.png"), tmp_path)


REDIRECTS = [
    "http://169.254.169.254/latest/meta-data/iam",
    "https://169.254.169.254/latest/meta-data/iam",
    "https://10.0.0.1/x.png",
    "https://[::ffff:192.168.0.1]/x.png",
    "https://internal.example/x.png",  # resolves to a private address
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
]


@pytest.mark.parametrize("target", REDIRECTS)
def test_every_redirect_is_checked_again(
    server: FaultServer, resolver: dict[str, list[str]], tmp_path: Path, target: str
) -> None:
    resolver["internal.example"] = ["10.20.30.40"]
    server.script = send(response_bytes(302, b"", {"Location": target}))
    policy = DownloadPolicy(allow_loopback_http=True)
    with pytest.raises(InvalidParameterError, match="refusing"):
        download(_result(server.url("/start.png")), tmp_path, policy=policy)
    assert [r.path for r in server.requests] == ["/start.png"]
    assert not any(tmp_path.iterdir())


def test_a_redirect_loop_ends(server: FaultServer, tmp_path: Path) -> None:
    server.script = send(response_bytes(302, b"", {"Location": "/again.png"}))
    with pytest.raises(APIError, match="redirects"):
        download(
            _result(server.url("/a.png")), tmp_path, policy=DownloadPolicy(allow_loopback_http=True)
        )
    assert len(server.requests) == 6


def test_the_connection_goes_to_the_checked_address(
    server: FaultServer, resolver: dict[str, list[str]]
) -> None:
    # DNS rebinding: the first answer passes the check, a second one would point inside.
    # The name is resolved once; the connection uses that address, never asking again.
    resolver["rebind.example"] = ["127.0.0.1", "10.0.0.1"]
    policy = DownloadPolicy(allow_loopback_http=True)
    with guard_pools(httpx.Client()) as client:
        with guarded(check_address=policy.check_address):
            response = client.get(f"http://rebind.example:{server.port}/file.png")
    assert response.content == b"PNG"
    assert resolver["rebind.example"] == ["10.0.0.1"]  # the second answer was never used


class _Recorder(httpcore.NetworkBackend):
    """Records what the guarded backend asks of the network, then stops at TLS."""

    def __init__(self) -> None:
        self.connected: list[str] = []
        self.tls_names: list[str | None] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.connected.append(host)
        recorder = self

        class Stream(httpcore.NetworkStream):
            def start_tls(self, ssl_context: Any, server_hostname: Any = None, *_: Any) -> Any:
                recorder.tls_names.append(server_hostname)
                raise httpcore.ConnectError("stop here")

            def close(self) -> None:
                pass

        return Stream()


def test_tls_still_verifies_the_host_name_while_connecting_to_the_address(
    resolver: dict[str, list[str]],
) -> None:
    resolver["files.example"] = [PUBLIC]
    recorder = _Recorder()
    with guard_pools(httpx.Client()) as client:
        client._transport._pool._network_backend._inner = recorder  # type: ignore[attr-defined]
        with (
            guarded(check_address=DownloadPolicy().check_address),
            pytest.raises(httpx.ConnectError),
        ):
            client.get("https://files.example/a.png")
    assert recorder.connected == [PUBLIC]
    assert recorder.tls_names == ["files.example"]  # SNI and certificate check: the name


def test_the_tools_download_dir_is_held_to_the_same_rules(
    server: FaultServer, tmp_path: Path
) -> None:
    # A hostile service answers a finished job whose file lives at the metadata address.
    from langchain_hunyuan import HunyuanImageGenerationTool

    metadata = "https://169.254.169.254/latest/meta-data/x.png"
    server.script = by_path(
        {
            "/v1/api/image/submit": send(json_response({"id": "job-1", "status": "queued"})),
            "/v1/api/image/query": send(
                json_response({"id": "job-1", "status": "completed", "data": [{"url": metadata}]})
            ),
        }
    )
    tool = HunyuanImageGenerationTool(
        api_key=API_KEY, base_url=server.base_url, poll_interval=0.01, download_dir=str(tmp_path)
    )
    text = tool.invoke({"prompt": "a koi pond"})
    assert metadata in text  # the paid result is still handed over
    assert "Saving the files failed" in text and "link-local" in text
    assert not any(tmp_path.iterdir())


# ----------------------------------------------------------- the policy of a loopback service


def test_a_loopback_service_opens_only_its_own_origins() -> None:
    policy = DownloadPolicy.for_service(
        "http://127.0.0.1:8765/v1", "http://localhost:8766/v1", "https://tokenhub.tencentmaas.com/v1"
    )
    assert policy.local_origins == {"127.0.0.1:8765", "localhost:8766"}
    policy.check_url("http://127.0.0.1:8765/files/job/a.png")
    policy.check_url("http://localhost:8766/files/job/a.png")
    policy.check_url("https://cdn.example.com/a.png")
    for url in (
        "http://127.0.0.1:6379/",  # another local service (Redis) on the same host
        "https://127.0.0.1:8443/",
        "http://127.0.0.1/",
        "http://[::1]:8765/",
        "http://localhost:8765/",
        "http://cdn.example.com/a.png",  # plain http to a public host
    ):
        with pytest.raises(InvalidParameterError, match="refusing to download"):
            policy.check_url(url)


def test_a_real_service_opens_no_loopback_origin() -> None:
    policy = DownloadPolicy.for_service("https://tokenhub.tencentmaas.com/v1")
    assert policy.local_origins == frozenset()
    with pytest.raises(InvalidParameterError, match="refusing to download"):
        policy.check_url("http://127.0.0.1:8765/files/job/a.png")


def test_local_origins_must_be_loopback_host_and_port() -> None:
    for origin in ("10.0.0.7:80", "cdn.example.com:443", "127.0.0.1", "http://127.0.0.1:80"):
        with pytest.raises(InvalidParameterError, match="local_origins") as caught:
            DownloadPolicy(local_origins=frozenset({origin}))
        assert "127.0.0.1:8765" in str(caught.value)


def test_a_host_name_resolving_to_loopback_stays_refused_under_a_local_origin(
    resolver: dict[str, list[str]], tmp_path: Path
) -> None:
    resolver["cdn.example.com"] = ["127.0.0.1"]
    policy = DownloadPolicy.for_service("http://127.0.0.1:8765/v1")
    with pytest.raises(InvalidParameterError, match="loopback address"):
        download(_result("https://cdn.example.com/a.png"), tmp_path, policy=policy)


def test_the_job_client_policy_follows_its_resolved_service_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hunyuan_tokenhub.jobs import JobClient

    monkeypatch.setenv("TOKENHUB_BASE_URL", "http://127.0.0.1:8765/v1")
    with JobClient(api_key=API_KEY) as jobs:
        assert jobs.download_policy.local_origins == {"127.0.0.1:8765"}
    with JobClient(api_key=API_KEY, base_url="https://tokenhub.tencentmaas.com/v1") as jobs:
        assert jobs.download_policy.local_origins == frozenset()
    monkeypatch.delenv("TOKENHUB_BASE_URL")
    with JobClient(api_key=API_KEY) as jobs:
        assert jobs.download_policy.local_origins == frozenset()


def test_a_result_pointing_at_another_local_port_is_refused(tmp_path: Path) -> None:
    # A loopback service (a local proxy in front of TokenHub, say) whose answer names a file on
    # another local port: the download must not reach it.
    with FaultServer(send(response_bytes(200, b"\x89PNG", {"Content-Type": "image/png"}))) as server:
        policy = DownloadPolicy.for_service("http://127.0.0.1:1/v1")
        with pytest.raises(InvalidParameterError, match="refusing to download"):
            download(_result(server.url("/a.png")), tmp_path, policy=policy)
        assert server.requests == []
    assert not any(tmp_path.iterdir())
