"""The server's check of a Tencent Cloud API 3.0 request signed with TC3-HMAC-SHA256.

Written from the published algorithm (https://cloud.tencent.com/document/api/213/30654, read
2026-12-01) apart from the client's signer, so that a request the client signs is checked by a
second, independent reading of the headers and bytes it actually sent.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

ALGORITHM = "TC3-HMAC-SHA256"


@dataclass(frozen=True)
class ReceivedAuthorization:
    """The parts of a received ``TC3-HMAC-SHA256`` ``Authorization`` header."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def read_authorization(value: str) -> ReceivedAuthorization:
    """Split ``TC3-HMAC-SHA256 Credential=.../date/service/tc3_request, SignedHeaders=..., ...``.

    Raises ``ValueError`` naming what is malformed (answered as
    ``AuthFailure.InvalidAuthorization``).
    """
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise ValueError(f"algorithm must be {ALGORITHM}")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if not sep:
            raise ValueError(f"malformed Authorization element {key!r}")
        parts[key] = val
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if name not in parts]
    if missing:
        raise ValueError(f"Authorization lacks {missing[0]}")
    scope = parts["Credential"].split("/")
    if len(scope) != 4 or scope[3] != "tc3_request":
        raise ValueError("Credential must be SecretId/date/service/tc3_request")
    return ReceivedAuthorization(
        secret_id=scope[0],
        date=scope[1],
        service=scope[2],
        signed_headers=tuple(parts["SignedHeaders"].split(";")),
        signature=parts["Signature"],
    )


def credential_date(timestamp: int) -> str:
    """The date a credential scope must carry: the UTC date of ``X-TC-Timestamp``."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def expected_signature(
    *,
    secret_key: str,
    timestamp: int,
    received: ReceivedAuthorization,
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """The signature a request with these headers and body must carry.

    The page's canonical request: ``POST``, ``/``, an empty query, each signed header as
    ``name:value`` with both lower-cased and trimmed, the signed names, the body's SHA-256.
    Raises ``ValueError`` when a signed header was not received.
    """
    received_headers = {name.lower(): value for name, value in headers.items()}
    names = [name.lower() for name in received.signed_headers]
    absent = [name for name in names if name not in received_headers]
    if absent:
        raise ValueError(f"signed headers not received: {', '.join(absent)}")
    canonical_headers = "".join(f"{n}:{received_headers[n].strip().lower()}\n" for n in names)
    canonical = "\n".join(
        ("POST", "/", "", canonical_headers, ";".join(names), hashlib.sha256(body).hexdigest())
    )
    scope = f"{credential_date(timestamp)}/{received.service}/tc3_request"
    to_sign = "\n".join(
        (ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest())
    )
    key = f"TC3{secret_key}".encode()
    for part in (credential_date(timestamp), received.service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
