"""What agent tools for generation jobs share, whatever the framework.

An agent should fill only the arguments it can choose (prompt, input images, size...); the
developer sets the rest (model, watermark, timeouts). This module holds, per generation model,
the argument schema an agent sees and its mapping onto the model's request fields, the tool
description per kind, the texts an agent reads back (the result with every URL, or an error
it can act on), and the job clients a tool runs on. The LangChain tools and the LlamaIndex tool
spec only wrap these.

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient
        from hunyuan_tokenhub.jobs.tooling import args_schema, describe_result

        params = args_schema("hy-image-v3.0").params_from({"prompt": "a koi pond"})
        with JobClient() as jobs:
            print(describe_result(jobs.generate("hy-image-v3.0", params)))
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import timezone
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .._exceptions import (
    APIError,
    ConfigurationError,
    InvalidParameterError,
    JobFailedError,
    JobTimeoutError,
)
from .._per_loop import PerLoop
from ._client import AsyncJobClient, JobClient
from ._polling import SubmitTimeoutError
from ._results import JobKind, JobResult
from .backends import JobBackend, get_backend
from .backends._base import error_message, param_path

__all__ = [
    "DEFAULT_TOOL_MODELS",
    "TOOL_DESCRIPTIONS",
    "ToolArgs",
    "ToolJobClients",
    "args_schema",
    "check_request_defaults",
    "default_tool_model",
    "describe_error",
    "describe_result",
    "tool_models",
]


class ToolArgs(BaseModel):
    """Arguments an agent fills; ``to_params`` maps them onto the model's request fields."""

    model_config = ConfigDict(extra="forbid")
    RENAMES: ClassVar[Mapping[str, str]] = {}

    @field_validator("result_format", "resolution", mode="before", check_fields=False)
    @classmethod
    def _fold_case(cls, value: Any, info: ValidationInfo) -> Any:
        # Agents write "glb" or "720P"; the enumerations are spelled one way.
        if not isinstance(value, str):
            return value
        folded = value.strip()
        return folded.upper() if info.field_name == "result_format" else folded.lower()

    def to_params(self) -> dict[str, Any]:
        """The request fields these arguments set (unset ones are left out)."""
        return {self.RENAMES.get(k, k): v for k, v in self.model_dump(exclude_none=True).items()}

    @classmethod
    def params_from(cls, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Validate an agent's ``arguments`` and map them onto request fields.

        Raises ``InvalidParameterError`` naming the first bad argument (an unknown one too).
        """
        try:
            return cls.model_validate(arguments).to_params()
        except ValidationError as exc:
            error = exc.errors()[0]
            param = param_path(error["loc"]) or "arguments"
            raise InvalidParameterError(
                param, error["msg"], allowed=", ".join(cls.model_fields)
            ) from None


_PROMPT = (
    "What to create, described in detail (subject, style, composition, light); Chinese or English."
)
_IMAGE_URL = "http(s) URL of an input image (or a data: URL)."
_SEED = "Fixed seed to reproduce a result; usually omit."


class ImageLiteArgs(ToolArgs):
    prompt: str = Field(description=_PROMPT + " At most 1024 characters.")
    negative_prompt: str | None = Field(default=None, description="What the image must not show.")
    resolution: str | None = Field(
        default=None,
        description="'width:height' in pixels with aspect 1:1, 3:4, 4:3, 9:16 or 16:9, e.g. "
        "'1024:1024', '768:1024', '1280:720'. Omit for 1024:1024.",
    )
    seed: int | None = Field(default=None, description=_SEED)


class ImageV3Args(ToolArgs):
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
    seed: int | None = Field(default=None, description=_SEED)


class HunyuanImageJobArgs(ToolArgs):
    """``hunyuan-image-job`` (Cloud API 3.0 SubmitHunyuanImageJob, tencentcloud backend)."""

    RENAMES: ClassVar[Mapping[str, str]] = {"reference_image_url": "content_image"}
    prompt: str = Field(description=_PROMPT + " At most 1024 characters.")
    negative_prompt: str | None = Field(default=None, description="What the image must not show.")
    resolution: str | None = Field(
        default=None,
        description="One of '768:768', '768:1024', '1024:768', '1024:1024', '720:1280', "
        "'1280:720', '768:1280', '1280:768'. Omit for 1024:1024.",
    )
    num: int | None = Field(default=None, ge=1, le=4, description="How many images, 1-4.")
    reference_image_url: str | None = Field(
        default=None, description="Optional " + _IMAGE_URL + " The image to restyle."
    )


class TextToVideoArgs(ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"first_frame_image_url": "image"}
    prompt: str = Field(description="The video's content and motion. At most 200 characters.")
    first_frame_image_url: str | None = Field(
        default=None, description="Optional " + _IMAGE_URL + " It becomes the first frame."
    )


class ImageToVideoArgs(ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"image_url": "image"}
    image_url: str = Field(description="The " + _IMAGE_URL + " It is brought to life.")
    prompt: str | None = Field(default=None, description="How it should move. At most 200 chars.")
    resolution: Literal["480p", "720p", "1080p"] | None = Field(default=None)


class TemplateVideoArgs(ToolArgs):
    RENAMES: ClassVar[Mapping[str, str]] = {"image_urls": "images"}
    template: str = Field(
        description="Effect template name, e.g. 'hug', 'kissing' (two people, 2 images), "
        "'bloom', 'flying', 'figurine' (1 image), 'onestory' (2-10 images)."
    )
    image_urls: list[str] = Field(
        min_length=1, max_length=10, description="http(s) URLs of the photos the effect uses."
    )


class HumanActorArgs(ToolArgs):
    prompt: str = Field(
        description="How the person acts and speaks; '#3#...' starts a direction at second 3."
    )
    image_url: str = Field(description="http(s) URL of a clear photo of one face.")
    audio_url: str = Field(description="http(s) URL of the speech, mp3 or wav, 2-60 seconds.")


class _Object3DArgs(ToolArgs):
    # A required prompt: agents fill required fields reliably, and text-to-3D is the common case.
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


_ARGS_BY_KIND: Mapping[JobKind, Mapping[str, type[ToolArgs]]] = {
    "image": {
        "hy-image-v3.0": ImageV3Args,
        "hy-image-lite": ImageLiteArgs,
        "hunyuan-image-job": HunyuanImageJobArgs,
    },
    "video": {
        "hy-video-1.5": TextToVideoArgs,
        "yt-video-2.0": ImageToVideoArgs,
        "yt-video-fx": TemplateVideoArgs,
        "yt-video-humanactor": HumanActorArgs,
    },
    "3d": {"hy-3d-3.0": Pro3DArgs, "hy-3d-3.1": Pro3DArgs, "hy-3d-express": Express3DArgs},
}

DEFAULT_TOOL_MODELS: Mapping[JobKind, str] = {
    "image": "hy-image-v3.0",
    "video": "hy-video-1.5",
    "3d": "hy-3d-3.0",
}

TOOL_DESCRIPTIONS: Mapping[JobKind, str] = {
    "image": "Create an image (picture, photo, illustration, drawing, painting, poster, logo) "
    "from a text description with Tencent Hunyuan ({model}). Use it whenever the user asks to "
    "draw, paint or generate an image. Returns the image URLs, valid for 1 hour.",
    "video": "Create a short video (clip, animation, movie) with Tencent Hunyuan ({model}). Use "
    "it when the user asks for a video or to animate something. It takes a few minutes. Returns "
    "the video URL, valid for 24 hours.",
    "3d": "Create a 3D model (mesh, OBJ/GLB file) of an object from a text description or a "
    "photo with Tencent Hunyuan 3D ({model}). Use it when the user asks for a 3D model or asset. "
    "Returns the file URLs with preview images, valid for 24 hours.",
}
"""Tool descriptions per kind; ``{model}`` is the configured model id."""


def default_tool_model(kind: JobKind, backend: str | JobBackend | None = None) -> str | None:
    """The model a ``kind`` tool uses on ``backend`` when none is named.

    :data:`DEFAULT_TOOL_MODELS` when the backend offers it, else the backend's first model a
    tool supports; ``None`` when the backend makes no ``kind`` results (``aiart`` makes no
    video).
    """
    offered = get_backend(backend).models
    candidates = (DEFAULT_TOOL_MODELS[kind], *offered)
    return next((m for m in candidates if m in offered and m in _ARGS_BY_KIND[kind]), None)


def tool_models(kind: JobKind) -> list[str]:
    """The models a ``kind`` tool can use."""
    return list(_ARGS_BY_KIND[kind])


def args_schema(model: str, kind: JobKind | None = None) -> type[ToolArgs]:
    """The argument schema an agent sees for ``model`` (case-insensitive).

    With ``kind``, the model must make that kind of result. Raises ``ConfigurationError``
    naming the supported models otherwise.
    """
    wanted = model.strip().lower()
    kinds: Sequence[JobKind] = [kind] if kind is not None else list(_ARGS_BY_KIND)
    for candidate in kinds:
        schema = _ARGS_BY_KIND[candidate].get(wanted)
        if schema is not None:
            return schema
    supported = [m for k in kinds for m in _ARGS_BY_KIND[k]]
    what = f"{kind} " if kind else ""
    raise ConfigurationError(
        f"{model!r} is not a {what}generation model a tool supports; use one of "
        f"{', '.join(supported)}"
    )


def check_request_defaults(
    model: str, defaults: Mapping[str, Any], backend: str | JobBackend | None = None
) -> None:
    """Refuse request fields a developer fixed for ``model`` that it would reject.

    Called when a tool is built: a bad default is the developer's mistake, so it must fail
    their code rather than reach an agent as "invalid arguments" it cannot correct. Only the
    given fields are judged; the arguments left to the agent, and rules spanning fields, are
    checked with the agent's call. Raises ``ConfigurationError`` naming the field and what
    it allows.
    """
    route = get_backend(backend).route(model)
    if "model" in defaults:
        raise ConfigurationError(
            "request_defaults cannot set 'model'; choose the tool's model with model=..."
        )
    try:
        route.request_type.model_validate({**defaults, "model": route.model})
    except ValidationError as exc:
        for error in exc.errors():
            location = error.get("loc", ())
            if location and location[0] in defaults:
                field = param_path(location)
                raise ConfigurationError(
                    f"request_defaults[{field!r}] for {route.model}: {error_message(error)}"
                ) from None


class ToolJobClients:
    """The job clients behind a tool: the ones given, else built from ``options`` on first use.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobSlots
            from hunyuan_tokenhub.jobs.tooling import ToolJobClients

            clients = ToolJobClients({"timeout": 600, "slots": JobSlots()})  # key from env
            result = clients.sync().generate("hy-image-v3.0", prompt="a koi pond")
            clients.close()

    ``options`` are the keyword arguments of both :class:`JobClient` and
    :class:`AsyncJobClient`; give them one ``slots`` pool, so that the twins together never
    exceed the account's limits. An async connection pool belongs to the event loop it first
    ran on, so each running loop gets its own async client.
    """

    def __init__(
        self,
        options: Mapping[str, Any],
        *,
        job_client: JobClient | None = None,
        async_job_client: AsyncJobClient | None = None,
    ) -> None:
        self._options = dict(options)
        self._sync = job_client
        self._given_async = async_job_client
        # A loop's client is closed when the loop shuts down (see PerLoop).
        self._async: PerLoop[AsyncJobClient] = PerLoop(close=lambda client: client.aclose())
        self._lock = threading.Lock()

    def sync(self) -> JobClient:
        """The sync client (built on the first call when none was given)."""
        with self._lock:
            if self._sync is None:
                self._sync = JobClient(**self._options)
            return self._sync

    def for_running_loop(self) -> AsyncJobClient:
        """The async client for the running event loop (the given one on every loop)."""
        if self._given_async is not None:
            return self._given_async
        return self._async.get(lambda: AsyncJobClient(**self._options))

    def close(self) -> None:
        """Close the sync client's connections."""
        with self._lock:
            client = self._sync
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the running event loop's async client (a given one is left open)."""
        client = self._async.pop()
        if client is not None:
            await client.aclose()


_REVISED_PROMPT_SHOWN = 300


def describe_result(
    result: JobResult, paths: Sequence[Path] = (), download_error: str | None = None
) -> str:
    """What the agent reads: what was made, every URL, and how long the URLs live."""
    count = len(result.assets)
    files = f"{count} file{'s' if count != 1 else ''}"
    if result.kind == "3d":
        head = f"Generated a 3D model with {result.model} (job {result.job_id}), {files}:"
    else:
        noun = result.kind + ("s" if count != 1 else "")
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


def describe_error(exc: Exception) -> str:
    """A message about a failed generation that an agent can act on."""
    if isinstance(exc, InvalidParameterError):
        detail = str(exc).removeprefix("parameters: ")
        return f"Invalid arguments ({detail}). Correct them and call the tool again."
    if isinstance(exc, JobFailedError):
        return (
            f"The {exc.model} job {exc.job_id} failed: {exc.code or 'error'}"
            f"{': ' + exc.message if exc.message else ''}. {_advice(exc.code)}"
        )
    if isinstance(exc, JobTimeoutError):
        return (
            f"The {exc.model} job {exc.job_id} is still running after {exc.elapsed:.0f}s. It was "
            "not cancelled and may still finish; do not submit it again. Tell the user it is "
            "taking longer than expected."
        )
    if isinstance(exc, SubmitTimeoutError):
        return f"{exc} The service is busy; try again later."
    if isinstance(exc, APIError):
        return f"The generation service failed: {exc}"
    return f"Generation failed: {exc}"
