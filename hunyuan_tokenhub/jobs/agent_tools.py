"""Agent tools for generation jobs: what they show an agent and tell it, whatever the framework.

An agent should fill only the arguments it can choose (prompt, input images, size...); the
developer sets the rest (model, watermark, timeouts). This module holds, per generation model,
the argument schema an agent sees and its mapping onto the model's request fields (a curated
schema the model's data entry names, else one built from its documented parameters), the tool
description per kind (with the URL lifetime from the data), the texts an agent reads back (the
result with every URL, or an error it can act on), and the job clients a tool runs on. The
LangChain tools and the LlamaIndex tool spec only wrap these, through
:mod:`hunyuan_tokenhub.adapters`.

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient
        from hunyuan_tokenhub.adapters import args_schema, describe_result

        params = args_schema("hy-image-v3.0").params_from({"prompt": "a koi pond"})
        with JobClient() as jobs:
            print(describe_result(jobs.generate("hy-image-v3.0", params)))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timezone
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)

from .._adapter_clients import LazyClients
from .._catalog import GenerationParam, ModelInfo, get_model_info, list_models
from .._exceptions import (
    APIError,
    ConfigurationError,
    InvalidParameterError,
    JobFailedError,
    JobTimeoutError,
)
from ._client import AsyncJobClient, JobClient
from ._handle import JobHandle
from ._polling import SubmitTimeoutError
from ._requests import JSON_TYPES
from ._results import JobKind, JobResult, JobStatus
from .backends import JobBackend, get_backend
from .backends._base import error_message, param_path

__all__ = [
    "DEFAULT_TOOL_MODELS",
    "JOB_STATUS_TOOL_DESCRIPTION",
    "JOB_STATUS_TOOL_NAME",
    "TOOL_DESCRIPTIONS",
    "JobStatusArgs",
    "ToolArgs",
    "args_schema",
    "check_request_defaults",
    "clean_revised_prompt",
    "default_tool_model",
    "describe_error",
    "describe_result",
    "describe_started",
    "describe_status",
    "job_clients",
    "tool_description",
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


# The curated schemas a model's data entry may name (``generation.tool_args``).
_CURATED_ARGS: Mapping[str, type[ToolArgs]] = {
    schema.__name__: schema
    for schema in (
        ImageLiteArgs,
        ImageV3Args,
        HunyuanImageJobArgs,
        TextToVideoArgs,
        ImageToVideoArgs,
        TemplateVideoArgs,
        HumanActorArgs,
        Pro3DArgs,
        Express3DArgs,
    )
}

DEFAULT_TOOL_MODELS: Mapping[JobKind, str] = {
    "image": "hy-image-v3.0",
    "video": "hy-video-1.5",
    "3d": "hy-3d-3.0",
}

TOOL_DESCRIPTIONS: Mapping[JobKind, str] = {
    "image": "Create an image (picture, photo, illustration, drawing, painting, poster, logo) "
    "from a text description with Tencent Hunyuan ({model}). Use it whenever the user asks to "
    "draw, paint or generate an image. Returns the image URLs, valid for {lifetime}.",
    "video": "Create a short video (clip, animation, movie) with Tencent Hunyuan ({model}). Use "
    "it when the user asks for a video or to animate something. It takes a few minutes. Returns "
    "the video URL, valid for {lifetime}.",
    "3d": "Create a 3D model (mesh, OBJ/GLB file) of an object from a text description or a "
    "photo with Tencent Hunyuan 3D ({model}). Use it when the user asks for a 3D model or asset. "
    "Returns the file URLs with preview images, valid for {lifetime}.",
}
"""Tool descriptions per kind; ``{model}`` is the configured model id, ``{lifetime}`` how long
its result URLs live (see :func:`tool_description`)."""


def _hours(hours: float) -> str:
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def _generation_info(model: str) -> ModelInfo | None:
    info = get_model_info(model)
    return info if info.generation is not None and info.kind in DEFAULT_TOOL_MODELS else None


def tool_description(kind: JobKind, model: str) -> str:
    """The description of a ``kind`` tool running ``model``, with its URL lifetime."""
    info = _generation_info(model)
    hours = info.generation.url_lifetime_hours if info and info.generation else None
    lifetime = _hours(hours) if hours is not None else "a limited, undocumented time"
    return TOOL_DESCRIPTIONS[kind].format(model=model.strip().lower(), lifetime=lifetime)


def default_tool_model(kind: JobKind, backend: str | JobBackend | None = None) -> str | None:
    """The model a ``kind`` tool uses on ``backend`` when none is named.

    :data:`DEFAULT_TOOL_MODELS` when the backend offers it, else the backend's first model of
    that kind in the model data; ``None`` when the backend makes no ``kind`` results (``aiart``
    makes no video).
    """
    offered = get_backend(backend).models
    candidates = (DEFAULT_TOOL_MODELS[kind], *offered)
    return next((m for m in candidates if m in offered and m in tool_models(kind)), None)


def tool_models(kind: JobKind) -> list[str]:
    """The models a ``kind`` tool can use: every ``kind`` generation model in the model data."""
    return [m.id.lower() for m in list_models(kind) if m.generation is not None]


def _limits_text(param: GenerationParam) -> str:
    parts = [param.description] if param.description else []
    if param.enum is not None:
        parts.append("One of: " + ", ".join(map(str, param.enum)) + ".")
    if param.minimum is not None or param.maximum is not None:
        low = "" if param.minimum is None else f"{param.minimum:g}"
        high = "" if param.maximum is None else f"{param.maximum:g}"
        parts.append(f"Range {low}..{high}.")
    if param.max_length is not None:
        unit = "characters" if param.type == "string" else "items"
        parts.append(f"At most {param.max_length} {unit}.")
    return " ".join(parts)


class _PassThroughArgs(ToolArgs):
    # No parameters are documented for the model: a prompt, and whatever else the agent sends.
    model_config = ConfigDict(extra="allow")
    prompt: str = Field(description=_PROMPT)


_BUILT_ARGS: dict[str, tuple[ModelInfo, type[ToolArgs]]] = {}


def _built_args(info: ModelInfo) -> type[ToolArgs]:
    """An argument schema from a model's documented parameters (all of them: a model added
    to the data without a curated schema shows the agent what the data documents)."""
    known = _BUILT_ARGS.get(info.id.lower())
    if known is not None and known[0] is info:
        return known[1]
    assert info.generation is not None
    params = info.generation.params
    if not info.generation.params_documented or not params:
        schema: type[ToolArgs] = _PassThroughArgs
    else:
        fields: dict[str, Any] = {}
        for name, param in params.items():
            field_type = JSON_TYPES[param.type]
            description = _limits_text(param)
            if param.required:
                fields[name] = (field_type, Field(description=description))
            else:
                fields[name] = (field_type | None, Field(default=None, description=description))
        schema = create_model(  # type: ignore[call-overload]
            f"Args_{info.id.lower()}", __base__=ToolArgs, **fields
        )
    _BUILT_ARGS[info.id.lower()] = (info, schema)
    return schema


def args_schema(model: str, kind: JobKind | None = None) -> type[ToolArgs]:
    """The argument schema an agent sees for ``model`` (case-insensitive): the curated schema
    its data entry names, else one built from its documented parameters.

    With ``kind``, the model must make that kind of result. Raises ``ConfigurationError``
    naming the supported models otherwise.
    """
    info = _generation_info(model)
    if info is None or (kind is not None and info.kind != kind):
        kinds: Sequence[JobKind] = [kind] if kind is not None else list(DEFAULT_TOOL_MODELS)
        supported = [m for k in kinds for m in tool_models(k)]
        what = f"{kind} " if kind else ""
        raise ConfigurationError(
            f"{model!r} is not a {what}generation model a tool supports; use one of "
            f"{', '.join(supported)}"
        )
    assert info.generation is not None
    named = info.generation.tool_args
    if named is None:
        return _built_args(info)
    if named not in _CURATED_ARGS:
        raise ConfigurationError(
            f"{info.id}: unknown tool_args {named!r} (known: {', '.join(_CURATED_ARGS)})"
        )
    return _CURATED_ARGS[named]


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


def job_clients(
    options: Mapping[str, Any],
    *,
    job_client: JobClient | None = None,
    async_job_client: AsyncJobClient | None = None,
) -> LazyClients[JobClient, AsyncJobClient]:
    """The job clients behind a tool: the ones given, else built from ``options`` on first use.

    ``options`` are the keyword arguments of both :class:`JobClient` and
    :class:`AsyncJobClient`, except that ``http_client`` goes to the first and
    ``async_http_client`` to the second; give them one ``slots`` pool, so that the twins
    together never exceed the account's limits. An async connection pool belongs to the event
    loop it first ran on, so each running loop gets its own async client, closed with its
    loop; a given ``async_job_client`` serves every loop and is left open.
    """
    shared = {k: v for k, v in options.items() if k not in ("http_client", "async_http_client")}
    sync_options = {**shared, "http_client": options.get("http_client")}
    async_options = {**shared, "http_client": options.get("async_http_client")}

    def new_sync() -> JobClient:
        return job_client or JobClient(**sync_options)

    if async_job_client is not None:
        given = async_job_client
        return LazyClients(new_sync, lambda: given, owns_async=False)
    return LazyClients(new_sync, lambda: AsyncJobClient(**async_options))


# --- non-blocking tools: start a job, ask for its status later ------------------------------

JOB_STATUS_TOOL_NAME = "hunyuan_job_status"
JOB_STATUS_TOOL_DESCRIPTION = (
    "Check a Tencent Hunyuan generation job (image, video or 3D) started earlier, by its job "
    "handle. Returns its progress while it runs, or the result URLs and when they expire once "
    "it is done. Use it when the user asks whether a job or its result is ready."
)


class JobStatusArgs(ToolArgs):
    """What an agent gives the status tool: the handle a non-blocking tool returned."""

    job: str = Field(
        description="The job handle returned when the job was started (backend:model:job_id), "
        "exactly as given."
    )


def _duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "Its duration is not documented: check back in a minute or two."
    if seconds < 90:
        return f"It usually takes about {round(seconds)} seconds."
    return f"It usually takes about {round(seconds / 60)} minutes."


def describe_started(handle: JobHandle, kind: JobKind, expected_seconds: float | None) -> str:
    """What the agent reads after starting a job without waiting for it."""
    return (
        f"Started a {kind} job with {handle.model}. Job handle: {handle}\n"
        f"{_duration_text(expected_seconds)} It runs on its own: do not start it again. You may "
        f"keep talking with the user; call {JOB_STATUS_TOOL_NAME} with this handle to get the "
        "result when the user asks for it."
    )


def describe_status(
    status: JobStatus,
    handle: JobHandle,
    paths: Sequence[Path] = (),
    download_error: str | None = None,
) -> str:
    """What the status tool tells the agent: progress, the finished result, or the failure."""
    if status.result is not None:
        return describe_result(status.result, paths, download_error)
    if status.state == "failed":
        code = status.error_code or "error"
        message = f": {status.error_message}" if status.error_message else ""
        return (
            f"The {handle.model} job {handle.job_id} failed: {code}{message}. "
            f"{_advice(status.error_code)}"
        )
    progress = f", {status.progress}% done" if status.progress is not None else ""
    return (
        f"The {handle.model} job {handle.job_id} is {status.state.replace('_', ' ')}{progress}. "
        f"It is not finished yet: tell the user, and check again later with {JOB_STATUS_TOOL_NAME}."
    )


_REVISED_PROMPT_SHOWN = 300
# HY-Image 3.0 rewrites prompts in its own markup, e.g. "<think>…</recaption><answer><boi>
# <img_size_1024><img_ratio_34>" (the TokenHub image job example); an agent needs the text only.
_RECAPTION = re.compile(r"<recaption>(.*?)(?:</recaption>|$)", re.S)
_MARKUP = re.compile(r"</?(?:think|recaption|answer|boi|eoi|img_size_\d+|img_ratio_\d+)>")


def clean_revised_prompt(text: str) -> str:
    """A revised prompt without the model's markup (the rewritten prompt when it is marked,
    else the text with every markup token removed). ``JobAsset.revised_prompt`` keeps the raw
    text."""
    marked = _RECAPTION.search(text)
    if marked is not None:
        text = marked.group(1)
    elif "</think>" in text and _MARKUP.sub("", text.partition("</think>")[2]).strip():
        text = text.partition("</think>")[2]  # the reasoning before it is not the prompt
    return " ".join(_MARKUP.sub(" ", text).split())


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
        revised = clean_revised_prompt(asset.revised_prompt or "")
        if revised:
            shown = revised[:_REVISED_PROMPT_SHOWN]
            ellipsis = "…" if len(revised) > _REVISED_PROMPT_SHOWN else ""
            lines.append(f"   revised prompt: {shown}{ellipsis}")
    if result.expires_at is not None:
        expires = result.expires_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"The URLs expire at {expires}; give them to the user as they are.")
    else:
        lines.append(
            "How long the URLs stay valid is not documented: give them to the user as they "
            "are, and suggest saving the files soon."
        )
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
