"""Hunyuan image, video and 3D generation as LangChain tools.

Each tool submits a generation job, waits for it (reporting progress as the custom event
``hunyuan_job_progress``), and answers with ``content_and_artifact``: the content tells the agent
what was made and lists every URL; the artifact is the normalised result (``JobResult`` as a
dict, plus ``local_paths`` when ``download_dir`` is set). With ``wait=False`` a tool answers at
once with the job's handle and expected duration, and :class:`HunyuanJobStatusTool`
(``hunyuan_job_status``) picks the result up later: a video takes minutes, which an agent should
not spend inside one tool call. All protocol work happens in
:mod:`hunyuan_tokenhub.jobs`; this module only adapts it to LangChain.

The arguments an agent fills are only those it should choose (prompt, input images, size...);
everything else (watermark, revise, timeouts, where files go) is set by the developer through
the constructor or ``request_defaults``. Input images are untrusted: http(s) and ``data:`` URLs
are accepted, local files only from ``allowed_local_dirs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.rate_limiters import BaseRateLimiter
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, ToolException
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from hunyuan_tokenhub import (
    ConfigurationError,
    TokenHubError,
)
from hunyuan_tokenhub.adapters import (
    DEFAULT_TOOL_MODELS,
    JOB_STATUS_TOOL_DESCRIPTION,
    JOB_STATUS_TOOL_NAME,
    JobConnectionFields,
    JobStatusArgs,
    LazyClients,
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
    tool_models,
)
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    BackendOptions,
    DownloadPolicy,
    JobClient,
    JobHandle,
    JobKind,
    JobResult,
    JobStatus,
    SlotStore,
    get_backend,
    open_job_slots,
)

from ._errors import standard_error

__all__ = [
    "PROGRESS_EVENT",
    "GenerationSettings",
    "Hunyuan3DGenerationTool",
    "HunyuanImageGenerationTool",
    "HunyuanJobStatusTool",
    "HunyuanVideoGenerationTool",
]

PROGRESS_EVENT = "hunyuan_job_progress"


def tool_error(exc: Exception) -> ToolException:
    """The failure as a message an agent can act on.

    ``exc``, its cause, becomes LangChain's matching standard error too (for
    ``handle_tool_error=False``).
    """
    return ToolException(describe_error(standard_error(exc)))


# Never pickled: secrets in clear, and the httpx clients' locks.
_NOT_PICKLED = ("secret_id", "secret_key", "job_slots_url", *JobConnectionFields.NOT_PICKLED)


class GenerationSettings(JobConnectionFields):
    """The settings the generation tools and ``HunyuanGenerationToolkit`` share.

    Declared once so that a toolkit hands each of its tools exactly its own settings. The
    connection settings are every adapter class's, under the same names (``api_key``,
    ``base_url``, ``region``, ``max_retries``, ``failover_cooldown``, ``settings``...), with
    ``request_timeout`` for each HTTP request: ``timeout`` bounds the whole job.

    Example:
        .. code-block:: python

            from langchain_hunyuan import HunyuanGenerationToolkit

            toolkit = HunyuanGenerationToolkit(api_key="sk-...", timeout=600, max_retries=4)
            assert all(tool.timeout == 600 for tool in toolkit.get_tools())
    """

    backend: str | None = Field(
        default=None,
        description="tokenhub (default), aiart, ai3d or tencentcloud; else env HUNYUAN_BACKEND.",
    )
    secret_id: SecretStr | None = Field(default=None, repr=False)
    secret_key: SecretStr | None = Field(default=None, repr=False)
    tencentcloud_region: str | None = None
    poll_interval: float | None = None
    max_poll_interval: float | None = None
    timeout: float | None = Field(
        default=None,
        description="Longest wait for a job in seconds (defaults: 300 images, 900 video and "
        "3D); each HTTP request is bounded by request_timeout.",
    )
    download_dir: str | None = None
    allowed_local_dirs: list[str] | None = None
    request_defaults: dict[str, Any] = Field(default_factory=dict)
    max_concurrent_jobs: int | dict[str, int] | None = None
    job_slots_url: SecretStr | None = Field(
        default=None,
        repr=False,
        description="redis:// URL whose job slots all workers share; else env "
        "HUNYUAN_JOB_SLOTS_URL, else slots in this process.",
    )
    rate_limiter: BaseRateLimiter | None = Field(default=None, exclude=True)
    download_policy: DownloadPolicy | None = Field(default=None, exclude=True)
    wait: bool = Field(
        default=True,
        description="False: a tool starts its job and answers at once with the job handle; "
        "the agent gets the result later with HunyuanJobStatusTool (hunyuan_job_status).",
    )

    def generation_settings(self) -> dict[str, Any]:
        """These settings as constructor arguments (secrets stay ``SecretStr``)."""
        return {name: getattr(self, name) for name in GenerationSettings.model_fields}

    def open_job_slots(self) -> SlotStore:
        """A slot store as ``max_concurrent_jobs`` and ``job_slots_url`` choose."""
        url = self.job_slots_url.get_secret_value() if self.job_slots_url else None
        return open_job_slots(self.max_concurrent_jobs, url=url)

    def __getstate__(self) -> dict[Any, Any]:
        # A SecretStr pickles its value in clear: pickle the settings without the secrets. An
        # unpickled copy reads them from the environment again, as ChatHunyuan's does.
        state = super().__getstate__()
        state["__dict__"] = {**state["__dict__"], **dict.fromkeys(_NOT_PICKLED)}
        return state


class _HunyuanJobTool(GenerationSettings, BaseTool):
    """What every job tool shares: its job clients, built from the settings on first use."""

    # A misspelt setting fails instead of being ignored (BaseTool's own config ignores it).
    model_config = ConfigDict(extra="forbid")

    slots: SlotStore | None = Field(default=None, exclude=True)
    job_client: JobClient | None = Field(default=None, exclude=True)
    async_job_client: AsyncJobClient | None = Field(default=None, exclude=True)

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = True

    _job_clients: LazyClients[JobClient, AsyncJobClient] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_clients(self) -> _HunyuanJobTool:
        backend = get_backend(self.backend)
        has_client = self.job_client is not None or self.async_job_client is not None
        if backend.sends_own_auth and not has_client:
            # Fails now, naming what is missing, rather than at the agent's first call.
            backend.configure(self._backend_options())
        elif not has_client:
            # A missing key, bad region or limit fails here, not at the agent's first call.
            self.client_settings()
        if self.slots is None:
            self.slots = self.open_job_slots()
        return self

    def _backend_options(self) -> BackendOptions:
        return BackendOptions.of(
            settings=self.settings,
            api_key=self.api_key,
            base_url=self.base_url,
            secret_id=self.secret_id,
            secret_key=self.secret_key,
            tencentcloud_region=self.tencentcloud_region,
        )

    def _client_options(self) -> dict[str, Any]:
        return {
            **self.job_client_options(),
            "backend": self.backend,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            "tencentcloud_region": self.tencentcloud_region,
            "allowed_local_dirs": self.allowed_local_dirs,
            "slots": self.slots,
            "poll_interval": self.poll_interval,
            "max_poll_interval": self.max_poll_interval,
            "timeout": self.timeout,
            # Plain http only when the service itself is on loopback (the emulator).
            "download_policy": self.download_policy,
        }

    def _clients(self) -> LazyClients[JobClient, AsyncJobClient]:
        if self._job_clients is None:
            self._job_clients = job_clients(
                self._client_options(),
                job_client=self.job_client,
                async_job_client=self.async_job_client,
            )
        return self._job_clients

    def _sync(self) -> JobClient:
        return self._clients().sync()

    def _async(self) -> AsyncJobClient:
        return self._clients().for_running_loop()

    def _save(self, client: JobClient, result: JobResult) -> tuple[list[Path], str | None]:
        """Download into ``download_dir`` when set; a failure keeps the URLs, with why."""
        if not self.download_dir:
            return [], None
        try:
            return client.download(result, self.download_dir), None
        except (TokenHubError, OSError) as exc:
            return [], str(exc)

    async def _asave(
        self, client: AsyncJobClient, result: JobResult
    ) -> tuple[list[Path], str | None]:
        if not self.download_dir:
            return [], None
        try:
            return await client.download(result, self.download_dir), None
        except (TokenHubError, OSError) as exc:
            return [], str(exc)

    @staticmethod
    def _outcome(
        result: JobResult, paths: list[Path], download_error: str | None
    ) -> tuple[str, dict[str, Any]]:
        artifact = result.model_dump(mode="json")
        artifact["local_paths"] = [str(p) for p in paths]
        return describe_result(result, paths, download_error), artifact


class _HunyuanGenerationTool(_HunyuanJobTool):
    """Shared by the three tools: the model, its schema, progress events, result text."""

    KIND: ClassVar[JobKind]

    model: str = Field(default="", description="The generation model id (case-insensitive).")

    @model_validator(mode="before")
    @classmethod
    def _schema_for_model(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        model = str(data.get("model") or cls._default_model(data.get("backend"))).strip().lower()
        if model not in tool_models(cls.KIND):
            raise ConfigurationError(
                f"{cls.__name__} supports the models {', '.join(tool_models(cls.KIND))}, "
                f"got {data.get('model')!r}"
            )
        data["model"] = model
        data.setdefault("args_schema", args_schema(model, cls.KIND))
        data.setdefault("description", tool_description(cls.KIND, model))
        return data

    @classmethod
    def _default_model(cls, backend: Any) -> str:
        """The backend's default model of this tool's kind (see ``default_tool_model``)."""
        found = default_tool_model(cls.KIND, backend if isinstance(backend, str) else None)
        return found or DEFAULT_TOOL_MODELS[cls.KIND]

    @model_validator(mode="after")
    def _check_model(self) -> _HunyuanGenerationTool:
        backend = get_backend(self.backend)
        if backend.route(self.model).kind != self.KIND:
            raise ConfigurationError(f"{self.model} does not make {self.KIND} results")
        check_request_defaults(self.model, self.request_defaults, backend)
        return self

    def _params(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        chosen = args_schema(self.model, self.KIND).params_from(arguments)
        return {**self.request_defaults, **chosen}

    def _starts_only(self, client: JobClient | AsyncJobClient) -> bool:
        # A synchronous model answers at once: there is nothing to pick up later.
        return not self.wait and not client.backend.route(self.model).synchronous

    def _started(
        self, client: JobClient | AsyncJobClient, handle: JobHandle
    ) -> tuple[str, dict[str, Any]]:
        expected = client.expected_seconds(self.model)
        artifact = {
            "job": str(handle),
            "job_id": handle.job_id,
            "model": handle.model,
            "kind": self.KIND,
            "status": "submitted",
            "expected_seconds": expected,
        }
        return describe_started(handle, self.KIND, expected), artifact

    @staticmethod
    def _event(status: JobStatus) -> dict[str, Any]:
        return {
            "job_id": status.job_id,
            "model": status.model,
            "state": status.state,
            "progress": status.progress,
            "raw_status": status.raw_status,
        }

    def _run(
        self, run_manager: CallbackManagerForToolRun | None = None, **arguments: Any
    ) -> tuple[str, dict[str, Any]]:
        def progress(status: JobStatus) -> None:
            if run_manager is not None:
                config: RunnableConfig = {"callbacks": run_manager.get_child()}
                dispatch_custom_event(PROGRESS_EVENT, self._event(status), config=config)

        client = self._sync()
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
        with tool_errors(tool_error):
            if self._starts_only(client):
                return self._started(client, client.start_job(self.model, self._params(arguments)))
            result = client.generate(self.model, self._params(arguments), on_progress=progress)
        return self._outcome(result, *self._save(client, result))

    async def _arun(
        self, run_manager: AsyncCallbackManagerForToolRun | None = None, **arguments: Any
    ) -> tuple[str, dict[str, Any]]:
        async def progress(status: JobStatus) -> None:
            if run_manager is not None:
                config: RunnableConfig = {"callbacks": run_manager.get_child()}
                await adispatch_custom_event(PROGRESS_EVENT, self._event(status), config=config)

        client = self._async()
        if self.rate_limiter is not None:
            await self.rate_limiter.aacquire()
        with tool_errors(tool_error):
            if self._starts_only(client):
                handle = await client.start_job(self.model, self._params(arguments))
                return self._started(client, handle)
            result = await client.generate(
                self.model, self._params(arguments), on_progress=progress
            )
        return self._outcome(result, *await self._asave(client, result))


class HunyuanJobStatusTool(_HunyuanJobTool):
    """``hunyuan_job_status``: an agent checks a job a ``wait=False`` tool started, by handle.

    It answers with the progress while the job runs, or with the result URLs and their expiry
    once it is done (saving the files into ``download_dir`` when set). The handle carries the
    model and backend, so the job is found from it alone, in this process or after a restart.

    Example:
        .. code-block:: python

            from langchain_hunyuan import HunyuanJobStatusTool, HunyuanVideoGenerationTool

            start = HunyuanVideoGenerationTool(wait=False)  # key: TOKENHUB_API_KEY
            started = start.invoke({"type": "tool_call", "id": "1", "name": start.name,
                                    "args": {"prompt": "a paper boat on a stream"}})
            status = HunyuanJobStatusTool(download_dir="clips/")
            print(status.invoke({"job": started.artifact["job"]}))  # progress, or the URLs
    """

    name: str = JOB_STATUS_TOOL_NAME
    description: str = JOB_STATUS_TOOL_DESCRIPTION
    args_schema: type[BaseModel] = JobStatusArgs  # type: ignore[assignment]

    def _status_outcome(
        self, handle: JobHandle, status: JobStatus, saved: tuple[list[Path], str | None]
    ) -> tuple[str, dict[str, Any]]:
        artifact = {"job": str(handle), **status.model_dump(mode="json", exclude={"raw"})}
        artifact["local_paths"] = [str(p) for p in saved[0]]
        return describe_status(status, handle, *saved), artifact

    def _run(
        self, run_manager: CallbackManagerForToolRun | None = None, **arguments: Any
    ) -> tuple[str, dict[str, Any]]:
        client = self._sync()
        with tool_errors(tool_error):
            handle = JobHandle.parse(JobStatusArgs.params_from(arguments)["job"])
            status = client.query_job(handle)
        saved = self._save(client, status.result) if status.result else ([], None)
        return self._status_outcome(handle, status, saved)

    async def _arun(
        self, run_manager: AsyncCallbackManagerForToolRun | None = None, **arguments: Any
    ) -> tuple[str, dict[str, Any]]:
        client = self._async()
        with tool_errors(tool_error):
            handle = JobHandle.parse(JobStatusArgs.params_from(arguments)["job"])
            status = await client.query_job(handle)
        saved = await self._asave(client, status.result) if status.result else ([], None)
        return self._status_outcome(handle, status, saved)


class HunyuanImageGenerationTool(_HunyuanGenerationTool):
    """Create images with Tencent Hunyuan (``hy-image-v3.0`` by default, or ``hy-image-lite``).

    Example:
        .. code-block:: python

            from langchain_hunyuan import HunyuanImageGenerationTool

            tool = HunyuanImageGenerationTool(download_dir="images/")  # key: TOKENHUB_API_KEY
            message = tool.invoke(
                {"type": "tool_call", "id": "1", "name": tool.name,
                 "args": {"prompt": "a red panda reading a book, watercolour"}}
            )
            print(message.content)            # what was made, with the URL
            print(message.artifact["assets"])  # the normalised result

    Image URLs expire after one hour; set ``download_dir`` to keep the files.
    """

    name: str = "hunyuan_image_generation"
    KIND: ClassVar[JobKind] = "image"


class HunyuanVideoGenerationTool(_HunyuanGenerationTool):
    """Create short videos with Tencent Hunyuan / Youtu video models.

    ``model`` picks what the agent is asked for: ``hy-video-1.5`` (text, optional first frame;
    default), ``yt-video-2.0`` (animate an image), ``yt-video-fx`` (effect templates on
    photos) or ``yt-video-humanactor`` (a portrait speaking an audio track).

    Example:
        .. code-block:: python

            from langchain_hunyuan import HunyuanVideoGenerationTool

            tool = HunyuanVideoGenerationTool(model="yt-video-2.0", timeout=900)
            text = tool.invoke({"image_url": "https://example.com/cat.png",
                                "prompt": "the cat slowly turns its head"})

    Video jobs take minutes; progress is sent as the custom event ``hunyuan_job_progress``
    (see ``astream_events``). Video URLs expire after 24 hours.
    """

    name: str = "hunyuan_video_generation"
    KIND: ClassVar[JobKind] = "video"


class Hunyuan3DGenerationTool(_HunyuanGenerationTool):
    """Create 3D models with Tencent Hunyuan 3D (``hy-3d-3.0`` default, ``hy-3d-3.1``,
    ``hy-3d-express``) from a text prompt or a photo.

    Example:
        .. code-block:: python

            from langchain_hunyuan import Hunyuan3DGenerationTool

            tool = Hunyuan3DGenerationTool(model="hy-3d-3.1", download_dir="models/")
            text = tool.invoke({"prompt": "a small ceramic teapot"})

    Results are OBJ (delivered as a .zip) and GLB files, valid for 24 hours.
    """

    name: str = "hunyuan_3d_generation"
    KIND: ClassVar[JobKind] = "3d"
