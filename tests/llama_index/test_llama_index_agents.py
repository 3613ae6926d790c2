"""LlamaIndex agents driving ``Hunyuan`` and the generation tools against the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from llama_index.core.agent.workflow import (
    AgentStream,
    AgentWorkflow,
    FunctionAgent,
    ReActAgent,
    ToolCallResult,
)
from llama_index.core.tools import FunctionTool

from hunyuan_tokenhub.emulator import TokenHubEmulator
from llama_index_hunyuan import Hunyuan, HunyuanGenerationToolSpec
from tests.llama_index._support import API_KEY, chat_bodies

MakeLLM = Callable[..., Hunyuan]
FILE_URL = re.compile(r"http://127\.0\.0\.1:\d+/files/\S+")


@pytest.fixture
def spec(emulator: TokenHubEmulator) -> Iterator[HunyuanGenerationToolSpec]:
    tool_spec = HunyuanGenerationToolSpec(
        api_key=API_KEY, base_url=emulator.base_url, poll_interval=0.01
    )
    yield tool_spec
    tool_spec.close()


def _urls(text: str) -> set[str]:
    return set(FILE_URL.findall(text))


@pytest.mark.parametrize("streaming", [True, False])
async def test_function_agent_multi_step_generation(
    make_llm: MakeLLM,
    spec: HunyuanGenerationToolSpec,
    emulator: TokenHubEmulator,
    streaming: bool,
) -> None:
    # One call per step (parallel_tool_calls=False): image, then 3D model, then the answer.
    llm = make_llm(parallel_tool_calls=False)
    agent = FunctionAgent(tools=spec.to_tool_list(), llm=llm, streaming=streaming)
    handler = agent.run(user_msg="Draw a picture of a red fox, then make a 3D model of it.")
    results: list[ToolCallResult] = []
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            results.append(event)
    answer = str(await handler)

    assert [r.tool_name for r in results] == ["generate_image", "generate_3d"]
    generated = set().union(*(_urls(r.tool_output.content) for r in results))
    assert any(url.endswith(".png") for url in generated)
    assert any(url.endswith(".glb") for url in generated)
    assert generated <= _urls(answer)
    assert len(chat_bodies(emulator)) == 3
    assert all(body.get("stream", False) is streaming for body in chat_bodies(emulator))
    raw = results[0].tool_output.raw_output
    assert raw.kind == "image" and raw.assets[0].url in answer


async def test_function_agent_streams_thinking_of_a_reasoning_model(
    make_llm: MakeLLM, spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    agent = FunctionAgent(
        tools=spec.to_tool_list(spec_functions=["generate_image"]),
        llm=make_llm("kimi-k2-thinking-turbo"),
    )
    handler = agent.run(user_msg="Please draw a lighthouse at dawn")
    thinking = [
        e.thinking_delta
        async for e in handler.stream_events()
        if isinstance(e, AgentStream) and e.thinking_delta
    ]
    answer = str(await handler)
    assert "".join(thinking).startswith("The user asked")
    assert _urls(answer)
    # The tool turn's reasoning went back to the API, as this model requires.
    [assistant] = [m for m in chat_bodies(emulator)[-1]["messages"] if m.get("tool_calls")]
    assert assistant["reasoning_content"].startswith("The user asked")


async def test_react_agent_generation_loop(
    make_llm: MakeLLM, spec: HunyuanGenerationToolSpec, emulator: TokenHubEmulator
) -> None:
    agent = ReActAgent(tools=spec.to_tool_list(), llm=make_llm())
    handler = agent.run(user_msg="Draw a picture of a red fox, then make a 3D model of it.")
    results = [e async for e in handler.stream_events() if isinstance(e, ToolCallResult)]
    answer = str(await handler)
    assert [r.tool_name for r in results] == ["generate_image", "generate_3d"]
    generated = set().union(*(_urls(r.tool_output.content) for r in results))
    assert generated and generated <= _urls(answer)
    # ReAct speaks text: no tools are sent, tool results come back as observations.
    bodies = chat_bodies(emulator)
    assert all("tools" not in body for body in bodies)
    assert bodies[-1]["messages"][-1]["content"].startswith("Observation:")


async def test_agent_workflow_picks_the_function_agent(make_llm: MakeLLM) -> None:
    def multiply(a: int, b: int) -> int:
        """Multiply two integers."""
        return a * b

    workflow = AgentWorkflow.from_tools_or_functions(
        [FunctionTool.from_defaults(fn=multiply)], llm=make_llm()
    )
    assert isinstance(workflow.agents[workflow.root_agent], FunctionAgent)
    answer = str(await workflow.run(user_msg="multiply 6 by 7"))
    assert "42" in answer


async def test_function_agent_early_stopping_generate_gets_its_final_answer(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    # At max_iterations LlamaIndex appends its "give a final answer" instruction as a system
    # message at the end; TokenHub wants the last message to be user or tool, so it is sent
    # as a user message (else the gateway answers 400).
    def multiply(a: int, b: int) -> int:
        """Multiply two integers."""
        return a * b

    agent = FunctionAgent(
        tools=[FunctionTool.from_defaults(fn=multiply)],
        llm=make_llm(),
        system_prompt="You are a calculator.",
        early_stopping_method="generate",
    )
    answer = str(await agent.run(user_msg="multiply 6 by 7", max_iterations=1))

    final_request = chat_bodies(emulator)[-1]
    assert [m["role"] for m in final_request["messages"]] == ["system", "user", "user"]
    instruction = final_request["messages"][-1]["content"]
    assert instruction.startswith("You have reached the maximum number of iterations (1).")
    assert "tools" not in final_request
    # The final answer replies to that instruction (the emulator names the words it was asked
    # about when nothing it was given answers them).
    assert answer.startswith("[TokenHub emulator: a rule-based stand-in for hunyuan-2.0-instruct")
    assert "iteration" in answer.split("(about:", 1)[1]
