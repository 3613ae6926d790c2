"""Request and response values, the error shape, and the router every endpoint registers on.

Handlers are plain functions ``(EmulatorRequest) -> EmulatorResponse``; they know nothing about
sockets, so the chat, job, file and legacy endpoints stay small and testable.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from ._faults import Fault

HostName = Literal["primary", "backup"]


class DropConnection:
    """Sentinel: close the socket at this point without finishing the response."""

    def __repr__(self) -> str:
        return "DROP_CONNECTION"


DROP_CONNECTION: Final = DropConnection()

StreamItem = bytes | DropConnection

ErrorSource = Literal["client", "gateway", "upstream"]

#: ``(type, code, source)`` of the error a status gets when a handler or fault names none.
#: Evidenced: a busy or rate-limited model answers 429 ``rate_limit_error`` ``429006`` from
#: the gateway (https://github.com/Tencent-Hunyuan/Hy3/blob/main/quickstart.md, read
#: 2026-12-01); a model outside the account's plan 403 ``403002`` (a live-probed report,
#: https://github.com/anomalyco/models.dev/pull/5872). The others keep the April 2026 TokenHub
#: chat doc's OpenAI-style names, as no newer real body is public.
_DEFAULT_ERRORS: Final[dict[int, tuple[str, str, ErrorSource]]] = {
    400: ("invalid_request_error", "invalid_request_error", "client"),
    401: ("authentication_error", "authentication_error", "gateway"),
    403: ("gateway_error", "403002", "gateway"),
    404: ("invalid_request_error", "not_found", "client"),
    429: ("rate_limit_error", "429006", "gateway"),
    500: ("engine_server_error", "engine_server_error", "upstream"),
    503: ("service_unavailable", "service_unavailable", "gateway"),
}

_DEFAULT_MESSAGES: Final[dict[int, tuple[str, str]]] = {
    400: ("Invalid request parameters.", "请求参数不合法。"),
    401: ("Invalid API key.", "API Key 无效。"),
    403: (
        "The model is not included in your plan or not enabled for this account.",
        "当前套餐或账号未开通该模型。",
    ),
    404: ("Not found.", "资源不存在。"),
    429: (
        "The model service is currently busy or has reached its serving capacity limit. "
        "Please reduce the request frequency and try again later.",
        "当前模型服务繁忙或已达服务容量上限，请降低请求频率后稍后重试。",
    ),
    500: ("Engine internal error.", "引擎内部错误。"),
    502: ("Bad gateway.", "网关错误。"),
    503: ("Service temporarily unavailable.", "服务暂时不可用。"),
    504: ("Gateway timeout.", "网关超时。"),
}


def default_error(status: int) -> tuple[str, str, ErrorSource]:
    """``(type, code, source)`` for ``status`` when nothing more specific is known."""
    if status in _DEFAULT_ERRORS:
        return _DEFAULT_ERRORS[status]
    if status >= 500:
        return "engine_server_error", "engine_server_error", "gateway"
    return "invalid_request_error", "invalid_request_error", "client"


def default_error_message(status: int) -> tuple[str, str]:
    """``(message, message_zh)`` for ``status``."""
    return _DEFAULT_MESSAGES.get(status, (f"HTTP {status}", f"HTTP {status}"))


def error_body(
    message: str,
    *,
    code: str | int,
    type_: str,
    request_id: str,
    source: ErrorSource | None = "client",
    message_zh: str | None = None,
) -> dict[str, Any]:
    """TokenHub's error body: ``{"error": {message, message_zh, code, type, source,
    request_id}}``. ``code`` may be a string or an integer, as on the real gateway;
    ``source=None`` leaves the field out, as the gateway's own unknown-model answer does;
    ``message_zh`` defaults to ``message`` (an upstream vendor's text is passed on as is).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import error_body

            body = error_body(
                "slow down", code="429006", type_="rate_limit_error", request_id="r1",
                source="gateway",
            )
            print(sorted(body["error"]))
            # ['code', 'message', 'message_zh', 'request_id', 'source', 'type']
    """
    error: dict[str, Any] = {
        "message": message,
        "message_zh": message if message_zh is None else message_zh,
        "code": code,
        "type": type_,
    }
    if source is not None:
        error["source"] = source
    error["request_id"] = request_id
    return {"error": error}


class EmulatorError(Exception):
    """Raised by a handler to answer with TokenHub's error body (see ``error_body``).

    ``type_``, ``code`` and ``source`` default by status; ``param`` names the request field
    at fault for whoever inspects the exception (the gateway's body has no such field).

    Example:
        .. code-block:: python

            import httpx

            from hunyuan_tokenhub.emulator import EmulatorError, EmulatorRequest, TokenHubEmulator


            def refuse(request: EmulatorRequest):
                raise EmulatorError(400, "size must be 1024x1024", param="size")


            with TokenHubEmulator() as emu:
                emu.register_route("POST", "/v1/resize", refuse)
                reply = httpx.post(f"{emu.base_url}/resize", headers={"Authorization": "Bearer k"})
                print(reply.status_code, reply.json()["error"])  # 400, TokenHub's error body
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | int | None = None,
        type_: str | None = None,
        source: ErrorSource | None = None,
        message_zh: str | None = None,
        omit_source: bool = False,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        default_type, default_code, default_source = default_error(status)
        self.status = status
        self.message = message
        self.message_zh = message_zh
        self.code = code if code is not None else default_code
        self.type = type_ or default_type
        self.source: ErrorSource | None = None if omit_source else source or default_source
        self.param = param
        self.headers = dict(headers or {})

    def body(self, request_id: str) -> dict[str, Any]:
        return error_body(
            self.message,
            code=self.code,
            type_=self.type,
            request_id=request_id,
            source=self.source,
            message_zh=self.message_zh,
        )

    def to_response(self, request_id: str) -> EmulatorResponse:
        return json_response(self.body(request_id), status=self.status, headers=self.headers)


@dataclass
class EmulatorRequest:
    """One parsed HTTP request as a handler sees it. Header names are lower-case.

    Example:
        .. code-block:: python

            import httpx

            from hunyuan_tokenhub.emulator import EmulatorRequest, TokenHubEmulator, json_response


            def echo(request: EmulatorRequest):
                body = request.json_object()  # a 400 in the documented shape if not a JSON object
                return json_response({"name": request.params["name"], "got": body})


            with TokenHubEmulator() as emu:
                emu.register_route("POST", "/v1/echo/{name}", echo)
                reply = httpx.post(
                    f"{emu.base_url}/echo/koi", headers={"Authorization": "Bearer k"}, json={"n": 1}
                )
                print(reply.json())  # {'name': 'koi', 'got': {'n': 1}}
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    host: HostName
    root_url: str
    request_id: str
    params: dict[str, str] = field(default_factory=dict)
    fault: Fault | None = None
    quirks: frozenset[str] = frozenset()
    _parsed: Any = field(default=None, repr=False)
    _parse_error: str | None = field(default=None, repr=False)
    _is_parsed: bool = field(default=False, repr=False)

    def parsed_json(self) -> Any:
        """The JSON body, or ``None`` when the body is empty or not JSON."""
        if not self._is_parsed:
            self._is_parsed = True
            if self.body.strip():
                try:
                    self._parsed = json.loads(self.body)
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    self._parse_error = str(exc)
        return self._parsed

    def json_object(self) -> dict[str, Any]:
        """The JSON body as an object, or a 400 in the documented shape."""
        value = self.parsed_json()
        if self._parse_error is not None:
            raise EmulatorError(400, f"Request body is not valid JSON: {self._parse_error}")
        if not isinstance(value, dict):
            raise EmulatorError(400, "Request body must be a JSON object.")
        return value

    def bearer_token(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


@dataclass
class EmulatorResponse:
    """What a handler returns.

    ``events`` switches to a chunked streaming body (each item one write, ``DROP_CONNECTION``
    closes the socket there), paced ``event_delay`` seconds apart. ``cut_after`` sends only
    that many body bytes of a plain response and then closes the socket, simulating a
    connection lost mid-body.

    Example:
        .. code-block:: python

            import httpx

            from hunyuan_tokenhub.emulator import EmulatorResponse, TokenHubEmulator, sse_data


            def count(request):
                events = [sse_data({"n": 1}), sse_data({"n": 2})]
                headers = {"Content-Type": "text/event-stream"}
                return EmulatorResponse(headers=headers, events=events)


            with TokenHubEmulator() as emu:
                emu.register_route("GET", "/v1/count", count, auth=False)
                print(httpx.get(f"{emu.base_url}/count").text)  # two "data: {...}" events
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    events: Iterable[StreamItem] | None = None
    event_delay: float = 0.0
    cut_after: int | None = None


def json_response(
    payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> EmulatorResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    merged = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return EmulatorResponse(status=status, body=body, headers=merged)


def sse_response(events: Iterable[StreamItem]) -> EmulatorResponse:
    headers = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
    return EmulatorResponse(status=200, headers=headers, events=events)


def sse_data(payload: Any) -> bytes:
    """One ``data: <json>`` event."""
    return (
        b"data: "
        + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        + (b"\n\n")
    )


Handler = Callable[[EmulatorRequest], EmulatorResponse]

_PARAM = re.compile(r"\{(\w+)(:path)?\}")


@dataclass(frozen=True)
class Route:
    """A registered endpoint. ``auth`` routes require ``Authorization: Bearer <key>``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import TokenHubEmulator

            emu = TokenHubEmulator()  # routes are registered before start()
            route, params = emu.router.resolve("POST", "/v1/chat/completions")
            print(route.method, route.pattern, route.auth)  # POST /v1/chat/completions True
    """

    method: str
    pattern: str
    handler: Handler
    auth: bool = True


class Router:
    """Maps ``(method, path)`` to a handler; ``{name}`` matches one segment, ``{name:path}`` more.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import EmulatorResponse, Router

            router = Router()
            router.add("GET", "/files/{job}/{name}", lambda request: EmulatorResponse(), auth=False)
            route, params = router.resolve("GET", "/files/42/image.png")
            print(params)  # {'job': '42', 'name': 'image.png'}
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], Route] = {}
        self._patterns: list[tuple[re.Pattern[str], Route]] = []

    def add(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        """Register (or replace) the handler for ``method`` on ``pattern``."""
        route = Route(method.upper(), pattern, handler, auth)
        if _PARAM.search(pattern) is None:
            self._exact[(route.method, pattern)] = route
            return
        self._patterns = [
            (rx, r)
            for rx, r in self._patterns
            if (r.method, r.pattern)
            != (
                route.method,
                pattern,
            )
        ]
        self._patterns.append((_compile(pattern), route))

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and its path parameters; a 404/405 ``EmulatorError`` when none matches."""
        method = method.upper()
        if method == "HEAD":
            with contextlib.suppress(EmulatorError):
                return self.resolve("GET", path)
        exact = self._exact.get((method, path))
        if exact is not None:
            return exact, {}
        allowed: list[str] = [m for (m, p) in self._exact if p == path]
        for regex, route in self._patterns:
            match = regex.fullmatch(path)
            if match is None:
                continue
            if route.method == method:
                return route, match.groupdict()
            allowed.append(route.method)
        if allowed:
            raise EmulatorError(
                405,
                f"Method {method} not allowed on {path}; use {', '.join(sorted(set(allowed)))}.",
                code="method_not_allowed",
                type_="invalid_request_error",
            )
        raise EmulatorError(404, f"Unknown route {method} {path}.", type_="invalid_request_error")

    @property
    def routes(self) -> list[Route]:
        return [*self._exact.values(), *(route for _, route in self._patterns)]


def _compile(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for match in _PARAM.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>{'.+' if match.group(2) else '[^/]+'})")
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("".join(parts))
