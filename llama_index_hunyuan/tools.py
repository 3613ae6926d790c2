"""``HunyuanGenerationToolSpec``: Hunyuan image, video and 3D generation as LlamaIndex tools.

All job work (validation, input-media policy, submit, polling, concurrency slots) happens in
:mod:`hunyuan_tokenhub.jobs`, and the agent-facing argument schemas and texts come from
:mod:`hunyuan_tokenhub.adapters`; this module only adapts them to LlamaIndex.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.tools import FunctionTool, ToolMetadata, ToolOutput
from llama_index.core.tools.tool_spec.base import SPEC_FUNCTION_TYPE, BaseToolSpec
from llama_index.core.workflow import Context, Event
from llama_index_instrumentation import get_dispatcher
from pydantic import SecretStr

from hunyuan_tokenhub import ConfigurationError, TokenHubError
from hunyuan_tokenhub.adapters import (
    JOB_STATUS_TOOL_DESCRIPTION,
    JOB_STATUS_TOOL_NAME,
    TOOL_DESCRIPTIONS,
    JobConnectionFields,
    JobStatusArgs,
    args_schema,
    check_request_defaults,
    default_tool_model,
    describe_error,
    describe_result,
    describe_started,
    describe_status,
    job_clients,
    tool_description,
    tool_errors,
)
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    DownloadPolicy,
    JobClient,
    JobHandle,
    JobKind,
    JobResult,
    JobStatus,
    open_job_slots,
)

__all__ = [
    "GenerationProgressEvent",
    "GenerationToolError",
    "HunyuanGenerationToolSpec",
    "JobProgressStreamEvent",
]

dispatcher = get_dispatcher(__name__)

ProgressCallback = Callable[[JobStatus], Any]

_KIND_OF_FUNCTION: Mapping[str, JobKind] = {
    "generate_image": "image",
    "generate_video": "video",
    "generate_3d": "3d",
}
_STATUS_FUNCTION = "job_status"
_SAVED_KEPT = 64

ToolOutcome = JobResult | JobHandle | JobStatus
"""What a tool function returns (the tool output's ``raw_output``): a finished result, the
handle of a job started without waiting, or a job's status."""


class GenerationProgressEvent(BaseEvent):
    """Dispatched each time a generation job's state or progress changes.

    Listen with an event handler on the root dispatcher.

    Example:
        .. code-block:: python

            from llama_index.core.instrumentation import get_dispatcher
            from llama_index.core.instrumentation.event_handlers import BaseEventHandler
            from llama_index_hunyuan import GenerationProgressEvent

            class ShowProgress(BaseEventHandler):
                def handle(self, event, **kwargs):
                    if isinstance(event, GenerationProgressEvent):
                        print(event.job_id, event.state, event.progress)

            get_dispatcher().add_event_handler(ShowProgress())
    """

    job_id: str
    model: str
    state: str
    progress: int | None = None

    @classmethod
    def class_name(cls) -> str:
        return "GenerationProgressEvent"


class JobProgressStreamEvent(Event):
    """A generation job's progress, written to the running workflow's event stream.

    When an agent workflow (``FunctionAgent``, ``AgentWorkflow``) calls a generation tool,
    each change of the job's state or progress is written with ``ctx.write_event_to_stream``,
    so ``handler.stream_events()`` shows it next to the agent's own events.

    Example:
        .. code-block:: python

            import asyncio
            from llama_index.core.agent.workflow import FunctionAgent
            from llama_index_hunyuan import (
                Hunyuan, HunyuanGenerationToolSpec, JobProgressStreamEvent,
            )

            async def main() -> None:
                tools = HunyuanGenerationToolSpec().to_tool_list()
                handler = FunctionAgent(tools=tools, llm=Hunyuan()).run("Make a video of rain")
                async for event in handler.stream_events():
                    if isinstance(event, JobProgressStreamEvent):
                        print(event.job_id, event.state, event.progress)
                print(await handler)

            asyncio.run(main())
    """

    job_id: str
    model: str
    state: str
    progress: int | None = None


class GenerationToolError(TokenHubError):
    """A generation tool call failed; the message tells the agent what to do next.

    The core's typed error (``JobFailedError``, ``JobTimeoutError``, ``InvalidParameterError``,
    ``APIError``...) or the invalid value's ``ValueError`` is the ``__cause__``; a store of
    shared limits that cannot be reached is raised as it is (the deployment's fault, not the
    agent's), as the LangChain tools do.
    """


class HunyuanGenerationToolSpec(BaseToolSpec):
    """Image, video and 3D generation tools for LlamaIndex agents, on one TokenHub key.

    Example:
        .. code-block:: python

            import asyncio
            from llama_index.core.agent.workflow import FunctionAgent
            from llama_index_hunyuan import Hunyuan, HunyuanGenerationToolSpec

            tools = HunyuanGenerationToolSpec().to_tool_list()  # key: TOKENHUB_API_KEY
            agent = FunctionAgent(tools=tools, llm=Hunyuan())

            async def main() -> None:
                print(await agent.run("Draw a lighthouse at dawn"))

            asyncio.run(main())

    Each tool submits a job, waits for it and answers with text listing every URL (and when
    the URLs expire); the tool output's ``raw_output`` is the normalised ``JobResult``. The
    sync and async functions are ``generate_image``/``agenerate_image``,
    ``generate_video``/``agenerate_video`` and ``generate_3d``/``agenerate_3d``.

    ``image_model``, ``video_model`` and ``model_3d`` choose each tool's model (and so the
    arguments an agent is offered; default: the backend's model of that kind). ``backend``
    (else env ``HUNYUAN_BACKEND``) may be ``"aiart"``/``"ai3d"`` (``api_key`` is their key)
    or ``"tencentcloud"`` (``secret_id``/``secret_key``/``tencentcloud_region`` or the
    ``TENCENTCLOUD_*`` variables); a kind the backend does not make gets no tool.
    ``request_defaults`` sets request fields the developer
    controls (e.g. ``{"logo_add": 0}``), per kind: ``{"image": {...}, "video": {...}}``.
    Input images from agents may be http(s) or ``data:`` URLs; local files only from
    ``allowed_local_dirs``. Progress goes to ``on_progress``, as ``GenerationProgressEvent``
    to the LlamaIndex dispatcher and, when an agent workflow calls the tool, as
    ``JobProgressStreamEvent`` to the workflow's event stream. ``download_dir`` saves every
    result file (the URLs stay in the answer if saving fails); ``poll_interval`` and
    ``max_poll_interval`` bound the polling. A timed-out job keeps running on the server
    (there is no cancel).

    The connection settings are every adapter class's, under the same names (``api_key``,
    ``base_url``, ``region``, ``fallback_base_urls``, ``max_retries``, ``failover_cooldown``,
    ``default_headers``, ``http_client``, ``async_http_client``, or all at once as
    ``settings=``), with ``request_timeout`` for each HTTP request: ``timeout`` bounds a whole
    job.

    With ``wait=False`` the generation tools start their job and answer at once with its
    handle and expected duration (``raw_output`` is the ``JobHandle``), and one more tool,
    ``hunyuan_job_status`` (``job_status``/``ajob_status``), gives the progress or, once done,
    the result URLs: a video takes minutes, which an agent should not spend in one tool call.
    ``job_slots_url`` (else env ``HUNYUAN_JOB_SLOTS_URL``), a ``redis://`` URL, shares the job
    slots with every worker process using that Redis.
    """

    spec_functions: list[SPEC_FUNCTION_TYPE] = [  # noqa: RUF012 (BaseToolSpec's contract)
        ("generate_image", "agenerate_image"),
        ("generate_video", "agenerate_video"),
        ("generate_3d", "agenerate_3d"),
    ]

    def __init__(
        self,
        *,
        backend: str | None = None,
        secret_id: str | SecretStr | None = None,
        secret_key: str | SecretStr | None = None,
        tencentcloud_region: str | None = None,
        image_model: str | None = None,
        video_model: str | None = None,
        model_3d: str | None = None,
        request_defaults: Mapping[JobKind, Mapping[str, Any]] | None = None,
        allowed_local_dirs: Sequence[str | os.PathLike[str]] | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        download_dir: str | os.PathLike[str] | None = None,
        download_policy: DownloadPolicy | None = None,
        wait: bool = True,
        max_concurrent_jobs: int | Mapping[str, int] | None = None,
        job_slots_url: str | None = None,
        on_progress: ProgressCallback | None = None,
        job_client: JobClient | None = None,
        async_job_client: AsyncJobClient | None = None,
        **connection: Any,
    ) -> None:
        # Every adapter class's connection settings, under the same names: validated (a
        # misspelt or mistyped one fails here) and kept as SecretStr, so that no attribute of
        # the spec shows a secret in clear.
        self.connection = JobConnectionFields(**connection)
        chosen: dict[JobKind, str | None] = {
            "image": image_model or default_tool_model("image", backend),
            "video": video_model or default_tool_model("video", backend),
            "3d": model_3d or default_tool_model("3d", backend),
        }
        # A kind the backend does not make (aiart: no video, no 3D) has no tool.
        self.models: dict[JobKind, str] = {
            kind: model.strip().lower() for kind, model in chosen.items() if model
        }
        self.spec_functions = [
            spec
            for spec in type(self).spec_functions
            if _KIND_OF_FUNCTION[spec[0] if isinstance(spec, tuple) else spec] in self.models
        ]
        self.wait = wait
        if not wait:
            self.spec_functions.append((_STATUS_FUNCTION, "a" + _STATUS_FUNCTION))
        self.download_dir = download_dir
        # What each finished job's download gave, until its answer text is written (a few
        # only: a direct call of generate_* writes no answer text to take its entry).
        self._saved: OrderedDict[str, tuple[list[Path], str | None]] = OrderedDict()
        self._schemas = {kind: args_schema(model, kind) for kind, model in self.models.items()}
        self.request_defaults = _checked_defaults(request_defaults or {}, self.models, backend)
        self.on_progress = on_progress
        options: dict[str, Any] = {
            **self.connection.job_client_options(),
            "backend": backend,
            "secret_id": _secret(secret_id),
            "secret_key": _secret(secret_key),
            "tencentcloud_region": tencentcloud_region,
            "allowed_local_dirs": allowed_local_dirs,
            "timeout": timeout,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
            # Plain http only when the service itself is on loopback (the emulator).
            "download_policy": download_policy,
            # One pool of slots for both twins: together they never exceed the account limits.
            "slots": open_job_slots(max_concurrent_jobs, url=job_slots_url),
        }
        self._clients = job_clients(
            options, job_client=job_client, async_job_client=async_job_client
        )
        # Built now so that a missing key or bad setting fails here, not in the agent loop.
        self._jobs = self._clients.sync()

    # ------------------------------------------------------------------------- tools

    def to_tool_list(
        self,
        spec_functions: list[SPEC_FUNCTION_TYPE] | None = None,
        func_to_metadata_mapping: dict[str, ToolMetadata] | None = None,
    ) -> list[FunctionTool]:
        """The tools, each with its model's argument schema and a description agents can use.

        ``spec_functions`` selects tools by name (``"generate_video"`` or its tuple);
        ``func_to_metadata_mapping`` replaces a tool's metadata.
        """
        tools = []
        for spec in spec_functions or self.spec_functions:
            name = spec[0] if isinstance(spec, tuple) else spec
            metadata = (func_to_metadata_mapping or {}).get(name) or self._metadata(name)
            fn, async_fn = self._tool_functions(name)
            tools.append(
                _ContextOptionalTool.from_defaults(
                    fn=fn,
                    async_fn=async_fn,
                    tool_metadata=metadata,
                    callback=self._describe,
                    async_callback=self._adescribe,
                )
            )
        return tools

    def _metadata(self, name: str) -> ToolMetadata:
        if name == _STATUS_FUNCTION and not self.wait:
            return ToolMetadata(
                name=JOB_STATUS_TOOL_NAME,
                description=JOB_STATUS_TOOL_DESCRIPTION,
                fn_schema=JobStatusArgs,
            )
        kind = _KIND_OF_FUNCTION.get(name)
        if kind is None or kind not in self.models:
            offered = [f for f, k in _KIND_OF_FUNCTION.items() if k in self.models]
            offered += [] if self.wait else [_STATUS_FUNCTION]
            raise ValueError(f"unknown tool {name!r}; choose from {offered}")
        return ToolMetadata(
            name=name,
            description=tool_description(kind, self.models[kind]),
            fn_schema=self._schemas[kind],
        )

    def _tool_functions(
        self, name: str
    ) -> tuple[Callable[..., ToolOutcome], Callable[..., Awaitable[ToolOutcome]]]:
        """The tool's functions, taking the workflow's ``ctx`` (progress goes to its stream)."""
        if name == _STATUS_FUNCTION:

            def status(ctx: Context | None = None, **arguments: Any) -> ToolOutcome:
                return self.job_status(**arguments)

            async def astatus(ctx: Context | None = None, **arguments: Any) -> ToolOutcome:
                return await self.ajob_status(**arguments)

            return _takes_context(status), _takes_context(astatus)
        kind = _KIND_OF_FUNCTION[name]

        def generate(ctx: Context | None = None, **arguments: Any) -> ToolOutcome:
            return self._generate(kind, arguments, ctx)

        async def agenerate(ctx: Context | None = None, **arguments: Any) -> ToolOutcome:
            return await self._agenerate(kind, arguments, ctx)

        return _takes_context(generate), _takes_context(agenerate)

    def _describe(self, outcome: ToolOutcome) -> str:
        """The text an agent reads for a tool's outcome."""
        if isinstance(outcome, JobHandle):
            kind = self._jobs.backend.route(outcome.model).kind
            return describe_started(outcome, kind, self._jobs.expected_seconds(outcome.model))
        if isinstance(outcome, JobStatus):
            handle = self._jobs.handle(outcome.model, outcome.job_id)
            saved = self._saved.pop(outcome.job_id, ([], None))
            return describe_status(outcome, handle, *saved)
        return describe_result(outcome, *self._saved.pop(outcome.job_id, ([], None)))

    async def _adescribe(self, outcome: ToolOutcome) -> str:
        return self._describe(outcome)

    def generate_image(self, **arguments: Any) -> ToolOutcome:
        """Create images; ``arguments`` follow the image model's schema (``prompt``...)."""
        return self._generate("image", arguments)

    async def agenerate_image(self, **arguments: Any) -> ToolOutcome:
        """Async :meth:`generate_image`."""
        return await self._agenerate("image", arguments)

    def generate_video(self, **arguments: Any) -> ToolOutcome:
        """Create a video; ``arguments`` follow the video model's schema."""
        return self._generate("video", arguments)

    async def agenerate_video(self, **arguments: Any) -> ToolOutcome:
        """Async :meth:`generate_video`."""
        return await self._agenerate("video", arguments)

    def generate_3d(self, **arguments: Any) -> ToolOutcome:
        """Create a 3D model; ``arguments`` follow the 3D model's schema."""
        return self._generate("3d", arguments)

    async def agenerate_3d(self, **arguments: Any) -> ToolOutcome:
        """Async :meth:`generate_3d`."""
        return await self._agenerate("3d", arguments)

    def job_status(self, **arguments: Any) -> JobStatus:
        """The status of a job a ``wait=False`` tool started (``job``: its handle); once it
        is done, its files are saved into ``download_dir`` when set."""
        with tool_errors(_generation_tool_error):
            handle = JobHandle.parse(JobStatusArgs.params_from(arguments)["job"])
            status = self._jobs.query_job(handle)
        if status.result is not None:
            self._save(self._jobs, status.result)
        return status

    async def ajob_status(self, **arguments: Any) -> JobStatus:
        """Async :meth:`job_status`."""
        jobs = self._clients.for_running_loop()
        with tool_errors(_generation_tool_error):
            handle = JobHandle.parse(JobStatusArgs.params_from(arguments)["job"])
            status = await jobs.query_job(handle)
        if status.result is not None:
            await self._asave(jobs, status.result)
        return status

    # ----------------------------------------------------------------------- plumbing

    def _request(self, kind: JobKind, arguments: Mapping[str, Any]) -> dict[str, Any]:
        if kind not in self.models:
            raise ConfigurationError(f"the {self._jobs.backend.name!r} backend makes no {kind}")
        chosen = self._schemas[kind].params_from(arguments)
        return {**self.request_defaults.get(kind, {}), **chosen}

    def _progress(self, status: JobStatus, ctx: Context | None = None) -> Any:
        if ctx is not None:
            ctx.write_event_to_stream(
                JobProgressStreamEvent(
                    job_id=status.job_id,
                    model=status.model,
                    state=status.state,
                    progress=status.progress,
                )
            )
        dispatcher.event(
            GenerationProgressEvent(
                job_id=status.job_id,
                model=status.model,
                state=status.state,
                progress=status.progress,
            )
        )
        # An async callback's coroutine is returned, and awaited by the async job client.
        return self.on_progress(status) if self.on_progress is not None else None

    def _starts_only(self, jobs: JobClient | AsyncJobClient, kind: JobKind) -> bool:
        # A synchronous model answers at once: there is nothing to pick up later.
        return not self.wait and not jobs.backend.route(self.models[kind]).synchronous

    def _generate(
        self, kind: JobKind, arguments: Mapping[str, Any], ctx: Context | None = None
    ) -> ToolOutcome:
        with tool_errors(_generation_tool_error):
            request = self._request(kind, arguments)
            if self._starts_only(self._jobs, kind):
                return self._jobs.start_job(self.models[kind], request)
            result = self._jobs.generate(
                self.models[kind], request, on_progress=lambda s: self._progress(s, ctx)
            )
        self._save(self._jobs, result)
        return result

    async def _agenerate(
        self, kind: JobKind, arguments: Mapping[str, Any], ctx: Context | None = None
    ) -> ToolOutcome:
        with tool_errors(_generation_tool_error):
            request = self._request(kind, arguments)
            jobs = self._clients.for_running_loop()
            if self._starts_only(jobs, kind):
                return await jobs.start_job(self.models[kind], request)
            result = await jobs.generate(
                self.models[kind], request, on_progress=lambda s: self._progress(s, ctx)
            )
        await self._asave(jobs, result)
        return result

    def _remember(self, result: JobResult, saved: tuple[list[Path], str | None]) -> None:
        self._saved[result.job_id] = saved
        while len(self._saved) > _SAVED_KEPT:
            self._saved.popitem(last=False)

    def _save(self, jobs: JobClient, result: JobResult) -> None:
        """Download into ``download_dir`` when set; a failure keeps the URLs, with why."""
        if self.download_dir is None:
            return
        try:
            self._remember(result, (jobs.download(result, self.download_dir), None))
        except (TokenHubError, OSError) as exc:
            self._remember(result, ([], str(exc)))

    async def _asave(self, jobs: AsyncJobClient, result: JobResult) -> None:
        if self.download_dir is None:
            return
        try:
            self._remember(result, (await jobs.download(result, self.download_dir), None))
        except (TokenHubError, OSError) as exc:
            self._remember(result, ([], str(exc)))

    def close(self) -> None:
        """Close the sync job client's connections."""
        self._clients.close()

    async def aclose(self) -> None:
        """Close the running event loop's async job client (a given one is left open)."""
        await self._clients.aclose()


def _generation_tool_error(error: Exception) -> GenerationToolError:
    return GenerationToolError(describe_error(error))


def _secret(value: str | SecretStr | None) -> SecretStr | None:
    return SecretStr(value) if isinstance(value, str) else value


def _checked_defaults(
    defaults: Mapping[JobKind, Mapping[str, Any]],
    models: Mapping[JobKind, str],
    backend: str | None,
) -> dict[JobKind, dict[str, Any]]:
    """``request_defaults`` keyed by kind, each checked against its tool's model now."""
    checked: dict[JobKind, dict[str, Any]] = {}
    for kind, fields in defaults.items():
        if kind not in TOOL_DESCRIPTIONS:
            raise ConfigurationError(
                f"request_defaults is keyed by kind: 'image', 'video' or '3d', got {kind!r}"
            )
        if kind in models:  # a kind the backend does not make has no tool to configure
            check_request_defaults(models[kind], fields, backend)
        checked[kind] = dict(fields)
    return checked


class _ContextOptionalTool(FunctionTool):
    """A function tool whose workflow ``ctx`` is optional: an agent workflow passes it (and
    progress reaches its event stream); a direct ``call`` without one works too."""

    def _with_context(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.ctx_param_name is not None:
            kwargs.setdefault(self.ctx_param_name, None)
        return kwargs

    def call(self, *args: Any, **kwargs: Any) -> ToolOutput:
        return super().call(*args, **self._with_context(kwargs))

    async def acall(self, *args: Any, **kwargs: Any) -> ToolOutput:
        return await super().acall(*args, **self._with_context(kwargs))


_FunctionT = TypeVar("_FunctionT", bound=Callable[..., Any])


def _takes_context(function: _FunctionT) -> _FunctionT:
    """Mark ``function``'s ``ctx`` parameter with the real ``Context`` class, which is how a
    function tool recognises it (this module's annotations are strings)."""
    function.__annotations__["ctx"] = Context
    return function
