"""Hunyuan image, video and 3D generation as LangChain tools.

Each tool submits a generation job, waits for it (reporting progress as the custom event
``hunyuan_job_progress``), and answers with ``content_and_artifact``: the content tells the agent
what was made and lists every URL; the artifact is the normalised result (``JobResult`` as a
dict, plus ``local_paths`` when ``download_dir`` is set). All protocol work happens in
:mod:`hunyuan_tokenhub.jobs`; this module only adapts it to LangChain.

The arguments an agent fills are only those it should choose (prompt, input images, size...);
everything else (watermark, revise, timeouts, where files go) is set by the developer through
the constructor or ``request_defaults``. Input images are untrusted: http(s) and ``data:`` URLs
are accepted, local files only from ``allowed_local_dirs``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import timezone
from pathlib import Path
from typing import Any, ClassVar, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, ToolException
from langchain_core.utils import secret_from_env
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hunyuan_tokenhub import (
    APIError,
    ConfigurationError,
    InvalidParameterError,
    JobFailedError,
    JobTimeoutError,
    TokenHubError,
)
from hunyuan_tokenhub.jobs import (
    AsyncJobClient,
    BackendOptions,
    DownloadPolicy,
    JobClient,
    JobKind,
    JobResult,
    JobSlots,
    JobStatus,
    SubmitTimeoutError,
    get_backend,
)

__all__ = [
    "PROGRESS_EVENT",
    "Hunyuan3DGenerationTool",
    "HunyuanImageGenerationTool",
    "HunyuanVideoGenerationTool",
]

PROGRESS_EVENT = "hunyuan_job_progress"
_REVISED_PROMPT_SHOWN = 300

# --- what an agent may fill, per model ---


class _ToolArgs(BaseModel):
    """Arguments an agent fills; ``to_params`` maps them onto the model's request fields."""

    model_config = ConfigDict(extra="forbid")
    RENAMES: ClassVar[Mapping[str, str]] = {}

    @field_validator("result_format", "resolution", mode="before", check_fields=False)
    @classmethod
    def _fold_case(cls, value: Any, info: ValidationInfo) -> Any:
        # Agents write "glb" or "720P"; the enumerations are spelled one way.
        if not isinstance(value, str):
            return value
        return (
            value.strip().upper() if info.field_name == "result_format" else value.strip().lower()
        )

    def to_params(self) -> dict[str, Any]:
        return {self.RENAMES.get(k, k): v for k, v in self.model_dump(exclude_none=True).items()}


_PROMPT = (
    "What to create, described in detail (subject, style, composition, light); Chinese or English."
)
_IMAGE_URL = "http(s) URL of an input image (or a data: URL)."


class ImageLiteArgs(_ToolArgs):
    prompt: str = Field(description=_PROMPT + " At most 1024 characters.")
    negative_prompt: str | None = Field(default=None, description="What the image must not show.")
    resolution: str | None = Field(
        default=None,
        description="'width:height' in pixels with aspect 1:1, 3:4, 4:3, 9:16 or 16:9, e.g. "
        "'1024:1024', '768:1024', '1280:720'. Omit for 1024:1024.",
    )
    seed: int | None = Field(default=None, description="Fixed seed to reproduce an image; omit.")


class ImageV3Args(_ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"reference_image_urls": "images"}
    prompt: str = Field(description=_PROMPT)
    reference_image_urls: list[str] | None = Field(
        default=None,
        max_length=3,
        description="Up to 3 http(s) URLs of images to edit or follow (e.g. 'add a cat to this "
        "picture'). Omit to create from text only.",
    )
    resolution: str | None = Field(
        default=None,
        description="'width:height', each 512-2048 and width*height <= 1024*1024, e.g. "
        "'1024:1024', '768:1280' (portrait), '1280:768' (landscape). Omit for 1024:1024.",
    )
    seed: int | None = Field(default=None, description="Fixed seed to reproduce an image; omit.")


class HunyuanImageJobArgs(_ToolArgs):
    prompt: str = Field(description=_PROMPT + " At most 1024 characters.")
    negative_prompt: str | None = Field(default=None, description="What the image must not show.")
    resolution: (
        Literal[
            "768:768", "768:1024", "1024:768", "1024:1024",
            "720:1280", "1280:720", "768:1280", "1280:768",
        ]
        | None
    ) = Field(default=None, description="'width:height'; omit for 1024:1024.")  # fmt: skip
    num: int | None = Field(
        default=None, ge=1, le=4, description="How many images, 1-4; omit for 1."
    )


class TextToVideoArgs(_ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"first_frame_image_url": "image"}
    prompt: str = Field(description="The video's content and motion. At most 200 characters.")
    first_frame_image_url: str | None = Field(
        default=None, description="Optional " + _IMAGE_URL + " It becomes the first frame."
    )


class ImageToVideoArgs(_ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"image_url": "image"}
    image_url: str = Field(description="The " + _IMAGE_URL + " It is brought to life.")
    prompt: str | None = Field(default=None, description="How it should move. At most 200 chars.")
    resolution: Literal["480p", "720p", "1080p"] | None = Field(default=None)


class TemplateVideoArgs(_ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"image_urls": "images"}
    template: str = Field(
        description="Effect template name, e.g. 'hug', 'kissing' (two people, 2 images), "
        "'bloom', 'flying', 'figurine' (1 image), 'onestory' (2-10 images)."
    )
    image_urls: list[str] = Field(
        min_length=1, max_length=10, description="http(s) URLs of the photos the effect uses."
    )


class HumanActorArgs(_ToolArgs):
    prompt: str = Field(
        description="How the person acts and speaks; '#3#...' starts a direction at second 3."
    )
    image_url: str = Field(description="http(s) URL of a clear photo of one face.")
    audio_url: str = Field(description="http(s) URL of the speech, mp3 or wav, 2-60 seconds.")


class _Object3DArgs(_ToolArgs):
    prompt: str = Field(
        description="The object to model, e.g. 'a ceramic teapot with a bamboo handle'. When "
        "image_url is given the model works from the photo and this text is not sent."
    )
    image_url: str | None = Field(
        default=None, description="Optional http(s) URL of a photo of the object to model."
    )

    def to_params(self) -> dict[str, Any]:
        # The 3D actions take exactly one input: the photo, when there is one, wins.
        params = super().to_params()
        if self.image_url:
            params.pop("prompt", None)
        return params


class Pro3DArgs(_Object3DArgs):
    result_format: Literal["STL", "USDZ", "FBX"] | None = Field(
        default=None, description="An extra file format besides OBJ and GLB; omit if not asked."
    )


class Express3DArgs(_Object3DArgs):
    result_format: Literal["OBJ", "GLB", "STL", "USDZ", "FBX", "MP4"] | None = Field(
        default=None, description="The file format; omit for OBJ."
    )


# --- results and errors for the agent ---

_KIND_WORDS = {"image": "image", "video": "video"}


def describe_result(result: JobResult, paths: list[Path], download_error: str | None) -> str:
    """What the agent reads: what was made, every URL, and how long the URLs live."""
    count = len(result.assets)
    files = f"{count} file{'s' if count != 1 else ''}"
    if result.kind == "3d":
        head = f"Generated a 3D model with {result.model} (job {result.job_id}), {files}:"
    else:
        noun = _KIND_WORDS[result.kind] + ("s" if count != 1 else "")
        head = f"Generated {count} {noun} with {result.model} (job {result.job_id}):"
    lines = [head]
    for index, asset in enumerate(result.assets, start=1):
        lines.append(f"{index}. {asset.kind}: {asset.url}")
        if asset.preview_url:
            lines.append(f"   preview: {asset.preview_url}")
        if asset.revised_prompt:
            shown = asset.revised_prompt[:_REVISED_PROMPT_SHOWN]
            ellipsis = "…" if len(asset.revised_prompt) > _REVISED_PROMPT_SHOWN else ""
            lines.append(f"   revised prompt: {shown}{ellipsis}")
    if result.expires_at is not None:
        expires = result.expires_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"The URLs expire at {expires}; give them to the user as they are.")
    if paths:
        lines.append("Saved to: " + ", ".join(str(p) for p in paths))
    if download_error:
        lines.append(f"Saving the files failed ({download_error}); the URLs above still work.")
    return "\n".join(lines)


def _advice(code: str | None) -> str:
    code = code or ""
    if "Moderation" in code or "GenerateImageFailed" in code:
        return "The content was rejected by moderation: rephrase the prompt or use other images."
    if "Download" in code or "Url" in code:
        return "An input URL could not be fetched: use a publicly reachable http(s) URL."
    if code.startswith(("InvalidParameter", "MissingParameter")):
        return "The service rejected an argument: check the arguments and try again."
    if code.startswith(("ResourceUnavailable", "ResourcePack", "FailedOperation.Service")):
        return "The account cannot run this model (billing or activation): tell the user."
    return "You may try once more, or tell the user it failed."


def tool_error(exc: Exception) -> ToolException:
    """A message an agent can act on."""
    if isinstance(exc, InvalidParameterError):
        detail = str(exc).removeprefix("parameters: ")
        text = f"Invalid arguments ({detail}). Correct them and call the tool again."
    elif isinstance(exc, JobFailedError):
        text = (
            f"The {exc.model} job {exc.job_id} failed: {exc.code or 'error'}"
            f"{': ' + exc.message if exc.message else ''}. {_advice(exc.code)}"
        )
    elif isinstance(exc, JobTimeoutError):
        text = (
            f"The {exc.model} job {exc.job_id} is still running after {exc.elapsed:.0f}s. It was "
            "not cancelled and may still finish; do not submit it again. Tell the user it is "
            "taking longer than expected."
        )
    elif isinstance(exc, SubmitTimeoutError):
        text = f"{exc} The service is busy; try again later."
    elif isinstance(exc, APIError):
        text = f"The generation service failed: {exc}"
    else:
        text = f"Generation failed: {exc}"
    return ToolException(text)


# --- the tools ---


def _api_key_factory() -> SecretStr | None:
    return secret_from_env(["TOKENHUB_API_KEY", "HUNYUAN_API_KEY"], default=None)()


class _HunyuanGenerationTool(BaseTool):
    """Shared by the three tools: configuration, clients, progress events, result text."""

    KIND: ClassVar[JobKind]
    DEFAULT_MODEL: ClassVar[str]
    ARGS_BY_MODEL: ClassVar[Mapping[str, type[_ToolArgs]]]
    DESCRIPTION: ClassVar[str]

    model: str = Field(default="", description="The generation model id (case-insensitive).")
    api_key: SecretStr | None = Field(default_factory=_api_key_factory, repr=False)
    base_url: str | None = None
    backend: str | None = Field(
        default=None,
        description="tokenhub (default), aiart, ai3d or tencentcloud; else env HUNYUAN_BACKEND.",
    )
    secret_id: SecretStr | None = Field(default=None, repr=False)
    secret_key: SecretStr | None = Field(default=None, repr=False)
    tencentcloud_region: str | None = None
    poll_interval: float | None = None
    max_poll_interval: float | None = None
    timeout: float | None = None
    download_dir: str | None = None
    allowed_local_dirs: list[str] | None = None
    request_defaults: dict[str, Any] = Field(default_factory=dict)
    max_concurrent_jobs: int | dict[str, int] | None = None
    download_policy: DownloadPolicy | None = Field(default=None, exclude=True)
    slots: JobSlots | None = Field(default=None, exclude=True)
    job_client: JobClient | None = Field(default=None, exclude=True)
    async_job_client: AsyncJobClient | None = Field(default=None, exclude=True)

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool | str | Callable[[ToolException], str] | None = True

    _sync_client: JobClient | None = PrivateAttr(default=None)
    _async_client: AsyncJobClient | None = PrivateAttr(default=None)
    _async_loop: asyncio.AbstractEventLoop | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _schema_for_model(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        model = str(data.get("model") or cls._default_model(data.get("backend"))).strip().lower()
        if model not in cls.ARGS_BY_MODEL:
            raise ConfigurationError(
                f"{cls.__name__} supports the models {', '.join(cls.ARGS_BY_MODEL)}, "
                f"got {data.get('model')!r}"
            )
        data["model"] = model
        data.setdefault("args_schema", cls.ARGS_BY_MODEL[model])
        data.setdefault("description", cls.DESCRIPTION.format(model=model))
        return data

    @classmethod
    def _default_model(cls, backend: Any) -> str:
        """The tool's default model, or the backend's first model this tool can drive."""
        offered = get_backend(backend if isinstance(backend, str) else None).models
        if cls.DEFAULT_MODEL in offered:
            return cls.DEFAULT_MODEL
        return next((m for m in offered if m in cls.ARGS_BY_MODEL), cls.DEFAULT_MODEL)

    @model_validator(mode="after")
    def _check_setup(self) -> _HunyuanGenerationTool:
        backend = get_backend(self.backend)
        if backend.route(self.model).kind != self.KIND:
            raise ConfigurationError(f"{self.model} does not make {self.KIND} results")
        has_client = self.job_client is not None or self.async_job_client is not None
        if backend.sends_own_auth and not has_client:
            # Fails now, naming what is missing, rather than at the agent's first call.
            backend.configure(self._backend_options())
        elif self.api_key is None and not has_client:
            raise ConfigurationError(
                "No TokenHub API key: pass api_key=... or set TOKENHUB_API_KEY."
            )
        if self.slots is None:
            self.slots = JobSlots(self.max_concurrent_jobs)
        return self

    def _backend_options(self) -> BackendOptions:
        return BackendOptions(
            api_key=self.api_key,
            base_url=self.base_url,
            secret_id=self.secret_id,
            secret_key=self.secret_key,
            tencentcloud_region=self.tencentcloud_region,
        )

    def _client_options(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "backend": self.backend,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            "tencentcloud_region": self.tencentcloud_region,
            "allowed_local_dirs": self.allowed_local_dirs,
            "slots": self.slots,
            "poll_interval": self.poll_interval,
            "max_poll_interval": self.max_poll_interval,
            "timeout": self.timeout,
            "download_policy": self.download_policy,
        }

    def _sync(self) -> JobClient:
        if self.job_client is not None:
            return self.job_client
        if self._sync_client is None:
            self._sync_client = JobClient(**self._client_options())
        return self._sync_client

    def _async(self) -> AsyncJobClient:
        if self.async_job_client is not None:
            return self.async_job_client
        # An async connection pool belongs to the event loop it first ran on.
        loop = asyncio.get_running_loop()
        if self._async_client is None or self._async_loop is not loop:
            self._async_client = AsyncJobClient(**self._client_options())
            self._async_loop = loop
        return self._async_client

    def _params(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        schema = self.ARGS_BY_MODEL[self.model]
        chosen = schema.model_validate(arguments).to_params()
        return {**self.request_defaults, **chosen}

    def _outcome(
        self, result: JobResult, paths: list[Path], download_error: str | None
    ) -> tuple[str, dict[str, Any]]:
        artifact = result.model_dump(mode="json")
        artifact["local_paths"] = [str(p) for p in paths]
        return describe_result(result, paths, download_error), artifact

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
        try:
            result = client.generate(self.model, self._params(arguments), on_progress=progress)
        except (TokenHubError, ValueError) as exc:
            raise tool_error(exc) from exc
        paths: list[Path] = []
        download_error = None
        if self.download_dir:
            try:
                paths = client.download(result, self.download_dir)
            except (TokenHubError, OSError) as exc:
                download_error = str(exc)
        return self._outcome(result, paths, download_error)

    async def _arun(
        self, run_manager: AsyncCallbackManagerForToolRun | None = None, **arguments: Any
    ) -> tuple[str, dict[str, Any]]:
        async def progress(status: JobStatus) -> None:
            if run_manager is not None:
                config: RunnableConfig = {"callbacks": run_manager.get_child()}
                await adispatch_custom_event(PROGRESS_EVENT, self._event(status), config=config)

        client = self._async()
        try:
            result = await client.generate(
                self.model, self._params(arguments), on_progress=progress
            )
        except (TokenHubError, ValueError) as exc:
            raise tool_error(exc) from exc
        paths: list[Path] = []
        download_error = None
        if self.download_dir:
            try:
                paths = await client.download(result, self.download_dir)
            except (TokenHubError, OSError) as exc:
                download_error = str(exc)
        return self._outcome(result, paths, download_error)


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
    DEFAULT_MODEL: ClassVar[str] = "hy-image-v3.0"
    ARGS_BY_MODEL: ClassVar[Mapping[str, type[_ToolArgs]]] = {
        "hy-image-v3.0": ImageV3Args,
        "hy-image-lite": ImageLiteArgs,
        "hunyuan-image-job": HunyuanImageJobArgs,
    }
    DESCRIPTION: ClassVar[str] = (
        "Create an image (picture, photo, illustration, drawing, painting, poster, logo) from a "
        "text description with Tencent Hunyuan ({model}). Use it whenever the user asks to draw, "
        "paint or generate an image. Returns the image URLs, valid for 1 hour."
    )


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
    DEFAULT_MODEL: ClassVar[str] = "hy-video-1.5"
    ARGS_BY_MODEL: ClassVar[Mapping[str, type[_ToolArgs]]] = {
        "hy-video-1.5": TextToVideoArgs,
        "yt-video-2.0": ImageToVideoArgs,
        "yt-video-fx": TemplateVideoArgs,
        "yt-video-humanactor": HumanActorArgs,
    }
    DESCRIPTION: ClassVar[str] = (
        "Create a short video (clip, animation, movie) with Tencent Hunyuan ({model}). Use it "
        "when the user asks for a video or to animate something. It takes a few minutes. "
        "Returns the video URL, valid for 24 hours."
    )


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
    DEFAULT_MODEL: ClassVar[str] = "hy-3d-3.0"
    ARGS_BY_MODEL: ClassVar[Mapping[str, type[_ToolArgs]]] = {
        "hy-3d-3.0": Pro3DArgs,
        "hy-3d-3.1": Pro3DArgs,
        "hy-3d-express": Express3DArgs,
    }
    DESCRIPTION: ClassVar[str] = (
        "Create a 3D model (mesh, OBJ/GLB file) of an object from a text description or a "
        "photo with Tencent Hunyuan 3D ({model}). Use it when the user asks for a 3D model or "
        "asset. Returns the file URLs with preview images, valid for 24 hours."
    )
