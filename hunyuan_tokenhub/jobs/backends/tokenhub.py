"""TokenHub's generation endpoints: their body shapes and answers. Which model goes to which
path, and which of the families below speaks for it, is each model's data entry
(``generation.family``, ``submit_path``, ``query_path``), so the route table is built from the
model data.

``tokenhub-api``: ``POST /v1/api/{image,video,3d}/submit`` with the snake_case parameters and
the lower-case ``model`` -> ``{"id", "status": "queued", ...}``; ``POST .../query`` with
``{"model", "id"}`` -> ``{"status", "progress"?, "data"}``, where ``data`` is a list of
``{url, revised_prompt}`` for images, one ``{url}`` object for video and a list of
``{type, url, preview_image_url}`` for 3D. HY-Image-Lite answers synchronously on
``/v1/api/image/lite`` with ``{"created", "request_id", "data": [{"url"}]}``.
``tokenhub-wand-image``: ``POST /v1/wand/hunyuan-image/...`` answers at once with ``{"id",
"created", "data": [{url, revised_prompt}]}``. ``tokenhub-wand-video``
(``/v1/wand/hunyuan-video/generation``): the submit answers ``{"task_id", "created",
"request_id"}``; the task is read with ``GET {query_path}/{task_id}`` -> ``{"status":
queued|running|succeeded|failed, "videos": [{"url"}], "error"?}``
(https://cloud.tencent.com/document/product/1823/137202; the GET path as public TokenHub clients
use it). Statuses and the result field are each model's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from ..._catalog import ModelInfo
from ..._exceptions import APIError
from .._requests import JobRequest
from .._results import JobAsset, JobResult, JobState, JobStatus, expiry, percentage, timestamp
from .._status import find_error, normalize_state
from ._base import CatalogRoutes, HTTPCall, JobBackend, ModelRoute

__all__ = ["TokenHubBackend", "parse_assets"]

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


def _refused_in_body(body: Mapping[str, Any]) -> None:
    """A submit answered with HTTP 2xx but an error and no job (one public TokenHub client
    reports ``{"error": {"code": "RequestLimitExceeded.JobNumExceed", ...}}`` so): raised here,
    inside the request loop, so it is a refusal like a 429."""
    if body.get("id") or body.get("job_id") or body.get("task_id"):
        return
    code, message = find_error(body)
    if code or message:
        raise _answer_error("the submit was refused", body)


def _is_task(route: ModelRoute) -> bool:
    """A "wand" task: its id is ``task_id`` and it is read with ``GET {query_path}/{id}``."""
    return route.spec is not None and route.spec.family == "tokenhub-wand-video"


def _route(info: ModelInfo) -> ModelRoute:
    spec = info.generation
    assert spec is not None
    if spec.submit_path is None:
        raise ValueError(f"{info.id}: listed for the tokenhub backend without a submit_path")
    return ModelRoute.from_data(info, submit_path=spec.submit_path, query_path=spec.query_path)


class TokenHubBackend(JobBackend):
    """TokenHub's job protocol, shared by every generation model; calls go to the client's own
    hosts (with failover) and key.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import build_request, get_backend

            backend = get_backend("tokenhub")
            route = backend.route("hy-image-v3.0")
            request = build_request("hy-image-v3.0", prompt="a koi pond")
            print(backend.submit_call(route, request).body)  # the JSON body to POST
            print(backend.job_id(route, {"id": "1234", "status": "queued"}))  # 1234
    """

    name = "tokenhub"

    def __init__(self) -> None:
        self.routes = CatalogRoutes(self.name, _route)

    def submit_call(self, route: ModelRoute, request: JobRequest) -> HTTPCall:
        body = request.model_dump(mode="json", exclude_none=True)
        body["model"] = route.model
        return HTTPCall(route.submit_path, body, submit=True, check=_refused_in_body)

    def job_id(self, route: ModelRoute, answer: Mapping[str, Any]) -> str:
        job_id = answer.get("task_id") if _is_task(route) else None
        job_id = job_id or answer.get("id") or answer.get("job_id")
        if isinstance(job_id, (str, int)) and not isinstance(job_id, bool) and str(job_id):
            return str(job_id)
        raise _answer_error(f"the {route.model} submit answer has no job id", answer)

    def query_call(self, route: ModelRoute, job_id: str) -> HTTPCall:
        assert route.query_path is not None
        if _is_task(route):
            return HTTPCall(f"{route.query_path.rstrip('/')}/{quote(job_id, safe='')}")
        return HTTPCall(route.query_path, {"model": route.model, "id": job_id})

    def job_status(self, route: ModelRoute, job_id: str, answer: Mapping[str, Any]) -> JobStatus:
        code, message = find_error(answer)
        raw_status = answer.get("status")
        documented: JobState | None = route.statuses.get(str(raw_status).lower())  # type: ignore[assignment]
        state = documented or normalize_state(raw_status, has_error=bool(code or message))
        result = None
        field = route.spec.result_field if route.spec is not None else "data"
        assets = parse_assets(answer.get(field), route.kind) if state == "completed" else []
        if state == "completed" and not assets:
            # Done, but nothing to hand over: for the caller that is a failed job.
            state, message = "failed", message or "the job completed without any result file"
        if state == "failed" and not message and isinstance(answer.get("message"), str):
            # Public TokenHub clients report failed jobs whose only reason is a top-level
            # "message": it is the caller's only clue, so it is kept.
            message = answer["message"].strip() or None
        if state == "completed":
            completed_at = timestamp(answer.get("completed_at"))
            result = JobResult(
                job_id=job_id,
                model=route.model,
                kind=route.kind,
                assets=assets,
                request_id=_request_id(answer),
                created_at=timestamp(answer.get("created_at")),
                completed_at=completed_at,
                expires_at=expiry(route.url_lifetime, completed_at),
                raw=dict(answer),
            )
        return JobStatus(
            job_id=job_id,
            model=route.model,
            state=state,
            progress=100 if state == "completed" else percentage(answer.get("progress")),
            raw_status=None if raw_status is None else str(raw_status),
            error_code=code,
            error_message=message,
            request_id=_request_id(answer),
            result=result,
            raw=dict(answer),
        )

    def sync_result(self, route: ModelRoute, answer: Mapping[str, Any]) -> JobResult:
        assets = parse_assets(answer.get("data"), route.kind)
        if not assets:
            raise _answer_error(f"the {route.model} answer has no image", answer)
        created = timestamp(answer.get("created"))
        request_id = _request_id(answer)
        answer_id = answer.get("id")  # the wand image endpoints name their answer
        return JobResult(
            job_id=str(answer_id or request_id or "")
            or f"{route.model}-{int(created.timestamp()) if created else 0}",
            model=route.model,
            kind=route.kind,
            assets=assets,
            request_id=request_id,
            created_at=created,
            completed_at=created,
            expires_at=expiry(route.url_lifetime, created),
            raw=dict(answer),
        )
