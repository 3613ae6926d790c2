"""The rule-based "model" behind the emulated chat endpoint.

It is deterministic and just clever enough to drive agents: it calls the tools the latest user
message mentions (by words of the tool's name or description), one round or several, fills
arguments from the user's text so they satisfy the tool schema, and finally answers with text
that quotes the tool results verbatim. Thinking models also return ``reasoning_content``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ._schema import generate_arguments, generate_value
from ._text import arithmetic_answer, count_tokens, pieces, stable_hex, text_of

_WORD = re.compile(r"[a-z]+|\d+[a-z]*|[+*×÷]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CJK_FILLER = set("的了是和在我你请一个这那么吗呢什怎样与及或为把被对从给让将要能可会有")

_STOPWORD_TEXT = """
a an and any are as at be by can do does for from get gets given has have how i if in
into is it its me my of on or set should than that the their them then this to tool
tools use uses using via was what when where which who will with you your function
functions call calls return returns returned value values input inputs output outputs
result results hunyuan tokenhub generation generate generates generated create creates
make makes new based specified specific provided info information data text string
number about one two
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words tool descriptions use about themselves; they say nothing about what the user wants.
_DESCRIPTION_STOPWORD_TEXT = """
description descriptions user users ask asks whenever tencent valid hour hours minute minutes
url urls file files few takes short something object like also used useful when such may might
need needs optional optionally
"""
_DESCRIPTION_STOPWORDS = frozenset(_DESCRIPTION_STOPWORD_TEXT.split())

# Words a user may say for a concept a tool is named after.
_SYNONYMS: dict[str, frozenset[str]] = {
    key: frozenset(values.split())
    for key, values in {
        "image": "image images picture pictures photo photos draw drawing paint painting "
        "illustration illustrate 图片 图像 画 照片 插画",
        "video": "video videos clip clips movie film animation animate 视频 动画 短片",
        "3d": "3d mesh glb obj 三维 3d模型 建模",
        "weather": "weather forecast temperature 天气 气温",
        "search": "search find lookup look 搜索 查找 查询",
        "multiply": "multiply multiplied times product * × 乘",
        "add": "add adds adder plus sum + 加",
        "subtract": "subtract minus difference 减",
        "divide": "divide divided ÷ 除",
    }.items()
}


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str

    def as_message_part(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass
class Completion:
    """What the model decided to say, before it is rendered as JSON or SSE."""

    content: str | None
    reasoning: str | None
    tool_calls: list[ToolCall]
    finish_reason: str
    prompt_tokens: int
    cached_tokens: int = 0
    content_tokens: int = 0
    reasoning_tokens: int = 0
    tool_tokens: int = 0

    @property
    def completion_tokens(self) -> int:
        return self.content_tokens + self.reasoning_tokens + self.tool_tokens


@dataclass
class ChatInput:
    """A validated chat request, reduced to what the model needs."""

    model: str
    messages: list[dict[str, Any]]
    tools: list[ToolSpec]
    tool_choice: str | dict[str, Any] | None
    parallel_tool_calls: bool
    reasoning: bool
    max_tokens: int | None
    stop: list[str]
    response_format: dict[str, Any] | None
    cached_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def complete(request: ChatInput) -> Completion:
    """Decide the reply to ``request``."""
    user_text = _last_user_text(request.messages)
    turn = _current_turn(request.messages)
    calls = _tool_calls_for(request, user_text, turn)
    prompt_tokens = prompt_token_count(request.messages, request.tools)
    if calls:
        reasoning = _reasoning(
            request, user_text, f"I will call {', '.join(c.name for c in calls)}."
        )
        return Completion(
            content=None,
            reasoning=reasoning,
            tool_calls=calls,
            finish_reason="tool_calls",
            prompt_tokens=prompt_tokens,
            cached_tokens=min(request.cached_tokens, prompt_tokens),
            reasoning_tokens=count_tokens(reasoning or ""),
            tool_tokens=sum(count_tokens(c.name + c.arguments) for c in calls),
        )
    tool_results = [m for m in turn if m.get("role") == "tool"]
    text = _answer_text(request, user_text, tool_results)
    plan = "I will answer using the tool results." if tool_results else "I will answer directly."
    reasoning = _reasoning(request, user_text, plan)
    text, finish_reason = _apply_limits(text, request.stop, request.max_tokens)
    return Completion(
        content=text,
        reasoning=reasoning,
        tool_calls=[],
        finish_reason=finish_reason,
        prompt_tokens=prompt_tokens,
        cached_tokens=min(request.cached_tokens, prompt_tokens),
        content_tokens=count_tokens(text),
        reasoning_tokens=count_tokens(reasoning or ""),
    )


def prompt_token_count(messages: list[dict[str, Any]], tools: list[ToolSpec]) -> int:
    total = 0
    for message in messages:
        total += 4 + count_tokens(text_of(message.get("content")))
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {} if isinstance(call, dict) else {}
            total += count_tokens(f"{function.get('name', '')}{function.get('arguments', '')}")
    for tool in tools:
        total += (
            count_tokens(tool.name + tool.description)
            + count_tokens(json.dumps(tool.parameters, ensure_ascii=False)) // 2
        )
    return total


def matching_tools(tools: list[ToolSpec], user_text: str) -> list[ToolSpec]:
    """The tools ``user_text`` mentions, in the order they were given.

    A word of the tool's name (or a synonym) scores 2, a word of its description 1; a tool
    needs 2 points, so one shared description word alone never triggers a call.
    """
    words = _user_words(user_text)
    lowered = user_text.lower()
    return [tool for tool in tools if _score(tool, words, lowered) >= 2]


def _score(tool: ToolSpec, words: set[str], lowered: str) -> int:
    score = 0
    for word in _name_words(tool.name):
        if _mentioned(word, words, lowered):
            score += 2
    described = {
        w
        for w in _plain_words(tool.description.lower())
        if len(w) >= 3 and w not in _DESCRIPTION_STOPWORDS
    }
    for word in described - set(_name_words(tool.name)):
        if _mentioned(word, words, lowered):
            score += 1
    for bigram in _cjk_bigrams(tool.description + tool.name):
        if bigram in lowered:
            score += 1
    return score


def _mentioned(word: str, words: set[str], lowered: str) -> bool:
    variants = {word} | _SYNONYMS.get(word, frozenset())
    for variant in variants:
        if _CJK_RUN.search(variant):
            if variant in lowered:
                return True
        elif variant in words:
            return True
    return False


def _name_words(name: str) -> list[str]:
    spaced = _CAMEL.sub(" ", name).replace("_", " ").replace("-", " ").replace(".", " ")
    return [w for w in _plain_words(spaced.lower()) if w not in _STOPWORDS]


def _plain_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w not in _STOPWORDS]


def _user_words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower()))
    return words | {w[:-1] for w in words if len(w) > 3 and w.endswith("s")}


def _cjk_bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        grams.update(
            run[i : i + 2] for i in range(len(run) - 1) if not (_CJK_FILLER & set(run[i : i + 2]))
        )
    return grams


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return text_of(message.get("content"))
    return ""


def _current_turn(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages after the latest user message."""
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].get("role") == "user":
            return messages[index + 1 :]
    return list(messages)


def _called_names(turn: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for message in turn:
        for call in message.get("tool_calls") or []:
            if isinstance(call, dict) and isinstance(call.get("function"), dict):
                names.add(str(call["function"].get("name")))
    return names


def _tool_calls_for(
    request: ChatInput, user_text: str, turn: list[dict[str, Any]]
) -> list[ToolCall]:
    choice = request.tool_choice
    if not request.tools or choice == "none":
        return []
    by_name = {tool.name: tool for tool in request.tools}
    if isinstance(choice, dict):
        chosen = [by_name[choice["function"]["name"]]]
    else:
        matched = matching_tools(request.tools, user_text)
        called = _called_names(turn)
        chosen = [tool for tool in matched if tool.name not in called]
        if choice == "required" and not chosen:
            chosen = matched[:1] or request.tools[:1]
    if not request.parallel_tool_calls:
        chosen = chosen[:1]
    position = len(request.messages)
    return [
        ToolCall(
            id=f"call_{stable_hex(position, user_text, tool.name, index)}",
            name=tool.name,
            arguments=json.dumps(
                generate_arguments(tool.parameters, user_text), ensure_ascii=False
            ),
        )
        for index, tool in enumerate(chosen)
    ]


def _answer_text(request: ChatInput, user_text: str, tool_results: list[dict[str, Any]]) -> str:
    if tool_results:
        names = _tool_names_by_id(request.messages)
        lines = [
            f"- {names.get(str(m.get('tool_call_id')), 'tool')}: {text_of(m.get('content'))}"
            for m in tool_results
        ]
        return "Here is what the tools returned:\n" + "\n".join(lines)
    if request.response_format is not None:
        return _json_answer(request.response_format, user_text)
    answer = arithmetic_answer(user_text)
    if answer is not None:
        return answer
    quoted = user_text.strip()
    if len(quoted) > 1000:
        quoted = quoted[:1000] + "…"
    return f"You said: {quoted}"


def _tool_names_by_id(messages: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for message in messages:
        for call in message.get("tool_calls") or []:
            if isinstance(call, dict) and isinstance(call.get("function"), dict):
                names[str(call.get("id"))] = str(call["function"].get("name"))
    return names


def _json_answer(response_format: dict[str, Any], user_text: str) -> str:
    spec = response_format.get("json_schema")
    if response_format.get("type") == "json_schema" and isinstance(spec, dict):
        value = generate_value(spec.get("schema", {}), user_text)
    else:
        keys = re.findall(r"'([A-Za-z_][\w]*)'", user_text) or ["answer"]
        value = {key: user_text for key in dict.fromkeys(keys)}
    return json.dumps(value, ensure_ascii=False)


def _reasoning(request: ChatInput, user_text: str, plan: str) -> str | None:
    if not request.reasoning:
        return None
    gist = user_text.strip().replace("\n", " ")
    if len(gist) > 80:
        gist = gist[:80] + "…"
    return f"The user asked: {gist} {plan}"


def _apply_limits(text: str, stop: list[str], max_tokens: int | None) -> tuple[str, str]:
    finish_reason = "stop"
    cut = min((text.find(s) for s in stop if s and s in text), default=-1)
    if cut >= 0:
        text = text[:cut]
    if max_tokens is not None:
        parts = pieces(text)
        if len(parts) > max_tokens:
            text = "".join(parts[:max_tokens])
            finish_reason = "length"
    return text, finish_reason
