"""The HTTP clients: ``TokenHubClient`` (sync) and ``AsyncTokenHubClient`` (asyncio).

Both share everything but the I/O call: settings, headers, the host pool with failover, the retry
decisions and the error mapping live in :class:`_RequestPlan` and :class:`_BaseClient`; each
twin only sends bytes and sleeps its own way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
from pydantic import SecretStr

from ._config import MISSING_KEY_MESSAGE, ClientSettings, resolve_settings
from ._embeddings import DEFAULT_EMBEDDING_MODEL, EmbeddingInput, EmbeddingPlan, EmbeddingResult
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConfigurationError,
    StreamError,
    error_from_response,
    load_json,
    scrub_secret,
)
from ._failover import HostPool
from ._network import guard_pools, guarded
from ._remote_models import MODELS_PATH, RemoteModel, parse_model_list
from ._retry import FAILOVER_STATUS, Retries, RetryPolicy, is_connect_failure
from ._sse import SSEDecoder
from ._version import __version__

__all__ = ["AsyncTokenHubClient", "TokenHubClient"]

logger = logging.getLogger("hunyuan_tokenhub")

CHAT_COMPLETIONS_PATH = "/chat/completions"
_POOL_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=200)


def _encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_json(status_code: int, content: bytes, request_id: str | None) -> dict[str, Any]:
    try:
        data = load_json(content)
    except ValueError as exc:
        shown = content[:300].decode("utf-8", "replace")
        raise APIError(
            f"the server answered HTTP {status_code} with a body that is not JSON ({exc}): "
            f"{shown!r}",
            status_code=status_code,
            request_id=request_id,
        ) from None
    if not isinstance(data, dict):
        raise APIError(
            f"expected a JSON object, got {type(data).__name__}",
            status_code=status_code,
            body=data,
        )
    return data


def _requested_model(request: httpx.Request) -> str | None:
    """The ``model`` a JSON request body named (read only when an error answer needs it)."""
    try:
        body = json.loads(request.content)
    except (ValueError, httpx.RequestNotRead):
        return None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else None


def _transport_error(
    exc: httpx.TransportError, url: str, deadline: float | None = None
) -> APIConnectionError:
    # The URL is safe to show; headers (which hold the key) never are.
    if deadline is not None:
        return APITimeoutError(
            f"request to {url} got no complete answer within its deadline of {deadline:g}s "
            f"(timeout) ({type(exc).__name__})"
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"request to {url} timed out ({type(exc).__name__})")
    return APIConnectionError(f"could not reach {url}: {type(exc).__name__}: {exc}")


def _authorizes(headers: Mapping[str, str] | None) -> bool:
    """Whether ``headers`` carry credentials of their own (an ``Authorization`` header)."""
    return bool(headers) and any(name.lower() == "authorization" for name in headers or ())


_REDACTED = b"***"
# Shorter strings are no real key, and replacing them would garble ordinary answers.
_MIN_SECRET_LENGTH = 8


class _Redactor:
    """Removes the credentials of one request from whatever the server sends back.

    A server or a proxy in front of it may echo the key (a 401 message, a proxy error page
    quoting the request headers, a hostile answer). Everything the client hands on (decoded
    bodies, stream lines, error texts and headers) passes through here first, so that no key
    reaches an exception, a log, a tool's output or a stored result, whatever the server sent.
    """

    __slots__ = ("_encoded", "_secrets")

    def __init__(
        self, headers: Mapping[str, str], api_key: str, extra: tuple[str, ...] = ()
    ) -> None:
        candidates = {api_key, *extra}
        for name, value in headers.items():
            if name.lower() == "authorization":
                candidates.add(value.removeprefix("Bearer ").strip())
        self._secrets = tuple(s for s in candidates if len(s) >= _MIN_SECRET_LENGTH)
        self._encoded = tuple(s.encode() for s in self._secrets)

    def bytes(self, content: bytes) -> bytes:
        for secret in self._encoded:
            if secret in content:
                content = content.replace(secret, _REDACTED)
        return content

    def text(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED.decode())
        return text

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        return {name: self.text(value) for name, value in headers.items()}

    def error(self, error: APIError) -> APIError:
        for secret in self._secrets:
            scrub_secret(error, secret)
        return error

    def cause(self, exc: BaseException) -> BaseException | None:
        """``exc`` to chain as a cause, or ``None`` when its text quotes a secret (an HTTP
        parser error may quote the server's bytes, which may echo the key)."""
        text = str(exc)
        return None if any(secret in text for secret in self._secrets) else exc

    def decode_json(self, response: httpx.Response) -> dict[str, Any]:
        content = self.bytes(response.content)
        return _decode_json(response.status_code, content, response.headers.get("x-request-id"))

    def status_error(self, response: httpx.Response) -> APIError:
        return error_from_response(
            response.status_code,
            self.bytes(response.content),
            self.headers(response.headers),
            model=_requested_model(response.request),
        )


ResponseCheck = Callable[[dict[str, Any]], object]
"""Raises the typed error a successful HTTP answer may still stand for (an error in an HTTP 200
body); the request loop then retries it under the same rules as an error status."""


class _RequestPlan:
    """Failover and the answer of one logical request; :class:`Retries` decides the retries.

    The caller asks :attr:`url` where to send, then reports what happened; each ``on_*`` method
    returns how long to sleep before the next attempt (``None`` from :meth:`on_answer`: done),
    or raises the final typed error.
    """

    def __init__(
        self,
        hosts: HostPool | str,
        path: str,
        retries: Retries,
        *,
        submit: bool,
        redactor: _Redactor,
        check: ResponseCheck | None = None,
        auth: httpx.Auth | None = None,
    ) -> None:
        # A single base URL (another service) is tried alone, without failover.
        self._pool = hosts if isinstance(hosts, HostPool) else None
        self._candidates = hosts.ordered() if isinstance(hosts, HostPool) else [hosts]
        self._path = path
        self._retries = retries
        self._submit = submit
        self._check = check
        self.auth = auth
        self.redactor = redactor
        self._host_index = 0
        self.answer: dict[str, Any] = {}

    @property
    def host(self) -> str:
        return self._candidates[self._host_index]

    @property
    def url(self) -> str:
        return self.host + self._path

    def _fail_over(self) -> bool:
        """Move to the next host, if there is one left; no sleep, no retry used."""
        if self._pool is None:
            return False
        self._pool.mark_down(self.host)
        if self._host_index + 1 < len(self._candidates):
            self._host_index += 1
            logger.warning("TokenHub host unreachable; failing over to %s", self.host)
            return True
        return False

    def on_transport_error(self, exc: httpx.TransportError, deadline: float | None) -> float:
        """``deadline``: the overall deadline in seconds, when it is what ended the request."""
        error = self.redactor.error(_transport_error(exc, self.url, deadline))
        if is_connect_failure(exc) and self._fail_over():
            return 0.0
        delay = self._retries.after_transport_error(exc)
        if delay is None:
            raise error from self.redactor.cause(exc)
        logger.info("retrying %s after %s in %.2fs", self._path, type(exc).__name__, delay)
        return delay

    def on_error_status(self, response: httpx.Response) -> float:
        if not self._submit and response.status_code in FAILOVER_STATUS and self._fail_over():
            return 0.0
        return self._on_error(self.redactor.status_error(response))

    def _on_error(self, error: APIError) -> float:
        delay = self._retries.after_error(error)
        if delay is None:
            raise error
        logger.info(
            "retrying %s after HTTP %s (%s) in %.2fs",
            self._path,
            error.status_code,
            error.code,
            delay,
        )
        return delay

    def on_answer(self, response: httpx.Response, *, decode: bool) -> float | None:
        """A status < 400: ``None`` when accepted (the decoded JSON in :attr:`answer` when
        ``decode``), else the wait before retrying an error the response check found."""
        if self._pool is not None:
            self._pool.mark_up(self.host)
        if not decode:
            return None
        answer = self.redactor.decode_json(response)
        if self._check is not None:
            try:
                self._check(answer)
            except APIError as error:
                return self._on_error(self.redactor.error(error))
        self.answer = answer
        return None


_Closing = TypeVar("_Closing", bound="ClosesOnExit")
_AsyncClosing = TypeVar("_AsyncClosing", bound="AsyncClosesOnExit")


class ClosesOnExit:
    """``with`` support for the sync twins: leaving the block calls :meth:`close`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Closing) -> _Closing:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosesOnExit:
    """``async with`` support for the async twins: leaving the block awaits :meth:`aclose`."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self: _AsyncClosing) -> _AsyncClosing:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


_Pool = TypeVar("_Pool", httpx.Client, httpx.AsyncClient)


class _BaseClient(Generic[_Pool]):
    """Settings, headers and request planning shared by both twins; each twin makes its own
    httpx pool (:meth:`_new_pool`) and does its own I/O."""

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        region: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        fallback_base_urls: Sequence[str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        failover_cooldown: float | None = None,
        stream_idle_timeout: float | None = None,
        retry_sent_chat_requests: bool | None = None,
        settings: ClientSettings | None = None,
        http_client: _Pool | None = None,
    ) -> None:
        self.settings = resolve_settings(
            api_key=api_key,
            base_url=base_url,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            fallback_base_urls=fallback_base_urls,
            default_headers=default_headers,
            failover_cooldown=failover_cooldown,
            stream_idle_timeout=stream_idle_timeout,
            retry_sent_chat_requests=retry_sent_chat_requests,
            settings=settings,
        )
        self._hosts = HostPool(
            (self.settings.base_url, *self.settings.fallback_base_urls),
            self.settings.failover_cooldown,
        )
        self._policy = RetryPolicy(max_retries=self.settings.max_retries)
        key = self.settings.api_key
        # Settings without a key belong to a client whose every call brings its own auth=.
        self._key = key.get_secret_value() if key is not None else ""
        self._headers = {
            **({"Authorization": f"Bearer {self._key}"} if key is not None else {}),
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": f"hunyuan-tokenhub/{__version__}",
            **self.settings.default_headers,
        }
        self._stream_headers = {**self._headers, "Accept": "text/event-stream"}
        self._timeout = self.settings.phase_timeouts
        self._redactor = _Redactor(self._headers, self._key)
        self._authorized = _authorizes(self._headers)
        self._owns_http = http_client is None
        self._http: _Pool = guard_pools(http_client or self._new_pool())

    def _new_pool(self) -> _Pool:
        """A pooled httpx client of the twin's kind, for a client not given one."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.settings.base_url!r}, "
            f"fallback_base_urls={list(self.settings.fallback_base_urls)!r})"
        )

    def _plan(
        self,
        path: str,
        *,
        submit: bool,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        resend: bool = True,
        check: ResponseCheck | None = None,
        retry_refusals: bool = True,
        auth: httpx.Auth | None = None,
    ) -> _RequestPlan:
        if not self._authorized and auth is None and not _authorizes(headers):
            raise ConfigurationError(MISSING_KEY_MESSAGE)
        hosts = self._hosts if base_url is None else base_url.rstrip("/")
        # An auth object may name the secrets it sends (TC3Auth: the SecretId).
        extra: tuple[str, ...] = getattr(auth, "secrets", ())
        redactor = (
            self._redactor
            if not headers and not extra
            else _Redactor(
                {**self._headers, **(headers or {})},
                self._key,
                extra,
            )
        )
        retries = Retries(self._policy, submit=submit, resend=resend, retry_refusals=retry_refusals)
        return _RequestPlan(
            hosts, path, retries, submit=submit, redactor=redactor, check=check, auth=auth
        )

    def _chat_plan(self) -> _RequestPlan:
        return self._plan(
            CHAT_COMPLETIONS_PATH, submit=False, resend=self.settings.retry_sent_chat_requests
        )

    def _merge_headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        return {**self._headers, **headers} if headers else self._headers

    def _expired(self, expires_at: float) -> float | None:
        """The deadline in seconds if it has passed (what ended the request), else ``None``."""
        return self.settings.timeout if time.monotonic() >= expires_at else None


# A well-behaved server ends the body right after [DONE]; one that keeps it open is given this
# long to do so, then the connection is dropped rather than returned to the pool.
_DRAIN_AFTER_DONE = 1.0


class _StreamReader:
    """The deadlines and decoding of one chat stream; both twins feed it the lines they read.

    Until the first chunk, the request's deadline applies; then each next chunk must come
    within ``stream_idle_timeout`` of the caller asking for it (a slow consumer is not the
    server's fault).
    """

    def __init__(
        self,
        client: _BaseClient[Any],
        plan: _RequestPlan,
        response: httpx.Response,
        expires_at: float,
    ) -> None:
        self._settings = client.settings
        self._plan = plan
        self._request_id = response.headers.get("x-request-id")
        self._decoder = SSEDecoder()
        self._started = False
        self.expires_at = expires_at

    def feed(self, line: str) -> dict[str, Any] | None:
        """The chunk this line completes, if any."""
        if self._decoder.done:
            # After [DONE] the rest of the body is drained, not abandoned, so that the
            # connection goes back to the pool instead of being closed.
            return None
        chunk = self._decoder.feed(self._plan.redactor.text(line))
        if self._decoder.done:
            self.expires_at = time.monotonic() + _DRAIN_AFTER_DONE
        return chunk

    def resume(self) -> None:
        """The caller wants the next chunk: the idle limit starts now."""
        self._started = True
        self.expires_at = time.monotonic() + self._settings.stream_idle_timeout

    def finish(self) -> None:
        self._decoder.finish()

    def on_transport_error(self, exc: httpx.TransportError) -> None:
        """A stream ended by the transport: complete after [DONE], else a typed error."""
        if self._decoder.done:
            return
        if time.monotonic() >= self.expires_at:
            if self._started:
                message = (
                    f"the stream stalled: no chunk for {self._settings.stream_idle_timeout:g}s "
                    "(stream_idle_timeout)"
                )
            else:
                message = (
                    f"no stream chunk within the request's deadline of "
                    f"{self._settings.timeout:g}s (timeout)"
                )
            raise APITimeoutError(message, request_id=self._request_id) from exc
        error = StreamError(
            f"the stream was cut off: {type(exc).__name__}: {exc}", request_id=self._request_id
        )
        raise self._plan.redactor.error(error) from self._plan.redactor.cause(exc)


class TokenHubClient(_BaseClient[httpx.Client], ClosesOnExit):
    """Synchronous TokenHub client with one pooled connection set, retries and failover.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient

            with TokenHubClient() as client:  # key from TOKENHUB_API_KEY
                reply = client.chat_completions(
                    {"model": "deepseek-v4-flash",
                     "messages": [{"role": "user", "content": "Hi"}]}
                )
                print(reply["choices"][0]["message"]["content"])

    ``timeout`` (seconds, default 600) is each request's overall deadline: the whole answer,
    or a stream's first chunk, must arrive within it, however slowly the server drips bytes;
    ``stream_idle_timeout`` (default: the same) bounds the wait for each next chunk. An
    ``httpx.Timeout`` sets httpx's phases one by one. A chat request whose body was sent is not
    sent again after a timeout or a dropped connection (it may already be billed) unless
    ``retry_sent_chat_requests=True``. ``settings`` (a :class:`ClientSettings`) supplies every
    setting not given by name.
    """

    def _new_pool(self) -> httpx.Client:
        return httpx.Client(timeout=self._timeout, limits=_POOL_LIMITS)

    def _send(
        self,
        plan: _RequestPlan,
        content: bytes | None,
        headers: Mapping[str, str],
        stream: bool,
        method: str = "POST",
    ) -> tuple[httpx.Response, float]:
        """The successful response and its deadline (``time.monotonic()``)."""
        while True:
            expires_at = time.monotonic() + self.settings.timeout
            request = self._http.build_request(
                method, plan.url, content=content, headers=headers, timeout=self._timeout
            )
            response = None
            try:
                with guarded(expires_at=expires_at, redact=plan.redactor.text):
                    # Without an auth of the call's own, httpx applies the client's (a user's
                    # http_client may have one).
                    response = self._http.send(
                        request, stream=stream, auth=plan.auth or httpx.USE_CLIENT_DEFAULT
                    )
                    if stream and response.status_code >= 400:
                        response.read()
            except httpx.TransportError as exc:
                if response is not None:
                    response.close()
                time.sleep(plan.on_transport_error(exc, self._expired(expires_at)))
                continue
            if response.status_code < 400:
                delay = plan.on_answer(response, decode=not stream)
                if delay is None:
                    return response, expires_at
            else:
                delay = plan.on_error_status(response)
            time.sleep(delay)

    def _post(
        self, plan: _RequestPlan, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self._send(plan, _encode(body), headers, stream=False)
        return plan.answer

    def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        submit: bool = False,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        check: ResponseCheck | None = None,
        retry_refusals: bool = True,
        auth: httpx.Auth | None = None,
    ) -> dict[str, Any]:
        """POST ``body`` as JSON to ``path`` and return the decoded JSON object.

        ``submit=True`` marks a request that starts a paid job (no retry once it may have been
        accepted). ``base_url`` sends to another service without failover. ``check`` raises
        the typed error an HTTP 2xx answer may carry in its body (Tencent Cloud API 3.0
        reports every error so); it is retried like the same error with its own status.
        ``retry_refusals=False`` raises a submit refused for a rate or concurrency limit at
        once, for a caller that waits for capacity itself (the job clients). ``auth`` (an
        ``httpx.Auth``) signs each attempt over its final bytes and replaces the key's
        ``Authorization`` (Tencent Cloud API 3.0's TC3 signature).
        """
        plan = self._plan(
            path,
            submit=submit,
            base_url=base_url,
            headers=headers,
            check=check,
            retry_refusals=retry_refusals,
            auth=auth,
        )
        return self._post(plan, body, self._merge_headers(headers))

    def list_models(self) -> list[RemoteModel]:
        """``GET /models``: the models this key may call, with their ``status``."""
        return parse_model_list(self.get_json(MODELS_PATH))

    def get_json(
        self,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        check: ResponseCheck | None = None,
        auth: httpx.Auth | None = None,
    ) -> dict[str, Any]:
        """GET ``path`` and return the decoded JSON object (retried like any read)."""
        plan = self._plan(
            path, submit=False, base_url=base_url, headers=headers, check=check, auth=auth
        )
        self._send(plan, None, self._merge_headers(headers), stream=False, method="GET")
        return plan.answer

    def chat_completions(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /chat/completions`` without streaming; returns the parsed response."""
        return self._post(self._chat_plan(), {**payload, "stream": False}, self._headers)

    def stream_chat_completions(self, payload: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """``POST /chat/completions`` with ``stream: true``; yields chunk dicts until ``[DONE]``.

        Retries happen only before the first byte of the stream; a stream that breaks later
        raises :class:`StreamError` rather than repeating what was already delivered.
        """
        plan = self._chat_plan()
        content = _encode({**payload, "stream": True})
        response, expires_at = self._send(plan, content, self._stream_headers, stream=True)
        stream = _StreamReader(self, plan, response, expires_at)
        lines = response.iter_lines()
        try:
            while True:
                try:
                    with guarded(expires_at=stream.expires_at, redact=plan.redactor.text):
                        line = next(lines, None)
                except httpx.TransportError as exc:
                    stream.on_transport_error(exc)
                    return
                if line is None:
                    stream.finish()
                    return
                chunk = stream.feed(line)
                if chunk is not None:
                    yield chunk
                    stream.resume()
        finally:
            response.close()

    def embed(
        self,
        inputs: EmbeddingInput | Sequence[EmbeddingInput],
        *,
        model: str = DEFAULT_EMBEDDING_MODEL,
        dimensions: int | None = None,
        batch_size: int | None = None,
    ) -> EmbeddingResult:
        """Embed texts (or, with a multimodal model, images) and return the vectors in order.

        Inputs are checked first (empty or over-long text, a non-embedding model, a
        ``dimensions`` other than the model's fixed size, images for a text model), then sent
        in batches of the model's documented size, each with the usual retries and failover.
        """
        plan = EmbeddingPlan.build(
            inputs, model=model, dimensions=dimensions, batch_size=batch_size
        )
        return plan.result([self.post_json(plan.path, body) for body in plan.bodies])

    def close(self) -> None:
        """Close the pooled connections (a user-supplied ``http_client`` is left open)."""
        if self._owns_http:
            self._http.close()


class AsyncTokenHubClient(_BaseClient[httpx.AsyncClient], AsyncClosesOnExit):
    """Asyncio twin of :class:`TokenHubClient` with the same methods, awaited.

    Example:
        .. code-block:: python

            import asyncio
            from hunyuan_tokenhub import AsyncTokenHubClient

            async def main() -> None:
                async with AsyncTokenHubClient() as client:
                    payload = {"model": "deepseek-v3.2",
                               "messages": [{"role": "user", "content": "Hi"}]}
                    async for chunk in client.stream_chat_completions(payload):
                        print(chunk["choices"][0]["delta"].get("content", ""), end="")

            asyncio.run(main())
    """

    def _new_pool(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self._timeout, limits=_POOL_LIMITS)

    async def _send(
        self,
        plan: _RequestPlan,
        content: bytes | None,
        headers: Mapping[str, str],
        stream: bool,
        method: str = "POST",
    ) -> tuple[httpx.Response, float]:
        """Async :meth:`TokenHubClient._send`."""
        while True:
            expires_at = time.monotonic() + self.settings.timeout
            request = self._http.build_request(
                method, plan.url, content=content, headers=headers, timeout=self._timeout
            )
            response = None
            try:
                with guarded(expires_at=expires_at, redact=plan.redactor.text):
                    # Without an auth of the call's own, httpx applies the client's (a user's
                    # http_client may have one).
                    response = await self._http.send(
                        request, stream=stream, auth=plan.auth or httpx.USE_CLIENT_DEFAULT
                    )
                    if stream and response.status_code >= 400:
                        await response.aread()
            except httpx.TransportError as exc:
                if response is not None:
                    await response.aclose()
                await asyncio.sleep(plan.on_transport_error(exc, self._expired(expires_at)))
                continue
            if response.status_code < 400:
                delay = plan.on_answer(response, decode=not stream)
                if delay is None:
                    return response, expires_at
            else:
                delay = plan.on_error_status(response)
            await asyncio.sleep(delay)

    async def _post(
        self, plan: _RequestPlan, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        await self._send(plan, _encode(body), headers, stream=False)
        return plan.answer

    async def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        submit: bool = False,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        check: ResponseCheck | None = None,
        retry_refusals: bool = True,
        auth: httpx.Auth | None = None,
    ) -> dict[str, Any]:
        """Async :meth:`TokenHubClient.post_json`."""
        plan = self._plan(
            path,
            submit=submit,
            base_url=base_url,
            headers=headers,
            check=check,
            retry_refusals=retry_refusals,
            auth=auth,
        )
        return await self._post(plan, body, self._merge_headers(headers))

    async def list_models(self) -> list[RemoteModel]:
        """Async :meth:`TokenHubClient.list_models`."""
        return parse_model_list(await self.get_json(MODELS_PATH))

    async def get_json(
        self,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
        check: ResponseCheck | None = None,
        auth: httpx.Auth | None = None,
    ) -> dict[str, Any]:
        """Async :meth:`TokenHubClient.get_json`."""
        plan = self._plan(
            path, submit=False, base_url=base_url, headers=headers, check=check, auth=auth
        )
        await self._send(plan, None, self._merge_headers(headers), stream=False, method="GET")
        return plan.answer

    async def chat_completions(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Async :meth:`TokenHubClient.chat_completions`."""
        return await self._post(self._chat_plan(), {**payload, "stream": False}, self._headers)

    async def stream_chat_completions(
        self, payload: Mapping[str, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        """Async :meth:`TokenHubClient.stream_chat_completions`."""
        plan = self._chat_plan()
        content = _encode({**payload, "stream": True})
        response, expires_at = await self._send(plan, content, self._stream_headers, stream=True)
        stream = _StreamReader(self, plan, response, expires_at)
        lines = response.aiter_lines()
        try:
            while True:
                try:
                    with guarded(expires_at=stream.expires_at, redact=plan.redactor.text):
                        line = await anext(lines, None)
                except httpx.TransportError as exc:
                    stream.on_transport_error(exc)
                    return
                if line is None:
                    stream.finish()
                    return
                chunk = stream.feed(line)
                if chunk is not None:
                    yield chunk
                    stream.resume()
        finally:
            await response.aclose()

    async def embed(
        self,
        inputs: EmbeddingInput | Sequence[EmbeddingInput],
        *,
        model: str = DEFAULT_EMBEDDING_MODEL,
        dimensions: int | None = None,
        batch_size: int | None = None,
    ) -> EmbeddingResult:
        """Async :meth:`TokenHubClient.embed`."""
        plan = EmbeddingPlan.build(
            inputs, model=model, dimensions=dimensions, batch_size=batch_size
        )
        return plan.result([await self.post_json(plan.path, body) for body in plan.bodies])

    async def aclose(self) -> None:
        """Close the pooled connections (a user-supplied ``http_client`` is left open)."""
        if self._owns_http:
            await self._http.aclose()
