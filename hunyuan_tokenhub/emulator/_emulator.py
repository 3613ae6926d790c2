"""``TokenHubEmulator``: two loopback hosts (primary and backup) over one shared state."""

from __future__ import annotations

import contextlib
import hmac
import itertools
import logging
import socket
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from types import TracebackType

from ._chat import QUIRKS, QUIRKS_HEADER, ChatEndpoint, ChatPolicy
from ._embeddings import MULTIMODAL_ROUTE, TEXT_ROUTE, EmbeddingEndpoints
from ._faults import Fault, FaultRegistry
from ._files import FILES_PREFIX, FileEndpoint, FileSettings
from ._http import (
    DROP_CONNECTION,
    EmulatorError,
    EmulatorRequest,
    EmulatorResponse,
    Handler,
    HostName,
    Router,
    StreamItem,
    default_error_message,
    json_response,
)
from ._jobs import JobEndpoints, JobStore, JobTiming
from ._legacy import LegacyEndpoints
from ._models_endpoint import ModelsEndpoint
from ._recorder import RecordedRequest, RequestLog
from ._server import Deferred, EventLoopThread, Listener, Outcome, RawRequest
from ._text import stable_hex

logger = logging.getLogger("hunyuan_tokenhub.emulator")

CHAT_ROUTE = "/v1/chat/completions"
MODELS_ROUTE = "/v1/models"
#: Chat model ids the TokenHub doc's own examples use although its model list omits them
#: (example 5 continues its tool-calling conversation with ``deepseek-v3``).
SEED_EXAMPLE_MODELS = frozenset({"deepseek-v3"})


class TokenHubEmulator:
    """A local TokenHub: chat completions (plain and SSE), embeddings, generation jobs and result
    files, with scriptable faults, on two loopback ports that share all state.

    ``api_key=None`` accepts any non-empty Bearer key; a key given here is enforced (401).
    Job concurrency follows TokenHub's documented limits unless ``job_concurrency=False``.
    ``emu.requests`` keeps every request unless ``max_recorded_requests`` caps it. Chat serves
    the models of the emulator's own table (``SERVED_CHAT_MODELS``, with each model's thinking,
    tool_choice, pass-back and temperature rules), ``ep-...`` service ids and
    ``extra_chat_models`` (a mutable set); ``service_bases`` (a mutable dict) gives an
    ``ep-...`` id the rules of a table model. Any other id gets TokenHub's 400 ``400004``.
    ``refuse_retired_models=True`` answers the table's retired ids the same way, as the real
    gateway does; ids in ``plan_gated_models`` get a 403 ``403002``. ``GET /v1/models`` lists
    the online models and the extra ones.
    ``idle_timeout`` (seconds, settable later) closes keep-alive connections left idle that
    long, so clients meet the stale pooled connections real servers leave them.

    Example:
        .. code-block:: python

            import httpx
            from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator

            with TokenHubEmulator(api_key="test-key", job_timing=JobTiming(0.05, 0.2)) as emu:
                emu.faults.add(route="/v1/chat/completions", status=429, retry_after=0.01, times=1)
                reply = httpx.post(
                    f"{emu.base_url}/chat/completions",
                    headers={"Authorization": "Bearer test-key"},
                    json={
                        "model": "deepseek-v3.2",
                        "messages": [{"role": "user", "content": "1+1"}],
                    },
                )
                assert reply.status_code == 429
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        job_timing: JobTiming | None = None,
        job_concurrency: bool | Mapping[str, int] = True,
        quirks: Iterable[str] = (),
        stream_delay: float = 0.0,
        extra_chat_models: Iterable[str] = (),
        refuse_retired_models: bool = False,
        max_recorded_requests: int | None = None,
        idle_timeout: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        backup_port: int = 0,
    ) -> None:
        if api_key is not None and not api_key.strip():
            raise ValueError("api_key must be a non-empty string or None (accept any key)")
        self.api_key = api_key
        self.quirks: set[str] = set()
        self.set_quirks(quirks)
        self.stream_delay = stream_delay
        self.idle_timeout = idle_timeout
        self._default_chat_models = SEED_EXAMPLE_MODELS | {m.lower() for m in extra_chat_models}
        self.extra_chat_models: set[str] = set(self._default_chat_models)
        self.service_bases: dict[str, str] = {}
        self.plan_gated_models: set[str] = set()
        self._default_refuse_retired = refuse_retired_models
        self.refuse_retired_models = refuse_retired_models
        self.faults = FaultRegistry()
        self.requests = RequestLog(max_recorded_requests)
        self.jobs = JobStore(job_timing, job_concurrency)
        self.files = FileSettings()
        self.router = Router()
        self._loop = EventLoopThread()
        self._request_ids = itertools.count(1)
        self._id_lock = threading.Lock()
        ports: dict[HostName, int] = {"primary": port, "backup": backup_port}
        self._listeners = {
            name: Listener(self._handle, name, host, number, lambda: self.idle_timeout)
            for name, number in ports.items()
        }
        self._unreachable_port: int | None = None
        self._started = False
        self._register_builtin_routes()

    # Life cycle -------------------------------------------------------------------------------

    def start(self) -> TokenHubEmulator:
        """Start both hosts (idempotent). Returns ``self``."""
        if self._started:
            return self
        self._loop.start()
        try:
            for listener in self._listeners.values():
                self._loop.run(listener.start())
        except OSError:
            self.stop()
            raise
        self._unreachable_port = _closed_port(self._listeners["primary"].bind_host)
        self._started = True
        return self

    def stop(self) -> None:
        """Close every socket and join every thread the emulator started."""
        if self._loop.running:
            for listener in self._listeners.values():
                self._loop.run(listener.stop())
        self._loop.stop()
        self._started = False

    close = stop

    def __enter__(self) -> TokenHubEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def set_reachable(self, host: HostName, reachable: bool) -> None:
        """Take a host down (connections refused, open ones closed) or bring it back on the
        same port, for failover tests."""
        if not self._started:
            raise RuntimeError("start the emulator before changing a host's reachability")
        listener = self._listeners[host]
        self._loop.run(listener.start() if reachable else listener.stop())

    def reset(self) -> None:
        """Forget faults, recorded requests, jobs, quirks, file settings and chat models added
        after construction."""
        self.faults.clear()
        self.requests.clear()
        self.jobs.clear()
        self.files.reset()
        self.legacy.reset()
        self.quirks.clear()
        self.stream_delay = 0.0
        self.idle_timeout = None
        self.extra_chat_models.clear()
        self.extra_chat_models.update(self._default_chat_models)
        self.service_bases.clear()
        self.plan_gated_models.clear()
        self.refuse_retired_models = self._default_refuse_retired

    # URLs -------------------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the primary host."""
        return self._listeners["primary"].root_url

    @property
    def backup_root_url(self) -> str:
        return self._listeners["backup"].root_url

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: the primary TokenHub host."""
        return f"{self.root_url}/v1"

    @property
    def backup_base_url(self) -> str:
        """The backup host; it shares every job, fault and recorded request with the primary."""
        return f"{self.backup_root_url}/v1"

    @property
    def unreachable_base_url(self) -> str:
        """A loopback ``/v1`` URL whose port refuses connections."""
        if self._unreachable_port is None:
            raise RuntimeError("start the emulator first")
        return f"http://{self._listeners['primary'].bind_host}:{self._unreachable_port}/v1"

    # Extension --------------------------------------------------------------------------------

    def register_route(
        self, method: str, path: str, handler: Handler, *, auth: bool = True
    ) -> None:
        """Serve ``handler`` for ``method`` ``path`` on both hosts (``{name}`` / ``{name:path}``
        placeholders land in ``request.params``). ``auth=False`` leaves authentication to the
        handler (e.g. legacy ``Authorization: sk-...`` or TC3 signatures)."""
        self.router.add(method, path, handler, auth=auth)

    def set_quirks(self, quirks: Iterable[str]) -> None:
        """Replace the gateway quirks applied to every chat response (see ``QUIRKS``)."""
        wanted = set(quirks)
        unknown = wanted - QUIRKS
        if unknown:
            raise ValueError(f"unknown quirks {sorted(unknown)}; known: {sorted(QUIRKS)}")
        self.quirks.clear()
        self.quirks.update(wanted)

    def chat_policy(self) -> ChatPolicy:
        """The account's view of the chat gateway as configured right now."""
        return ChatPolicy(
            extra_models=frozenset(m.strip().lower() for m in self.extra_chat_models),
            service_bases={k.strip().lower(): v for k, v in self.service_bases.items()},
            refuse_retired=self.refuse_retired_models,
            plan_gated=frozenset(m.strip().lower() for m in self.plan_gated_models),
        )

    def new_request_id(self) -> str:
        with self._id_lock:
            number = next(self._request_ids)
        digest = stable_hex("request", number, length=32)
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"

    def check_bearer(self, request: EmulatorRequest) -> None:
        """Raise the documented 401 unless the request carries an accepted Bearer key."""
        token = request.bearer_token()
        if token is None:
            raise EmulatorError(
                401, "Missing API key: send the header 'Authorization: Bearer <API KEY>'."
            )
        if self.api_key is not None and not hmac.compare_digest(
            token.encode(), self.api_key.encode()
        ):
            raise EmulatorError(401, "Invalid API key.")

    # Request handling -------------------------------------------------------------------------

    def _register_builtin_routes(self) -> None:
        chat = ChatEndpoint(
            quirks=lambda: frozenset(self.quirks),
            stream_delay=lambda: self.stream_delay,
            policy=self.chat_policy,
        )
        jobs = JobEndpoints(self.jobs, self.files)
        self.legacy = LegacyEndpoints().install(self)
        self.register_route("POST", CHAT_ROUTE, chat)
        self.register_route("GET", MODELS_ROUTE, ModelsEndpoint(self.chat_policy))
        embeddings = EmbeddingEndpoints()
        self.register_route("POST", TEXT_ROUTE, embeddings.text)
        self.register_route("POST", MULTIMODAL_ROUTE, embeddings.multimodal)
        self.register_route("POST", "/v1/api/image/lite", jobs.lite)
        for kind in ("image", "video", "3d"):
            self.register_route("POST", f"/v1/api/{kind}/submit", partial(jobs.submit, kind))
            self.register_route("POST", f"/v1/api/{kind}/query", partial(jobs.query, kind))
        self.register_route(
            "GET", f"{FILES_PREFIX}/{{job}}/{{name:path}}", FileEndpoint(self.files), auth=False
        )

    def _handle(self, raw: RawRequest) -> Outcome | Deferred:
        request_id = self.new_request_id()
        request = EmulatorRequest(
            method=raw.method,
            path=raw.path,
            query=raw.query,
            headers=raw.headers,
            body=raw.body,
            host=raw.host,
            root_url=raw.root_url,
            request_id=request_id,
        )
        parsed = request.parsed_json()
        record = RecordedRequest.of(request, parsed)
        self.requests.append(record)
        body = parsed if isinstance(parsed, dict) else {}
        model = body.get("model")
        # Faults apply before routing, so a test can script failures on any path.
        request.fault = self.faults.take(
            method=request.method,
            path=request.path,
            host=request.host,
            model=model if isinstance(model, str) else None,
            streaming=body.get("stream") is True,
        )
        answer = partial(self._answer, request, record)
        if request.fault is not None and request.fault.delay > 0:
            return Deferred(request.fault.delay, answer)
        return answer()

    def _answer(self, request: EmulatorRequest, record: RecordedRequest) -> Outcome:
        fault = request.fault
        if fault is not None and fault.drop_connection:
            return DROP_CONNECTION
        if fault is not None and fault.status is not None:
            return _finish(record, _fault_response(fault, request.request_id))
        try:
            route, request.params = self.router.resolve(request.method, request.path)
            request.quirks = _quirks_from_header(request.headers.get(QUIRKS_HEADER, ""))
            if route.auth:
                self.check_bearer(request)
            response = route.handler(request)
        except EmulatorError as exc:
            return _finish(record, exc.to_response(request.request_id))
        except Exception:
            logger.exception("emulator handler for %s %s failed", request.method, request.path)
            error = EmulatorError(500, "The emulator failed to handle this request.")
            return _finish(record, error.to_response(request.request_id))
        if fault is not None and fault.drop_mid_stream:
            _cut(response, fault.after_chunks)
        return _finish(record, response)


def _finish(record: RecordedRequest, response: EmulatorResponse) -> EmulatorResponse:
    response.headers.setdefault("X-Request-Id", record.request_id)
    record.status = response.status
    return response


def _quirks_from_header(value: str) -> frozenset[str]:
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    unknown = names - QUIRKS
    if unknown:
        raise EmulatorError(
            400,
            f"Unknown emulator quirk(s) {sorted(unknown)}; known: {sorted(QUIRKS)}.",
            param=QUIRKS_HEADER,
        )
    return names


def _fault_response(fault: Fault, request_id: str) -> EmulatorResponse:
    assert fault.status is not None
    headers = dict(fault.headers)
    if fault.retry_after is not None:
        seconds = fault.retry_after
        headers["Retry-After"] = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
    if fault.body is None:
        message, message_zh = default_error_message(fault.status)
        error = EmulatorError(
            fault.status,
            fault.message or message,
            code=fault.code,
            message_zh=message_zh if fault.message is None else None,
            headers=headers,
        )
        return error.to_response(request_id)
    if isinstance(fault.body, dict | list):
        return json_response(fault.body, status=fault.status, headers=headers)
    raw = fault.body if isinstance(fault.body, bytes) else str(fault.body).encode()
    headers.setdefault("Content-Type", "text/plain; charset=utf-8")
    return EmulatorResponse(status=fault.status, body=raw, headers=headers)


def _cut(response: EmulatorResponse, after_events: int) -> None:
    """Make ``response`` stop after ``after_events`` SSE data events (or half its body)."""
    if response.events is None:
        response.cut_after = len(response.body) // 2
        return
    response.events = _cut_events(iter(response.events), after_events)


def _cut_events(events: Iterator[StreamItem], after_events: int) -> Iterator[StreamItem]:
    sent = 0
    for event in events:
        if sent >= after_events:
            yield DROP_CONNECTION
            return
        yield event
        if isinstance(event, bytes) and event.startswith(b"data:"):
            sent += 1
    yield DROP_CONNECTION


def _closed_port(host: str) -> int:
    """A port nothing listens on: bind one, then close it."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port
