"""Deterministic text helpers: token pieces, token counts, small arithmetic, stable ids."""

from __future__ import annotations

import ast
import hashlib
import operator
import re
from collections.abc import Callable
from typing import Any

# A "token" is one CJK/kana/fullwidth character, a run of ASCII letters or digits (with its
# leading spaces), one other symbol, or trailing whitespace. Joining the pieces gives the text back.
_PIECE = re.compile(
    r"\s*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"
    r"|\s*[A-Za-z]+|\s*\d+|\s*[^\sA-Za-z\d]|\s+",
)


def pieces(text: str) -> list[str]:
    """Split ``text`` into token-sized pieces whose concatenation is ``text``.

    >>> pieces("1+1=2")
    ['1', '+', '1', '=', '2']
    """
    return _PIECE.findall(text)


def count_tokens(text: str) -> int:
    return len(pieces(text))


def text_of(content: Any) -> str:
    """The text of a message ``content``: a string, or a list of OpenAI content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return "\n".join(texts)
    return ""


def stable_hex(*parts: object, length: int = 24) -> str:
    """A hex digest of ``parts``: the same input always gives the same id."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return digest[:length]


_OPERATORS: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_EXPRESSION = re.compile(r"-?\d+(?:\.\d+)?(?:\s*[-+*/×÷]\s*-?\d+(?:\.\d+)?)+")


def arithmetic_answer(text: str) -> str | None:
    """``"1+1=2"`` for a text containing ``1+1``; ``None`` when it holds no arithmetic.

    >>> arithmetic_answer("计算 1+1")
    '1+1=2'
    """
    match = _EXPRESSION.search(text)
    if match is None:
        return None
    expression = match.group(0)
    try:
        value = _evaluate(ast.parse(expression.replace("×", "*").replace("÷", "/"), mode="eval"))
    except (ZeroDivisionError, ValueError, SyntaxError, OverflowError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{expression}={value}"


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Mult) and max(abs(left), abs(right)) > 1e12:
            raise ValueError("too large")
        return _OPERATORS[type(node.op)](left, right)  # type: ignore[no-any-return]
    raise ValueError("not arithmetic")


# ------------------------------------------------------------------ extractive answers

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
_SOURCE_TAG = re.compile(r"^\s*(\[[^\]\n]{1,80}\])\s*")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# Words that say nothing about what a question is after (including the words RAG prompts use
# about themselves: "answer the question using only the context below").
_QUESTION_STOPWORD_TEXT = """
    a an and are as at be by can could did do does for from had has have how i if in into is it
    its me my of on or our so than that the their them then there these this those to was we
    were what when where which who whom why will with would you your answer answers question
    questions context below above using use only cite file files name names bracket brackets
    say know don't dont not please tell give show
"""
_QUESTION_STOPWORDS = frozenset(_QUESTION_STOPWORD_TEXT.split())
_CJK_FILLER = frozenset("的了是和在我你请一个这那么吗呢什怎样与及或为把被对从给让将要能可会有")


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning: Latin words and CJK character pairs."""
    lowered = text.lower()
    # A plural counts as its singular ("urls" and "url" are one word, not two).
    words = {
        w[:-1] if len(w) > 3 and w.endswith("s") else w
        for w in _LATIN_WORD.findall(lowered)
        if w not in _QUESTION_STOPWORDS
    }
    for run in _CJK.findall(lowered):
        words.update(
            run[i : i + 2] for i in range(len(run) - 1) if not _CJK_FILLER & set(run[i : i + 2])
        )
    return words


def extractive_answer(question: str, context: str, *, most: int = 2) -> str | None:
    """The sentences of ``context`` that best answer ``question``, in their original order.

    A sentence scores one point per meaningful word it shares with the question; the best
    ``most`` sentences with a point or more are returned, each with the ``[source]`` tag its
    paragraph began with (so answers cite their sources, as RAG prompts ask). ``None`` when no
    sentence shares a word with the question.

    >>> extractive_answer("How long do image URLs stay valid?",
    ...                   "[jobs.md] Image URLs stay valid for 1 hour. Video URLs for 24.")
    'Image URLs stay valid for 1 hour. [jobs.md]'
    """
    wanted = content_words(question)
    if not wanted:
        return None
    scored: list[tuple[int, int, str]] = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*\[)", context):
        tag_match = _SOURCE_TAG.match(paragraph)
        tag = tag_match.group(1) if tag_match else ""
        body = paragraph[tag_match.end() :] if tag_match else paragraph
        for sentence in _SENTENCE_END.split(" ".join(body.split())):
            if _is_request(sentence):
                continue  # a question or an instruction in the context states no fact
            score = len(wanted & content_words(sentence))
            if score and sentence.strip():
                text = f"{sentence.strip()} {tag}".strip()
                scored.append((score, len(scored), text))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:most]
    if not best:
        return None
    top = best[0][0]
    # Keep only sentences nearly as relevant as the best one.
    chosen = sorted((i for i in best if i[0] * 4 > top * 3), key=lambda item: item[1])
    return " ".join(text for _, _, text in chosen)


def _is_request(sentence: str) -> bool:
    stripped = sentence.strip()
    return stripped.endswith(("?", "？", "吗")) or stripped.lower().startswith(("请", "please"))
