"""Quickstart: chat, streaming, a tool call and an image, in thirty lines.

    pip install -e ".[all]" && python examples/quickstart.py
"""

from _support import tokenhub_or_emulator
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool

from langchain_hunyuan import ChatHunyuan, HunyuanImageGenerationTool


@tool
def get_weather(city: str) -> str:
    """Get today's weather for a city."""
    return f"Sunny and 24°C in {city}."


def main() -> None:
    llm = ChatHunyuan(model="hy3")
    print("Chat:", llm.invoke("计算 1+1").content)

    print("Stream: ", end="")
    for chunk in llm.stream("Say hello to TokenHub in one short sentence."):
        print(chunk.content, end="", flush=True)

    with_tools = llm.bind_tools([get_weather])
    messages = [HumanMessage("What's the weather in Shenzhen?")]
    reply = with_tools.invoke(messages)
    print("\nTool calls:", [(call["name"], call["args"]) for call in reply.tool_calls])
    messages += [reply, *(get_weather.invoke(call) for call in reply.tool_calls)]
    print("Answer:", with_tools.invoke(messages).content)

    image = HunyuanImageGenerationTool()  # hy-image-v3.0: submit, poll, return the URLs
    print(image.invoke({"prompt": "a red panda reading a book, watercolour"}))


if __name__ == "__main__":
    with tokenhub_or_emulator():
        main()
