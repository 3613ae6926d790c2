"""Saving result files before their URLs expire.

Result URLs are signed and short-lived (images 1 h, video and 3D 24 h), so what must be kept
has to be downloaded. Every byte of the answer is untrusted: file names are built only from
characters we choose (no server string can add a directory part, none begins with ``-``), each
file is streamed with a size cap and an overall deadline and created exclusively (never
overwriting), only https is fetched (plain http only for loopback hosts, and only when
explicitly allowed, for the emulator), redirects are checked against the same rules, and the
API key is never sent to the file host.

A result URL must not reach into the user's network (SSRF): the host name is resolved here,
and a host with any address that is not public (private, loopback, link-local, multicast,
unspecified, reserved; IPv4 and IPv6, and IPv4 inside IPv6 forms) is refused, before the first
request and again for every redirect. The connection goes to the address that was checked, so a
second DNS answer cannot swap it (DNS rebinding), while TLS still verifies the certificate for
the host name. Our own download clients therefore connect directly, not through the
``HTTPS_PROXY`` of the environment; through a proxy of your own ``http_client``, the proxy
resolves the name and only literal addresses in URLs are checked here.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from .._exceptions import APIConnectionError, APIError, APITimeoutError, InvalidParameterError
from .._network import IPAddress, guard_pools, guarded
from ._results import JobResult

__all__ = ["DEFAULT_MAX_DOWNLOAD_BYTES", "DownloadPolicy", "adownload", "download"]

DEFAULT_MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024  # 1 GiB: well above a 3D archive or a video
MAX_REDIRECTS = 5
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
# Extensions we trust from a URL path; anything else comes from the content type or the kind.
_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".mp4", ".mov",
     ".webm", ".zip", ".glb", ".gltf", ".obj", ".stl", ".usdz", ".fbx", ".mp3", ".wav"}
)  # fmt: skip
_CONTENT_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "application/zip": ".zip",
    "model/gltf-binary": ".glb",
}
# An OBJ model is delivered as a .zip archive (with its textures).
_KIND_EXTENSIONS = {"image": ".png", "video": ".mp4", "obj": ".zip", "mp4": ".mp4"}


@dataclass(frozen=True)
class DownloadPolicy:
    """Limits of :func:`download`.

    Only https URLs of public hosts are fetched, unless the policy names exceptions for local
    services: ``local_origins`` lists loopback origins (``"127.0.0.1:8765"``) that may be
    fetched, over plain ``http://`` too, and nothing else on loopback; ``allow_loopback_http``
    lets every loopback host through (for tests). Every other address that is not public is
    always refused. ``timeout`` bounds each network operation, ``deadline`` one whole file
    (redirects included).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import TokenHubEmulator
            from hunyuan_tokenhub.jobs import DownloadPolicy, JobClient

            # The emulator serves its result files over plain http on loopback.
            with TokenHubEmulator() as emu:
                policy = DownloadPolicy.for_service(emu.base_url, max_bytes=50 * 1024 * 1024)
                with JobClient(api_key="test", base_url=emu.base_url,
                               download_policy=policy) as jobs:
                    result = jobs.generate("hy-image-v3.0", prompt="a koi pond")
                    print(jobs.download(result, "out/"))
    """

    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    allow_loopback_http: bool = False
    local_origins: frozenset[str] = frozenset()
    include_previews: bool = False
    timeout: float = 120.0
    deadline: float = 3600.0

    def __post_init__(self) -> None:
        for origin in self.local_origins:
            host = (urlsplit(f"//{origin}").hostname or "").lower()
            if not _is_loopback(host) or _origin(f"http://{origin}") != origin:
                raise InvalidParameterError(
                    "local_origins",
                    f"{origin!r} is not a loopback origin",
                    allowed='"host:port" of a loopback host, e.g. "127.0.0.1:8765"',
                )

    @classmethod
    def for_service(cls, *base_urls: str, **limits: Any) -> DownloadPolicy:
        """The policy for the results of the service at ``base_urls`` (its host and backups).

        A service that runs on loopback, as the emulator does, serves its result files from
        its own origin over plain http: exactly those origins are let through. A real
        service's results stay https-only, and other loopback ports stay closed.
        """
        origins = {_origin(url) for url in base_urls}
        local = frozenset(o for o in origins if _is_loopback(urlsplit(f"//{o}").hostname or ""))
        return cls(local_origins=local, **limits)

    def check_url(self, url: str) -> None:
        """Refuse anything but https (and the allowed loopback origins), and literal addresses
        that are not public; a host name's addresses are checked when it is connected to."""
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        local = _is_loopback(host)
        allowed_local = local and (
            self.allow_loopback_http or _origin(url) in self.local_origins
        )
        if (scheme == "http" or local) and not allowed_local:
            scheme = ""
        if scheme not in ("http", "https") or not host:
            raise InvalidParameterError(
                "url",
                f"refusing to download {_shown(url)}",
                allowed="https URLs of public hosts (loopback only for the origins in "
                "local_origins, or with allow_loopback_http=True)",
            )
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return
        self.check_address(host, literal)

    def check_address(self, host: str, address: IPAddress) -> None:
        """Refuse connecting to ``address`` (of ``host``) unless it is a public address, or a
        loopback one of a host this policy lets through."""
        problem = _address_problem(address)
        if problem is None or (problem == "loopback" and self._local_host(host)):
            return
        raise InvalidParameterError(
            "url",
            f"refusing to download from {host!r}: {address} is a {problem} address",
            allowed="hosts with public internet addresses only (loopback only for the "
            "origins in local_origins, or with allow_loopback_http=True)",
        )

    def _local_host(self, host: str) -> bool:
        # The port of such a host was checked against local_origins by check_url, which
        # every URL and redirect passes before it is connected to.
        if self.allow_loopback_http:
            return True
        host = host.lower().strip("[]")
        return any(urlsplit(f"//{o}").hostname == host for o in self.local_origins)


def _origin(url: str) -> str:
    """``host:port`` of ``url``, with the scheme's default port when none is given."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower()
    port = parts.port or (80 if parts.scheme.lower() == "http" else 443)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# Ordered so that the most telling word names an address that several describe.
_ADDRESS_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)
# NAT64 (RFC 6052): the last 32 bits are an IPv4 address the gateway connects to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _address_problem(address: IPAddress) -> str | None:
    """Why ``address`` is no public internet address (``None`` when it is one)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _address_problem(embedded)
    for attribute, word in _ADDRESS_KINDS:
        if getattr(address, attribute):
            return word
    return None if address.is_global else "non-global"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(url: str) -> str:
    """A URL without its query string (which holds the signature) for messages."""
    return repr(url.split("?", 1)[0][:200])


def _safe(text: str, fallback: str) -> str:
    # No leading "-": a file name must never read as an option to a shell command.
    return _SAFE.sub("_", text).strip("_-")[:64] or fallback


def _extension(url: str, kind: str, content_type: str | None) -> str:
    if kind == "obj":
        return _KIND_EXTENSIONS[kind]
    suffix = os.path.splitext(urlsplit(url).path)[1].lower()
    if suffix in _EXTENSIONS:
        return suffix
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if kind in _KIND_EXTENSIONS:
        return _KIND_EXTENSIONS[kind]
    if re.fullmatch(r"[a-z0-9]{1,8}", kind):
        return f".{kind}"
    return ".bin"


@dataclass(frozen=True)
class _Target:
    url: str
    stem: str
    kind: str


def _targets(result: JobResult, policy: DownloadPolicy) -> list[_Target]:
    job = _safe(result.job_id, "job")
    targets = []
    for index, asset in enumerate(result.assets, start=1):
        kind = _safe(asset.kind.lower(), "file")
        targets.append(_Target(asset.url, f"{job}-{index}-{kind}", asset.kind.lower()))
        if policy.include_previews and asset.preview_url:
            targets.append(_Target(asset.preview_url, f"{job}-{index}-{kind}-preview", "image"))
    return targets


def _open_exclusive(directory: Path, stem: str, extension: str) -> tuple[Path, BinaryIO]:
    """Create a new file in ``directory`` (``-2``, ``-3``... if the name is taken)."""
    for attempt in range(1, 1000):
        name = f"{stem}{extension}" if attempt == 1 else f"{stem}-{attempt}{extension}"
        path = directory / name
        # Names are built from [A-Za-z0-9_-.] only; this check is a second line of defence.
        if path.resolve().parent != directory:
            raise InvalidParameterError("file name", f"{name!r} would leave {directory}")
        try:
            return path, open(path, "xb")
        except FileExistsError:
            continue
    raise FileExistsError(f"no free file name for {stem}{extension} in {directory}")


class _Sink:
    """Writes one file, enforcing the size cap; removes the partial file on any failure."""

    def __init__(self, directory: Path, target: _Target, content_type: str | None, cap: int):
        self.path, self._file = _open_exclusive(
            directory, target.stem, _extension(target.url, target.kind, content_type)
        )
        self._cap = cap
        self._written = 0

    def write(self, chunk: bytes) -> None:
        self._written += len(chunk)
        if self._written > self._cap:
            raise APIError(f"{self.path.name}: the file is larger than {self._cap} bytes (the cap)")
        self._file.write(chunk)

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._file.close()
        if exc_type is not None:
            self.path.unlink(missing_ok=True)


def _prepare_directory(directory: str | os.PathLike[str]) -> Path:
    path = Path(directory).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _decode_data_url(url: str) -> tuple[str | None, bytes]:
    header, _, payload = url.partition(",")
    mime = header[5:].split(";", 1)[0] or None
    try:
        return mime, base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise APIError(f"a result data: URL is not valid base64: {exc}") from None


def _save_inline(directory: Path, target: _Target, policy: DownloadPolicy) -> Path:
    mime, content = _decode_data_url(target.url)
    with _Sink(directory, target, mime, policy.max_bytes) as sink:
        sink.write(content)
    return sink.path


def _error_for(response: httpx.Response, url: str) -> APIError:
    return APIError(
        f"downloading {_shown(url)} failed with HTTP {response.status_code}",
        status_code=response.status_code,
    )


def _transport_error(
    exc: httpx.TransportError, url: str, expires_at: float, policy: DownloadPolicy
) -> APIConnectionError:
    if time.monotonic() >= expires_at:
        return APITimeoutError(
            f"downloading {_shown(url)} took longer than its deadline of {policy.deadline:g}s"
        )
    return APIConnectionError(f"downloading {_shown(url)} failed: {type(exc).__name__}: {exc}")


def _start(
    response: httpx.Response, directory: Path, target: _Target, policy: DownloadPolicy
) -> str | _Sink:
    """The checked redirect location, or the file to stream the body into."""
    if response.is_redirect:
        location = urljoin(str(response.url), response.headers.get("location", ""))
        policy.check_url(location)
        return location
    if response.status_code >= 400:
        raise _error_for(response, str(response.url))
    content_type = response.headers.get("content-type")
    return _Sink(directory, target, content_type, policy.max_bytes)


def _too_many_redirects(target: _Target) -> APIError:
    return APIError(f"downloading {_shown(target.url)}: more than {MAX_REDIRECTS} redirects")


def _stream_one(
    client: httpx.Client, directory: Path, target: _Target, policy: DownloadPolicy
) -> Path:
    url = target.url
    expires_at = time.monotonic() + policy.deadline
    for _ in range(MAX_REDIRECTS + 1):
        policy.check_url(url)
        try:
            with (
                guarded(expires_at=expires_at, check_address=policy.check_address),
                client.stream("GET", url, follow_redirects=False) as response,
            ):
                step = _start(response, directory, target, policy)
                if isinstance(step, str):
                    url = step
                    continue
                with step:
                    for chunk in response.iter_bytes():
                        step.write(chunk)
                return step.path
        except httpx.TransportError as exc:
            raise _transport_error(exc, url, expires_at, policy) from exc
    raise _too_many_redirects(target)


async def _astream_one(
    client: httpx.AsyncClient, directory: Path, target: _Target, policy: DownloadPolicy
) -> Path:
    url = target.url
    expires_at = time.monotonic() + policy.deadline
    for _ in range(MAX_REDIRECTS + 1):
        policy.check_url(url)
        try:
            with guarded(expires_at=expires_at, check_address=policy.check_address):
                async with client.stream("GET", url, follow_redirects=False) as response:
                    step = _start(response, directory, target, policy)
                    if isinstance(step, str):
                        url = step
                        continue
                    with step:
                        async for chunk in response.aiter_bytes():
                            step.write(chunk)
                    return step.path
        except httpx.TransportError as exc:
            raise _transport_error(exc, url, expires_at, policy) from exc
    raise _too_many_redirects(target)


def _plan(
    result: JobResult, directory: str | os.PathLike[str], policy: DownloadPolicy
) -> tuple[Path, list[_Target]]:
    targets = _targets(result, policy)
    for target in targets:
        if not target.url.startswith("data:"):
            policy.check_url(target.url)
    return _prepare_directory(directory), targets


def download(
    result: JobResult,
    directory: str | os.PathLike[str],
    *,
    policy: DownloadPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> list[Path]:
    """Stream every asset of ``result`` into ``directory``; returns the paths, in asset order.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import download

            paths = download(result, "out/")  # e.g. [out/1234-1-obj.zip, out/1234-2-glb.glb]
    """
    policy = policy or DownloadPolicy()
    folder, targets = _plan(result, directory, policy)
    # A transport of our own: direct connections only (no environment proxy), see above.
    client = guard_pools(
        http_client or httpx.Client(transport=httpx.HTTPTransport(), timeout=policy.timeout)
    )
    try:
        return [
            _save_inline(folder, t, policy)
            if t.url.startswith("data:")
            else _stream_one(client, folder, t, policy)
            for t in targets
        ]
    finally:
        if http_client is None:
            client.close()


async def adownload(
    result: JobResult,
    directory: str | os.PathLike[str],
    *,
    policy: DownloadPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> list[Path]:
    """Async :func:`download` (file writes are small chunks; the network is awaited)."""
    policy = policy or DownloadPolicy()
    folder, targets = _plan(result, directory, policy)
    client = guard_pools(
        http_client
        or httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(), timeout=policy.timeout)
    )
    try:
        return [
            _save_inline(folder, t, policy)
            if t.url.startswith("data:")
            else await _astream_one(client, folder, t, policy)
            for t in targets
        ]
    finally:
        if http_client is None:
            await client.aclose()
