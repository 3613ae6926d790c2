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
