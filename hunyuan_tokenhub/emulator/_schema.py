"""Tool arguments that satisfy a JSON schema, filled with values taken from the user's text.

Strings come from quoted phrases, URLs, place names or the whole message; numbers are the numbers
the user wrote, clamped to the schema's bounds; enums prefer a value the user mentioned.
"""

from __future__ import annotations

import math
import re
from collections import deque
from typing import Any

_QUOTED = re.compile(
    r"(?<!\w)'([^'\n]+?)'(?!\w)|(?<!\w)\"([^\"\n]+?)\"(?!\w)|“([^”]+)”|「([^」]+)」|‘([^’]+)’"
)
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w|\.\d)")
_URL = re.compile(r"(?:https?://|data:)[^\s'\"<>)\]]+")
_EN_PLACE = re.compile(r"\b(?:in|at|for|of|near)\s+([A-Z][\w.'-]*(?:(?:,\s*|\s+)[A-Z][\w.'-]*)*)")
_CJK_PLACE = re.compile(r"([\u4e00-\u9fff]{2,}?)(?:今天|明天|后天|现在|目前|的|天气|市|怎么样)")
_PLACE_WORDS = frozenset({"city", "location", "place", "address", "region", "country", "town"})
_URL_WORDS = frozenset({"url", "urls", "uri", "link", "href", "website", "homepage"})
_NAME_PARTS = re.compile(r"[_\-\s.]+|(?<=[a-z0-9])(?=[A-Z])")
# Fields that hold a name: filled with the first run of capitalised words in the text.
_NAME_WORDS = frozenset({"name", "person", "author", "character", "speaker", "who"})
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
_SENTENCE_STARTERS = frozenset(
    {"A", "An", "The", "I", "Give", "Tell", "What", "Who", "How", "Please", "Make", "Create"}
)
_MAX_DEPTH = 8
_ALWAYS_FILLED = frozenset({"prompt"})


class ArgumentContext:
    """The user text, with quoted phrases and numbers handed out one by one.

    >>> ctx = ArgumentContext("Create a customer named '你好啊集团' with 3 seats")
    >>> ctx.next_quote(), ctx.next_number(), ctx.next_number()
    ('你好啊集团', 3.0, None)
    """

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self._quotes = deque(
            next(group for group in match.groups() if group) for match in _QUOTED.finditer(text)
        )
        self._numbers = deque(float(n) for n in _NUMBER.findall(_URL.sub(" ", text)))
        self.urls = [url.rstrip(".,;:!?") for url in _URL.findall(text)]

    def next_quote(self) -> str | None:
        return self._quotes.popleft() if self._quotes else None

    def next_number(self) -> float | None:
        return self._numbers.popleft() if self._numbers else None

    def place(self) -> str | None:
        english = _EN_PLACE.search(self.text)
        if english:
            return english.group(1).rstrip(".,")
        chinese = _CJK_PLACE.search(self.text)
        return chinese.group(1) if chinese else None


def generate_arguments(schema: Any, text: str) -> dict[str, Any]:
    """Arguments for a tool whose ``parameters`` schema is ``schema``.

    >>> schema = {"type": "object", "properties": {"city": {"type": "string"}},
    ...           "required": ["city"]}
    >>> generate_arguments(schema, "北京今天天气怎么样?")
    {'city': '北京'}
    """
    if not isinstance(schema, dict):
        return {}
    value = _Generator(schema, ArgumentContext(text)).value(schema, "", 0)
    return value if isinstance(value, dict) else {}


def generate_value(schema: Any, text: str) -> Any:
    """Any JSON value satisfying ``schema`` (used for JSON-schema response formats)."""
    if not isinstance(schema, dict):
        return {}
    return _Generator(schema, ArgumentContext(text)).value(schema, "", 0)


class _Generator:
    def __init__(self, root: dict[str, Any], ctx: ArgumentContext) -> None:
        self.root = root
        self.ctx = ctx

    def resolve(self, schema: Any) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 20:
            target: Any = self.root
            for part in schema["$ref"].lstrip("#").strip("/").split("/"):
                if not part:
                    continue
                target = (
                    target.get(part.replace("~1", "/").replace("~0", "~"), {})
                    if isinstance(target, dict)
                    else {}
                )
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **merged} if isinstance(target, dict) else merged
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def value(self, schema: Any, name: str, depth: int) -> Any:
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self._enum(schema["enum"])
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                _merge(merged, self.resolve(part))
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return self.value(_merge(merged, rest), name, depth)
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                resolved = [self.resolve(b) for b in branches]
                chosen = next((b for b in resolved if b.get("type") != "null"), resolved[0])
                rest = {k: v for k, v in schema.items() if k != key}
                return self.value({**rest, **chosen}, name, depth)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            default = schema.get("default")
            return default if isinstance(default, bool) else False
        if kind == "null":
            return None
        return self._string(schema, name)

    def _enum(self, options: list[Any]) -> Any:
        lowered = self.ctx.text.lower()
        mentioned = [
            (lowered.find(str(o).lower()), i)
            for i, o in enumerate(options)
            if str(o) and str(o).lower() in lowered
        ]
        return options[min(mentioned)[1]] if mentioned else options[0]

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        if depth >= _MAX_DEPTH:
            return {}
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = schema.get("required")
        names = [n for n in required if isinstance(n, str)] if isinstance(required, list) else []
        # A model fills an optional prompt too (e.g. "prompt or image_url" generation tools).
        names += [n for n in properties if n in _ALWAYS_FILLED and n not in names]
        return {n: self.value(properties.get(n, {}), n, depth + 1) for n in names}

    def _array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        if depth >= _MAX_DEPTH:
            return []
        min_items = _int(schema.get("minItems"), 0)
        max_items = _int(schema.get("maxItems"), max(min_items, 1))
        count = max(1, min_items) if max_items > 0 else 0
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and prefix:
            values = [self.value(item, name, depth + 1) for item in prefix]
            count = max(count, len(values))
        else:
            values = []
        items = schema.get("items", {})
        while len(values) < count:
            values.append(self.value(items, name, depth + 1))
        return values

    def _number(self, schema: dict[str, Any], *, integer: bool) -> float:
        found = self.ctx.next_number()
        default = schema.get("default")
        if found is None and isinstance(default, int | float) and not isinstance(default, bool):
            found = float(default)
        value = found if found is not None else 0.0
        step = 1.0 if integer else 1e-6
        low = _float(schema.get("minimum"))
        exclusive_low = _float(schema.get("exclusiveMinimum"))
        high = _float(schema.get("maximum"))
        exclusive_high = _float(schema.get("exclusiveMaximum"))
        if exclusive_low is not None:
            low = max(low if low is not None else -math.inf, exclusive_low + step)
        if exclusive_high is not None:
            high = min(high if high is not None else math.inf, exclusive_high - step)
        if low is not None and value < low:
            value = math.ceil(low) if integer else low
        if high is not None and value > high:
            value = math.floor(high) if integer else high
        multiple = _float(schema.get("multipleOf"))
        if multiple:
            value = math.ceil(value / multiple) * multiple
            if high is not None and value > high:
                value -= multiple
        return float(round(value)) if integer else value

    def _string(self, schema: dict[str, Any], name: str) -> str:
        value = self._raw_string(schema, name)
        max_length = _int(schema.get("maxLength"), -1)
        min_length = _int(schema.get("minLength"), 0)
        if 0 <= max_length < len(value):
            value = value[:max_length]
        if len(value) < min_length:
            value = (value or "x").ljust(min_length, "x")
        return value

    def _raw_string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "date":
            return "2025-01-01"
        if fmt == "date-time":
            return "2025-01-01T00:00:00Z"
        if fmt == "time":
            return "00:00:00"
        if fmt == "email":
            return "user@example.com"
        words = {part.lower() for part in _NAME_PARTS.split(name) if part}
        if fmt in ("uri", "url", "iri") or words & _URL_WORDS:
            return self.ctx.urls[0] if self.ctx.urls else f"https://example.com/{name or 'item'}"
        if words & _PLACE_WORDS:
            place = self.ctx.place()
            if place:
                return place
        quoted = self.ctx.next_quote()
        if quoted is not None:
            return quoted
        if words & _NAME_WORDS:
            names = [n for n in _CAPITALISED.findall(self.ctx.text) if n not in _SENTENCE_STARTERS]
            if names:
                return names[0]
        return self.ctx.text or name or "text"


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _merge(target: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if key == "properties" and isinstance(value, dict):
            target.setdefault("properties", {}).update(value)
        elif key == "required" and isinstance(value, list):
            target["required"] = [*target.get("required", []), *value]
        else:
            target[key] = value
    return target


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
