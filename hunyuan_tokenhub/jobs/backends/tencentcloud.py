"""Tencent Cloud API 3.0 with a SecretId/SecretKey pair: ``backend="tencentcloud"``.

Every call is ``POST /`` to the service host with ``X-TC-Action``/``X-TC-Version``/
``X-TC-Region``/``X-TC-Timestamp`` and a TC3-HMAC-SHA256 ``Authorization``, added by
:class:`~hunyuan_tokenhub._tc3.TC3Auth` (an ``httpx.Auth``) over the exact bytes sent, afresh
for every attempt. Errors come back with HTTP 200 as ``{"Response": {"Error":
{"Code", "Message"}, "RequestId"}}`` and are raised as the typed errors (``AuthFailure.*`` ->
:class:`AuthenticationError`, ``RequestLimitExceeded*`` -> :class:`RateLimitError`, which a
submit safely retries, ``InvalidParameter*`` -> :class:`BadRequestError`, ...).

Models: every model whose data entry has a ``generation.cloud_api`` action pair (service,
version, submit and query actions, answer shape): ``hy-image-lite`` (aiart ``TextToImageLite``,
synchronous), ``hy-image-v3.0`` (aiart ``SubmitTextToImageJob``), the four video models (vclm
``Submit*``/``Describe*``) and the 3D models (ai3d ``SubmitHunyuanTo3DProJob``/``RapidJob``),
with the same validated parameters in PascalCase. ``hunyuan-image-job`` is the old Hunyuan
platform's ``SubmitHunyuanImageJob`` (2023-09-01, ap-guangzhou only), reported shut down on
2026-09-30: it is kept for accounts that still reach it, marked retired (a warning on use).
Each service has its own host (``https://<service>.tencentcloudapi.com``); ``base_url`` sends
every service to one host.

Credentials: ``secret_id``/``secret_key`` arguments or ``TENCENTCLOUD_SECRET_ID``/
``TENCENTCLOUD_SECRET_KEY``; region ``TENCENTCLOUD_REGION`` (default ap-guangzhou).

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient

        with JobClient(backend="tencentcloud") as jobs:  # TENCENTCLOUD_SECRET_ID/_KEY
            result = jobs.generate("hy-image-v3.0", prompt="雨中, 竹林, 小路")
            for asset in result.assets:
                print(asset.url, asset.revised_prompt)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..._catalog import CloudApiAnswer, ModelInfo
from ..._exceptions import APIError, ConfigurationError, InvalidParameterError
from ..._tc3 import TC3Auth, TencentCloudCredentials
from .._requests import ImageUrl, JobRequest, LogoAdd, LogoParam
from .._results import JobAsset, JobResult, expiry
from ._base import CatalogRoutes, HTTPCall, JobBackend, ModelRoute
from ._cloud import CloudJobBackend, cloud_params, request_id_of, service_root, unwrap
from ._options import BackendOptions
from .ai3d import pro_job_body, result_file_assets
from .aiart import inline_image

__all__ = [
    "HUNYUAN_IMAGE_JOB",
    "CloudAction",
    "ContentImage",
    "HunyuanImageJobRequest",
    "TencentCloudBackend",
]

HUNYUAN_IMAGE_JOB = "hunyuan-image-job"
_RESOLUTIONS = ("768:768", "768:1024", "1024:768", "1024:1024",
                "720:1280", "1280:720", "768:1280", "1280:768")  # fmt: skip
# With a content image only the first four sizes are offered.
_CONTENT_IMAGE_RESOLUTIONS = _RESOLUTIONS[:4]


def _check_resolution(value: str | None) -> str | None:
    if value is not None and value not in _RESOLUTIONS:
        raise ValueError(f"got {value!r}; allowed: {', '.join(_RESOLUTIONS)}")
    return value


class ContentImage(BaseModel):
    """hunyuan ``Image``: the reference picture by ``image_url`` or ``image_base64``."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    image_url: ImageUrl = None
    image_base64: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"image_url": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source(self) -> ContentImage:
        if not self.image_url and not self.image_base64:
            raise ValueError("content_image needs image_url or image_base64")
        return self


class HunyuanImageJobRequest(JobRequest):
    """hunyuan ``SubmitHunyuanImageJob`` (https://cloud.tencent.com/document/api/1729/105969),
    in snake_case. The old Hunyuan platform is reported shut down since 2026-09-30.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs.backends.tencentcloud import HunyuanImageJobRequest

            HunyuanImageJobRequest(prompt="雨中, 竹林, 小路", resolution="1280:720", num=2)
    """

    MODELS: ClassVar[tuple[str, ...]] = (HUNYUAN_IMAGE_JOB,)
    prompt: str = Field(min_length=1, max_length=1024)
    negative_prompt: str | None = Field(default=None, max_length=1024)
    style: str | None = Field(default=None, min_length=1)
    resolution: Annotated[str | None, AfterValidator(_check_resolution)] = None
    num: int | None = Field(default=None, ge=1, le=4)
    clarity: Literal["x2", "x4"] | None = None
    content_image: ContentImage | None = None
    revise: Literal[0, 1] | None = None
    seed: int | None = Field(default=None, ge=0)
    logo_add: LogoAdd | None = None
    logo_param: LogoParam | None = None

    @model_validator(mode="after")
    def _resolution_with_image(self) -> HunyuanImageJobRequest:
        if (
            self.content_image is not None
            and self.resolution is not None
            and self.resolution not in _CONTENT_IMAGE_RESOLUTIONS
        ):
            raise ValueError(
                f"resolution {self.resolution!r} is not offered with content_image "
                f"(allowed: {', '.join(_CONTENT_IMAGE_RESOLUTIONS)})"
            )
        return self


@dataclass(frozen=True)
class CloudAction:
    """One API 3.0 job pair: the service (host label and signing scope), version, actions.

    ``query`` is ``None`` for a synchronous action; ``regions`` lists the only regions the
    docs offer it in (``None``: not restricted here).
    """

    service: str
    version: str
    submit: str
    query: str | None
    regions: tuple[str, ...] | None = None

    @property
    def default_base_url(self) -> str:
        return f"https://{self.service}.tencentcloudapi.com"


def image_job_assets(payload: Mapping[str, Any]) -> list[JobAsset]:
    """``ResultImage`` URLs with the ``RevisedPrompt`` at the same index."""
    urls = payload.get("ResultImage")
    urls = [urls] if isinstance(urls, str) else urls if isinstance(urls, list) else []
    prompts = payload.get("RevisedPrompt")
    prompts = prompts if isinstance(prompts, list) else []
    return [
        JobAsset(
            url=url,
            kind="image",
            revised_prompt=prompts[index] if index < len(prompts) and prompts[index] else None,
        )
        for index, url in enumerate(urls)
        if isinstance(url, str) and url
    ]


def _video_assets(payload: Mapping[str, Any]) -> list[JobAsset]:
    url = payload.get("ResultVideoUrl")
    return [JobAsset(url=url, kind="video")] if isinstance(url, str) and url else []


def _image_params(request: JobRequest, route: ModelRoute) -> dict[str, Any]:
    """aiart ``SubmitTextToImageJob``: reference images as URL or raw base64."""
    body = cloud_params(request)
    if "Images" in body:
        body["Images"] = [inline_image(image) for image in body["Images"]]
    return body


@dataclass(frozen=True)
class _AnswerShape:
    """How one documented answer shape is asked for and read: the action's parameters, the
    status field, the produced files."""

    params: Callable[[JobRequest, ModelRoute], dict[str, Any]]
    status_field: str
    assets: Callable[[Mapping[str, Any]], list[JobAsset]]


# The data's cloud_api.answer: hunyuan image job, aiart image job (TextToImageLite answers at
# once like it), vclm video jobs (Status WAIT/RUN/DONE/FAIL, one ResultVideoUrl), ai3d jobs
# (the pro/rapid bodies and ResultFile3Ds, as on the ai3d gateway).
_ANSWERS: Mapping[CloudApiAnswer, _AnswerShape] = {
    "image_job": _AnswerShape(lambda r, _: cloud_params(r), "JobStatusCode", image_job_assets),
    "aiart_image": _AnswerShape(_image_params, "JobStatusCode", image_job_assets),
    "vclm_video": _AnswerShape(lambda r, _: cloud_params(r), "Status", _video_assets),
    "ai3d": _AnswerShape(
        lambda r, route: pro_job_body(route, r),
        "Status",
        lambda payload: result_file_assets(payload.get("ResultFile3Ds")),
    ),
}


def _route(info: ModelInfo) -> ModelRoute:
    spec = info.generation.cloud_api if info.generation is not None else None
    if spec is None:
        raise ConfigurationError(f"{info.id}: offered on tencentcloud without a cloud_api action")
    return ModelRoute.from_data(
        info, submit_path="/", query_path="/" if spec.query is not None else None
    )


def _answer_shape(route: ModelRoute) -> _AnswerShape:
    assert route.spec is not None and route.spec.cloud_api is not None
    return _ANSWERS[route.spec.cloud_api.answer]


class TencentCloudBackend(CloudJobBackend):
    """Signed API 3.0 calls for each model's :class:`CloudAction` and their ``Response``
    answers.

    Built without options (as :func:`get_backend` returns it), the credentials are read from
    the environment at each call; :meth:`configure` binds them and fails at once when missing.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import BackendOptions, build_request, get_backend

            options = BackendOptions.of(secret_id="AKID...", secret_key="...")
            cloud = get_backend("tencentcloud").configure(options)
            route = cloud.route("hy-video-1.5")
            call = cloud.submit_call(route, build_request("hy-video-1.5", prompt="小河流水"))
            print(call.base_url, call.body)  # https://vclm.tencentcloudapi.com {'Prompt': ...}
    """

    name = "tencentcloud"
    JOB_ID_KEYS = ("JobId",)

    def __init__(self, options: BackendOptions | None = None) -> None:
        self._options = options or BackendOptions()
        self._credentials = resolve_credentials(options) if options is not None else None
        # A bad base_url is the caller's error now, not at the first job.
        self._base_url = service_root(options.base_url) if options and options.base_url else None
        self.routes = CatalogRoutes(self.name, _route)

    @property
    def uses_api_key(self) -> bool:
        return False

    def configure(self, options: BackendOptions) -> JobBackend:
        return TencentCloudBackend(options)

    def service_url(self, route: ModelRoute) -> str:
        """Where ``route``'s calls go: its service's host, or ``base_url`` for every service."""
        return self._base_url or _action(route).default_base_url

    def _call(self, route: ModelRoute, action: str, body: dict[str, Any], submit: bool) -> HTTPCall:
        service = _action(route)
        credentials = self._credentials or resolve_credentials(self._options)
        if service.regions is not None and credentials.region not in service.regions:
            raise InvalidParameterError(
                "region",
                f"{service.service} {action} is not offered in {credentials.region!r}",
                allowed=service.regions,
            )
        auth = TC3Auth(credentials, service=service.service, action=action, version=service.version)
        return HTTPCall(
            "/", body, base_url=self.service_url(route), submit=submit, check=unwrap, auth=auth
        )

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        params = _answer_shape(route).params(request, route)
        return self._call(route, _action(route).submit, params, True)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        query = _action(route).query
        assert query is not None
        return self._call(route, query, {"JobId": job_id}, False)

    def raw_status(self, route: ModelRoute, payload: Mapping[str, Any]) -> Any:
        return payload.get(_answer_shape(route).status_field)

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return _answer_shape(route).assets(payload)

    def sync_result(self, route: ModelRoute, answer: Mapping[str, Any]) -> JobResult:
        """``TextToImageLite`` answers at once, like the aiart image job's result."""
        payload = unwrap(answer)
        assets = image_job_assets(payload)
        if not assets:
            raise APIError(
                f"the {route.model} answer has no ResultImage",
                request_id=request_id_of(payload),
                body=dict(answer),
            )
        return JobResult(
            job_id=request_id_of(payload) or route.model,
            model=route.model,
            kind=route.kind,
            assets=assets,
            request_id=request_id_of(payload),
            expires_at=expiry(route.url_lifetime, None),
            raw=dict(answer),
        )


def _action(route: ModelRoute) -> CloudAction:
    """The API 3.0 action pair of a model (its data's ``generation.cloud_api``)."""
    assert route.spec is not None and route.spec.cloud_api is not None
    spec = route.spec.cloud_api
    return CloudAction(spec.service, spec.version, spec.submit, spec.query, spec.regions)


def resolve_credentials(options: BackendOptions) -> TencentCloudCredentials:
    """``secret_id``/``secret_key``/``tencentcloud_region`` arguments, else the environment."""
    return TencentCloudCredentials.resolve(
        options.secret_id, options.secret_key, options.tencentcloud_region, env=options.env
    )
