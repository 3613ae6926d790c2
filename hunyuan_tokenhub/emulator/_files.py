"""Result files: ``GET /files/{job}/{name}`` serves small, valid, deterministic media.

Download code can be tested against hostile servers too: ``FileSettings`` (or the query
parameters ``disposition``, ``size``, ``content_type``, ``chunked``) make the route send a chosen
``Content-Disposition`` filename, an oversized body, a wrong content type or no length;
``signed_urls`` gives result URLs a signature query string, as real ones have.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from urllib.parse import quote

from ._http import EmulatorError, EmulatorRequest, EmulatorResponse
from ._text import stable_hex

CONTENT_TYPES: Final[dict[str, str]] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "mp4": "video/mp4",
    "zip": "application/zip",
    "glb": "model/gltf-binary",
    "stl": "model/stl",
    "usdz": "model/vnd.usdz+zip",
    "fbx": "application/octet-stream",
}
FILES_PREFIX: Final = "/files"
_STREAM_CHUNK = 64 * 1024


@dataclass
class FileSettings:
    """How the file route misbehaves, for download tests. ``None`` means "behave".

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import TokenHubEmulator
            from hunyuan_tokenhub.jobs import JobClient

            with TokenHubEmulator() as emu, JobClient(api_key="k", base_url=emu.base_url) as jobs:
                emu.files.content_disposition = "../../etc/passwd"  # a hostile file name
                result = jobs.generate("hy-image-v3.0", prompt="a koi pond")
                print(jobs.download(result, "out/"))  # saved inside out/, under a safe name
    """

    content_disposition: str | None = None
    body_size: int | None = None
    content_type: str | None = None
    chunked: bool = False
    signed_urls: bool = False

    def reset(self) -> None:
        self.content_disposition = self.body_size = self.content_type = None
        self.chunked = self.signed_urls = False


def file_url(root_url: str, job_id: str, name: str, *, signed: bool = False) -> str:
    """A result URL. ``signed`` adds a query string like real signed URLs carry, which clients
    must keep and must not mistake for part of the file name."""
    url = f"{root_url}{FILES_PREFIX}/{quote(job_id, safe='')}/{quote(name)}"
    if signed:
        url += f"?sign={stable_hex('sign', job_id, name, length=32)}&t=3600"
    return url


class FileEndpoint:
    """The handler behind ``GET /files/{job}/{name:path}``."""

    def __init__(self, settings: FileSettings) -> None:
        self.settings = settings

    def __call__(self, request: EmulatorRequest) -> EmulatorResponse:
        job_id, name = request.params["job"], request.params["name"]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in CONTENT_TYPES:
            raise EmulatorError(404, f"No such file: {name}", type_="invalid_request_error")
        body = file_bytes(job_id, name)
        size = _int_param(request.query.get("size"), self.settings.body_size)
        if size is not None:
            body = (body * (size // max(len(body), 1) + 1))[:size]
        content_type = request.query.get("content_type") or self.settings.content_type
        headers = {"Content-Type": content_type or CONTENT_TYPES[extension]}
        disposition = request.query.get("disposition") or self.settings.content_disposition
        if disposition is not None:
            headers["Content-Disposition"] = content_disposition(disposition)
        if request.query.get("chunked") == "1" or self.settings.chunked:
            chunks = [body[i : i + _STREAM_CHUNK] for i in range(0, len(body), _STREAM_CHUNK)]
            return EmulatorResponse(headers=headers, events=chunks)
        return EmulatorResponse(body=body, headers=headers)


def content_disposition(filename: str) -> str:
    """``attachment; filename="..."`` with the name verbatim (hostile names included);
    names outside Latin-1 also get an RFC 5987 ``filename*``."""
    escaped = filename.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")
    try:
        escaped.encode("latin-1")
    except UnicodeEncodeError:
        fallback = escaped.encode("ascii", "replace").decode()
        return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return f'attachment; filename="{escaped}"'


def _int_param(value: str | None, default: int | None) -> int | None:
    if value is None:
        return default
    if not value.isdigit():
        raise EmulatorError(400, "'size' must be a non-negative integer.", param="size")
    return int(value)


@lru_cache(maxsize=256)
def file_bytes(job_id: str, name: str) -> bytes:
    """Deterministic content for ``name`` of ``job_id``, valid for its extension."""
    extension = name.rsplit(".", 1)[-1].lower()
    seed = stable_hex(job_id, name, length=16)
    if extension in ("png", "jpg"):
        return png_bytes(seed)
    if extension == "mp4":
        return _mp4(seed)
    if extension == "zip":
        return _obj_zip(seed)
    if extension == "glb":
        return _glb(seed)
    return f"{extension} model {seed}\n".encode() * 16


def png_bytes(seed: str, size: int = 16) -> bytes:
    """A valid ``size``x``size`` solid-colour PNG whose colour comes from ``seed``."""
    red, green, blue = bytes.fromhex(seed[:6])
    row = b"\x00" + bytes((red, green, blue)) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _mp4(seed: str) -> bytes:
    ftyp = b"ftypisom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    payload = bytes.fromhex(seed) * 128
    return (
        struct.pack(">I", 8 + len(ftyp))
        + ftyp
        + struct.pack(">I", 8 + len(payload))
        + (b"mdat" + payload)
    )


def _obj_zip(seed: str) -> bytes:
    obj = (
        f"# emulated model {seed}\nmtllib model.mtl\n"
        "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0 0 1\nv 1 0 1\nv 1 1 1\nv 0 1 1\n"
        "usemtl base\nf 1 2 3 4\nf 5 6 7 8\nf 1 2 6 5\nf 2 3 7 6\nf 3 4 8 7\nf 4 1 5 8\n"
    )
    mtl = "newmtl base\nKd 0.8 0.8 0.8\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, text in (("model.obj", obj), ("model.mtl", mtl)):
            info = zipfile.ZipInfo(filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def _glb(seed: str) -> bytes:
    document = json.dumps(
        {"asset": {"version": "2.0", "generator": f"tokenhub-emulator {seed}"}},
        separators=(",", ":"),
    ).encode()
    document += b" " * (-len(document) % 4)
    chunk = struct.pack("<I", len(document)) + b"JSON" + document
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunk)) + chunk
