"""Text-format ReAct for the rule-based chat model.

ReAct agents (LlamaIndex's ``ReActAgent``, LangChain's classic ReAct prompt) send no ``tools``:
the tools are described in the system prompt, the model answers in text
(``Thought: … / Action: <tool> / Action Input: {json}`` or ``Thought: … / Answer: …``), and
the agent sends each tool result back as a user message starting with ``Observation:``. This
module recognises such a conversation and plays the model's part with the same rules as native
tool calling: call each tool the question mentions once, then answer quoting the observations.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._chat_model import (
    ChatInput,
    Completion,
    ToolSpec,
    answer_from_results,
    matching_tools,
    prompt_token_count,
    question_and_context,
    stand_in_notice,
)
from ._schema import generate_arguments
from ._text import arithmetic_answer, count_tokens, extractive_answer, text_of

_TOOL_ENTRY = re.compile(
    r"^> Tool Name: (?P<name>\S+)\s*\nTool Description: (?P<description>.*?)\n"
    r"Tool Args: (?P<args>\{.*?\})\s*$",
    re.MULTILINE | re.DOTALL,
)
_ACTION = re.compile(r"^Action: *(\S+)", re.MULTILINE)
_OBSERVATION = "Observation:"


def react_completion(request: ChatInput) -> Completion | None:
    """The completion for a text-ReAct conversation; ``None`` when ``request`` is not one."""
    if request.tools or not is_react_prompt(request.messages):
        return None
    text = react_reply(request.messages, request.model)
    reasoning = "I will follow the ReAct format." if request.reasoning else None
    prompt_tokens = prompt_token_count(request.messages, [])
    return Completion(
        content=text,
        reasoning=reasoning,
        tool_calls=[],
        finish_reason="stop",
        prompt_tokens=prompt_tokens,
        cached_tokens=min(request.cached_tokens, prompt_tokens),
        content_tokens=count_tokens(text),
        reasoning_tokens=count_tokens(reasoning or ""),
    )


def is_react_prompt(messages: list[dict[str, Any]]) -> bool:
    """True when the system prompt asks for the text ReAct format and describes tools."""
    system = _system_text(messages)
    return "Action Input:" in system and "> Tool Name:" in system


def react_reply(messages: list[dict[str, Any]], model: str) -> str:
    """The model's next ReAct step: an action for the next tool to call, or the answer."""
    tools = _tools_in(_system_text(messages))
    question, after = _question(messages)
    called = {
        match.group(1)
        for message in after
        if message.get("role") == "assistant"
        for match in _ACTION.finditer(text_of(message.get("content")))
    }
    pending = [tool for tool in matching_tools(tools, question) if tool.name not in called]
    if pending:
        tool = pending[0]
        arguments = json.dumps(generate_arguments(tool.parameters, question), ensure_ascii=False)
        return (
            "Thought: The current language of the user is: English. I need to use a tool to "
            f"help me answer the question.\nAction: {tool.name}\nAction Input: {arguments}"
        )
    observations = [
        text_of(m.get("content"))[len(_OBSERVATION) :].strip()
        for m in after
        if m.get("role") in ("user", "tool") and text_of(m.get("content")).startswith(_OBSERVATION)
    ]
    if observations:
        answer = answer_from_results([("the tool", o) for o in observations])
    else:
        # The system prompt here is the ReAct instructions, not context to answer from.
        _, context = question_and_context(
            [m for m in messages if m.get("role") != "system"], question
        )
        answer = (
            arithmetic_answer(question)
            or extractive_answer(question, context)
            or stand_in_notice(model, question)
        )
    return f"Thought: I can answer without using any more tools.\nAnswer: {answer}"


def _system_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(text_of(m.get("content")) for m in messages if m.get("role") == "system")


def _tools_in(system: str) -> list[ToolSpec]:
    tools = []
    for match in _TOOL_ENTRY.finditer(system):
        try:
            parameters = json.loads(match.group("args"))
        except ValueError:
            parameters = {}
        tools.append(
            ToolSpec(
                match.group("name"),
                match.group("description").strip(),
                parameters if isinstance(parameters, dict) else {},
            )
        )
    return tools


def _question(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The latest user message that is not an observation, and the messages after it."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        content = text_of(message.get("content"))
        if message.get("role") == "user" and not content.startswith(_OBSERVATION):
            return content, messages[index + 1 :]
    return "", messages
