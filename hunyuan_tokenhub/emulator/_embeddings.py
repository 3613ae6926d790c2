"""The embedding endpoints: ``POST /v1/embeddings`` (text) and ``/v1/embeddings/multimodal``.

Vectors are deterministic and carry meaning: each word (a run of letters or digits, or one CJK
character) is hashed to a position, the counts are summed and the vector normalised, so texts
sharing words are closer (by cosine) than texts that share none (unsigned, so a collision can
only add similarity, never take it away). An image counts as one
"word" derived from its URL, so the same image always lands on the same vector.

The rules come from the vendor's page (https://cloud.tencent.com/document/product/1823/133515,
read 2026-12-01): four models with fixed output sizes, 2,000 characters per text, ``float``
only, no ``dimensions``. Refused parameters are ``400001`` ``invalid_request_error``
(https://cloud.tencent.com/document/product/1823/131595, read 2026-12-01), unknown models the
chat gateway's ``400004``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from typing import Any

from ._chat import unknown_model_error
from ._http import EmulatorError, EmulatorRequest, EmulatorResponse, json_response
from ._text import count_tokens

TEXT_ROUTE = "/v1/embeddings"
MULTIMODAL_ROUTE = "/v1/embeddings/multimodal"

#: model id -> (route, output dimensions), as the vendor's page lists them.
EMBEDDING_MODELS: dict[str, tuple[str, int]] = {
    "kinfra-text-embedding-0.6b": (TEXT_ROUTE, 1024),
    "kinfra-text-embedding-4b": (TEXT_ROUTE, 2560),
    "kinfra-vl-embedding-2b": (MULTIMODAL_ROUTE, 2048),
    "kinfra-vl-embedding-8b": (MULTIMODAL_ROUTE, 4096),
}
#: Characters per text on the text endpoint (none is documented for the multimodal one).
MAX_TEXT_CHARS = 2000
#: Tokens billed per image: the emulator's own figure (the vendor publishes none).
IMAGE_TOKENS = 256
# A custom service id (ep-xxxxxxxx) on either route.
_SERVICE_ID = re.compile(r"ep-[a-z0-9]+")
_WORD = re.compile(r"[A-Za-z]+|\d+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _invalid(param: str, problem: str, problem_zh: str) -> EmulatorError:
    return EmulatorError(
        400,
        f"invalid parameter '{param}': {problem}",
        code="400001",
        type_="invalid_request_error",
        source="client",
        message_zh=f"参数 '{param}' 不合法：{problem_zh}",
    )


def embed_words(words: Iterable[str], dimensions: int) -> list[float]:
    """A normalised bag of hashed ``words`` (one fixed position for none at all)."""
    vector = [0.0] * dimensions
    for word in words:
        digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        vector[digest % dimensions] += 1.0
    norm = math.sqrt(sum(x * x for x in vector))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    return [x / norm for x in vector]


def text_words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


class EmbeddingEndpoints:
    """Handlers for both routes; stateless."""

    def text(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        model, dimensions = self._model(body, TEXT_ROUTE)
        if body.get("encoding_format", "float") != "float":
            raise _invalid("encoding_format", "only 'float' is supported", "仅支持 float")
        raw = body.get("input")
        texts = [raw] if isinstance(raw, str) else raw
        if not isinstance(texts, list) or not texts:
            raise _invalid(
                "input", "a text or a non-empty array of texts is required", "需要文本或文本数组"
            )
        for index, text in enumerate(texts):
            self._check_text(text, f"input[{index}]")
            if len(text) > MAX_TEXT_CHARS:
                raise _invalid(
                    f"input[{index}]",
                    f"longer than {MAX_TEXT_CHARS} characters",
                    f"超过 {MAX_TEXT_CHARS} 字符",
                )
        data = [
            {"object": "embedding", "index": i, "embedding": embed_words(text_words(t), dimensions)}
            for i, t in enumerate(texts)
        ]
        tokens = sum(count_tokens(text) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return json_response({"object": "list", "data": data, "model": model, "usage": usage})

    def multimodal(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        model, dimensions = self._model(body, MULTIMODAL_ROUTE)
        items = body.get("input")
        if not isinstance(items, list) or not items:
            raise _invalid(
                "input", "a non-empty array of content items is required", "需要内容数组"
            )
        words: list[str] = []
        text_tokens = image_tokens = 0
        for index, item in enumerate(items):
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == "text":
                self._check_text(item.get("text"), f"input[{index}].text")
                words += text_words(item["text"])
                text_tokens += count_tokens(item["text"])
            elif kind == "image_url":
                url = (
                    item.get("image_url", {}).get("url")
                    if isinstance(item.get("image_url"), dict)
                    else None
                )
                if not isinstance(url, str) or not url.startswith(
                    ("http://", "https://", "data:image/")
                ):
                    raise _invalid(
                        f"input[{index}].image_url.url",
                        "an image URL or data:image URL is required",
                        "需要图片 URL",
                    )
                words.append("image:" + hashlib.sha256(url.encode()).hexdigest())
                image_tokens += IMAGE_TOKENS
            else:
                raise _invalid(
                    f"input[{index}].type",
                    "must be 'text' or 'image_url'",
                    "须为 text 或 image_url",
                )
        total = text_tokens + image_tokens
        return json_response(
            {
                "object": "list",
                "data": [
                    {"object": "embedding", "index": 0, "embedding": embed_words(words, dimensions)}
                ],
                "model": model,
                "usage": {
                    "prompt_tokens": total,
                    "total_tokens": total,
                    "prompt_tokens_details": {
                        "text_tokens": text_tokens,
                        "image_tokens": image_tokens,
                    },
                },
            }
        )

    @staticmethod
    def _model(body: dict[str, Any], route: str) -> tuple[str, int]:
        """The model and its output size, or the gateway's refusal (``dimensions`` too)."""
        if "dimensions" in body:
            raise _invalid(
                "dimensions",
                "the output size is fixed by the model",
                "输出维度由模型决定，不支持自定义",
            )
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _invalid("model", "model is required", "model 为必填参数")
        if _SERVICE_ID.fullmatch(model):
            # A custom service answers with its base model's size: the smaller one of the route.
            return model, min(size for path, size in EMBEDDING_MODELS.values() if path == route)
        known = EMBEDDING_MODELS.get(model)
        if known is None:
            raise unknown_model_error(model)
        if known[0] != route:
            raise _invalid(
                "model", f"{model} is served at {known[0]}", f"{model} 请调用 {known[0]}"
            )
        return model, known[1]

    @staticmethod
    def _check_text(text: Any, param: str) -> None:
        # The 2,000-character limit is documented for the text endpoint only.
        if not isinstance(text, str) or not text.strip():
            raise _invalid(param, "must be a non-empty string", "须为非空字符串")
