"""The Hunyuan image 3.0 OpenAI-compatible endpoint: ``backend="aiart"``.

``POST https://api.cloudai.tencent.com/v1/aiart/submit`` with ``Authorization: <key>`` (no
``Bearer``) and ``{"model": "HY-Image-V3.0", "prompt", "size": "1024:1024", "images": [...],
"extra_body": {"seed", "revise", "logo_add", "logo_param", ...}}`` -> ``{"request_id",
"job_id"}``; ``POST .../v1/aiart/query {"job_id"}`` -> ``{"request_id", "status": "5",
"data": [{"url"}]}`` with the Cloud API's job status codes (``"1"``/``"2"`` pending, ``"4"``
failed, ``"5"`` done). Models: those whose data entry lists the ``aiart`` backend (HY-Image-V3.0),
validated like TokenHub's and named by their display name (``resolution`` is sent as ``size``).

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient

        with JobClient(backend="aiart", api_key="sk-...") as jobs:
            result = jobs.generate("HY-Image-V3.0", prompt="在图片中增加一个橘猫",
                                   images=["https://example.com/cat.png"], seed=84445)
            print(result.urls)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._catalog import get_model_info
from .._media import classify_media
from .._requests import JobRequest
from .._results import JobAsset
from ._base import HTTPCall, ModelRoute
from ._cloud import GatewayBackend
from .tokenhub import parse_assets

__all__ = ["AIART_BASE_URL", "AiartBackend", "inline_image"]

AIART_BASE_URL = "https://api.cloudai.tencent.com"
# Fields sent at the top level; everything else goes under extra_body
# (https://cloud.tencent.com/document/product/1668/129429).
_TOP_LEVEL = {"prompt": "prompt", "resolution": "size", "images": "images"}


def inline_image(value: str) -> str:
    """An input image as the aiart actions take it: a URL, or raw base64 (not a data: URL)."""
    if classify_media(value) == "data":
        return value.partition(",")[2]
    return value


class AiartBackend(GatewayBackend):
    """Bodies and answers of the aiart gateway; the key goes in ``Authorization`` as is.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import BackendOptions, build_request, get_backend

            aiart = get_backend("aiart").configure(BackendOptions.of(api_key="sk-..."))
            route = aiart.route("hy-image-v3.0")
            call = aiart.submit_call(route, build_request("hy-image-v3.0", prompt="a cat"))
            print(call.base_url, call.path, call.body)  # ... /v1/aiart/submit {'model': ...}
    """

    name = "aiart"
    JOB_ID_KEYS = ("job_id", "JobId", "id")
    DEFAULT_BASE_URL = AIART_BASE_URL
    SUBMIT_PATH = "/v1/aiart/submit"
    QUERY_PATH = "/v1/aiart/query"

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        params = request.model_dump(mode="json", exclude_none=True)
        params.pop("model", None)
        # The gateway's own spelling of the model: the display name (HY-Image-V3.0).
        body: dict[str, Any] = {"model": get_model_info(route.model).display_name or route.model}
        for field, wire_name in _TOP_LEVEL.items():
            if field in params:
                body[wire_name] = params.pop(field)
        if "images" in body:
            body["images"] = [inline_image(image) for image in body["images"]]
        if params:
            body["extra_body"] = params
        return self.call(route.submit_path, body, submit=True)

    def raw_status(self, route: ModelRoute, payload: Mapping[str, Any]) -> Any:
        return payload.get("status", payload.get("JobStatusCode"))

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return parse_assets(payload.get("data"), route.kind)
