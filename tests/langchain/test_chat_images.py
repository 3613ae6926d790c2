"""Images reach the models that take them as OpenAI ``image_url`` parts; text-only models
refuse them before anything is sent."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from langchain_core.messages import HumanMessage

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import chat_bodies, last_body

MakeLLM = Callable[..., ChatHunyuan]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image bytes").decode()


@pytest.mark.parametrize(
    ("block", "url"),
    [
        ({"type": "image", "url": "https://example.com/cat.png"}, "https://example.com/cat.png"),
        (
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            f"data:image/png;base64,{PNG}",
        ),
        (
            {"type": "image_url", "image_url": {"url": "https://example.com/dog.jpg"}},
            "https://example.com/dog.jpg",
        ),
    ],
)
def test_image_blocks_become_image_url_parts(
    make_llm: MakeLLM, emulator: TokenHubEmulator, block: dict[str, object], url: str
) -> None:
    llm = make_llm(model="kimi-k2.6")
    assert llm.profile is not None and llm.profile["image_inputs"] is True
    llm.invoke([HumanMessage([{"type": "text", "text": "What is in the picture?"}, block])])
    content = last_body(emulator)["messages"][0]["content"]
    assert content[0] == {"type": "text", "text": "What is in the picture?"}
    assert content[1]["type"] == "image_url" and content[1]["image_url"]["url"] == url


def test_an_image_to_a_text_only_model_fails_before_sending(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    llm = make_llm(model="hy3")
    assert llm.profile is not None and llm.profile["image_inputs"] is False
    message = HumanMessage(
        [
            {"type": "text", "text": "What is this?"},
            {"type": "image", "url": "https://x.test/a.png"},
        ]
    )
    with pytest.raises(InvalidParameterError, match="takes text only") as caught:
        llm.invoke([message])
    assert "kimi-k2.6" in str(caught.value)
    assert chat_bodies(emulator) == []
