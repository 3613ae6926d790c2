"""The emulator plays text-format ReAct when tools are described in the system prompt."""

from __future__ import annotations

import json
from typing import Any

import httpx

SYSTEM = """You have access to the following tools:
> Tool Name: get_weather
Tool Description: Get the weather of a city.
Tool Args: {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"}

> Tool Name: get_time
Tool Description: Get the local time of a city.
Tool Args: {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"}

## Output Format
Thought: ...
Action: tool name
Action Input: the input to the tool, in a JSON format
"""


def _reply(client: httpx.Client, messages: list[dict[str, Any]]) -> str:
    response = client.post(
        "/chat/completions", json={"model": "deepseek-v3.2", "messages": messages}
    )
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"])


def test_react_actions_then_answer(client: httpx.Client) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    first = _reply(client, messages)
    assert first.startswith("Thought: ")
    action, action_input = first.split("\nAction: ")[1].split("\nAction Input: ")
    assert action == "get_weather"
    assert json.loads(action_input) == {"city": "Paris"}

    messages += [
        {"role": "assistant", "content": first},
        {"role": "user", "content": "Observation: sunny, 22°C"},
    ]
    second = _reply(client, messages)
    assert second.startswith("Thought: ") and "\nAnswer: " in second
    assert "sunny, 22°C" in second.split("\nAnswer: ")[1]


def test_without_a_react_prompt_the_chat_model_answers_as_usual(client: httpx.Client) -> None:
    assert _reply(client, [{"role": "user", "content": "1+1"}]) == "1+1=2"
