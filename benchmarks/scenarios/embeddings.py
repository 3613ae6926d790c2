"""Scenario 7: embedding a 1,000-text corpus (``embed_documents``/``aembed_documents``).

``HunyuanEmbeddings`` against ``langchain_openai.OpenAIEmbeddings`` pointed at the same base URL
and against raw ``httpx`` + ``json.loads``, all in process on one ``httpx.MockTransport`` that
answers each request with canned bytes for its number of texts (1,024-value vectors, the
default model's size). Every contender sends batches of 128 texts, TokenHub's documented
per-request limit (``chunk_size=128`` for OpenAIEmbeddings, which must also be told not to
tokenize with tiktoken: TokenHub takes text), and is first checked to return the canned vectors
in order. What each sends is kept: OpenAIEmbeddings asks for ``encoding_format: base64``, which
TokenHub documents as unsupported (https://cloud.tencent.com/document/product/1823/133515).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx

from ..measure import (
    Budget,
    Sample,
    acall_sample,
    ainterleave,
    call_sample,
    interleave,
    median,
    run_async,
)
from ..report import Row
from .chat import IN_PROCESS_URL

TEXTS = [
    f"Passage {n}: TokenHub serves chat, embedding and generation models; "
    f"this paragraph is about topic {n % 37} and keyword k{n}."
    for n in range(1000)
]
BATCH = 128
DIMENSIONS = 1024
MODEL = "kinfra-text-embedding-0.6b"
API_KEY = "bench-key"


def _vector(n: int) -> list[float]:
    return [round(((n * 31 + i * 7) % 997) / 997 - 0.5, 6) for i in range(DIMENSIONS)]


class CannedEmbeddings:
    """Answers for every batch size a contender sends, built once; records what was sent."""

    def __init__(self) -> None:
        self.bodies: dict[int, bytes] = {}
        self.sent: list[dict[str, Any]] = []

    def _body(self, count: int) -> bytes:
        if count not in self.bodies:
            data = [
                {"object": "embedding", "index": i, "embedding": _vector(i)} for i in range(count)
            ]
            usage = {"prompt_tokens": 20 * count, "total_tokens": 20 * count}
            document = {"object": "list", "data": data, "model": MODEL, "usage": usage}
            self.bodies[count] = json.dumps(document).encode()
        return self.bodies[count]

    def handler(self, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        if not self.sent:
            self.sent.append({k: v for k, v in sent.items() if k != "input"})
        headers = {"content-type": "application/json", "x-request-id": "bench-request"}
        return httpx.Response(200, headers=headers, content=self._body(len(sent["input"])))

    def expected(self) -> list[list[float]]:
        return [_vector(n % BATCH) for n in range(len(TEXTS))]


def _contenders(transport: httpx.MockTransport) -> dict[str, tuple[Any, Any]]:
    """name -> (sync embed_documents, async aembed_documents)."""
    from langchain_openai import OpenAIEmbeddings

    from langchain_hunyuan import HunyuanEmbeddings

    ours = HunyuanEmbeddings(
        api_key=API_KEY,
        base_url=IN_PROCESS_URL,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )
    peer = OpenAIEmbeddings(
        model=MODEL,
        api_key=API_KEY,
        base_url=IN_PROCESS_URL,
        chunk_size=BATCH,
        check_embedding_ctx_length=False,
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )
    raw = _RawEmbeddings(transport)
    return {
        "HunyuanEmbeddings": (ours.embed_documents, ours.aembed_documents),
        "OpenAIEmbeddings": (peer.embed_documents, peer.aembed_documents),
        "raw httpx": (raw.embed, raw.aembed),
    }


class _RawEmbeddings:
    """The floor: ``httpx`` posts of 128 texts and ``json.loads``, vectors in order."""

    def __init__(self, transport: httpx.MockTransport) -> None:
        self._url = IN_PROCESS_URL + "/embeddings"
        self._headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
        self._client = httpx.Client(transport=transport)
        self._aclient = httpx.AsyncClient(transport=transport)

    def _bodies(self, texts: list[str]) -> list[bytes]:
        return [
            json.dumps({"model": MODEL, "input": texts[i : i + BATCH]}).encode()
            for i in range(0, len(texts), BATCH)
        ]

    @staticmethod
    def _vectors(content: bytes) -> list[list[float]]:
        data = json.loads(content)["data"]
        return [item["embedding"] for item in sorted(data, key=lambda item: item["index"])]

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for body in self._bodies(texts):
            response = self._client.post(self._url, content=body, headers=self._headers)
            response.raise_for_status()
            vectors += self._vectors(response.content)
        return vectors

    async def aembed(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for body in self._bodies(texts):
            response = await self._aclient.post(self._url, content=body, headers=self._headers)
            response.raise_for_status()
            vectors += self._vectors(response.content)
        return vectors


def embeddings_rows(budget: Budget) -> list[Row]:
    canned = CannedEmbeddings()
    contenders = _contenders(httpx.MockTransport(canned.handler))
    expected = canned.expected()
    sent = {}
    for name, (embed, _) in contenders.items():
        canned.sent.clear()
        if embed(TEXTS) != expected:
            raise AssertionError(f"{name} did not return the canned vectors in order")
        sent[name] = canned.sent[0]
    rows = []
    sync: dict[str, Callable[[], Sample]] = {
        name: partial(call_sample, partial(embed, TEXTS)) for name, (embed, _) in contenders.items()
    }
    asynchronous: dict[str, Callable[[], Awaitable[Sample]]] = {
        name: partial(acall_sample, partial(aembed, TEXTS))
        for name, (_, aembed) in contenders.items()
    }
    measured = {
        "embed_documents": interleave(sync, budget),
        "aembed_documents": run_async(ainterleave(asynchronous, budget)),
    }
    note = (
        f"1,000 texts, {BATCH} per request, {DIMENSIONS}-value vectors; request fields sent: "
        + "; ".join(f"{name} {body}" for name, body in sent.items())
    )
    for call, samples in measured.items():
        for metric, pick in (("ms/1,000 texts", "wall"), ("CPU ms/1,000 texts", "cpu")):
            values = {
                n: median([getattr(s, pick) for s in runs]) * 1000 for n, runs in samples.items()
            }
            rows.append(
                Row(
                    scenario="7 embeddings",
                    mode="in-process",
                    metric=f"{call} {metric}",
                    ours=("HunyuanEmbeddings", values["HunyuanEmbeddings"]),
                    peer=("OpenAIEmbeddings", values["OpenAIEmbeddings"]),
                    floor=("raw httpx", values["raw httpx"]),
                    runs=len(samples["HunyuanEmbeddings"]),
                    note=note,
                )
            )
    return rows
