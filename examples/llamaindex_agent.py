"""A LlamaIndex FunctionAgent with the Hunyuan LLM and the Hunyuan generation ToolSpec.

    pip install -e ".[all]"
    python examples/llamaindex_agent.py

The agent's event stream shows each tool call and result; job progress arrives through the
ToolSpec's ``on_progress`` callback (and as ``GenerationProgressEvent`` on the LlamaIndex
dispatcher, for instrumentation handlers).
"""

from __future__ import annotations

import asyncio

from _support import tokenhub_or_emulator
from llama_index.core.agent.workflow import FunctionAgent, ToolCall, ToolCallResult

from hunyuan_tokenhub.jobs import JobStatus
from llama_index_hunyuan import Hunyuan, HunyuanGenerationToolSpec

REQUEST = "Draw a lighthouse at dawn in watercolour, make a 3D model of the lighthouse too."


def show_progress(status: JobStatus) -> None:
    progress = "" if status.progress is None else f" {status.progress}%"
    print(f"   job {status.job_id} ({status.model}): {status.state}{progress}")


async def main() -> None:
    spec = HunyuanGenerationToolSpec(on_progress=show_progress)
    agent = FunctionAgent(
        tools=spec.to_tool_list(["generate_image", "generate_3d"]),
        llm=Hunyuan(model="hy3"),
        system_prompt="You make pictures and 3D models with your tools, then give the user "
        "every link the tools returned, unchanged.",
    )
    handler = agent.run(REQUEST)
    async for event in handler.stream_events():
        if isinstance(event, ToolCall):
            print(f"-> {event.tool_name}({event.tool_kwargs})")
        elif isinstance(event, ToolCallResult):
            print(f"<- {event.tool_name} finished")
    response = await handler
    print("\nAnswer:\n" + str(response))


if __name__ == "__main__":
    with tokenhub_or_emulator():
        asyncio.run(main())
