"""Request validation for every generation model in the model data.

A model's documented parameters (JSON type, range, allowed values) are its entry's
``generation.params`` in ``models.json``; :func:`check_params` checks them, before any request
is sent. Models whose parameters have rules spanning fields (one of prompt or image, a field
that applies only with another) name a typed request class below (``request_type``); every
other model gets a request class built from its parameters (:func:`request_type_for`). Field
names are the parameters of the Tencent Cloud action each model mirrors, in snake_case.
Parameters the data does not document are kept and sent unchanged, so a parameter the service
adds later needs no release of this package.

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import build_request

        request = build_request("HY-Image-V3.0", prompt="a red panda", resolution="1024:768")
        request.model  # "hy-image-v3.0": ids are matched case-insensitively, sent lower-case
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from .._catalog import GenerationParam, ModelInfo, get_model_info
from .._exceptions import ConfigurationError, InvalidParameterError
from ._media import MediaField, check_media_ref, check_url_only

__all__ = [
    "ExtraParam",
    "Hunyuan3DExpressRequest",
    "Hunyuan3DProRequest",
    "HunyuanImageLiteRequest",
    "HunyuanImageV3Request",
    "HunyuanVideoRequest",
    "JobRequest",
    "LogoParam",
    "LogoRect",
    "VideoImage",
    "ViewImage",
    "YoutuHumanActorRequest",
    "YoutuImageToVideoRequest",
    "YoutuTemplateToVideoRequest",
    "check_params",
    "request_type_for",
]


def _optional(check: Callable[[str], str]) -> Callable[[str | None], str | None]:
    def validate(value: str | None) -> str | None:
        return None if value is None else check(value)

    return validate


def _choice(*allowed: str) -> BeforeValidator:
    """Accept any spelling case of ``allowed`` and send the documented one."""
    by_folded = {value.casefold(): value for value in allowed}

    def canonical(value: Any) -> Any:
        if isinstance(value, str):
            return by_folded.get(value.strip().casefold(), value)
        return value

    return BeforeValidator(canonical)


MediaRef = Annotated[str, AfterValidator(check_media_ref)]
UrlOnly = Annotated[str | None, AfterValidator(_optional(check_url_only))]
LogoAdd = Literal[0, 1]


_CheckedMedia = AfterValidator(_optional(check_media_ref))
# Media fields whose action also documents a base64 twin, named by the MediaField marker.
VideoImageUrl = Annotated[str | None, _CheckedMedia, MediaField("base64")]
ViewImageUrl = Annotated[str | None, _CheckedMedia, MediaField("view_image_base64")]
ImageUrl = Annotated[str | None, _CheckedMedia, MediaField("image_base64")]


class _Params(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)


class LogoRect(_Params):
    """Where a custom watermark goes, in pixels (vclm: negative x/y count from right/bottom).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import LogoRect

            rect = LogoRect(x=0, y=0, width=100, height=50)  # top-left corner, 100x50 px
    """

    x: int
    y: int
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class LogoParam(_Params):
    """A custom watermark: an image by URL or base64, stretched into ``logo_rect``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient, LogoParam

            logo = LogoParam(logo_url="https://example.com/logo.png",
                             logo_rect={"x": 0, "y": 0, "width": 100, "height": 50})
            with JobClient() as jobs:
                jobs.generate("hy-image-v3.0", prompt="a koi pond", logo_add=1, logo_param=logo)
    """

    logo_url: UrlOnly = None
    logo_image: str | None = None
    logo_rect: LogoRect | None = None


class VideoImage(_Params):
    """vclm ``Image``: an input image by ``url`` or ``base64`` (the URL wins if both are set).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import VideoImage

            first_frame = VideoImage(url="https://example.com/cat.png")
            same = VideoImage.model_validate("https://example.com/cat.png")  # a bare URL works too
    """

    url: VideoImageUrl = None
    base64: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source(self) -> VideoImage:
        if not self.url and not self.base64:
            raise ValueError("an image needs a url or base64 data")
        return self


class ViewImage(_Params):
    """ai3d ``ViewImage``: one extra view of the object for multi-view 3D generation.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import build_request

            request = build_request(
                "hy-3d-3.0",
                image_url="https://example.com/front.png",
                multi_view_images=[
                    {"view_type": "back", "view_image_url": "https://example.com/back.png"}
                ],
            )
    """

    view_type: str
    view_image_url: ViewImageUrl = None
    view_image_base64: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ViewImage:
        if not self.view_image_url and not self.view_image_base64:
            raise ValueError("a view image needs view_image_url or view_image_base64")
        return self


class ExtraParam(_Params):
    """vclm ``ExtraParam`` of template videos: upload target, completion callback, BGM text.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import ExtraParam, YoutuTemplateToVideoRequest

            request = YoutuTemplateToVideoRequest(
                template="bloom", images=["https://example.com/me.png"],
                extra_param=ExtraParam(callback_url="https://example.com/hooks/video-done"),
            )
    """

    user_designated_url: UrlOnly = None
    callback_url: UrlOnly = None
    bgm_text: str | None = None


class JobRequest(_Params):
    """Base of every request: the model id, matched case-insensitively and sent lower-case.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import HunyuanVideoRequest

            request = HunyuanVideoRequest(model="HY-Video-1.5", prompt="小河流水", future_field=1)
            request.model_dump(exclude_none=True)
            # {"model": "hy-video-1.5", "prompt": "小河流水", "future_field": 1}
    """

    MODELS: ClassVar[tuple[str, ...]] = ()
    """The models this class was written for; the first is the default ``model``. Any model
    whose data entry names this class as its ``request_type`` is accepted too."""
    model: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REQUEST_TYPES[cls.__name__] = cls

    @model_validator(mode="before")
    @classmethod
    def _default_and_fold_model(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            model = data.get("model") or cls.MODELS[0]
            folded = model.strip().lower() if isinstance(model, str) else model
            if folded not in cls.MODELS and not _names_request_type(folded, cls):
                raise ValueError(f"model must be one of {', '.join(cls.MODELS)}, got {model!r}")
            data["model"] = folded
        return data


_REQUEST_TYPES: dict[str, type[JobRequest]] = {}


def _names_request_type(model: Any, request_type: type[JobRequest]) -> bool:
    spec = get_model_info(model).generation if isinstance(model, str) else None
    return spec is not None and spec.request_type == request_type.__name__


def request_type_for(info: ModelInfo) -> type[JobRequest]:
    """The request class of a generation model: the typed class its entry names, else one
    built from its documented parameters (undocumented ones pass through unchecked)."""
    spec = info.generation
    if spec is None:
        raise ConfigurationError(f"{info.id!r} is not a generation model")
    if spec.request_type is None:
        return _built_request_type(info.id.lower(), info)
    found = _REQUEST_TYPES.get(spec.request_type)
    if found is None:
        raise ConfigurationError(
            f"{info.id}: unknown request_type {spec.request_type!r} "
            f"(known: {', '.join(sorted(_REQUEST_TYPES))})"
        )
    return found


JSON_TYPES: Mapping[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "array": list[Any],
    "object": dict[str, Any],
}


def _field_type(param: GenerationParam) -> Any:
    if param.enum is not None and param.type == "string":
        # Spelled the documented way whatever the case given; the value check follows.
        return Annotated[str, _choice(*(str(value) for value in param.enum))]
    return JSON_TYPES[param.type]


_BUILT: dict[str, tuple[ModelInfo, type[JobRequest]]] = {}


def _built_request_type(model: str, info: ModelInfo) -> type[JobRequest]:
    known = _BUILT.get(model)
    if known is not None and known[0] is info:
        return known[1]
    assert info.generation is not None
    fields: dict[str, Any] = {}
    for name, param in info.generation.params.items():
        annotation = _field_type(param)
        fields[name] = (annotation, ...) if param.required else (annotation | None, None)
    built: type[JobRequest] = create_model(  # type: ignore[call-overload]
        f"Request_{model}", __base__=JobRequest, **fields
    )
    built.MODELS = (model,)
    _BUILT[model] = (info, built)
    return built


def _describe_allowed(param: GenerationParam) -> str | None:
    if param.enum is not None:
        return ", ".join(map(str, param.enum))
    bounds = [
        f"{word} {value:g}"
        for word, value in ((">=", param.minimum), ("<=", param.maximum))
        if value is not None
    ]
    return " and ".join(bounds) or None


def _check_value(path: str, value: Any, param: GenerationParam, model: str) -> None:
    def refuse(problem: str, allowed: str | None = None) -> None:
        raise InvalidParameterError(path, f"{problem} [model {model}]", allowed=allowed)

    if param.enum is not None:
        folded = {str(v).casefold() for v in param.enum}
        if str(value).casefold() not in folded:
            refuse(f"got {value!r}", _describe_allowed(param))
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if is_number and param.minimum is not None and value < param.minimum:
        refuse(f"got {value}", _describe_allowed(param))
    if is_number and param.maximum is not None and value > param.maximum:
        refuse(f"got {value}", _describe_allowed(param))
    if isinstance(value, (str, list)):
        unit = "characters" if isinstance(value, str) else "items"
        if param.max_length is not None and len(value) > param.max_length:
            refuse(f"must have at most {param.max_length} {unit}, got {len(value)}")
        if param.min_length is not None and len(value) < param.min_length:
            refuse(f"must have at least {param.min_length} {unit}, got {len(value)}")
    if isinstance(value, list) and param.items is not None:
        for index, item in enumerate(value):
            _check_value(f"{path}[{index}]", item, param.items, model)
    if isinstance(value, Mapping) and param.properties is not None:
        check_params(param.properties, value, model=model, prefix=f"{path}.")


def check_params(
    params: Mapping[str, GenerationParam],
    values: Mapping[str, Any],
    *,
    model: str,
    prefix: str = "",
) -> None:
    """Check ``values`` against documented parameters: required ones present, documented
    values, ranges and lengths. Undocumented keys are not judged. Raises
    :class:`InvalidParameterError` naming the parameter and what it allows."""
    missing = [name for name, param in params.items() if param.required and name not in values]
    if missing:  # every one at once, not one per attempt
        hints = [
            f"{name}: {params[name].description}" for name in missing if params[name].description
        ]
        detail = f" ({'; '.join(hints)})" if hints else ""
        verb = "is" if len(missing) == 1 else "are"
        names = ", ".join(prefix + name for name in missing)
        raise InvalidParameterError(names, f"{verb} required{detail} [model {model}]")
    for name, param in params.items():
        value = values.get(name)
        if value is not None:
            _check_value(prefix + name, value, param, model)


# --- image ------------------------------------------------------------------------------------

_LITE_ASPECTS = ((1, 1), (3, 4), (4, 3), (9, 16), (16, 9))
_LITE_LONG_EDGES = (160, 200, 225, 258, 512, 520, 608, 768, 1024, 1080, 1280, 1600, 1620, 1920,
                    2048, 2400, 2560, 2592, 3440, 3840, 4096)  # fmt: skip


def _parse_resolution(value: str) -> tuple[int, int]:
    width, sep, height = value.partition(":")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise ValueError(f"must be 'W:H' in pixels, e.g. '1024:1024', got {value!r}")
    return int(width), int(height)


def _lite_resolution(value: str) -> str:
    width, height = _parse_resolution(value)
    ratio = width / height if height else 0.0
    # Several documented sizes (1620 on 16:9, 258 on 3:4) are not whole-pixel exact.
    aspect_ok = any(math.isclose(ratio, a / b, rel_tol=0.01) for a, b in _LITE_ASPECTS)
    if not aspect_ok or max(width, height) not in _LITE_LONG_EDGES:
        raise ValueError(
            f"got {value!r}; allowed: aspect ratio 1:1, 3:4, 4:3, 9:16 or 16:9 with the long edge "
            f"one of {', '.join(map(str, _LITE_LONG_EDGES))} px"
        )
    return f"{width}:{height}"


def _v3_resolution(value: str) -> str:
    width, height = _parse_resolution(value)
    if not (512 <= width <= 2048 and 512 <= height <= 2048) or width * height > 1024 * 1024:
        raise ValueError(
            f"got {value!r}; allowed: width and height 512..2048 with width*height <= 1024*1024 "
            "(e.g. 1024:1024, 1280:768, 768:1280, 2048:512)"
        )
    return f"{width}:{height}"


class HunyuanImageLiteRequest(JobRequest):
    """HY-Image-Lite (synchronous), mirrors aiart ``TextToImageLite``.

    ``rsp_img_type`` defaults to ``url`` here (the action's own default is base64) so results
    are links like every other model's.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import HunyuanImageLiteRequest, JobClient

            request = HunyuanImageLiteRequest(prompt="a lighthouse at dawn", resolution="1280:720")
            with JobClient() as jobs:
                print(jobs.generate("hy-image-lite", request).urls)  # answered at once, no job id
    """

    MODELS: ClassVar[tuple[str, ...]] = ("hy-image-lite",)
    prompt: str = Field(min_length=1, max_length=1024)
    negative_prompt: str | None = Field(default=None, max_length=1024)
    resolution: Annotated[str | None, AfterValidator(_optional(_lite_resolution))] = None
    seed: int | None = Field(default=None, ge=0)
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None
    rsp_img_type: Annotated[Literal["url", "base64"], _choice("url", "base64")] = "url"


class HunyuanImageV3Request(JobRequest):
    """HY-Image-V3.0 job, mirrors aiart ``SubmitTextToImageJob``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import HunyuanImageV3Request, JobClient

            request = HunyuanImageV3Request(
                prompt="add a cat", images=["https://example.com/room.png"]
            )
            with JobClient() as jobs:
                print(jobs.generate("hy-image-v3.0", request, resolution="1280:768").urls)
    """

    MODELS: ClassVar[tuple[str, ...]] = ("hy-image-v3.0",)
    prompt: str = Field(min_length=1, max_length=8192)
    images: Annotated[list[MediaRef] | None, Field(max_length=3), MediaField()] = None
    resolution: Annotated[str | None, AfterValidator(_optional(_v3_resolution))] = None
    seed: int | None = Field(default=None, ge=1, le=4_294_967_295)
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None
    revise: Literal[0, 1] | None = None


# --- video ------------------------------------------------------------------------------------


class HunyuanVideoRequest(JobRequest):
    """HY-Video-1.5, mirrors vclm ``SubmitHunyuanToVideoJob`` (text, or image as first frame).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import HunyuanVideoRequest

            request = HunyuanVideoRequest(prompt="小河流水", image="https://example.com/first-frame.png")
    """

    MODELS: ClassVar[tuple[str, ...]] = ("hy-video-1.5",)
    prompt: str = Field(min_length=1, max_length=200)
    image: VideoImage | None = None
    resolution: Annotated[Literal["720p"] | None, _choice("720p")] = None
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None


class YoutuImageToVideoRequest(JobRequest):
    """YT-Video-2.0, mirrors vclm ``SubmitImageToVideoGeneralJob`` (image required).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import YoutuImageToVideoRequest

            request = YoutuImageToVideoRequest(image="https://example.com/cat.png", fps=24)
    """

    MODELS: ClassVar[tuple[str, ...]] = ("yt-video-2.0",)
    image: VideoImage
    prompt: str | None = Field(default=None, max_length=200)
    resolution: Annotated[
        Literal["480p", "720p", "1080p"] | None, _choice("480p", "720p", "1080p")
    ] = None
    fps: Literal[16, 24, 30] | None = None
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None


class YoutuTemplateToVideoRequest(JobRequest):
    """YT-Video-FX, mirrors vclm ``SubmitTemplateToVideoJob`` (effect templates).

    ``template`` accepts any name: the official list changes often, so an unknown one is left
    for the server to judge rather than refused here.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import YoutuTemplateToVideoRequest

            request = YoutuTemplateToVideoRequest(
                template="hug", images=["https://example.com/a.png", "https://example.com/b.png"]
            )
    """

    MODELS: ClassVar[tuple[str, ...]] = ("yt-video-fx",)
    template: str = Field(min_length=1)
    images: list[VideoImage] = Field(min_length=1, max_length=10)
    resolution: Annotated[
        Literal["360p", "540p", "720p"] | None, _choice("360p", "540p", "720p")
    ] = None
    bgm: bool | None = None
    extra_param: ExtraParam | None = None
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None


class YoutuHumanActorRequest(JobRequest):
    """YT-Video-HumanActor, mirrors vclm ``SubmitHumanActorJob`` (portrait + speech audio).

    ``prompt`` may hold time-local directions such as ``"...#3#wave to the left"`` (from second 3).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import YoutuHumanActorRequest

            request = YoutuHumanActorRequest(
                prompt="She smiles and greets the viewer.#3#waves to the left",
                image_url="https://example.com/portrait.png",
                audio_url="https://example.com/hello.mp3",
            )
    """

    MODELS: ClassVar[tuple[str, ...]] = ("yt-video-humanactor",)
    prompt: str = Field(min_length=1, max_length=5000)
    audio_url: Annotated[str, AfterValidator(check_url_only)]
    image_url: ImageUrl = None
    image_base64: str | None = None
    resolution: Annotated[Literal["720p", "1080p"] | None, _choice("720p", "1080p")] = None
    frame_rate: Literal[25, 50] | None = None
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None

    @model_validator(mode="after")
    def _needs_image(self) -> YoutuHumanActorRequest:
        if not self.image_url and not self.image_base64:
            raise ValueError("give image_url or image_base64 (the portrait to animate)")
        return self


# --- 3D ---------------------------------------------------------------------------------------

_GENERATE_TYPES = ("Normal", "LowPoly", "Geometry", "Sketch")


def _exactly_one_input(prompt: str | None, images: Sequence[str | None], *, both_ok: bool) -> None:
    has_image = any(images)
    if not prompt and not has_image:
        raise ValueError("give a prompt or an image (image_url or image_base64)")
    if prompt and has_image and not both_ok:
        raise ValueError("give either a prompt or an image, not both")
    if sum(1 for image in images if image) > 1:
        raise ValueError("give only one of image_url and image_base64")


class Hunyuan3DProRequest(JobRequest):
    """HY-3D-3.0 / HY-3D-3.1, mirror ai3d ``SubmitHunyuanTo3DProJob``.

    Exactly one of ``prompt``, ``image_url``, ``image_base64`` (``generate_type="Sketch"`` takes
    a prompt with the image). Results: OBJ (as a .zip) and GLB, plus ``result_format`` if set.
    Which ``generate_type`` and view types each model offers is in its data entry.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import Hunyuan3DProRequest, JobClient

            request = Hunyuan3DProRequest(
                model="hy-3d-3.1", prompt="a ceramic teapot", result_format="stl"
            )
            with JobClient() as jobs:
                result = jobs.generate("hy-3d-3.1", request)
                print([asset.kind for asset in result.assets])  # obj, glb, stl
    """

    MODELS: ClassVar[tuple[str, ...]] = ("hy-3d-3.0", "hy-3d-3.1")
    prompt: str | None = Field(default=None, max_length=1024)
    image_url: ImageUrl = None
    image_base64: str | None = None
    multi_view_images: list[ViewImage] | None = None
    enable_pbr: bool | None = None
    face_count: int | None = Field(default=None, ge=3000, le=1_500_000)
    generate_type: Annotated[
        Literal["Normal", "LowPoly", "Geometry", "Sketch"] | None, _choice(*_GENERATE_TYPES)
    ] = None
    polygon_type: Annotated[
        Literal["triangle", "quadrilateral"] | None, _choice("triangle", "quadrilateral")
    ] = None
    result_format: Annotated[
        Literal["STL", "USDZ", "FBX"] | None, _choice("STL", "USDZ", "FBX")
    ] = None

    @model_validator(mode="after")
    def _consistent(self) -> Hunyuan3DProRequest:
        _exactly_one_input(
            self.prompt,
            (self.image_url, self.image_base64),
            both_ok=self.generate_type == "Sketch",
        )
        if self.polygon_type is not None and self.generate_type != "LowPoly":
            raise ValueError("polygon_type applies only with generate_type='LowPoly'")
        seen: set[str] = set()
        for view in self.multi_view_images or ():
            if view.view_type in seen:
                raise ValueError(f"multi_view_images has two {view.view_type!r} views")
            seen.add(view.view_type)
        return self


class Hunyuan3DExpressRequest(JobRequest):
    """HY-3D-Express, mirrors ai3d ``SubmitHunyuanTo3DRapidJob`` (one result format).

    The prompt limit follows the TokenHub page (1024); the older SDK text says 200.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import Hunyuan3DExpressRequest

            request = Hunyuan3DExpressRequest(
                image_url="https://example.com/chair.png", result_format="glb"
            )
    """

    MODELS: ClassVar[tuple[str, ...]] = ("hy-3d-express",)
    prompt: str | None = Field(default=None, max_length=1024)
    image_url: ImageUrl = None
    image_base64: str | None = None
    result_format: Annotated[
        Literal["OBJ", "GLB", "STL", "USDZ", "FBX", "MP4"] | None,
        _choice("OBJ", "GLB", "STL", "USDZ", "FBX", "MP4"),
    ] = None
    enable_pbr: bool | None = None
    enable_geometry: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Hunyuan3DExpressRequest:
        _exactly_one_input(self.prompt, (self.image_url, self.image_base64), both_ok=False)
        if self.enable_geometry and self.result_format == "OBJ":
            raise ValueError("result_format 'OBJ' is not available with enable_geometry=True")
        return self
