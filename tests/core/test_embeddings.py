"""Embeddings through the core clients: what goes on the wire, what comes back, what is refused
before anything is sent, and what a malformed answer becomes."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from hunyuan_tokenhub import (
    APIError,
    AsyncTokenHubClient,
    EmbeddingResult,
    InvalidParameterError,
    ModelNotAvailableError,
    RateLimitError,
    TokenHubClient,
    get_model_info,
    image_input,
    list_models,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.core._support import API_KEY

TEXT_ROUTE = "/v1/embeddings"
MULTIMODAL_ROUTE = "/v1/embeddings/multimodal"


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.hypot(*a) / math.hypot(*b)


def _sent(emulator: TokenHubEmulator, route: str) -> list[dict[str, Any]]:
    return [r.json for r in emulator.requests if r.path == route]


def test_the_model_data_holds_the_four_documented_models() -> None:
    specs = {m.id: m.embedding for m in list_models("embedding")}
    assert {model: spec.dimensions for model, spec in specs.items() if spec} == {
        "kinfra-text-embedding-0.6b": 1024,
        "kinfra-text-embedding-4b": 2560,
        "kinfra-vl-embedding-2b": 2048,
        "kinfra-vl-embedding-8b": 4096,
    }
    text = get_model_info("kinfra-text-embedding-0.6b")
    assert text.context_window == 32768 and text.sources
    assert text.embedding is not None and text.embedding.endpoint == "/embeddings"
    vision = get_model_info("kinfra-vl-embedding-8b").embedding
    assert vision is not None and vision.endpoint == "/embeddings/multimodal"


def test_texts_are_sent_in_documented_batches_and_come_back_in_order(
    client: TokenHubClient, emulator: TokenHubEmulator
) -> None:
    texts = [f"passage number {n}" for n in range(300)]
    result = client.embed(texts)

    bodies = _sent(emulator, TEXT_ROUTE)
    assert [len(body["input"]) for body in bodies] == [128, 128, 44]
    assert bodies[0] == {
        "model": "kinfra-text-embedding-0.6b",
        "input": texts[:128],
        "encoding_format": "float",
    }
    assert [text for body in bodies for text in body["input"]] == texts
    assert len(result.vectors) == 300 and result.dimensions == 1024
    alone = client.embed([texts[200]]).vectors[0]
    assert result.vectors[200] == alone
    assert result.prompt_tokens == result.total_tokens and result.total_tokens > 300


def test_a_smaller_batch_size_and_the_4b_model(
    client: TokenHubClient, emulator: TokenHubEmulator
) -> None:
    result = client.embed(["a", "b", "c"], model="kinfra-text-embedding-4b", batch_size=2)
    assert [len(body["input"]) for body in _sent(emulator, TEXT_ROUTE)] == [2, 1]
    assert result.dimensions == 2560 and result.model == "kinfra-text-embedding-4b"


def test_answers_are_reordered_by_their_index(emulator: TokenHubEmulator) -> None:
    shuffled = {
        "data": [{"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [1.0, 0.0]}],
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }
    emulator.faults.add(route=TEXT_ROUTE, status=200, body=shuffled, times=1)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        result = client.embed(["first", "second"], model="ep-abc12345")
    assert result.vectors == [[1.0, 0.0], [0.0, 1.0]]


def test_shared_words_are_closer_than_unrelated_text(client: TokenHubClient) -> None:
    cat, kitten, market = client.embed(
        ["the cat sat on the mat", "a cat on a mat", "stock market closes higher"]
    ).vectors
    assert _cosine(cat, kitten) > _cosine(cat, market) + 0.3
    assert all(math.isclose(math.hypot(*v), 1.0) for v in (cat, kitten, market))


def test_retries_and_failover_apply_as_for_chat(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=TEXT_ROUTE, status=429, times=1)
    with TokenHubClient(
        api_key=API_KEY,
        base_url=emulator.unreachable_base_url,
        fallback_base_urls=[emulator.base_url],
        max_retries=1,
    ) as client:
        assert client.embed(["retried"]).dimensions == 1024
    assert len(recorded_delays) == 1 and len(_sent(emulator, TEXT_ROUTE)) == 2

    emulator.faults.add(route=TEXT_ROUTE, status=429, times=2)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=1) as client:
        with pytest.raises(RateLimitError):
            client.embed(["refused twice"])


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"inputs": []}, "input"),
        ({"inputs": ["fine", "   "]}, "input[1]"),
        ({"inputs": ["x" * 2001]}, "input[0]"),
        ({"inputs": ["fine"], "dimensions": 256}, "dimensions"),
        ({"inputs": ["fine"], "model": "deepseek-v3.2"}, "model"),
        ({"inputs": [image_input("https://example.com/cat.png")]}, "input[0]"),
        ({"inputs": ["fine"], "batch_size": 0}, "batch_size"),
        ({"inputs": [42]}, "input[0]"),
        ({"inputs": [[{"type": "video_url"}]], "model": "kinfra-vl-embedding-2b"}, "input[0][0]"),
        (
            {
                "inputs": [[{"type": "image_url", "image_url": {"url": "/etc/passwd"}}]],
                "model": "kinfra-vl-embedding-2b",
            },
            "input[0][0].image_url.url",
        ),
    ],
)
def test_bad_input_fails_before_any_request(
    client: TokenHubClient, emulator: TokenHubEmulator, kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        client.embed(**kwargs)
    assert caught.value.param == param
    assert len(emulator.requests) == 0


def test_the_fixed_dimension_itself_is_accepted_and_not_sent(
    client: TokenHubClient, emulator: TokenHubEmulator
) -> None:
    client.embed(["fine"], dimensions=1024)
    assert "dimensions" not in _sent(emulator, TEXT_ROUTE)[0]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"usage": {}}, "expected 1 embedding"),
        ({"data": [{"index": 0, "embedding": []}]}, "not a list of numbers"),
        ({"data": [{"index": 0, "embedding": [0.1, "x"]}]}, "not a number"),
        ({"data": [{"index": 0, "embedding": [0.1, None]}]}, "not a number"),
        ({"data": [{"index": 3, "embedding": [0.1]}]}, "bad or repeated index"),
        ({"data": ["vector"]}, "not an object"),
        ({"data": [{"index": 0, "embedding": [0.5] * 7}]}, "has 7 values"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_every_malformed_answer_is_a_typed_error(
    emulator: TokenHubEmulator, body: Any, reason: str
) -> None:
    emulator.faults.add(route=TEXT_ROUTE, status=200, body=body, times=1)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(APIError, match=reason):
            client.embed(["one text"])


def test_vectors_of_different_sizes_are_refused_for_an_unknown_model(
    emulator: TokenHubEmulator,
) -> None:
    body = {"data": [{"index": 0, "embedding": [0.1]}, {"index": 1, "embedding": [0.1, 0.2]}]}
    emulator.faults.add(route=TEXT_ROUTE, status=200, body=body, times=1)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        with pytest.raises(APIError, match="different sizes"):
            client.embed(["a", "b"], model="ep-abc12345")


def test_multimodal_sends_one_request_per_input_with_content_items(
    client: TokenHubClient, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    png = tmp_path / "cat.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    result = client.embed(
        ["a cat", [{"type": "text", "text": "a cat"}, image_input(png)], image_input(png)],
        model="kinfra-vl-embedding-2b",
    )
    bodies = _sent(emulator, MULTIMODAL_ROUTE)
    assert bodies[0] == {
        "model": "kinfra-vl-embedding-2b",
        "input": [{"type": "text", "text": "a cat"}],
    }
    url = bodies[1]["input"][1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert bodies[2]["input"] == [{"type": "image_url", "image_url": {"url": url}}]
    assert len(result.vectors) == 3 and result.dimensions == 2048
    # No length limit is documented for the multimodal endpoint: nothing is refused for it.
    assert client.embed(["x" * 5000], model="kinfra-vl-embedding-2b").dimensions == 2048
    assert (
        result.vectors[2]
        == client.embed([image_input(png)], model="kinfra-vl-embedding-2b").vectors[0]
    )


def test_a_multimodal_answer_with_data_as_an_object_is_read(emulator: TokenHubEmulator) -> None:
    body = {"data": {"embedding": [0.25] * 2048}, "usage": {"prompt_tokens": 3, "total_tokens": 3}}
    emulator.faults.add(route=MULTIMODAL_ROUTE, status=200, body=body, times=1)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as client:
        result = client.embed(["x"], model="kinfra-vl-embedding-2b")
    assert result == EmbeddingResult([[0.25] * 2048], "kinfra-vl-embedding-2b", 3, 3)


def test_image_input_forms(tmp_path: Path) -> None:
    assert image_input("https://e.com/a.jpg") == {
        "type": "image_url",
        "image_url": {"url": "https://e.com/a.jpg"},
    }
    assert image_input(b"\xff\xd8\xff\xe0")["image_url"]["url"].startswith("data:image/jpeg;")
    with pytest.raises(InvalidParameterError, match="mime_type"):
        image_input(b"no signature")
    with pytest.raises(InvalidParameterError, match="neither an image URL nor a file"):
        image_input(str(tmp_path / "missing.png"))


def test_the_gateway_refusals_of_the_emulator(emulator: TokenHubEmulator) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    base = {"model": "kinfra-text-embedding-0.6b", "input": ["x"]}
    for body in (
        {**base, "dimensions": 256},
        {**base, "encoding_format": "base64"},
        {**base, "input": ["x" * 2001]},
        {**base, "model": "kinfra-vl-embedding-2b"},
    ):
        reply = httpx.post(f"{emulator.base_url}/embeddings", headers=headers, json=body)
        error = reply.json()["error"]
        assert reply.status_code == 400 and error["code"] == "400001"
        assert set(error) == {"message", "message_zh", "code", "type", "source", "request_id"}
        assert error["type"] == "invalid_request_error" and error["source"] == "client"
        assert error["request_id"] == reply.headers["x-request-id"]


def test_an_unknown_model_is_the_gateways_400004(client: TokenHubClient) -> None:
    with pytest.raises(ModelNotAvailableError) as caught:
        client.embed(["x"], model="no-such-embedding-model")
    assert (caught.value.status_code, caught.value.code) == (400, "400004")


def test_the_async_client_embeds_the_same_vectors(
    client: TokenHubClient, emulator: TokenHubEmulator
) -> None:
    async def main() -> EmbeddingResult:
        async with AsyncTokenHubClient(api_key=API_KEY, base_url=emulator.base_url) as aclient:
            return await aclient.embed(["same text", "another"], batch_size=1)

    result = asyncio.run(main())
    assert len(_sent(emulator, TEXT_ROUTE)) == 2
    assert result.vectors == client.embed(["same text", "another"]).vectors


def test_a_custom_service_takes_its_base_models_rules(
    client: TokenHubClient, emulator: TokenHubEmulator
) -> None:
    from hunyuan_tokenhub._catalog import register_model, unregister_model

    register_model("ep-vl12345", based_on="kinfra-vl-embedding-2b")
    try:
        result = client.embed([image_input("https://e.com/a.png")], model="ep-vl12345")
    finally:
        unregister_model("ep-vl12345")
    assert [r.path for r in emulator.requests] == [MULTIMODAL_ROUTE]
    assert result.dimensions == 2048
    # An id the data does not know is sent as text, so an image for it is refused first.
    with pytest.raises(InvalidParameterError) as caught:
        client.embed([image_input("https://e.com/a.png")], model="ep-unknown1")
    assert caught.value.param == "input[0]" and len(emulator.requests) == 1


def test_a_batch_cut_off_after_sending_is_sent_again(
    emulator: TokenHubEmulator, recorded_delays: list[float]
) -> None:
    emulator.faults.add(route=TEXT_ROUTE, drop_connection=True, times=1)
    with TokenHubClient(api_key=API_KEY, base_url=emulator.base_url, max_retries=1) as client:
        assert client.embed(["resent"]).dimensions == 1024
    assert len(_sent(emulator, TEXT_ROUTE)) == 2
