"""``HunyuanGenerationToolSpec``: Hunyuan image, video and 3D generation as LlamaIndex tools.

All job work (validation, input-media policy, submit, polling, concurrency slots) happens in
:mod:`hunyuan_tokenhub.jobs`, and the agent-facing argument schemas and texts come from
:mod:`hunyuan_tokenhub.jobs.tooling`; this module only adapts them to LlamaIndex.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.tools import FunctionTool, ToolMetadata
from llama_index.core.tools.tool_spec.base import SPEC_FUNCTION_TYPE, BaseToolSpec
from llama_index_instrumentation import get_dispatcher
from pydantic import SecretStr

from hunyuan_tokenhub import ConfigurationError, TokenHubError
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    JobClient,
    JobKind,
    JobResult,
    JobStatus,
    open_job_slots,
)
from hunyuan_tokenhub.jobs.tooling import (
    TOOL_DESCRIPTIONS,
    ToolJobClients,
    args_schema,
    check_request_defaults,
    default_tool_model,
    describe_error,
    describe_result,
)

__all__ = ["GenerationProgressEvent", "GenerationToolError", "HunyuanGenerationToolSpec"]

dispatcher = get_dispatcher(__name__)

ProgressCallback = Callable[[JobStatus], Any]

_KIND_OF_FUNCTION: Mapping[str, JobKind] = {
    "generate_image": "image",
    "generate_video": "video",
    "generate_3d": "3d",
}


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


class GenerationToolError(TokenHubError):
    """A generation tool call failed; the message tells the agent what to do next.

    The core's typed error (``JobFailedError``, ``JobTimeoutError``, ``InvalidParameterError``,
    ``APIError``...) is the ``__cause__``.
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
    ``allowed_local_dirs``. Progress goes to ``on_progress`` and, as
    ``GenerationProgressEvent``, to the LlamaIndex dispatcher. A timed-out job keeps running
    on the server (there is no cancel). ``job_slots_url`` (else env ``HUNYUAN_JOB_SLOTS_URL``),
    a ``redis://`` URL, shares the job slots with every worker process using that Redis.
    """

    spec_functions: list[SPEC_FUNCTION_TYPE] = [  # noqa: RUF012 (BaseToolSpec's contract)
        ("generate_image", "agenerate_image"),
        ("generate_video", "agenerate_video"),
        ("generate_3d", "agenerate_3d"),
    ]

    def __init__(
        self,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        region: str | None = None,
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
        max_concurrent_jobs: int | Mapping[str, int] | None = None,
        job_slots_url: str | None = None,
        on_progress: ProgressCallback | None = None,
        job_client: JobClient | None = None,
        async_job_client: AsyncJobClient | None = None,
    ) -> None:
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
        self._schemas = {kind: args_schema(model, kind) for kind, model in self.models.items()}
        self.request_defaults = _checked_defaults(request_defaults or {}, self.models, backend)
        self.on_progress = on_progress
        options: dict[str, Any] = {
            # Held as SecretStr so that no attribute of the spec shows a secret in clear.
            "api_key": _secret(api_key),
            "base_url": base_url,
            "region": region,
            "backend": backend,
            "secret_id": _secret(secret_id),
            "secret_key": _secret(secret_key),
            "tencentcloud_region": tencentcloud_region,
            "allowed_local_dirs": allowed_local_dirs,
            "timeout": timeout,
            "poll_interval": poll_interval,
            # One pool of slots for both twins: together they never exceed the account limits.
            "slots": open_job_slots(max_concurrent_jobs, url=job_slots_url),
        }
        self._clients = ToolJobClients(
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
            kind = _KIND_OF_FUNCTION.get(name)
            if kind is None or kind not in self.models:
                offered = [f for f, k in _KIND_OF_FUNCTION.items() if k in self.models]
                raise ValueError(f"unknown tool {name!r}; choose from {offered}")
            metadata = (func_to_metadata_mapping or {}).get(name) or ToolMetadata(
                name=name,
                description=TOOL_DESCRIPTIONS[kind].format(model=self.models[kind]),
                fn_schema=self._schemas[kind],
            )
            tools.append(
                FunctionTool.from_defaults(
                    fn=getattr(self, name),
                    async_fn=getattr(self, "a" + name),
                    tool_metadata=metadata,
                    callback=describe_result,
                    async_callback=_adescribe_result,
                )
            )
        return tools

    def generate_image(self, **arguments: Any) -> JobResult:
        """Create images; ``arguments`` follow the image model's schema (``prompt``...)."""
        return self._generate("image", arguments)

    async def agenerate_image(self, **arguments: Any) -> JobResult:
        """Async :meth:`generate_image`."""
        return await self._agenerate("image", arguments)

    def generate_video(self, **arguments: Any) -> JobResult:
        """Create a video; ``arguments`` follow the video model's schema."""
        return self._generate("video", arguments)

    async def agenerate_video(self, **arguments: Any) -> JobResult:
        """Async :meth:`generate_video`."""
        return await self._agenerate("video", arguments)

    def generate_3d(self, **arguments: Any) -> JobResult:
        """Create a 3D model; ``arguments`` follow the 3D model's schema."""
        return self._generate("3d", arguments)

    async def agenerate_3d(self, **arguments: Any) -> JobResult:
        """Async :meth:`generate_3d`."""
        return await self._agenerate("3d", arguments)

    # ----------------------------------------------------------------------- plumbing

    def _request(self, kind: JobKind, arguments: Mapping[str, Any]) -> dict[str, Any]:
        if kind not in self.models:
            raise ConfigurationError(f"the {self._jobs.backend.name!r} backend makes no {kind}")
        chosen = self._schemas[kind].params_from(arguments)
        return {**self.request_defaults.get(kind, {}), **chosen}

    def _progress(self, status: JobStatus) -> Any:
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

    def _generate(self, kind: JobKind, arguments: Mapping[str, Any]) -> JobResult:
        try:
            request = self._request(kind, arguments)
            return self._jobs.generate(self.models[kind], request, on_progress=self._progress)
        except TokenHubError as exc:
            raise GenerationToolError(describe_error(exc)) from exc

    async def _agenerate(self, kind: JobKind, arguments: Mapping[str, Any]) -> JobResult:
        try:
            request = self._request(kind, arguments)
            jobs = self._clients.for_running_loop()
            return await jobs.generate(self.models[kind], request, on_progress=self._progress)
        except TokenHubError as exc:
            raise GenerationToolError(describe_error(exc)) from exc

    def close(self) -> None:
        """Close the sync job client's connections."""
        self._clients.close()

    async def aclose(self) -> None:
        """Close the running event loop's async job client (a given one is left open)."""
        await self._clients.aclose()


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


async def _adescribe_result(result: JobResult) -> str:
    return describe_result(result)
