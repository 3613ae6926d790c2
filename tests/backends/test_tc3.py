"""TC3-HMAC-SHA256 signing against both published worked examples
(https://cloud.tencent.com/document/api/213/30654)."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from hunyuan_tokenhub import ConfigurationError
from hunyuan_tokenhub._tc3 import (
    TencentCloudCredentials,
    authorization,
    canonical_request,
    sign,
    string_to_sign,
    tc3_headers,
)
from hunyuan_tokenhub.emulator._signature import read_authorization

# The common inputs of the official example (signature-process-demo, "签名方法 v3" doc).
TIMESTAMP = 1551113065
SERVICE = "cvm"
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Host": "cvm.tencentcloudapi.com",
    "X-TC-Action": "DescribeInstances",
    "X-TC-Version": "2017-03-12",
    "X-TC-Region": "ap-guangzhou",
    "X-TC-Timestamp": str(TIMESTAMP),
}
PAYLOAD = json.dumps(
    {"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]}
).encode()

VECTOR_A = {
    "secret_id": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
    "secret_key": "Gu5t9xGARNpq86cd98joQYCN3*******",
    "signed_headers": ("content-type", "host", "x-tc-action"),
    "canonical_hash": "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
    "signature": "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3",
}
VECTOR_B = {
    "secret_id": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
    "secret_key": "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    "signed_headers": ("content-type", "host"),
    "canonical_hash": "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
    "signature": "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
}


def test_payload_hash_matches_the_published_value() -> None:
    assert (
        hashlib.sha256(PAYLOAD).hexdigest()
        == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )


def test_canonical_request_of_vector_a_is_the_published_text() -> None:
    expected = (
        "POST\n/\n\n"
        "content-type:application/json; charset=utf-8\n"
        "host:cvm.tencentcloudapi.com\n"
        "x-tc-action:describeinstances\n\n"
        "content-type;host;x-tc-action\n"
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert canonical_request(HEADERS, VECTOR_A["signed_headers"], PAYLOAD) == expected


@pytest.mark.parametrize("vector", [VECTOR_A, VECTOR_B], ids=["A-current-doc", "B-sdk"])
def test_published_vectors(vector: dict) -> None:
    canonical = canonical_request(HEADERS, vector["signed_headers"], PAYLOAD)
    assert hashlib.sha256(canonical.encode()).hexdigest() == vector["canonical_hash"]
    to_sign = string_to_sign(TIMESTAMP, SERVICE, canonical)
    assert to_sign == (
        f"TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n{vector['canonical_hash']}"
    )
    assert sign(vector["secret_key"], TIMESTAMP, SERVICE, to_sign) == vector["signature"]


def test_authorization_header_of_vector_a() -> None:
    value = authorization(
        secret_id=VECTOR_A["secret_id"],
        secret_key=VECTOR_A["secret_key"],
        service=SERVICE,
        headers=HEADERS,
        payload=PAYLOAD,
        timestamp=TIMESTAMP,
    )
    assert value == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host;x-tc-action, "
        f"Signature={VECTOR_A['signature']}"
    )
    parsed = read_authorization(value)
    assert parsed.secret_id == VECTOR_A["secret_id"]
    assert (parsed.date, parsed.service) == ("2019-02-25", "cvm")
    assert parsed.signed_headers == ("content-type", "host", "x-tc-action")
    assert parsed.signature == VECTOR_A["signature"]


def test_signed_header_order_and_name_case_do_not_matter() -> None:
    shuffled = ("X-TC-Action", "Host", "content-type")
    assert canonical_request(HEADERS, shuffled, PAYLOAD) == canonical_request(
        HEADERS, VECTOR_A["signed_headers"], PAYLOAD
    )


def test_date_is_the_utc_date_of_the_timestamp() -> None:
    # 2019-02-25T23:30:00Z is already the 26th in Beijing; the scope must say the 25th.
    late = 1551137400
    assert "\n2019-02-25/hunyuan/tc3_request\n" in string_to_sign(late, "hunyuan", "x")


def test_a_changed_payload_changes_the_signature() -> None:
    base = dict(
        secret_id="id", secret_key="key", service="hunyuan", headers=HEADERS, timestamp=TIMESTAMP
    )
    assert authorization(payload=b"{}", **base) != authorization(payload=b"{ }", **base)


def test_tc3_headers_carry_every_documented_header() -> None:
    creds = TencentCloudCredentials.resolve("AKIDx", "secret", env={})
    headers = tc3_headers(
        creds,
        host="hunyuan.tencentcloudapi.com",
        service="hunyuan",
        action="QueryHunyuanImageJob",
        version="2023-09-01",
        payload=b'{"JobId":"1"}',
        timestamp=TIMESTAMP,
    )
    assert headers["X-TC-Action"] == "QueryHunyuanImageJob"
    assert headers["X-TC-Version"] == "2023-09-01"
    assert headers["X-TC-Region"] == "ap-guangzhou"
    assert headers["X-TC-Timestamp"] == "1551113065"
    assert headers["Host"] == "hunyuan.tencentcloudapi.com"
    parsed = read_authorization(headers["Authorization"])
    assert parsed.service == "hunyuan"
    assert "secret" not in headers["Authorization"].replace("AKIDx", "")
    expected = authorization(
        secret_id="AKIDx",
        secret_key="secret",
        service="hunyuan",
        headers=headers,
        payload=b'{"JobId":"1"}',
        timestamp=TIMESTAMP,
    )
    assert headers["Authorization"] == expected


@pytest.mark.parametrize(
    "value, problem",
    [
        ("Bearer abc", "algorithm"),
        ("TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host", "Signature"),
        ("TC3-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=x", "Credential"),
        ("TC3-HMAC-SHA256 garbage", "malformed"),
    ],
)
def test_malformed_authorization_is_rejected(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        read_authorization(value)


def test_credentials_from_env_with_default_region() -> None:
    env = {"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "skenv"}
    creds = TencentCloudCredentials.resolve(env=env)
    assert creds.secret_id.get_secret_value() == "AKIDenv"
    assert creds.secret_key.get_secret_value() == "skenv"
    assert creds.region == "ap-guangzhou"
    env["TENCENTCLOUD_REGION"] = "ap-shanghai"
    assert TencentCloudCredentials.resolve(env=env).region == "ap-shanghai"
    assert TencentCloudCredentials.resolve(region="ap-beijing", env=env).region == "ap-beijing"


def test_arguments_win_over_env() -> None:
    env = {"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "skenv"}
    creds = TencentCloudCredentials.resolve("AKIDarg", "skarg", env=env)
    assert creds.secret_id.get_secret_value() == "AKIDarg"
    assert creds.secret_key.get_secret_value() == "skarg"


def test_missing_credentials_name_both_ways_to_give_them() -> None:
    with pytest.raises(ConfigurationError) as info:
        TencentCloudCredentials.resolve(secret_id="AKIDonly", env={})
    text = str(info.value)
    assert "secret_key=" in text and "TENCENTCLOUD_SECRET_KEY" in text
    assert "AKIDonly" not in text


def test_secrets_never_in_repr_or_str() -> None:
    creds = TencentCloudCredentials.resolve("AKIDsecretid123", "topsecretkey456", env={})
    for text in (repr(creds), str(creds)):
        assert "AKIDsecretid123" not in text
        assert "topsecretkey456" not in text


@pytest.mark.parametrize("url", ["https://hunyuan.tencentcloudapi.com/", "http://127.0.0.1:8080/"])
def test_tc3_auth_signs_the_bytes_and_host_httpx_sends(url: str) -> None:
    """As an ``httpx.Auth`` the signer sees the request as it goes out: whatever encoding
    produced the body, and the Host with its port, are what the signature covers (checked
    with the emulator's own reading of the algorithm)."""
    from hunyuan_tokenhub._tc3 import TC3Auth
    from hunyuan_tokenhub.emulator._signature import expected_signature

    creds = TencentCloudCredentials.resolve(secret_id="AKIDauth", secret_key="auth-key", env={})
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"Response": {"RequestId": "r"}})

    auth = TC3Auth(creds, service="hunyuan", action="SubmitHunyuanImageJob", version="2023-09-01")
    with httpx.Client(transport=httpx.MockTransport(server)) as client:
        client.post(url, json={"Prompt": "雨中, 竹林"}, auth=auth)
        client.post(url, content=b'{"Prompt":"\\u96e8"}', auth=auth)
    for request in seen:
        received = read_authorization(request.headers["Authorization"])
        assert received.secret_id == "AKIDauth"
        assert request.headers["Host"] == url.split("/")[2]
        assert received.signature == expected_signature(
            secret_key="auth-key",
            timestamp=int(request.headers["X-TC-Timestamp"]),
            received=received,
            headers=request.headers,
            body=request.content,
        )
    assert "auth-key" not in repr(auth) and "AKIDauth" not in repr(auth)


def test_the_signer_needs_nothing_from_the_http_client() -> None:
    """The signer reads the bytes httpx sends; it imports no encoder of the client's."""
    import ast
    from pathlib import Path

    import hunyuan_tokenhub._tc3 as tc3

    tree = ast.parse(Path(tc3.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "_client" not in imported
