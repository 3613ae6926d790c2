"""Tencent Cloud API 3.0 with a SecretId/SecretKey pair: ``backend="tencentcloud"``.

Every call is ``POST /`` to the service host with ``X-TC-Action``/``X-TC-Version``/
``X-TC-Region``/``X-TC-Timestamp`` and a TC3-HMAC-SHA256 ``Authorization`` (:mod:`.._tc3`),
signed over the exact bytes sent. Errors come back with HTTP 200 as ``{"Response": {"Error":
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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..._catalog import CloudApiAnswer, ModelInfo
from ..._client import _encode
from ..._exceptions import APIError, ConfigurationError, InvalidParameterError
from ..._tc3 import TencentCloudCredentials, tc3_headers
from .._requests import ImageUrl, JobRequest, LogoAdd, LogoParam, request_type_for
from .._results import JobAsset, JobResult, expiry
from ._base import CatalogRoutes, Endpoint, HTTPCall, ModelRoute
from ._legacy import (
    BindableBackend,
    Credential,
    LegacyWireFormat,
    cloud_params,
    gateway_base_url,
    request_id_of,
    unwrap,
)
from ._options import BackendOptions
from .ai3d import pro_job_body, result_file_assets
from .aiart import inline_image

__all__ = [
    "HUNYUAN_IMAGE_JOB",
    "TENCENTCLOUD_BACKEND",
    "Cloud3DWireFormat",
    "CloudAction",
    "CloudImageWireFormat",
    "CloudVideoWireFormat",
    "ContentImage",
    "HunyuanImageJobRequest",
    "TencentCloudWireFormat",
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


class TencentCloudWireFormat(LegacyWireFormat):
    """Signed API 3.0 calls for one :class:`CloudAction` and their ``Response`` answers."""

    JOB_ID_KEYS = ("JobId",)

    def __init__(
        self, action: CloudAction, credentials: Credential[TencentCloudCredentials], host: str
    ) -> None:
        self.action = action
        self._credentials = credentials
        self._host = host

    def _call(
        self, endpoint: Endpoint, action: str, body: dict[str, Any], submit: bool
    ) -> HTTPCall:
        credentials = self._credentials.get()
        if self.action.regions is not None and credentials.region not in self.action.regions:
            raise InvalidParameterError(
                "region",
                f"{self.action.service} {action} is not offered in {credentials.region!r}",
                allowed=self.action.regions,
            )
        # Signed over the very bytes the HTTP client will send (it encodes with _encode too).
        headers = tc3_headers(
            credentials,
            host=self._host,
            service=self.action.service,
            action=action,
            version=self.action.version,
            payload=_encode(body),
        )
        return HTTPCall(endpoint, body, submit=submit, headers=headers, check_answer=unwrap)

    def body(self, route: ModelRoute, request: JobRequest) -> dict[str, Any]:
        """The action's parameters for a validated request."""
        return cloud_params(request)

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        return self._call(route.submit, self.action.submit, self.body(route, request), True)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query is not None and self.action.query is not None
        return self._call(route.query, self.action.query, {"JobId": job_id}, False)

    def raw_status(self, payload: Mapping[str, Any]) -> Any:
        return payload.get("JobStatusCode")

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return image_job_assets(payload)


class CloudImageWireFormat(TencentCloudWireFormat):
    """aiart ``SubmitTextToImageJob`` (``hy-image-v3.0``): reference images as URL or raw
    base64, answers like the hunyuan image job; ``TextToImageLite`` answers at once."""

    def body(self, route: ModelRoute, request: JobRequest) -> dict[str, Any]:
        body = super().body(route, request)
        if "Images" in body:
            body["Images"] = [inline_image(image) for image in body["Images"]]
        return body

    def parse_sync(self, route: ModelRoute, body: Mapping[str, Any]) -> JobResult:
        payload = unwrap(body)
        assets = image_job_assets(payload)
        if not assets:
            raise APIError(
                f"the {route.model} answer has no ResultImage",
                request_id=request_id_of(payload),
                body=dict(body),
            )
        return JobResult(
            job_id=request_id_of(payload) or route.model,
            model=route.model,
            kind=route.kind,
            assets=assets,
            request_id=request_id_of(payload),
            expires_at=expiry(route.url_lifetime, None),
            raw=dict(body),
        )


class CloudVideoWireFormat(TencentCloudWireFormat):
    """vclm video jobs: ``Status`` WAIT/RUN/DONE/FAIL and one ``ResultVideoUrl``."""

    def raw_status(self, payload: Mapping[str, Any]) -> Any:
        return payload.get("Status")

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        url = payload.get("ResultVideoUrl")
        return [JobAsset(url=url, kind="video")] if isinstance(url, str) and url else []


class Cloud3DWireFormat(TencentCloudWireFormat):
    """ai3d jobs: the pro/rapid bodies and ``ResultFile3Ds``, as on the ai3d gateway."""

    def body(self, route: ModelRoute, request: JobRequest) -> dict[str, Any]:
        return pro_job_body(route, request)

    def raw_status(self, payload: Mapping[str, Any]) -> Any:
        return payload.get("Status")

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return result_file_assets(payload.get("ResultFile3Ds"))


def resolve_credentials(options: BackendOptions) -> TencentCloudCredentials:
    """``secret_id``/``secret_key``/``tencentcloud_region`` arguments, else the environment."""
    return TencentCloudCredentials.resolve(
        options.secret_id, options.secret_key, options.tencentcloud_region, env=options.env
    )


# The wire format that reads each documented answer shape (the data's cloud_api.answer).
_WIRE_OF_ANSWER: Mapping[CloudApiAnswer, type[TencentCloudWireFormat]] = {
    "image_job": TencentCloudWireFormat,
    "aiart_image": CloudImageWireFormat,
    "vclm_video": CloudVideoWireFormat,
    "ai3d": Cloud3DWireFormat,
}


def cloud_action(info: ModelInfo) -> CloudAction:
    """The API 3.0 action pair of a model entry (its ``generation.cloud_api``)."""
    spec = info.generation.cloud_api if info.generation is not None else None
    if spec is None:
        raise ConfigurationError(f"{info.id}: offered on tencentcloud without a cloud_api action")
    return CloudAction(spec.service, spec.version, spec.submit, spec.query, spec.regions)


def _routes(options: BackendOptions, eager: bool) -> Mapping[str, ModelRoute]:
    credentials = Credential(lambda: resolve_credentials(options), eager=eager)

    def route(info: ModelInfo) -> ModelRoute:
        action = cloud_action(info)
        assert info.generation is not None and info.generation.cloud_api is not None
        root = gateway_base_url(options, action.default_base_url)
        host = urlsplit(root).netloc
        if not host:
            raise ConfigurationError(f"base_url has no host: {root!r}")
        endpoint = Endpoint("/", root)
        wire = _WIRE_OF_ANSWER[info.generation.cloud_api.answer]
        return ModelRoute.from_data(
            info,
            request_type=request_type_for(info),
            submit=endpoint,
            query=endpoint if action.query is not None else None,
            wire=wire(action, credentials, host),
        )

    routes = CatalogRoutes("tencentcloud", route)
    if eager:
        len(routes)  # a bad base_url is the caller's error now, not at the first job
    return routes


TENCENTCLOUD_BACKEND = BindableBackend.create("tencentcloud", _routes)
