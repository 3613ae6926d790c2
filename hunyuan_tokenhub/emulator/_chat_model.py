"""The rule-based "model" behind the emulated chat endpoint: a stand-in, not a language model.

It is deterministic and just clever enough to drive agents and demos. It calls a tool only when
the latest user message asks for what the tool does (a generation tool, which costs money on
the real service, only when the user asks for an image, video or 3D model to be made), one
round or several, and fills the arguments from the user's text so they satisfy the tool schema.
It answers from what it was given: the tool results, else the sentences of the context (system
prompt, documents in the message) that share the most words with the question, else the
arithmetic in the question, else JSON filling a requested schema; failing all of these it says
plainly what it is. Thinking models also return ``reasoning_content``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ._schema import generate_arguments, generate_value
from ._text import (
    arithmetic_answer,
    content_words,
    count_tokens,
    extractive_answer,
    pieces,
    stable_hex,
    text_of,
)

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
    """The tools ``user_text`` asks for, in the order they were given.

    A word of the tool's name (or a synonym) scores 2, a word of its description 1; a tool
    needs 2 points, so one shared description word alone never triggers a call. A tool that
    makes something (an image, a video, a 3D model) is called only when a sentence asks for one
    to be made: "draw a cat", "I need a 3D model of a chair", "a video of waves"; not "what is a
    3D model?" nor "don't draw anything".
    """
    words = _user_words(user_text)
    lowered = user_text.lower()
    return [
        tool
        for tool in tools
        if _score(tool, words, lowered) >= 2 and _asked_to_make(tool, user_text)
    ]


# Things a tool makes; asking about one is not asking for one.
_PRODUCTS = ("image", "video", "3d")
_MAKE_WORD_TEXT = """
draw paint sketch illustrate render generate create make produce design animate build turn give
show want need get 画 生成 做 制作 创建 建模 来 要 给 出
"""
_MAKE_WORDS = frozenset(_MAKE_WORD_TEXT.split())
_NEGATIONS = ("don't", "do not", "dont", "without", "no need", "never", "不要", "别", "不用")
_ARTICLE_START = re.compile(r"^\s*(?:an?|one|two|three|some|\d+)\s", re.IGNORECASE)
_CJK_ARTICLE_START = re.compile(r"^\s*[一两三几]\s*[张个段部幅只]")
_SENTENCES = re.compile(r"[^.!?。！？;；\n]+")


def _asked_to_make(tool: ToolSpec, user_text: str) -> bool:
    products = [w for w in _name_words(tool.name) if w in _PRODUCTS]
    if not products:
        return True
    for sentence in _SENTENCES.findall(user_text):
        lowered = sentence.lower()
        words = _user_words(sentence)
        if not any(_mentioned(product, words, lowered) for product in products):
            continue
        if any(negation in lowered for negation in _NEGATIONS):
            continue
        makes = any(w in words for w in _MAKE_WORDS if not _CJK_RUN.search(w)) or any(
            w in lowered for w in _MAKE_WORDS if _CJK_RUN.search(w)
        )
        if makes or _ARTICLE_START.match(sentence) or _CJK_ARTICLE_START.match(sentence):
            return True
    return False


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


def _is_output_schema(tools: list[ToolSpec]) -> bool:
    """One tool named like a type ("Person", "MovieReview"): an output schema offered as a tool.

    Frameworks' structured output (LangChain's with_structured_output, LlamaIndex's
    structured_predict) binds the schema as the only tool under its class name; functions an
    agent calls are named like actions (get_weather).
    """
    return len(tools) == 1 and tools[0].name[:1].isupper() and "_" not in tools[0].name


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
        elif not chosen and not called and _is_output_schema(request.tools):
            # Structured output unforced (as thinking models need): fill the one schema.
            chosen = list(request.tools)
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
        return answer_from_results(
            [(names.get(str(m.get("tool_call_id")), "tool"), text_of(m.get("content")))
             for m in tool_results]
        )  # fmt: skip
    if request.response_format is not None:
        return _json_answer(request.response_format, user_text)
    question, context = question_and_context(request.messages, user_text)
    answer = arithmetic_answer(question)
    if answer is None and context:
        answer = extractive_answer(question, context)
    return answer if answer is not None else stand_in_notice(request.model, question)


def answer_from_results(results: list[tuple[str, str]]) -> str:
    """An answer that reports each tool's result (a JSON object as its key: value pairs)."""
    lines = []
    for name, text in results:
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, dict) and value:
            text = ", ".join(f"{key}: {item}" for key, item in value.items())
        lines.append(f"{name}: {' '.join(text.split())}")
    if len(lines) == 1:
        return f"According to {lines[0]}"
    return "According to the tools:\n" + "\n".join(f"- {line}" for line in lines)


# Markers that separate a question from the documents a prompt puts before it.
_QUESTION_MARKERS = ("question:", "问题:", "问题：", "query:")
_CONTEXT_MARKERS = ("context:", "上下文:", "上下文：", "documents:", "资料:")


def question_and_context(messages: list[dict[str, Any]], user_text: str) -> tuple[str, str]:
    """The question asked, and the text given to answer it from.

    The context is the system prompt after a "Context:" marker (all of it when it has none),
    the user's earlier messages and the tool results, and anything before a "Question:" marker
    in the user's message.
    """
    question, given = user_text, ""
    lowered = user_text.lower()
    for marker in _QUESTION_MARKERS:
        at = lowered.rfind(marker)
        if at >= 0:
            question, given = user_text[at + len(marker) :], user_text[:at]
            break
    parts = [given]
    for message in messages:
        text = text_of(message.get("content"))
        if message.get("role") == "system":
            low = text.lower()
            at = max(low.rfind(marker) for marker in _CONTEXT_MARKERS)
            marker_end = low.find(":", at) + 1 if at >= 0 else 0
            parts.append(text[marker_end:] if at >= 0 else text)
        elif message.get("role") in ("user", "tool") and text != user_text:
            # Not the assistant's turns: the stand-in does not quote itself.
            parts.append(text)
    return question.strip(), "\n\n".join(p for p in parts if p.strip())


def stand_in_notice(model: str, question: str) -> str:
    """What the stand-in says when nothing it was given answers the question."""
    lowered = question.lower()
    # The question's own words, in its order (one per position: "iterations", not also
    # "iteration"), numbers left out.
    by_position = {lowered.find(w): w for w in content_words(question) if not w.isdigit()}
    by_position.pop(-1, None)
    topic = " ".join(by_position[at] for at in sorted(by_position)[:6])
    about = f" (about: {topic})" if topic else ""
    return (
        f"[TokenHub emulator: a rule-based stand-in for {model}, not a language model] "
        f"Nothing I was given answers this{about}. I answer from the context and tool results "
        "you give me, work out arithmetic, fill JSON schemas and call the tools you ask for."
    )


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
