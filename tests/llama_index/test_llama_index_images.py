"""LlamaIndex ``ImageBlock``s reach image models as ``image_url`` parts; text-only models refuse
them before sending."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from llama_index.core.base.llms.types import ChatMessage, ImageBlock, TextBlock

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan
from tests.llama_index._support import chat_bodies

MakeLLM = Callable[..., Hunyuan]
PNG_BYTES = b"\x89PNG\r\n\x1a\n fake image bytes"


def _question(image: ImageBlock) -> list[ChatMessage]:
    return [ChatMessage(role="user", blocks=[TextBlock(text="What is in it?"), image])]


def test_image_blocks_become_image_url_parts(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    make_llm("kimi-k2.6").chat(_question(ImageBlock(url="https://example.com/cat.png")))
    make_llm("kimi-k2.6").chat(_question(ImageBlock(image=PNG_BYTES, image_mimetype="image/png")))
    first, second = (body["messages"][0]["content"] for body in chat_bodies(emulator))
    assert first[0] == {"type": "text", "text": "What is in it?"}
    assert first[1]["image_url"]["url"] == "https://example.com/cat.png"
    encoded = base64.b64encode(PNG_BYTES).decode()
    assert second[1]["image_url"]["url"] == f"data:image/png;base64,{encoded}"


def test_an_image_to_a_text_only_model_fails_before_sending(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError, match="takes text only"):
        make_llm("hy3").chat(_question(ImageBlock(url="https://example.com/cat.png")))
    assert chat_bodies(emulator) == []
