"""The Hunyuan 3D pro OpenAI-compatible endpoint: ``backend="ai3d"``.

``POST https://api.ai3d.cloud.tencent.com/v1/ai3d/submit`` with ``Authorization: <key>`` (no
``Bearer``) and the PascalCase parameters of the Cloud API's ``SubmitHunyuanTo3DProJob``
(``{"Prompt": "小狗"}``; the image goes in ``ImageUrl.Url``, a URL or a base64 ``data:`` URL,
as the gateway's OpenAI-compatible page names it); ``POST
.../v1/ai3d/query {"JobId"}``. The page shows no answers, so they are read as the Cloud API's
``QueryHunyuanTo3DProJob`` result (``Status`` WAIT/RUN/DONE/FAIL, ``ResultFile3Ds[{Type, Url,
PreviewImageUrl}]``, ``ErrorCode``/``ErrorMessage``), with or without a ``Response`` envelope.
Each file format becomes one asset with its preview.

Models: those whose data entry lists the ``ai3d`` backend (``hy-3d-3.0`` and ``hy-3d-3.1``: the
endpoint serves the pro job only), validated like TokenHub's; a model's ``cloud_api.fixed_params``
are added to its body (``hy-3d-3.1`` is sent with ``"Model": "3.1"``).

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient

        with JobClient(backend="ai3d", api_key="sk-...") as jobs:
            result = jobs.generate("hy-3d-3.0", prompt="小狗")
            for asset in result.assets:  # obj (a .zip) and glb, each with a preview image
                print(asset.kind, asset.url, asset.preview_url)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from .._requests import JobRequest
from .._results import JobAsset
from ._base import HTTPCall, ModelRoute
from ._cloud import GatewayBackend, cloud_params
from .tokenhub import parse_assets

__all__ = [
    "AI3D_BASE_URL",
    "Ai3dBackend",
    "pro_job_body",
    "result_file_assets",
]

AI3D_BASE_URL = "https://api.ai3d.cloud.tencent.com"
_IMAGE_SIGNATURES = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)


def _data_url(raw_base64: str) -> str:
    """Raw base64 as the ``data:`` URL the gateway documents for ``ImageUrl``."""
    try:
        head = base64.b64decode(raw_base64[:24] + "=" * (-len(raw_base64[:24]) % 4))
    except binascii.Error:
        head = b""  # not base64 at all: the server will say so; the documented example is a JPEG
    mime = next((m for sig, m in _IMAGE_SIGNATURES if head.startswith(sig)), "image/jpeg")
    return f"data:{mime};base64,{raw_base64}"


def pro_job_body(route: ModelRoute, request: JobRequest) -> dict[str, Any]:
    """An ai3d job's PascalCase body (pro or rapid) with the model's fixed action parameters
    (``hy-3d-3.1`` is named by ``"Model": "3.1"``)."""
    body = cloud_params(request)
    cloud_api = route.spec.cloud_api if route.spec is not None else None
    if cloud_api is not None:
        body.update(cloud_api.fixed_params)
    return body


def result_file_assets(files: Any) -> list[JobAsset]:
    """``ResultFile3Ds`` entries as assets: kind = the lower-cased format, with the preview."""
    items = files if isinstance(files, list) else []
    return parse_assets(
        [
            {
                "type": item.get("Type"),
                "url": item.get("Url"),
                "preview_image_url": item.get("PreviewImageUrl"),
            }
            for item in items
            if isinstance(item, Mapping)
        ],
        "3d",
    )


class Ai3dBackend(GatewayBackend):
    """Bodies and answers of the ai3d gateway; the key goes in ``Authorization`` as is.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import BackendOptions, build_request, get_backend

            ai3d = get_backend("ai3d").configure(BackendOptions.of(api_key="sk-..."))
            route = ai3d.route("hy-3d-3.1")
            call = ai3d.submit_call(route, build_request("hy-3d-3.1", prompt="小狗"))
            print(call.path, call.body)  # /v1/ai3d/submit {'Prompt': '小狗', 'Model': '3.1'}
    """

    name = "ai3d"
    JOB_ID_KEYS = ("JobId", "job_id", "id")
    DEFAULT_BASE_URL = AI3D_BASE_URL
    SUBMIT_PATH = "/v1/ai3d/submit"
    QUERY_PATH = "/v1/ai3d/query"

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        body = pro_job_body(route, request)
        # The gateway documents the image as ``ImageUrl.Url``, a link or a data: URL (the
        # Cloud API's ImageUrl is a plain string; the gateway's page names the nested form).
        if "ImageBase64" in body:
            body["ImageUrl"] = _data_url(body.pop("ImageBase64"))
        if isinstance(body.get("ImageUrl"), str):
            body["ImageUrl"] = {"Url": body["ImageUrl"]}
        return self.call(route.submit_path, body, submit=True)

    def raw_status(self, route: ModelRoute, payload: Mapping[str, Any]) -> Any:
        return payload.get("Status")

    def assets(self, route: ModelRoute, payload: Mapping[str, Any]) -> list[JobAsset]:
        return result_file_assets(payload.get("ResultFile3Ds"))
