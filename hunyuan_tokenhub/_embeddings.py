"""Embeddings: what a request may hold, the request bodies, and the answer read back.

Text models (``kinfra-text-embedding-*``) take ``POST /embeddings`` in the OpenAI Embeddings
shape: ``{"model", "input": [texts], "encoding_format": "float"}``; the answer is
``{"data": [{"index", "embedding"}], "usage": {...}}``. The documented limits are 2,000
characters per text and up to 128 texts per request, and the output size is fixed per model:
the gateway refuses ``dimensions`` (https://cloud.tencent.com/document/product/1823/133515,
read 2026-12-01).

Multimodal models (``kinfra-vl-embedding-*``) take ``POST /embeddings/multimodal`` with a list of
content items (``{"type": "text", "text"}``, ``{"type": "image_url", "image_url": {"url"}}``)
that the model fuses into one vector, so each input is its own request. That shape is not on
the vendor page the store holds; it is the one public TokenHub clients send (MaxKB's Tencent
provider, https://github.com/1Panel-dev/MaxKB, read 2026-12-01), which read the vector from
``data[0].embedding``; some read ``data.embedding`` too, and both are accepted here.

Everything a request could be refused for is checked before it is sent; every answer that is
not the documented shape becomes an :class:`~hunyuan_tokenhub.APIError`.
"""

from __future__ import annotations

import base64
import math
import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from ._catalog import EmbeddingSpec, ModelInfo, get_model_info, list_models
from ._exceptions import APIError, InvalidParameterError

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "EmbeddingInput",
    "EmbeddingPlan",
    "EmbeddingResult",
    "image_input",
]

DEFAULT_EMBEDDING_MODEL = "kinfra-text-embedding-0.6b"

ContentItem = Mapping[str, Any]
EmbeddingInput = str | ContentItem | Sequence[ContentItem]
"""A text, one content item, or several items fused into one vector (multimodal models)."""

# What an id the model data does not know (a custom service ``ep-xxxxxxxx``) is sent as: the
# gateway's text endpoint and its documented per-request count; nothing model-specific.
_UNKNOWN_MODEL_SPEC = EmbeddingSpec(dimensions=1, endpoint="/embeddings", inputs_per_request=128)
_ITEM_TYPES = ("text", "image_url")
_IMAGE_SIGNATURES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"RIFF": "image/webp",
    b"BM": "image/bmp",
}


def image_input(
    source: str | bytes | os.PathLike[str], *, mime_type: str | None = None
) -> dict[str, Any]:
    """A content item for a multimodal embedding model: an image by URL, file or bytes.

    ``http(s)://`` and ``data:image/...`` URLs are sent as they are; a file path or raw bytes
    become a base64 ``data:`` URL (the type from ``mime_type``, else the file suffix or the
    bytes' signature).
    """
    if isinstance(source, str) and source.startswith(("http://", "https://", "data:image/")):
        return {"type": "image_url", "image_url": {"url": source}}
    if isinstance(source, bytes):
        data = source
        mime_type = mime_type or next(
            (kind for magic, kind in _IMAGE_SIGNATURES.items() if data.startswith(magic)), None
        )
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidParameterError(
                "image", f"{str(source)[:200]!r} is neither an image URL nor a file"
            )
        data = path.read_bytes()
        mime_type = mime_type or mimetypes.guess_type(path.name)[0]
    if not mime_type or not mime_type.startswith("image/"):
        raise InvalidParameterError(
            "image", "cannot tell the image type: pass mime_type=", allowed="image/png, ..."
        )
    encoded = base64.b64encode(data).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:{mime_type};base64,{encoded}"}}


@dataclass(frozen=True)
class EmbeddingResult:
    """Vectors in the order of the inputs, with the model that made them and the usage.

    ``prompt_tokens``/``total_tokens`` add up every request's usage (``None`` when an answer
    carried none).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient

            with TokenHubClient() as client:  # key from TOKENHUB_API_KEY
                result = client.embed(["TokenHub serves embeddings", "向量检索"])
                print(result.dimensions, len(result.vectors), result.total_tokens)
                # 1024 2 ...
    """

    vectors: list[list[float]]
    model: str
    prompt_tokens: int | None = None
    total_tokens: int | None = None

    @property
    def dimensions(self) -> int:
        return len(self.vectors[0]) if self.vectors else 0


def _embedding_info(model: str) -> ModelInfo:
    info = get_model_info(model)
    if info.documented and info.kind != "embedding":
        raise InvalidParameterError(
            "model",
            f"{model!r} is a {info.kind} model, not an embedding model",
            allowed=[m.id for m in list_models("embedding", include_retired=False)],
        )
    return info


def _text(value: Any, where: str, spec: EmbeddingSpec, model: str) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(where, f"expected text, got {type(value).__name__}")
    if not value.strip():
        raise InvalidParameterError(where, "is empty; the gateway embeds no empty text")
    if spec.max_input_chars is not None and len(value) > spec.max_input_chars:
        raise InvalidParameterError(
            where,
            f"is {len(value):,} characters; {model} takes at most {spec.max_input_chars:,} "
            "per text: split it into smaller chunks",
        )
    return value


def _item(value: Any, where: str, spec: EmbeddingSpec, model: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or value.get("type") not in _ITEM_TYPES:
        raise InvalidParameterError(
            where,
            "expected a content item",
            allowed=[f"{{'type': '{t}', ...}}" for t in _ITEM_TYPES],
        )
    if value["type"] == "text":
        return {"type": "text", "text": _text(value.get("text"), f"{where}.text", spec, model)}
    image = value.get("image_url")
    url = image.get("url") if isinstance(image, Mapping) else None
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "data:image/")):
        raise InvalidParameterError(
            f"{where}.image_url.url",
            "expected an image URL",
            allowed="http(s):// or data:image/...;base64, (image_input builds one)",
        )
    return {"type": "image_url", "image_url": {"url": url}}


def _multimodal_items(value: Any, where: str, spec: EmbeddingSpec, model: str) -> list[Any]:
    if isinstance(value, str):
        return [{"type": "text", "text": _text(value, where, spec, model)}]
    items = [value] if isinstance(value, Mapping) else value
    if not isinstance(items, Sequence) or not items:
        raise InvalidParameterError(where, "expected text, a content item or a list of items")
    return [_item(item, f"{where}[{n}]", spec, model) for n, item in enumerate(items)]


@dataclass(frozen=True)
class EmbeddingPlan:
    """The checked request bodies for one ``embed`` call, and how to read their answers."""

    model: str
    path: str
    bodies: tuple[dict[str, Any], ...]
    counts: tuple[int, ...]
    """How many vectors each request's answer must hold."""
    dimensions: int | None
    """The model's fixed output size (``None``: not known for this id)."""

    @classmethod
    def build(
        cls,
        inputs: EmbeddingInput | Sequence[EmbeddingInput],
        *,
        model: str = DEFAULT_EMBEDDING_MODEL,
        dimensions: int | None = None,
        batch_size: int | None = None,
    ) -> EmbeddingPlan:
        """Check everything the gateway would refuse, before anything is sent.

        ``dimensions`` may only repeat the model's fixed output size (it is never sent);
        ``batch_size`` lowers the inputs per request below the documented limit.
        """
        info = _embedding_info(model)
        spec = info.embedding or _UNKNOWN_MODEL_SPEC
        fixed = info.embedding.dimensions if info.embedding else None
        if dimensions is not None and dimensions != fixed:
            raise InvalidParameterError(
                "dimensions",
                f"{model} has a fixed output size; TokenHub refuses a dimensions parameter",
                allowed=[fixed] if fixed else "leave it unset",
            )
        if batch_size is not None and batch_size <= 0:
            raise InvalidParameterError("batch_size", "must be a positive number of inputs")
        if isinstance(inputs, str | Mapping):
            inputs = [inputs]
        if not isinstance(inputs, Sequence) or not inputs:
            raise InvalidParameterError("input", "nothing to embed: give at least one text")
        if spec.modality == "multimodal":
            bodies = tuple(
                {"model": model, "input": _multimodal_items(value, f"input[{n}]", spec, model)}
                for n, value in enumerate(inputs)
            )
            return cls(model, spec.endpoint, bodies, (1,) * len(bodies), fixed)
        multimodal = [
            m.id
            for m in list_models("embedding")
            if m.embedding and m.embedding.modality == "multimodal"
        ]
        texts = []
        for n, value in enumerate(inputs):
            if not isinstance(value, str):
                raise InvalidParameterError(
                    f"input[{n}]",
                    f"{model} embeds text only; images need a multimodal model",
                    allowed=multimodal,
                )
            texts.append(_text(value, f"input[{n}]", spec, model))
        size = min(batch_size or spec.inputs_per_request, spec.inputs_per_request)
        batches = [texts[start : start + size] for start in range(0, len(texts), size)]
        bodies = tuple(
            {"model": model, "input": batch, "encoding_format": "float"} for batch in batches
        )
        return cls(model, spec.endpoint, bodies, tuple(map(len, batches)), fixed)

    def result(self, answers: Sequence[Mapping[str, Any]]) -> EmbeddingResult:
        """Read every request's answer (in the order of ``bodies``) into one result."""
        vectors: list[list[float]] = []
        prompt: int | None = 0
        total: int | None = 0
        answered_model = self.model
        for answer, count in zip(answers, self.counts, strict=True):
            vectors.extend(self._vectors(answer, count))
            usage = answer.get("usage")
            prompt = _add(prompt, usage, "prompt_tokens")
            total = _add(total, usage, "total_tokens")
            if isinstance(answer.get("model"), str):
                answered_model = answer["model"]
        sizes = {len(vector) for vector in vectors}
        if len(sizes) > 1:
            _malformed(f"vectors of different sizes {sorted(sizes)}", answers[0])
        return EmbeddingResult(vectors, answered_model, prompt, total)

    def _vectors(self, answer: Mapping[str, Any], count: int) -> list[list[float]]:
        data = answer.get("data")
        items = [data] if isinstance(data, Mapping) and count == 1 else data
        if not isinstance(items, list) or len(items) != count:
            got = len(items) if isinstance(items, list) else type(data).__name__
            _malformed(f"expected {count} embedding(s) in 'data', got {got}", answer)
        ordered: list[list[float] | None] = [None] * count
        for position, item in enumerate(items):
            if not isinstance(item, Mapping):
                _malformed(f"data[{position}] is not an object", answer)
            index = item.get("index", position)
            if type(index) is not int or not 0 <= index < count or ordered[index] is not None:
                _malformed(f"data[{position}] has a bad or repeated index {index!r}", answer)
            ordered[index] = self._vector(item.get("embedding"), position, answer)
        return [vector for vector in ordered if vector is not None]

    def _vector(self, raw: Any, position: int, answer: Mapping[str, Any]) -> list[float]:
        if not isinstance(raw, list) or not raw:
            _malformed(f"data[{position}].embedding is not a list of numbers", answer)
        # Type checks and the sum run in C: a 1,000-text answer holds a million values. A sum
        # that is not finite means an inf or a nan among them (json.loads accepts both).
        kinds = set(map(type, raw))
        if not kinds <= {float, int} or not math.isfinite(sum(raw)):
            _malformed(f"data[{position}].embedding holds a value that is not a number", answer)
        if self.dimensions is not None and len(raw) != self.dimensions:
            _malformed(
                f"data[{position}].embedding has {len(raw)} values; {self.model} returns "
                f"{self.dimensions}",
                answer,
            )
        return raw if kinds == {float} else [float(x) for x in raw]


def _add(running: int | None, usage: Any, key: str) -> int | None:
    value = usage.get(key) if isinstance(usage, Mapping) else None
    if running is None or type(value) is not int:
        return None
    return running + value


def _malformed(reason: str, answer: Mapping[str, Any]) -> NoReturn:
    request_id = answer.get("request_id") or answer.get("id")
    raise APIError(
        f"malformed embeddings response: {reason}",
        code="malformed_response",
        request_id=request_id if isinstance(request_id, str) else None,
        body=dict(answer),
    )
