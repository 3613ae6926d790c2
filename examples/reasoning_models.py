"""Thinking models: read their reasoning apart from the answer, whole or streamed.

    pip install -e ".[langchain]" && python examples/reasoning_models.py

Thinking models (``deepseek-v4-pro`` and ``kimi-k2.6`` by default, ``minimax-m2.7`` always;
``hunyuan-tokenhub models`` lists them) return their chain of thought as ``reasoning_content``.
ChatHunyuan keeps it in ``additional_kwargs["reasoning_content"]`` and as a ``reasoning`` content
block, never mixed into ``content``; streamed, it arrives from the first chunk on.
"""

from __future__ import annotations

from _support import tokenhub_or_emulator
from langchain_core.messages import AIMessageChunk

from langchain_hunyuan import ChatHunyuan


def main() -> None:
    llm = ChatHunyuan(model="deepseek-v4-pro")

    reply = llm.invoke("What is 17*23?")
    print("Reasoning:", reply.additional_kwargs["reasoning_content"])
    print("Answer:   ", reply.content)
    details = (reply.usage_metadata or {}).get("output_token_details", {})
    print("Reasoning tokens:", details.get("reasoning"))
    kinds = [block["type"] for block in reply.content_blocks]
    print("Content blocks:", kinds)

    print("\nStreaming minimax-m2.7:", end="")
    thinker = ChatHunyuan(model="minimax-m2.7")
    full: AIMessageChunk | None = None
    section = ""
    for chunk in thinker.stream("Compute 12+30 and explain briefly."):
        for name, text in (
            ("thinking", chunk.additional_kwargs.get("reasoning_content")),
            ("answer", chunk.content),
        ):
            if text:
                if section != name:
                    section = name
                    print(f"\n[{name}] ", end="")
                print(text, end="", flush=True)
        full = chunk if full is None else full + chunk
    print()
    if full is not None:
        print("Stream usage:", full.usage_metadata)


if __name__ == "__main__":
    with tokenhub_or_emulator():
        main()
