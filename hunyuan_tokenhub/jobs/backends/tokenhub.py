"""TokenHub's generation endpoints (../shared/TOKENHUB_API.md §1.2): the only place that
knows their paths and body shapes.

Submit: ``POST /v1/api/{image,video,3d}/submit`` with the snake_case parameters and the
lower-case ``model`` -> ``{"id", "status": "queued", ...}``. Query: ``POST .../query`` with
``{"model", "id"}`` -> ``{"status", "progress"?, "data"}``, where ``data`` is a list of
``{url, revised_prompt}`` for images, one ``{url}`` object for video and a list of
``{type, url, preview_image_url}`` for 3D. HY-Image-Lite answers synchronously on
``/v1/api/image/lite`` with ``{"created", "request_id", "data": [{"url"}]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..._exceptions import APIError
from .._requests import (
    Hunyuan3DExpressRequest,
    Hunyuan3DProRequest,
    HunyuanImageLiteRequest,
    HunyuanImageV3Request,
    HunyuanVideoRequest,
    JobRequest,
    YoutuHumanActorRequest,
    YoutuImageToVideoRequest,
    YoutuTemplateToVideoRequest,
)
from .._results import JobAsset, JobKind, JobResult, JobStatus, expiry, percentage, timestamp
from .._status import find_error, normalize_state
from ._base import Endpoint, HTTPCall, JobBackend, ModelRoute, WireFormat

__all__ = ["TOKENHUB_BACKEND", "TokenHubWireFormat", "parse_assets"]

_KIND_OF_EXTENSION = {"zip": "obj", "glb": "glb", "stl": "stl", "usdz": "usdz", "fbx": "fbx"}


def _item_kind(item: Mapping[str, Any], url: str, default: str) -> str:
    declared = item.get("type") or item.get("Type")
    if isinstance(declared, str) and declared.strip():
        return declared.strip().lower()
    if default != "3d":
        return default
    extension = url.split("?", 1)[0].rsplit(".", 1)[-1].lower()
    return _KIND_OF_EXTENSION.get(extension, "model")


def _as_url(item: Mapping[str, Any]) -> str | None:
    url = item.get("url") or item.get("Url")
    if isinstance(url, str) and url:
        return url
    inline = item.get("b64_json") or item.get("base64")
    if isinstance(inline, str) and inline:
        return f"data:image/png;base64,{inline}"
    return None


def parse_assets(data: Any, kind: str) -> list[JobAsset]:
    """Assets from a ``data`` field: a list (image, 3D), one object (video) or bare URLs."""
    items: Iterable[Any] = data if isinstance(data, list) else [data] if data else []
    assets = []
    for item in items:
        entry: Mapping[str, Any] = {"url": item} if isinstance(item, str) else item
        if not isinstance(entry, Mapping):
            continue
        url = _as_url(entry)
        if url is None:
            continue
        preview = entry.get("preview_image_url") or entry.get("preview_url")
        revised = entry.get("revised_prompt")
        assets.append(
            JobAsset(
                url=url,
                kind=_item_kind(entry, url, kind),
                preview_url=preview if isinstance(preview, str) and preview else None,
                revised_prompt=revised if isinstance(revised, str) and revised else None,
            )
        )
    return assets


def _request_id(body: Mapping[str, Any]) -> str | None:
    value = body.get("request_id")
    return str(value) if value else None


def _answer_error(what: str, body: Mapping[str, Any]) -> APIError:
    code, message = find_error(body)
    return APIError(
        what + (f": {message}" if message else ""),
        code=code,
        request_id=_request_id(body),
        body=dict(body),
    )


class TokenHubWireFormat(WireFormat):
    """TokenHub's OpenAI-style job protocol, shared by every generation model."""

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        body = request.model_dump(mode="json", exclude_none=True)
        body["model"] = route.model
        return HTTPCall(route.submit, body, submit=True)

    def parse_submit(self, route: ModelRoute, body: Mapping[str, Any]) -> str:
        job_id = body.get("id") or body.get("job_id")
        if isinstance(job_id, (str, int)) and not isinstance(job_id, bool) and str(job_id):
            return str(job_id)
        raise _answer_error(f"the {route.model} submit answer has no job id", body)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query is not None
        return HTTPCall(route.query, {"model": route.model, "id": job_id})

    def parse_query(self, route: ModelRoute, job_id: str, body: Mapping[str, Any]) -> JobStatus:
        code, message = find_error(body)
        raw_status = body.get("status")
        state = normalize_state(raw_status, has_error=bool(code or message))
        result = None
        assets = parse_assets(body.get("data"), route.kind) if state == "completed" else []
        if state == "completed" and not assets:
            # Done, but nothing to hand over: for the caller that is a failed job.
            state, message = "failed", message or "the job completed without any result file"
        if state == "completed":
            completed_at = timestamp(body.get("completed_at"))
            result = JobResult(
                job_id=job_id,
                model=route.model,
                kind=route.kind,
                assets=assets,
                request_id=_request_id(body),
                created_at=timestamp(body.get("created_at")),
                completed_at=completed_at,
                expires_at=expiry(route.kind, completed_at),
                raw=dict(body),
            )
        return JobStatus(
            job_id=job_id,
            model=route.model,
            state=state,
            progress=100 if state == "completed" else percentage(body.get("progress")),
            raw_status=None if raw_status is None else str(raw_status),
            error_code=code,
            error_message=message,
            request_id=_request_id(body),
            result=result,
            raw=dict(body),
        )

    def parse_sync(self, route: ModelRoute, body: Mapping[str, Any]) -> JobResult:
        assets = parse_assets(body.get("data"), route.kind)
        if not assets:
            raise _answer_error(f"the {route.model} answer has no image", body)
        created = timestamp(body.get("created"))
        request_id = _request_id(body)
        return JobResult(
            job_id=request_id or f"{route.model}-{int(created.timestamp()) if created else 0}",
            model=route.model,
            kind=route.kind,
            assets=assets,
            request_id=request_id,
            created_at=created,
            completed_at=created,
            expires_at=expiry(route.kind, created),
            raw=dict(body),
        )


_WIRE = TokenHubWireFormat()
_IMAGE = Endpoint("/api/image/submit"), Endpoint("/api/image/query")
_VIDEO = Endpoint("/api/video/submit"), Endpoint("/api/video/query")
_3D = Endpoint("/api/3d/submit"), Endpoint("/api/3d/query")


def _route(
    model: str,
    kind: JobKind,
    request_type: type[JobRequest],
    endpoints: tuple[Endpoint, Endpoint | None],
    family: str | None = None,
    max_concurrent_jobs: int = 1,
) -> ModelRoute:
    submit, query = endpoints
    return ModelRoute(
        model=model,
        kind=kind,
        request_type=request_type,
        submit=submit,
        query=query,
        wire=_WIRE,
        family=family or model,
        max_concurrent_jobs=max_concurrent_jobs,
    )


# Concurrency defaults (../shared/JOB_PARAMS.md K5): one running job per model family, three for
# the 3D pro models, which share one family because they are one Cloud API action.
TOKENHUB_BACKEND = JobBackend(
    name="tokenhub",
    routes={
        route.model: route
        for route in (
            _route("hy-image-lite", "image", HunyuanImageLiteRequest,
                   (Endpoint("/api/image/lite"), None)),
            _route("hy-image-v3.0", "image", HunyuanImageV3Request, _IMAGE),
            _route("hy-video-1.5", "video", HunyuanVideoRequest, _VIDEO),
            _route("yt-video-2.0", "video", YoutuImageToVideoRequest, _VIDEO),
            _route("yt-video-fx", "video", YoutuTemplateToVideoRequest, _VIDEO),
            _route("yt-video-humanactor", "video", YoutuHumanActorRequest, _VIDEO),
            _route("hy-3d-3.0", "3d", Hunyuan3DProRequest, _3D, "hy-3d-pro", 3),
            _route("hy-3d-3.1", "3d", Hunyuan3DProRequest, _3D, "hy-3d-pro", 3),
            _route("hy-3d-express", "3d", Hunyuan3DExpressRequest, _3D),
        )
    },
)  # fmt: skip
