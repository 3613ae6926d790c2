"""Input media (images, audio) given to generation jobs: what is accepted and how it is sent.

Job parameters often come from an agent, so they are untrusted. A media value may be an
``http(s)://`` URL or a ``data:`` URL; anything else is taken as a local file path, which is
refused unless the developer named the directories it may come from. An allowed local file is
read and sent inline: into the field's documented base64 twin when the action has one
(``image_url`` -> ``image_base64``), else as a ``data:`` URL.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .._exceptions import InvalidParameterError

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "MediaField", "MediaPolicy", "check_media_ref"]

# The largest input any mirrored action documents (10 MB: YT-Video-FX images, HumanActor).
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024

_DATA_URL = re.compile(
    r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?:;[\w-]+=[\w.+-]+)*;base64,(?P<b64>.*)$", re.S
)
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")

MediaKind = Literal["url", "data", "path"]


@dataclass(frozen=True)
class MediaField:
    """Marks a request field as input media (``Annotated`` metadata).

    ``base64_field`` names the sibling field that takes raw base64 instead of a URL, when the
    mirrored action documents one.
    """

    base64_field: str | None = None


def classify_media(value: str) -> MediaKind:
    """``url`` for http(s), ``data`` for data URLs, ``path`` for everything without a scheme."""
    match = _SCHEME.match(value)
    if match is None or len(match.group("scheme")) == 1:  # "C:\\..." is a Windows path
        return "path"
    scheme = match.group("scheme").lower()
    if scheme in ("http", "https"):
        return "url"
    if scheme == "data":
        return "data"
    raise ValueError(
        f"unsupported URL scheme {scheme!r}: give an http(s) URL, a data: URL "
        "or (when the developer allowed local directories) a file path"
    )


def check_media_ref(value: str) -> str:
    """Validate the form of a media reference (no file is read here)."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    kind = classify_media(value)
    if kind == "data" and _DATA_URL.match(value) is None:
        raise ValueError("a data: URL must be base64 encoded (data:<mime>;base64,<data>)")
    return value


def check_url_only(value: str) -> str:
    """Validate a field the docs say takes a URL only."""
    value = value.strip()
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group("scheme").lower() not in ("http", "https"):
        raise ValueError("must be an http(s) URL (the API accepts no file or inline data here)")
    return value


def _data_url_payload(value: str) -> str:
    match = _DATA_URL.match(value)
    assert match is not None  # checked by check_media_ref at validation time
    return match.group("b64")


class MediaPolicy:
    """Resolves media references in a request before it is sent.

    Example:
        .. code-block:: python

            from pathlib import Path

            from hunyuan_tokenhub.jobs import Hunyuan3DProRequest, MediaPolicy

            Path("uploads").mkdir(exist_ok=True)
            Path("uploads/chair.png").write_bytes(b"<png bytes>")
            policy = MediaPolicy(allowed_dirs=["uploads"])
            request = Hunyuan3DProRequest(model="hy-3d-3.1", image_url="uploads/chair.png")
            print(policy.resolve(request).image_base64)  # the local file, inline as base64
    """

    def __init__(
        self,
        allowed_dirs: Sequence[str | os.PathLike[str]] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    ) -> None:
        self.allowed_dirs = tuple(Path(d).expanduser().resolve() for d in (allowed_dirs or ()))
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"MediaPolicy(allowed_dirs={[str(d) for d in self.allowed_dirs]!r})"

    def read_local(self, param: str, value: str) -> tuple[str, str]:
        """Read an allowed local file; returns (mime type, base64 text)."""
        if not self.allowed_dirs:
            raise InvalidParameterError(
                param,
                f"local file paths are not accepted ({value!r}); give an http(s) or data: URL",
                allowed="http(s) URLs, data: URLs",
            )
        # The path is untrusted: a NUL byte, an unknown ~user, a name too long or an unreadable
        # file must give the same clear refusal as a path outside the allowed directories.
        try:
            resolved = Path(value).expanduser().resolve()
            inside = any(resolved.is_relative_to(d) for d in self.allowed_dirs)
        except (OSError, ValueError, RuntimeError) as exc:
            raise InvalidParameterError(param, f"not a usable file path {value!r}: {exc}") from None
        if not inside:
            raise InvalidParameterError(
                param,
                f"the file {value!r} is outside the allowed directories",
                allowed=[str(d) for d in self.allowed_dirs],
            )
        try:
            if not resolved.is_file():
                raise InvalidParameterError(param, f"no such file: {value!r}")
            size = resolved.stat().st_size
            if size > self.max_bytes:
                raise InvalidParameterError(
                    param,
                    f"the file {value!r} has {size} bytes",
                    allowed=f"at most {self.max_bytes}",
                )
            content = resolved.read_bytes()
        except OSError as exc:
            raise InvalidParameterError(param, f"cannot read {value!r}: {exc.strerror}") from None
        mime = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return mime, base64.b64encode(content).decode("ascii")

    def _check_inline_size(self, param: str, payload: str) -> None:
        # Same cap as a local file: an agent's inline data is no smaller a request body.
        text = payload.strip()
        size = len(text) * 3 // 4 - (len(text) - len(text.rstrip("=")))
        if size > self.max_bytes:
            raise InvalidParameterError(
                param,
                f"the data: URL holds about {size} bytes",
                allowed=f"at most {self.max_bytes}",
            )

    def resolve(self, request: BaseModel) -> Any:
        """A copy of ``request`` with every media field in a form the server accepts."""
        return self._resolve_model(request, prefix="")

    def _resolve_model(self, model: BaseModel, prefix: str) -> BaseModel:
        updates: dict[str, Any] = {}
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            if value is None:
                continue
            marker = next((m for m in info.metadata if isinstance(m, MediaField)), None)
            param = f"{prefix}{name}"
            if marker is not None and isinstance(value, str):
                updates.update(self._resolve_ref(param, name, value, marker))
            elif isinstance(value, BaseModel):
                updates[name] = self._resolve_model(value, f"{param}.")
            elif isinstance(value, list) and any(isinstance(v, (BaseModel, str)) for v in value):
                updates[name] = list(self._resolve_items(param, value, marker))
        return model.model_copy(update=updates) if updates else model

    def _resolve_items(
        self, param: str, values: Iterable[Any], marker: MediaField | None
    ) -> Iterable[Any]:
        for index, item in enumerate(values):
            item_param = f"{param}[{index}]"
            if isinstance(item, BaseModel):
                yield self._resolve_model(item, f"{item_param}.")
            elif isinstance(item, str) and marker is not None:
                yield self._resolve_ref(item_param, "", item, marker)[""]
            else:
                yield item

    def _resolve_ref(self, param: str, name: str, value: str, marker: MediaField) -> dict[str, Any]:
        kind = classify_media(value)
        if kind == "url":
            return {name: value}
        if kind == "data":
            payload = _data_url_payload(value)
            self._check_inline_size(param, payload)
            if marker.base64_field is None:
                return {name: value}
            return {name: None, marker.base64_field: payload}
        mime, payload = self.read_local(param, value)
        if marker.base64_field is None:
            return {name: f"data:{mime};base64,{payload}"}
        return {name: None, marker.base64_field: payload}
