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
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from ._config import ClientSettings, resolve_settings
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    StreamError,
    error_from_response,
    scrub_secret,
)
from ._failover import HostPool
from ._remote_models import MODELS_PATH, RemoteModel, parse_model_list
from ._retry import FAILOVER_STATUS, RetryPolicy, is_connect_failure, parse_retry_after
from ._sse import SSEDecoder
from ._version import __version__

__all__ = ["AsyncTokenHubClient", "TokenHubClient"]

logger = logging.getLogger("hunyuan_tokenhub")

CHAT_COMPLETIONS_PATH = "/chat/completions"
_POOL_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=200)


def _encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except ValueError:
        raise APIError(
            f"the server answered HTTP {response.status_code} with a body that is not JSON: "
            f"{response.text[:300]!r}",
            status_code=response.status_code,
            request_id=response.headers.get("x-request-id"),
        ) from None
    if not isinstance(data, dict):
        raise APIError(
            f"expected a JSON object, got {type(data).__name__}",
            status_code=response.status_code,
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


def _transport_error(exc: httpx.TransportError, url: str) -> APIConnectionError:
    # The URL is safe to show; headers (which hold the key) never are.
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"request to {url} timed out ({type(exc).__name__})")
    return APIConnectionError(f"could not reach {url}: {type(exc).__name__}: {exc}")


class _RequestPlan:
    """The retry and failover decisions for one logical request.

    The caller asks :attr:`url` where to send, then reports what happened; each ``on_*`` method
    returns how long to sleep before the next attempt, or raises the final typed error.
    """

    def __init__(self, hosts: HostPool | str, path: str, policy: RetryPolicy, submit: bool) -> None:
        # A single base URL (another service) is tried alone, without failover.
        self._pool = hosts if isinstance(hosts, HostPool) else None
        self._candidates = hosts.ordered() if isinstance(hosts, HostPool) else [hosts]
        self._path = path
        self._policy = policy
        self._submit = submit
        self._retries = 0
        self._host_index = 0

    @property
    def host(self) -> str:
        return self._candidates[self._host_index]

    @property
    def url(self) -> str:
        return self.host + self._path

    def on_success(self) -> None:
        if self._pool is not None:
            self._pool.mark_up(self.host)

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

    def _next_retry(self, retry_after: float | None) -> float | None:
        if self._retries >= self._policy.max_retries:
            return None
        delay = self._policy.delay(self._retries, retry_after)
        self._retries += 1
        return delay

    def on_transport_error(self, exc: httpx.TransportError) -> float:
        error = _transport_error(exc, self.url)
        if is_connect_failure(exc) and self._fail_over():
            return 0.0
        if self._policy.exception_is_retryable(exc, submit=self._submit):
            delay = self._next_retry(None)
            if delay is not None:
                logger.info("retrying %s after %s in %.2fs", self._path, type(exc).__name__, delay)
                return delay
        raise error from exc

    def on_error_status(self, response: httpx.Response) -> float:
        error = error_from_response(
            response.status_code,
            response.content,
            response.headers,
            model=_requested_model(response.request),
        )
        if not self._submit and response.status_code in FAILOVER_STATUS and self._fail_over():
            return 0.0
        if self._policy.error_is_retryable(error, submit=self._submit):
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            delay = self._next_retry(retry_after)
            if delay is not None:
                logger.info(
                    "retrying %s after HTTP %s in %.2fs", self._path, response.status_code, delay
                )
                return delay
        raise error


class _BaseClient:
    """Settings, headers and request planning shared by both twins."""

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None,
        base_url: str | None,
        region: str | None,
        timeout: float | None,
        max_retries: int | None,
        fallback_base_urls: Sequence[str] | None,
        default_headers: Mapping[str, str] | None,
        failover_cooldown: float | None,
    ) -> None:
        self.settings: ClientSettings = resolve_settings(
            api_key=api_key,
            base_url=base_url,
            region=region,
            fallback_base_urls=fallback_base_urls,
            timeout=timeout,
            max_retries=max_retries,
            failover_cooldown=failover_cooldown,
        )
        self._hosts = HostPool(
            (self.settings.base_url, *self.settings.fallback_base_urls),
            self.settings.failover_cooldown,
        )
        self._policy = RetryPolicy(max_retries=self.settings.max_retries)
        self._headers = {
            "Authorization": f"Bearer {self.settings.api_key.get_secret_value()}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": f"hunyuan-tokenhub/{__version__}",
            **(default_headers or {}),
        }
        self._stream_headers = {**self._headers, "Accept": "text/event-stream"}
        self._timeout = httpx.Timeout(self.settings.timeout)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.settings.base_url!r}, "
            f"fallback_base_urls={list(self.settings.fallback_base_urls)!r})"
        )

    def _plan(self, path: str, *, submit: bool, base_url: str | None) -> _RequestPlan:
        hosts = self._hosts if base_url is None else base_url.rstrip("/")
        return _RequestPlan(hosts, path, self._policy, submit)

    def _scrubbed(self, error: APIError) -> APIError:
        # Server text (an error message, an in-stream error) may echo the key it rejected.
        return scrub_secret(error, self.settings.api_key.get_secret_value())

    def _merge_headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        return {**self._headers, **headers} if headers else self._headers


class TokenHubClient(_BaseClient):
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
    """

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        region: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        fallback_base_urls: Sequence[str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        failover_cooldown: float | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            fallback_base_urls=fallback_base_urls,
            default_headers=default_headers,
            failover_cooldown=failover_cooldown,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=self._timeout, limits=_POOL_LIMITS)

    def _send(
        self,
        plan: _RequestPlan,
        content: bytes | None,
        headers: Mapping[str, str],
        stream: bool,
        method: str = "POST",
    ) -> httpx.Response:
        while True:
            request = self._http.build_request(
                method, plan.url, content=content, headers=headers, timeout=self._timeout
            )
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                time.sleep(plan.on_transport_error(exc))
                continue
            if response.status_code < 400:
                plan.on_success()
                return response
            if stream:
                response.read()
                response.close()
            try:
                delay = plan.on_error_status(response)
            except APIError as error:
                raise self._scrubbed(error) from None
            time.sleep(delay)

    def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        submit: bool = False,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
    ) -> dict[str, Any]:
        """POST ``body`` as JSON to ``path`` and return the decoded JSON object.

        ``submit=True`` marks a request that starts a paid job (no retry once it may have been
        accepted). ``base_url`` sends to another service without failover.
        """
        plan = self._plan(path, submit=submit, base_url=base_url)
        response = self._send(plan, _encode(body), self._merge_headers(headers), stream=False)
        return _decode_json(response)

    def list_models(self) -> list[RemoteModel]:
        """``GET /models``: the models this key may call, with their ``status``."""
        plan = self._plan(MODELS_PATH, submit=False, base_url=None)
        response = self._send(plan, None, self._headers, stream=False, method="GET")
        return parse_model_list(_decode_json(response))

    def chat_completions(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /chat/completions`` without streaming; returns the parsed response."""
        return self.post_json(CHAT_COMPLETIONS_PATH, {**payload, "stream": False})

    def stream_chat_completions(self, payload: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """``POST /chat/completions`` with ``stream: true``; yields chunk dicts until ``[DONE]``.

        Retries happen only before the first byte of the stream; a stream that breaks later
        raises :class:`StreamError` rather than repeating what was already delivered.
        """
        plan = self._plan(CHAT_COMPLETIONS_PATH, submit=False, base_url=None)
        content = _encode({**payload, "stream": True})
        response = self._send(plan, content, self._stream_headers, stream=True)
        decoder = SSEDecoder()
        try:
            for line in response.iter_lines():
                # After [DONE] the rest of the body is drained, not abandoned, so that the
                # connection goes back to the pool instead of being closed.
                if decoder.done:
                    continue
                chunk = decoder.feed(line)
                if chunk is not None:
                    yield chunk
            decoder.finish()
        except httpx.TransportError as exc:
            raise StreamError(
                f"the stream was cut off: {type(exc).__name__}: {exc}",
                request_id=response.headers.get("x-request-id"),
            ) from exc
        except APIError as error:
            raise self._scrubbed(error) from None
        finally:
            response.close()

    def close(self) -> None:
        """Close the pooled connections (a user-supplied ``http_client`` is left open)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> TokenHubClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTokenHubClient(_BaseClient):
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

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        region: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        fallback_base_urls: Sequence[str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        failover_cooldown: float | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            region=region,
            timeout=timeout,
            max_retries=max_retries,
            fallback_base_urls=fallback_base_urls,
            default_headers=default_headers,
            failover_cooldown=failover_cooldown,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self._timeout, limits=_POOL_LIMITS)

    async def _send(
        self,
        plan: _RequestPlan,
        content: bytes | None,
        headers: Mapping[str, str],
        stream: bool,
        method: str = "POST",
    ) -> httpx.Response:
        while True:
            request = self._http.build_request(
                method, plan.url, content=content, headers=headers, timeout=self._timeout
            )
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                await asyncio.sleep(plan.on_transport_error(exc))
                continue
            if response.status_code < 400:
                plan.on_success()
                return response
            if stream:
                await response.aread()
                await response.aclose()
            try:
                delay = plan.on_error_status(response)
            except APIError as error:
                raise self._scrubbed(error) from None
            await asyncio.sleep(delay)

    async def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        submit: bool = False,
        headers: Mapping[str, str] | None = None,
        base_url: str | None = None,
    ) -> dict[str, Any]:
        """Async :meth:`TokenHubClient.post_json`."""
        plan = self._plan(path, submit=submit, base_url=base_url)
        response = await self._send(plan, _encode(body), self._merge_headers(headers), False)
        return _decode_json(response)

    async def list_models(self) -> list[RemoteModel]:
        """Async :meth:`TokenHubClient.list_models`."""
        plan = self._plan(MODELS_PATH, submit=False, base_url=None)
        response = await self._send(plan, None, self._headers, False, method="GET")
        return parse_model_list(_decode_json(response))

    async def chat_completions(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Async :meth:`TokenHubClient.chat_completions`."""
        return await self.post_json(CHAT_COMPLETIONS_PATH, {**payload, "stream": False})

    async def stream_chat_completions(
        self, payload: Mapping[str, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        """Async :meth:`TokenHubClient.stream_chat_completions`."""
        plan = self._plan(CHAT_COMPLETIONS_PATH, submit=False, base_url=None)
        content = _encode({**payload, "stream": True})
        response = await self._send(plan, content, self._stream_headers, stream=True)
        decoder = SSEDecoder()
        try:
            async for line in response.aiter_lines():
                # After [DONE] the rest of the body is drained, not abandoned, so that the
                # connection goes back to the pool instead of being closed.
                if decoder.done:
                    continue
                chunk = decoder.feed(line)
                if chunk is not None:
                    yield chunk
            decoder.finish()
        except httpx.TransportError as exc:
            raise StreamError(
                f"the stream was cut off: {type(exc).__name__}: {exc}",
                request_id=response.headers.get("x-request-id"),
            ) from exc
        except APIError as error:
            raise self._scrubbed(error) from None
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections (a user-supplied ``http_client`` is left open)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncTokenHubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
