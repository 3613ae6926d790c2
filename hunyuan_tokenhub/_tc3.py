"""Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256) and the SecretId/SecretKey pair.

Written against the published algorithm (https://cloud.tencent.com/document/api/213/30654) and
checked against both published worked examples in ``tests/backends/test_tc3.py``. The emulator
checks signatures with its own reading of the algorithm (``emulator/_signature.py``), so a request
this signer gets wrong is refused there.

:class:`TC3Auth` is an ``httpx.Auth``, as httpx intends request signing to be done: httpx hands
it each request as it will be sent, so the signature covers the final bytes and host, and a
retried request is signed afresh (with a new timestamp).

Example:
    .. code-block:: python

        import httpx
        from hunyuan_tokenhub._tc3 import TC3Auth, TencentCloudCredentials

        creds = TencentCloudCredentials.resolve()  # TENCENTCLOUD_SECRET_ID / _SECRET_KEY
        auth = TC3Auth(creds, service="hunyuan", action="QueryHunyuanImageJob",
                       version="2023-09-01")
        httpx.post("https://hunyuan.tencentcloudapi.com/", json={"JobId": "..."}, auth=auth)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
from pydantic import SecretStr

from ._exceptions import ConfigurationError

__all__ = [
    "ALGORITHM",
    "DEFAULT_REGION",
    "JSON_CONTENT_TYPE",
    "REGION_ENV_VAR",
    "SECRET_ID_ENV_VAR",
    "SECRET_KEY_ENV_VAR",
    "TC3Auth",
    "TencentCloudCredentials",
    "authorization",
    "canonical_request",
    "sign",
    "string_to_sign",
    "tc3_headers",
    "utc_date",
]

ALGORITHM = "TC3-HMAC-SHA256"
SECRET_ID_ENV_VAR = "TENCENTCLOUD_SECRET_ID"
SECRET_KEY_ENV_VAR = "TENCENTCLOUD_SECRET_KEY"
REGION_ENV_VAR = "TENCENTCLOUD_REGION"
DEFAULT_REGION = "ap-guangzhou"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# The current docs sign the action too (vector A); the SDK signs only the first two (vector B).
DEFAULT_SIGNED_HEADERS = ("content-type", "host", "x-tc-action")


@dataclass(frozen=True)
class TencentCloudCredentials:
    """A SecretId/SecretKey pair and the region to call; both secrets are ``SecretStr``.

    Neither secret appears in ``repr``/``str``; the SecretId is sent in the clear inside the
    ``Authorization`` header (as the algorithm requires) and nowhere else.

    Example:
        .. code-block:: python

            creds = TencentCloudCredentials.resolve(secret_id="AKID...", secret_key="...")
            creds.region  # "ap-guangzhou" unless TENCENTCLOUD_REGION says otherwise
    """

    secret_id: SecretStr = field(repr=False)
    secret_key: SecretStr = field(repr=False)
    region: str = DEFAULT_REGION

    @classmethod
    def resolve(
        cls,
        secret_id: str | SecretStr | None = None,
        secret_key: str | SecretStr | None = None,
        region: str | None = None,
        *,
        env: Mapping[str, str] | None = None,
    ) -> TencentCloudCredentials:
        """Arguments first, then ``TENCENTCLOUD_SECRET_ID``/``_SECRET_KEY``/``_REGION``."""
        env = os.environ if env is None else env
        resolved_id = _secret(secret_id) or env.get(SECRET_ID_ENV_VAR, "").strip()
        resolved_key = _secret(secret_key) or env.get(SECRET_KEY_ENV_VAR, "").strip()
        missing = [
            f"{arg}=... or env {var}"
            for arg, var, value in (
                ("secret_id", SECRET_ID_ENV_VAR, resolved_id),
                ("secret_key", SECRET_KEY_ENV_VAR, resolved_key),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError(
                "Tencent Cloud API 3.0 needs a SecretId/SecretKey pair; missing: "
                + "; ".join(missing)
            )
        resolved_region = (region or env.get(REGION_ENV_VAR) or DEFAULT_REGION).strip()
        if not resolved_region:
            raise ConfigurationError(f"region must not be empty (argument or env {REGION_ENV_VAR})")
        return cls(SecretStr(resolved_id), SecretStr(resolved_key), resolved_region)


def _secret(value: str | SecretStr | None) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return (value or "").strip()


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    """The credential-scope date: the **UTC** date of the timestamp, ``YYYY-MM-DD``."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def _canonical_value(name: str, value: str) -> str:
    # The docs sign the action name lower-cased; every other value as sent, trimmed.
    value = value.strip()
    return value.lower() if name == "x-tc-action" else value


def canonical_request(
    headers: Mapping[str, str], signed_headers: Sequence[str], payload: bytes
) -> str:
    """Step 1: ``POST``, path ``/``, empty query, canonical headers, signed names, body hash.

    ``headers`` may use any case; every name in ``signed_headers`` must be present.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    names = sorted(name.lower() for name in signed_headers)
    missing = [name for name in names if name not in lowered]
    if missing:
        raise ValueError(f"headers to sign are missing: {', '.join(missing)}")
    canonical_headers = "".join(f"{n}:{_canonical_value(n, lowered[n])}\n" for n in names)
    return "\n".join(("POST", "/", "", canonical_headers, ";".join(names), _sha256_hex(payload)))


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    """Step 2: algorithm, timestamp, credential scope, hash of the canonical request."""
    scope = f"{utc_date(timestamp)}/{service}/tc3_request"
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256_hex(canonical.encode('utf-8'))}"


def sign(secret_key: str, timestamp: int, service: str, to_sign: str) -> str:
    """Step 3: the derived-key HMAC chain; returns the lower-case hex signature."""
    k_date = _hmac(f"TC3{secret_key}".encode(), utc_date(timestamp))
    k_service = _hmac(k_date, service)
    k_signing = _hmac(k_service, "tc3_request")
    return hmac.new(k_signing, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    headers: Mapping[str, str],
    payload: bytes,
    timestamp: int,
    signed_headers: Sequence[str] = DEFAULT_SIGNED_HEADERS,
) -> str:
    """Steps 1-4: the complete ``Authorization`` header value."""
    names = sorted(name.lower() for name in signed_headers)
    canonical = canonical_request(headers, names, payload)
    signature = sign(secret_key, timestamp, service, string_to_sign(timestamp, service, canonical))
    return (
        f"{ALGORITHM} Credential={secret_id}/{utc_date(timestamp)}/{service}/tc3_request, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )


def tc3_headers(
    credentials: TencentCloudCredentials,
    *,
    host: str,
    service: str,
    action: str,
    version: str,
    payload: bytes,
    timestamp: int | None = None,
) -> dict[str, str]:
    """Every header a signed API 3.0 ``POST /`` needs, ``Authorization`` included.

    ``payload`` must be the exact bytes that will be sent. ``host`` is the URL's host (with the
    port when it is not the scheme's default), as the HTTP client will send it.
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": JSON_CONTENT_TYPE,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Region": credentials.region,
    }
    headers["Authorization"] = authorization(
        secret_id=credentials.secret_id.get_secret_value(),
        secret_key=credentials.secret_key.get_secret_value(),
        service=service,
        headers=headers,
        payload=payload,
        timestamp=timestamp,
    )
    return headers


class TC3Auth(httpx.Auth):
    """Signs each request for one API 3.0 action with TC3-HMAC-SHA256 (the headers of
    :func:`tc3_headers`), over the exact body and host httpx sends.

    ``secrets``: what the signed request carries that no answer may echo (the SecretId is in
    the ``Authorization`` header; the SecretKey is never sent).
    """

    requires_request_body = True

    def __init__(
        self, credentials: TencentCloudCredentials, *, service: str, action: str, version: str
    ) -> None:
        self._credentials = credentials
        self._service = service
        self._action = action
        self._version = version

    def __repr__(self) -> str:
        return f"TC3Auth(service={self._service!r}, action={self._action!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._credentials.secret_id.get_secret_value(),)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            tc3_headers(
                self._credentials,
                host=request.headers["Host"],
                service=self._service,
                action=self._action,
                version=self._version,
                payload=request.content,
            )
        )
        yield request
