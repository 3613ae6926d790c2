"""``JobClient`` and ``AsyncJobClient``: submit, poll, wait, generate, download.

Both twins share everything but the I/O (validation, media policy, routes, concurrency slots,
the waiting rules of :mod:`._polling`); each only sends its requests and sleeps its own way.
Waits poll densely only near the finish predicted from a job's progress or from the durations
learned from earlier jobs of its model; ``slots`` carries what is learned, so clients sharing
slots (the tools' sync and async twins) share it.

There is no server-side cancel for any generation job. Timing out or cancelling a wait only
stops *this client* from polling; the job runs to its end on the server, keeps its concurrency
slot there until then, and is billed. Resume a wait with :meth:`JobClient.wait_for_job`, given
the job's handle (:class:`JobHandle`, from :meth:`JobClient.start_job`) or its id and model.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx
from pydantic import SecretStr

from .._catalog import get_model_info, warn_if_retired
from .._client import AsyncClosesOnExit, AsyncTokenHubClient, ClosesOnExit, TokenHubClient
from .._config import ClientSettings, resolve_settings
from .._exceptions import APIError, InvalidParameterError
from .._retry import SubmitRefusals, is_concurrency_refusal
from ._download import DownloadPolicy, adownload, download
from ._handle import JobHandle
from ._media import DEFAULT_MAX_INPUT_BYTES, MediaPolicy
from ._polling import (
    DEFAULT_TIMEOUTS,
    Deadline,
    JobWatch,
    PollSchedule,
    SubmitTimeoutError,
)
from ._requests import JobRequest
from ._results import JobResult, JobStatus
from ._slots import SlotLease, SlotStore, SlotWaitTimeout, open_job_slots
from .backends import BackendOptions, HTTPCall, JobBackend, ModelRoute, get_backend

__all__ = ["AsyncJobClient", "JobClient", "ProgressCallback"]

ProgressCallback = Callable[[JobStatus], Any]
"""Called with each new status (state or progress changed); async clients await a coroutine."""

RequestLike = JobRequest | Mapping[str, Any] | None

# A job call answers at once (a submit with an id, a query with a status): no request of it
# needs the long deadline of a chat answer.
JOB_REQUEST_TIMEOUT = 60.0


def _service_download_policy(settings: ClientSettings) -> DownloadPolicy:
    """https only, plus plain http to the service's own hosts when they run on loopback (the
    emulator)."""
    return DownloadPolicy.for_service(settings.base_url, *settings.fallback_base_urls)


class _HeldSlot:
    """The slot a :meth:`JobClient.generate` call holds; a submit refused for the server's
    concurrency limit gives it up and waits for a new one."""

    def __init__(self, lease: SlotLease) -> None:
        self.lease = lease


_Client = TypeVar("_Client", TokenHubClient, AsyncTokenHubClient)
_Pool = TypeVar("_Pool", httpx.Client, httpx.AsyncClient)


class _JobClientBase(Generic[_Client, _Pool]):
    """Configuration and the decisions both twins share; each twin makes its HTTP client
    (:meth:`_connect`) and does its own I/O."""

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        region: str | None = None,
        client: _Client | None = None,
        request_timeout: float | None = None,
        max_retries: int | None = None,
        fallback_base_urls: Sequence[str] | None = None,
        failover_cooldown: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        settings: ClientSettings | None = None,
        http_client: _Pool | None = None,
        backend: str | JobBackend | None = None,
        secret_id: str | SecretStr | None = None,
        secret_key: str | SecretStr | None = None,
        tencentcloud_region: str | None = None,
        allowed_local_dirs: Sequence[str | os.PathLike[str]] | None = None,
        max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
        max_concurrent_jobs: int | Mapping[str, int] | None = None,
        slots: SlotStore | None = None,
        job_slots_url: str | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
        download_policy: DownloadPolicy | None = None,
    ) -> None:
        self.backend = get_backend(backend).configure(
            BackendOptions.of(
                settings=client.settings if client is not None else settings,
                api_key=api_key,
                base_url=base_url,
                secret_id=secret_id,
                secret_key=secret_key,
                tencentcloud_region=tencentcloud_region,
            )
        )
        self.media = MediaPolicy(allowed_local_dirs, max_bytes=max_input_bytes)
        self._owns_slots = slots is None
        self.slots = (
            slots if slots is not None else open_job_slots(max_concurrent_jobs, url=job_slots_url)
        )
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.timeout = timeout
        self._owns_http = client is None
        if client is None:
            if request_timeout is None and settings is None:
                request_timeout = JOB_REQUEST_TIMEOUT
            connection = resolve_settings(
                api_key=api_key,
                base_url=base_url,
                region=region,
                timeout=request_timeout,
                max_retries=max_retries,
                fallback_base_urls=fallback_base_urls,
                failover_cooldown=failover_cooldown,
                default_headers=default_headers,
                settings=settings,
                require_api_key=self.backend.uses_api_key,
            )
            client = self._connect(connection, http_client)
        self._http: _Client = client
        self.download_policy = download_policy or _service_download_policy(self._http.settings)

    def _connect(self, settings: ClientSettings, http_client: _Pool | None) -> _Client:
        """The twin's HTTP client on ``settings``, for a job client not given one."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(backend={self.backend.name!r})"

    def prepare(
        self, model: str, request: RequestLike = None, **params: Any
    ) -> tuple[ModelRoute, JobRequest]:
        """Validate parameters and resolve input media; nothing is sent (a retired model is
        warned about once)."""
        route = self.backend.route(model)
        warn_if_retired(get_model_info(route.model))
        validated = self.backend.build_request(model, request, **params)
        return route, self.media.resolve(validated)

    def _schedule(self, route: ModelRoute, poll_interval: float | None) -> PollSchedule:
        return PollSchedule.for_kind(
            route.kind, poll_interval or self.poll_interval, self.max_poll_interval
        )

    def _deadline(self, route: ModelRoute, timeout: float | None) -> Deadline:
        return Deadline(timeout or self.timeout or DEFAULT_TIMEOUTS[route.kind])

    def _refusals(
        self, route: ModelRoute, deadline: Deadline, poll_interval: float | None
    ) -> SubmitRefusals:
        """Refused submits are waited out at the polling pace, until the job's timeout."""
        schedule = self._schedule(route, poll_interval)
        return SubmitRefusals(
            route.model, schedule.interval, lambda: deadline.remaining, deadline.timeout
        )

    def _watch(
        self, route: ModelRoute, job_id: str, deadline: Deadline, poll_interval: float | None
    ) -> JobWatch:
        schedule = self._schedule(route, poll_interval)
        return JobWatch(job_id, route.model, schedule, deadline, self.slots.durations)

    def _job_id(self, route: ModelRoute, body: dict[str, Any]) -> str:
        """The id of a job just submitted, remembered so that its wait can time it."""
        job_id = self.backend.job_id(route, body)
        self.slots.durations.submitted(job_id)
        return job_id

    def handle(self, model: str, job_id: str) -> JobHandle:
        """The handle of job ``job_id`` of ``model`` on this client's backend."""
        return JobHandle(self.backend.name, self.backend.route(model).model, job_id)

    def _find_job(self, job: str | JobHandle, model: str | None) -> tuple[ModelRoute, str]:
        """The route and id of a job named by a handle, or by a bare id and its model."""
        if model is not None:
            job_id = job.job_id if isinstance(job, JobHandle) else job
            return self._job_route(self.backend.route(model)), job_id
        handle = JobHandle.parse(job)
        if handle.backend != self.backend.name:
            raise InvalidParameterError(
                "job",
                f"job {handle.job_id} was started on the {handle.backend!r} backend; this client "
                f"uses {self.backend.name!r}",
            )
        return self._job_route(self.backend.route(handle.model)), handle.job_id

    def expected_seconds(self, model: str) -> float | None:
        """How long a job of ``model`` usually takes: learned from this client's finished jobs,
        else the documented figure; ``None`` when neither is known."""
        route = self.backend.route(model)
        learned = self.slots.durations.expected(route.model)
        if learned is not None:
            return learned.mean
        spec = route.spec
        return float(spec.expected_seconds) if spec and spec.expected_seconds else None

    @staticmethod
    def _job_route(route: ModelRoute) -> ModelRoute:
        if route.synchronous:
            raise InvalidParameterError(
                "model", f"{route.model} answers synchronously and has no job id: use generate()"
            )
        return route

    @staticmethod
    def _no_slot(route: ModelRoute, deadline: Deadline) -> SubmitTimeoutError:
        return SubmitTimeoutError(
            f"{route.model}: no free job slot in family {route.family!r} within "
            f"{deadline.timeout:.1f}s (max_concurrent_jobs); nothing was submitted",
            model=route.model,
        )


class JobClient(_JobClientBase[TokenHubClient, httpx.Client], ClosesOnExit):
    """Synchronous generation-job client.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient

            with JobClient() as jobs:  # key from TOKENHUB_API_KEY
                result = jobs.generate("hy-image-v3.0", prompt="a koi pond, ink painting")
                print(result.urls, result.expires_at)
                paths = jobs.download(result, "out/")

    ``max_concurrent_jobs`` (an int for every family, or ``{family_or_model: n}``) limits jobs
    running at once through this client (defaults: 1 per family, 3 for hy-3d-3.0/3.1);
    ``job_slots_url`` (else env ``HUNYUAN_JOB_SLOTS_URL``), a ``redis://`` URL, makes every
    worker using that Redis share those limits (see :class:`RedisJobSlots`); ``slots`` passes
    a store to share with other clients;
    ``allowed_local_dirs`` lets local files be sent as inline base64; ``timeout`` bounds a
    whole wait (defaults: 300 s images, 900 s video and 3D).

    The connection: ``settings`` (a :class:`~hunyuan_tokenhub.ClientSettings`) or the same
    settings by name (``api_key``, ``base_url``, ``region``, ``fallback_base_urls``,
    ``max_retries``, ``failover_cooldown``, ``default_headers``; a name overrides
    ``settings``), ``request_timeout`` for each HTTP request (default 60 s unless
    ``settings`` sets one), and your own ``http_client``; or a ready ``client``.

    ``backend`` (else env ``HUNYUAN_BACKEND``, else ``"tokenhub"``) picks the service:
    ``"aiart"``/``"ai3d"`` (the older gateways; ``api_key`` is their key, ``base_url`` their
    host) or ``"tencentcloud"`` (API 3.0 with ``secret_id``/``secret_key``/
    ``tencentcloud_region`` or ``TENCENTCLOUD_SECRET_ID``/``_SECRET_KEY``/``_REGION``; it
    signs every call and needs no TokenHub key).
    A model the backend does not offer is refused before any request.

    ``max_retries`` bounds each request's retries after transient failures (connection, 5xx,
    rate limits on queries); a submit refused for a rate or concurrency limit creates nothing
    and is sent again after a pause until ``timeout``, then :class:`SubmitTimeoutError`.
    """

    def _connect(
        self, settings: ClientSettings, http_client: httpx.Client | None
    ) -> TokenHubClient:
        return TokenHubClient(settings=settings, http_client=http_client)

    def _send(self, call: HTTPCall) -> dict[str, Any]:
        if call.body is None:
            return self._http.get_json(
                call.path,
                headers=call.headers,
                base_url=call.base_url,
                check=call.check,
                auth=call.auth,
            )
        return self._http.post_json(
            call.path,
            call.body,
            submit=call.submit,
            headers=call.headers,
            base_url=call.base_url,
            check=call.check,
            retry_refusals=False,
            auth=call.auth,
        )

    def _submit(
        self,
        route: ModelRoute,
        request: JobRequest,
        deadline: Deadline,
        poll_interval: float | None = None,
        *,
        slot: _HeldSlot | None = None,
    ) -> dict[str, Any]:
        refusals = self._refusals(route, deadline, poll_interval)
        call = self.backend.submit_call(route, request)
        while True:
            try:
                body = self._send(call)
            except APIError as exc:
                delay = refusals.after(exc)
                if slot is None or not is_concurrency_refusal(exc):
                    time.sleep(delay)
                    continue
                # Lower the family's limit and wait in its queue here rather than be refused
                # again there.
                self.slots.refused(route.family)
                slot.lease.release()
                time.sleep(delay)
                slot.lease = self._acquire(route, deadline)
            else:
                self.slots.accepted(route.family)
                return body

    def submit_job(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        **params: Any,
    ) -> str:
        """Validate, submit and return the job id (refusals for a limit are retried).

        ``submit_job`` does not hold a client-side slot (nobody may ever wait for the job);
        :meth:`generate` does.
        """
        route, validated = self.prepare(model, request, **params)
        self._job_route(route)
        body = self._submit(route, validated, self._deadline(route, timeout))
        return self._job_id(route, body)

    def start_job(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        **params: Any,
    ) -> JobHandle:
        """:meth:`submit_job`, returning the job's handle (model and backend included), which
        :meth:`query_job` and :meth:`wait_for_job` take alone."""
        job_id = self.submit_job(model, request, timeout=timeout, **params)
        return self.handle(model, job_id)

    def query_job(self, job: str | JobHandle, *, model: str | None = None) -> JobStatus:
        """One poll of a job named by its handle (or a bare id with ``model``): the normalised
        status, with the result once completed."""
        return self._query(*self._find_job(job, model))

    def _acquire(self, route: ModelRoute, deadline: Deadline) -> SlotLease:
        try:
            return self.slots.acquire(
                route.family, default_limit=route.max_concurrent_jobs, timeout=deadline.remaining
            )
        except SlotWaitTimeout:
            raise self._no_slot(route, deadline) from None

    def _query(self, route: ModelRoute, job_id: str) -> JobStatus:
        answer = self._send(self.backend.query_call(route, job_id))
        return self.backend.job_status(route, job_id, answer)

    def wait_for_job(
        self,
        job: str | JobHandle,
        *,
        model: str | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> JobResult:
        """Poll until the job (its handle, or a bare id with ``model``) completes;
        :class:`JobFailedError` / :class:`JobTimeoutError`.

        A timeout does not stop the job (there is no server-side cancel): call again with the
        same handle to keep waiting.
        """
        route, job_id = self._find_job(job, model)
        return self._wait(route, job_id, self._deadline(route, timeout), poll_interval, on_progress)

    def _wait(
        self,
        route: ModelRoute,
        job_id: str,
        deadline: Deadline,
        poll_interval: float | None,
        on_progress: ProgressCallback | None,
    ) -> JobResult:
        watch = self._watch(route, job_id, deadline, poll_interval)
        while True:
            try:
                status = self._query(route, job_id)
            except APIError as exc:
                watch.on_poll_error(exc)
            else:
                result, changed = watch.observe(status)
                if changed and on_progress is not None:
                    on_progress(status)
                if result is not None:
                    return result
            time.sleep(watch.next_delay())

    def generate(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
        **params: Any,
    ) -> JobResult:
        """Submit and wait: the finished result of a new job (synchronous models included).

        Waits for a free slot of the model's family first; ``timeout`` bounds the whole call.
        """
        route, validated = self.prepare(model, request, **params)
        deadline = self._deadline(route, timeout)
        slot = _HeldSlot(self._acquire(route, deadline))
        try:
            body = self._submit(route, validated, deadline, poll_interval, slot=slot)
            if route.synchronous:
                return self.backend.sync_result(route, body)
            job_id = self._job_id(route, body)
            return self._wait(route, job_id, deadline, poll_interval, on_progress)
        finally:
            slot.lease.release()

    def download(self, result: JobResult, directory: str | os.PathLike[str]) -> list[Path]:
        """Save every asset of ``result`` under ``directory`` (see :func:`download`)."""
        return download(result, directory, policy=self.download_policy)

    def close(self) -> None:
        """Close the HTTP client and the slot store's connections if this object created them."""
        if self._owns_http:
            self._http.close()
        if self._owns_slots:
            self.slots.close()


class AsyncJobClient(_JobClientBase[AsyncTokenHubClient, httpx.AsyncClient], AsyncClosesOnExit):
    """Asyncio twin of :class:`JobClient`: the same methods, awaited.

    Example:
        .. code-block:: python

            import asyncio
            from hunyuan_tokenhub.jobs import AsyncJobClient

            async def main() -> None:
                async with AsyncJobClient() as jobs:
                    result = await jobs.generate(
                        "hy-3d-3.1", prompt="a ceramic teapot",
                        on_progress=lambda s: print(s.state, s.progress),
                    )
                    print(await jobs.download(result, "models/"))

            asyncio.run(main())

    Cancelling the awaiting task stops polling at once and frees the client-side slot; the
    job itself keeps running on the server (there is no server-side cancel).
    """

    def _connect(
        self, settings: ClientSettings, http_client: httpx.AsyncClient | None
    ) -> AsyncTokenHubClient:
        return AsyncTokenHubClient(settings=settings, http_client=http_client)

    async def _send(self, call: HTTPCall) -> dict[str, Any]:
        if call.body is None:
            return await self._http.get_json(
                call.path,
                headers=call.headers,
                base_url=call.base_url,
                check=call.check,
                auth=call.auth,
            )
        return await self._http.post_json(
            call.path,
            call.body,
            submit=call.submit,
            headers=call.headers,
            base_url=call.base_url,
            check=call.check,
            retry_refusals=False,
            auth=call.auth,
        )

    async def _submit(
        self,
        route: ModelRoute,
        request: JobRequest,
        deadline: Deadline,
        poll_interval: float | None = None,
        *,
        slot: _HeldSlot | None = None,
    ) -> dict[str, Any]:
        refusals = self._refusals(route, deadline, poll_interval)
        call = self.backend.submit_call(route, request)
        while True:
            try:
                body = await self._send(call)
            except APIError as exc:
                delay = refusals.after(exc)
                if slot is None or not is_concurrency_refusal(exc):
                    await asyncio.sleep(delay)
                    continue
                # Lower the family's limit and wait in its queue here rather than be refused
                # again there.
                await self.slots.refused_async(route.family)
                await asyncio.shield(slot.lease.release_async())
                await asyncio.sleep(delay)
                slot.lease = await self._acquire(route, deadline)
            else:
                await self.slots.accepted_async(route.family)
                return body

    async def submit_job(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        **params: Any,
    ) -> str:
        """Async :meth:`JobClient.submit_job`."""
        route, validated = self.prepare(model, request, **params)
        self._job_route(route)
        body = await self._submit(route, validated, self._deadline(route, timeout))
        return self._job_id(route, body)

    async def start_job(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        **params: Any,
    ) -> JobHandle:
        """Async :meth:`JobClient.start_job`."""
        job_id = await self.submit_job(model, request, timeout=timeout, **params)
        return self.handle(model, job_id)

    async def query_job(self, job: str | JobHandle, *, model: str | None = None) -> JobStatus:
        """Async :meth:`JobClient.query_job`."""
        return await self._query(*self._find_job(job, model))

    async def _acquire(self, route: ModelRoute, deadline: Deadline) -> SlotLease:
        try:
            return await self.slots.acquire_async(
                route.family, default_limit=route.max_concurrent_jobs, timeout=deadline.remaining
            )
        except SlotWaitTimeout:
            raise self._no_slot(route, deadline) from None

    async def _query(self, route: ModelRoute, job_id: str) -> JobStatus:
        answer = await self._send(self.backend.query_call(route, job_id))
        return self.backend.job_status(route, job_id, answer)

    async def wait_for_job(
        self,
        job: str | JobHandle,
        *,
        model: str | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> JobResult:
        """Async :meth:`JobClient.wait_for_job`; cancellation stops polling immediately."""
        route, job_id = self._find_job(job, model)
        deadline = self._deadline(route, timeout)
        return await self._wait(route, job_id, deadline, poll_interval, on_progress)

    async def _wait(
        self,
        route: ModelRoute,
        job_id: str,
        deadline: Deadline,
        poll_interval: float | None,
        on_progress: ProgressCallback | None,
    ) -> JobResult:
        watch = self._watch(route, job_id, deadline, poll_interval)
        while True:
            try:
                status = await self._query(route, job_id)
            except APIError as exc:
                watch.on_poll_error(exc)
            else:
                result, changed = watch.observe(status)
                if changed and on_progress is not None:
                    outcome = on_progress(status)
                    if inspect.isawaitable(outcome):
                        await outcome
                if result is not None:
                    return result
            await asyncio.sleep(watch.next_delay())

    async def generate(
        self,
        model: str,
        request: RequestLike = None,
        /,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_progress: ProgressCallback | None = None,
        **params: Any,
    ) -> JobResult:
        """Async :meth:`JobClient.generate`."""
        route, validated = self.prepare(model, request, **params)
        deadline = self._deadline(route, timeout)
        slot = _HeldSlot(await self._acquire(route, deadline))
        try:
            body = await self._submit(route, validated, deadline, poll_interval, slot=slot)
            if route.synchronous:
                return self.backend.sync_result(route, body)
            job_id = self._job_id(route, body)
            return await self._wait(route, job_id, deadline, poll_interval, on_progress)
        finally:
            # Shielded: a second cancellation must not keep the slot held.
            await asyncio.shield(slot.lease.release_async())

    async def download(self, result: JobResult, directory: str | os.PathLike[str]) -> list[Path]:
        """Async :meth:`JobClient.download`."""
        return await adownload(result, directory, policy=self.download_policy)

    async def aclose(self) -> None:
        """Close the HTTP client and the slot store's connections if this object created them."""
        if self._owns_http:
            await self._http.aclose()
        if self._owns_slots:
            await self.slots.aclose()
