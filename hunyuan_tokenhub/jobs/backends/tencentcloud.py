"""Tencent Cloud API 3.0 with a SecretId/SecretKey pair (seed 004): ``backend="tencentcloud"``.

Every call is ``POST /`` to the service host with ``X-TC-Action``/``X-TC-Version``/
``X-TC-Region``/``X-TC-Timestamp`` and a TC3-HMAC-SHA256 ``Authorization`` (:mod:`.._tc3`),
signed over the exact bytes sent. Errors come back with HTTP 200 as ``{"Response": {"Error":
{"Code", "Message"}, "RequestId"}}`` and are raised as the typed errors (``AuthFailure.*`` ->
:class:`AuthenticationError`, ``RequestLimitExceeded*`` -> :class:`RateLimitError`, which a
submit safely retries, ``InvalidParameter*`` -> :class:`BadRequestError`, ...).

Model ``hunyuan-image-job``: the ``hunyuan`` service's ``SubmitHunyuanImageJob`` /
``QueryHunyuanImageJob`` (version 2023-09-01, region ap-guangzhou only). It is not a TokenHub
model, so it is named after the action. Credentials: ``secret_id``/``secret_key`` arguments or
``TENCENTCLOUD_SECRET_ID``/``TENCENTCLOUD_SECRET_KEY``; region ``TENCENTCLOUD_REGION``
(default ap-guangzhou).

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient

        with JobClient(backend="tencentcloud") as jobs:  # TENCENTCLOUD_SECRET_ID/_KEY
            result = jobs.generate("hunyuan-image-job", prompt="雨中, 竹林, 小路", num=2)
            for asset in result.assets:
                print(asset.url, asset.revised_prompt)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..._client import _encode
from ..._exceptions import ConfigurationError, InvalidParameterError
from ..._tc3 import TencentCloudCredentials, tc3_headers
from .._requests import ImageUrl, JobRequest, LogoAdd, LogoParam
from .._results import JobAsset
from ._base import Endpoint, HTTPCall, ModelRoute
from ._legacy import (
    BindableBackend,
    Credential,
    LegacyWireFormat,
    gateway_base_url,
    pascal_case,
    unwrap,
)
from ._options import BackendOptions

__all__ = [
    "HUNYUAN_IMAGE_JOB",
    "TENCENTCLOUD_BACKEND",
    "CloudAction",
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
    """hunyuan ``SubmitHunyuanImageJob`` (../shared/JOB_PARAMS.md §1.3), in snake_case.

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
    """One API 3.0 job pair: the service (host label and signing scope), version, actions."""

    service: str
    version: str
    submit: str
    query: str
    regions: tuple[str, ...] | None = None

    @property
    def default_base_url(self) -> str:
        return f"https://{self.service}.tencentcloudapi.com"


HUNYUAN_IMAGE_ACTION = CloudAction(
    "hunyuan", "2023-09-01", "SubmitHunyuanImageJob", "QueryHunyuanImageJob", ("ap-guangzhou",)
)


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

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        params = request.model_dump(mode="json", exclude_none=True)
        params.pop("model", None)
        return self._call(route.submit, self.action.submit, pascal_case(params), True)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query is not None
        return self._call(route.query, self.action.query, {"JobId": job_id}, False)

    def raw_status(self, payload: Mapping[str, Any]) -> Any:
        return payload.get("JobStatusCode")

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return image_job_assets(payload)


def resolve_credentials(options: BackendOptions) -> TencentCloudCredentials:
    """``secret_id``/``secret_key``/``tencentcloud_region`` arguments, else the environment."""
    return TencentCloudCredentials.resolve(
        options.secret_id, options.secret_key, options.tencentcloud_region, env=options.env
    )


def _routes(options: BackendOptions, eager: bool) -> dict[str, ModelRoute]:
    action = HUNYUAN_IMAGE_ACTION
    root = gateway_base_url(options, action.default_base_url)
    host = urlsplit(root).netloc
    if not host:
        raise ConfigurationError(f"base_url has no host: {root!r}")
    credentials = Credential(lambda: resolve_credentials(options), eager=eager)
    endpoint = Endpoint("/", root)
    route = ModelRoute(
        model=HUNYUAN_IMAGE_JOB,
        kind="image",
        request_type=HunyuanImageJobRequest,
        submit=endpoint,
        query=endpoint,
        wire=TencentCloudWireFormat(action, credentials, host),
        family=HUNYUAN_IMAGE_JOB,
    )
    return {route.model: route}


TENCENTCLOUD_BACKEND = BindableBackend.create("tencentcloud", _routes)
