"""Generation jobs: the job store (life cycle, concurrency, scripted failures) and the
``/v1/api/image/lite``, ``/v1/api/{image,video,3d}/{submit,query}`` and "wand" endpoints.

A job's status follows from the time since it was submitted: ``queued`` for
``JobTiming.queued_s``, then ``in_progress`` with ``progress`` rising linearly for
``JobTiming.running_s``, then ``completed`` (or ``failed`` when a failure was scripted).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final, Literal

from ._files import FileSettings, file_url
from ._http import EmulatorError, EmulatorRequest, EmulatorResponse, json_response

JobKind = Literal["image", "video", "3d"]
JobStatus = Literal["queued", "in_progress", "completed", "failed"]

_HY_3D: Final = ("hy-3d-3.0", "hy-3d-3.1", "hy-3d-express")
# Served on the same endpoints per public TokenHub clients; their parameters are not checked.
_KLING_VIDU: Final = (
    "kl-video-v3", "kl-video-v2-6", "kl-video-v2-5-turbo", "kl-video-v2-1-master",
    "kl-video-v2-1", "vd-video-q3-pro", "vd-video-q3-turbo",
)  # fmt: skip
_3D_TOOLS: Final = ("hy-3d-texture", "hy-3d-uv", "tripo-3d-3.1", "tripo-3d-p1")
MODELS_BY_KIND: Final[dict[JobKind, tuple[str, ...]]] = {
    "image": ("hy-image-v3.0",),
    "video": ("hy-video-1.5", "yt-video-2.0", "yt-video-fx", "yt-video-humanactor", *_KLING_VIDU),
    "3d": (*_HY_3D, *_3D_TOOLS),
}
LITE_MODEL: Final = "hy-image-lite"
WAND_IMAGE_MODELS: Final = ("hy-image-v3", "hy-image-v3.5-preview")
WAND_VIDEO_MODEL: Final = "hy-video-v1.5"
WAND_IMAGE_ROUTES: Final = (
    "/v1/wand/hunyuan-image/v3-generation",
    "/v1/wand/hunyuan-image/v35-generation",
)
WAND_VIDEO_ROUTES: Final = ("/v1/wand/hunyuan-video/generation", "/v1/wand/hunyuan-video/tasks")
_WAND_STATUS: Final[dict[str, str]] = {
    "queued": "queued",
    "in_progress": "running",
    "completed": "succeeded",
    "failed": "failed",
}
_WAND_SIZE: Final = re.compile(r"\d{2,5}x\d{2,5}")
OBJECT_BY_KIND: Final[dict[JobKind, str]] = {"image": "image_job", "video": "video", "3d": "3d_job"}

#: Running jobs allowed per account (Cloud API docs: 1 per action, 3 for the ai3d pro job);
#: models sharing a group share the limit.
DEFAULT_CONCURRENCY: Final[dict[str, int]] = {"hy-3d-pro": 3}
_GROUPS: Final[dict[str, str]] = {"hy-3d-3.0": "hy-3d-pro", "hy-3d-3.1": "hy-3d-pro"}
JOB_LIMIT_CODE: Final = "RequestLimitExceeded.JobNumExceed"
JOB_NOT_FOUND_CODE: Final = "FailedOperation.JobNotExist"
_EXTRA_3D_FORMATS: Final = frozenset({"obj", "glb", "stl", "usdz", "fbx", "mp4"})


def concurrency_group(model: str) -> str:
    return _GROUPS.get(model.lower(), model.lower())


@dataclass(frozen=True)
class JobTiming:
    """How long an emulated job stays queued and then running, in seconds.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator

            fast = JobTiming(queued_s=0.05, running_s=0.2)
            print(fast.total_s)  # 0.25
            with TokenHubEmulator(job_timing=fast) as emu:
                emu.jobs.timing = JobTiming(queued_s=0, running_s=1)  # jobs submitted from now on
    """

    queued_s: float = 0.05
    running_s: float = 0.25

    def __post_init__(self) -> None:
        if self.queued_s < 0 or self.running_s < 0:
            raise ValueError("JobTiming durations must be >= 0")

    @property
    def total_s(self) -> float:
        return self.queued_s + self.running_s


@dataclass(frozen=True)
class JobFailure:
    """Why an emulated job failed: the error ``code`` and ``message`` its status reports.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import JobStore, JobTiming

            store = JobStore(JobTiming(queued_s=0, running_s=0))
            store.fail_next("hy-video-1.5", code="FailedOperation.ModerationFailed")
            job = store.submit("hy-video-1.5", "video", {"prompt": "小河流水"})
            print(job.state().failure)  # JobFailure(code='FailedOperation.ModerationFailed', ...)
    """

    code: str
    message: str


@dataclass(frozen=True)
class JobState:
    """A job's status at one instant.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import JobStore, JobTiming

            store = JobStore(JobTiming(queued_s=60, running_s=60))
            job = store.submit("hy-image-v3.0", "image", {"prompt": "a koi pond"})
            print(job.state())  # JobState(status='queued', progress=0, ...)
            store.complete(job.id)
            print(job.state().status, job.state().terminal)  # completed True
    """

    status: JobStatus
    progress: int
    completed_at: float | None
    failure: JobFailure | None

    @property
    def terminal(self) -> bool:
        return self.status in ("completed", "failed")


@dataclass
class Job:
    """One submitted job. ``params`` is the submitted JSON body.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import TokenHubEmulator
            from hunyuan_tokenhub.jobs import JobClient

            with TokenHubEmulator() as emu, JobClient(api_key="k", base_url=emu.base_url) as jobs:
                result = jobs.generate("hy-image-v3.0", prompt="a koi pond")
                job = emu.jobs.get(result.job_id)
                print(job.model, job.params["prompt"], job.state().status)
                # hy-image-v3.0 a koi pond completed
    """

    id: str
    model: str
    kind: JobKind
    params: dict[str, Any]
    created_at: float
    timing: JobTiming
    failure: JobFailure | None = None
    settled_at: float | None = None
    settled_failure: JobFailure | None = field(default=None)

    def state(self, now: float | None = None) -> JobState:
        now = time.time() if now is None else now
        if self.settled_at is not None and now >= self.settled_at:
            if self.settled_failure is not None:
                return JobState("failed", 100, self.settled_at, self.settled_failure)
            return JobState("completed", 100, self.settled_at, None)
        elapsed = now - self.created_at
        if elapsed < self.timing.queued_s:
            return JobState("queued", 0, None, None)
        if elapsed < self.timing.total_s:
            running = (elapsed - self.timing.queued_s) / self.timing.running_s
            return JobState("in_progress", min(99, int(running * 100)), None, None)
        finished = self.created_at + self.timing.total_s
        if self.failure is not None:
            return JobState("failed", 100, finished, self.failure)
        return JobState("completed", 100, finished, None)


class JobLimitExceeded(Exception):
    """Too many unfinished jobs in ``group`` (the account's concurrency limit).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import JobLimitExceeded, JobStore, JobTiming

            store = JobStore(JobTiming(queued_s=60, running_s=60))  # TokenHub's limits: 1 video job
            store.submit("hy-video-1.5", "video", {"prompt": "小河流水"})
            try:
                store.submit("hy-video-1.5", "video", {"prompt": "大江东去"})
            except JobLimitExceeded as exc:
                print(exc.group, exc.limit)  # hy-video-1.5 1
    """

    def __init__(self, group: str, limit: int) -> None:
        super().__init__(f"{limit} job(s) of {group} are already running")
        self.group = group
        self.limit = limit


class JobStore:
    """Every job the emulator accepted; shared by both hosts and by the legacy endpoints.

    ``timing`` may be replaced at any time; each job keeps the timing it was submitted with
    (``complete(job_id)`` / ``fail(job_id)`` end a running job at once).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import JobStore, JobTiming

            store = JobStore(JobTiming(queued_s=0, running_s=0))
            job = store.submit("hy-video-1.5", "video", {"prompt": "小河流水"})
            print(store.get(job.id).state().status)  # completed
    """

    def __init__(
        self, timing: JobTiming | None = None, concurrency: bool | Mapping[str, int] = True
    ) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._failures: list[tuple[str | None, JobFailure]] = []
        self._submits: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self.timing = timing or JobTiming()
        self.concurrency_limits: dict[str, int] | None = None
        self.set_concurrency(concurrency)
        self.models_by_kind: dict[JobKind, set[str]] = {}
        self._reset_models()

    def _reset_models(self) -> None:
        self.models_by_kind = {kind: set(models) for kind, models in MODELS_BY_KIND.items()}

    def add_model(self, model: str, kind: JobKind) -> None:
        """Serve another job model on ``/v1/api/{kind}/*`` (until :meth:`clear`); its submits
        are checked only for a body with that model."""
        self.models_by_kind[kind].add(model.lower())

    def known_model(self, model: str) -> bool:
        """Whether any job route (the lite and wand endpoints too) serves ``model``."""
        lowered = model.lower()
        if lowered in (LITE_MODEL, WAND_VIDEO_MODEL, *WAND_IMAGE_MODELS):
            return True
        return any(lowered in models for models in self.models_by_kind.values())

    def set_concurrency(self, concurrency: bool | Mapping[str, int]) -> None:
        """``True``: TokenHub's documented limits (1 per model, 3 for hy-3d-3.0/3.1 together);
        ``False``: unlimited; a mapping overrides the limit per model or group."""
        if concurrency is False:
            self.concurrency_limits = None
        elif concurrency is True:
            self.concurrency_limits = dict(DEFAULT_CONCURRENCY)
        else:
            self.concurrency_limits = {**DEFAULT_CONCURRENCY, **concurrency}

    def limit_for(self, model: str) -> int | None:
        if self.concurrency_limits is None:
            return None
        group = concurrency_group(model)
        return self.concurrency_limits.get(group, self.concurrency_limits.get(model.lower(), 1))

    def submit(self, model: str, kind: JobKind, params: dict[str, Any]) -> Job:
        """Accept a job or raise ``JobLimitExceeded``."""
        model = model.lower()
        now = time.time()
        with self._lock:
            limit = self.limit_for(model)
            if limit is not None:
                group = concurrency_group(model)
                active = sum(
                    1
                    for job in self._jobs.values()
                    if concurrency_group(job.model) == group and not job.state(now).terminal
                )
                if active >= limit:
                    raise JobLimitExceeded(group, limit)
            job = Job(
                id=str(1429890795996585000 + next(self._ids)),
                model=model,
                kind=kind,
                params=params,
                created_at=now,
                timing=self.timing,
                failure=self._claim_failure(model),
            )
            self._jobs[job.id] = job
            self._submits[model] += 1
            return job

    def _claim_failure(self, model: str) -> JobFailure | None:
        for index, (wanted, failure) in enumerate(self._failures):
            if wanted is None or wanted == model:
                del self._failures[index]
                return failure
        return None

    def fail_next(
        self,
        model: str | None = None,
        *,
        code: str = "FailedOperation.ModerationFailed",
        message: str = "The content did not pass moderation.",
    ) -> None:
        """Make the next job submitted (for ``model``, or any) end ``failed`` with this error."""
        with self._lock:
            self._failures.append((model.lower() if model else None, JobFailure(code, message)))

    def fail(
        self,
        job_id: str,
        *,
        code: str = "FailedOperation.InnerError",
        message: str = "The job failed.",
    ) -> None:
        """End ``job_id`` as ``failed`` now."""
        self._settle(job_id, JobFailure(code, message))

    def complete(self, job_id: str) -> None:
        """End ``job_id`` as ``completed`` now."""
        self._settle(job_id, None)

    def _settle(self, job_id: str, failure: JobFailure | None) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job.state().terminal:
                return
            job.settled_at = time.time()
            job.settled_failure = failure

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit_count(self, model: str | None = None) -> int:
        """How many jobs were accepted (for ``model``, or in total)."""
        with self._lock:
            if model is None:
                return sum(self._submits.values())
            return self._submits[model.lower()]

    @property
    def submits(self) -> dict[str, int]:
        with self._lock:
            return dict(self._submits)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()
            self._failures.clear()
            self._submits.clear()
            self._reset_models()

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        with self._lock:
            return iter(list(self._jobs.values()))


class JobEndpoints:
    """Handlers for the TokenHub generation routes, backed by a ``JobStore``."""

    def __init__(self, store: JobStore, files: FileSettings | None = None) -> None:
        self.store = store
        self.files = files or FileSettings()
        self._lite_ids = itertools.count(1)

    def lite(self, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        _require_model(body, (LITE_MODEL,), "/v1/api/image/lite", self.store.known_model)
        _require_text(body, "prompt", max_length=1024)
        job_id = f"lite-{next(self._lite_ids)}"
        return json_response(
            {
                "created": int(time.time()),
                "request_id": request.request_id,
                "data": [
                    {
                        "url": file_url(
                            request.root_url, job_id, "image_0.png", signed=self.files.signed_urls
                        )
                    }
                ],
            }
        )

    def _require_model(self, body: dict[str, Any], kind: JobKind, action: str) -> str:
        allowed = tuple(sorted(self.store.models_by_kind[kind]))
        return _require_model(body, allowed, f"/v1/api/{kind}/{action}", self.store.known_model)

    def submit(self, kind: JobKind, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        model = self._require_model(body, kind, "submit")
        _validate_job_params(model, body)
        try:
            job = self.store.submit(model, kind, body)
        except JobLimitExceeded as exc:
            raise _limit_error(exc) from exc
        return json_response(
            {
                "id": job.id,
                "request_id": request.request_id,
                "object": OBJECT_BY_KIND[kind],
                "created_at": int(job.created_at),
                "status": "queued",
            }
        )

    def query(self, kind: JobKind, request: EmulatorRequest) -> EmulatorResponse:
        body = request.json_object()
        model = self._require_model(body, kind, "query")
        job_id = body.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise EmulatorError(400, "Missing required parameter: 'id'.", param="id")
        job = self.store.get(job_id)
        if job is None or job.kind != kind:
            raise EmulatorError(
                400,
                f"Job '{job_id}' does not exist or has expired.",
                code=JOB_NOT_FOUND_CODE,
                type_="invalid_request_error",
                param="id",
            )
        if job.model != model:
            raise EmulatorError(
                400,
                f"Job '{job_id}' was submitted with model '{job.model}', not '{model}'.",
                param="model",
            )
        payload = job_payload(
            job, request.root_url, request.request_id, signed=self.files.signed_urls
        )
        return json_response(payload)

    # --- "wand" endpoints (https://cloud.tencent.com/document/product/1823/135745, /137202) ---

    def wand_image(self, request: EmulatorRequest) -> EmulatorResponse:
        """``POST /v1/wand/hunyuan-image/{v3,v35}-generation``: the image, at once."""
        body = request.json_object()
        model = _require_model(
            body, WAND_IMAGE_MODELS, request.path, lambda m: self.store.known_model(m)
        )
        prompt = _require_text(body, "prompt", max_length=8192)
        images = body.get("images")
        if images is not None and (not isinstance(images, list) or len(images) > 3):
            raise EmulatorError(400, "'images' must be a list of at most 3 images.", param="images")
        size = body.get("size")
        if size is not None and not _WAND_SIZE.fullmatch(str(size)):
            raise EmulatorError(400, "'size' must be 'WxH', e.g. '1024x1024'.", param="size")
        footnote = body.get("footnote")
        if footnote is not None and (not isinstance(footnote, str) or len(footnote) > 16):
            raise EmulatorError(400, "'footnote' must be at most 16 characters.", param="footnote")
        answer_id = f"{model}-{next(self._lite_ids)}"
        url = file_url(request.root_url, answer_id, "image_0.png", signed=self.files.signed_urls)
        return json_response(
            {
                "id": answer_id,
                "created": int(time.time()),
                "request_id": request.request_id,
                "data": [{"url": url, "revised_prompt": prompt}],
            }
        )

    def wand_video_submit(self, request: EmulatorRequest) -> EmulatorResponse:
        """``POST /v1/wand/hunyuan-video/generation``: ``{task_id, created, request_id}``."""
        body = request.json_object()
        model = _require_model(
            body, (WAND_VIDEO_MODEL,), request.path, lambda m: self.store.known_model(m)
        )
        if not (body.get("prompt") or body.get("image") or body.get("image_url")):
            raise EmulatorError(400, "Give a prompt, or an image to animate.", param="prompt")
        try:
            job = self.store.submit(model, "video", body)
        except JobLimitExceeded as exc:
            raise _limit_error(exc) from exc
        return json_response(
            {"task_id": job.id, "created": int(job.created_at), "request_id": request.request_id}
        )

    def wand_video_task(self, request: EmulatorRequest) -> EmulatorResponse:
        """``GET /v1/wand/hunyuan-video/tasks/{task_id}``."""
        task_id = request.params["task_id"]
        job = self.store.get(task_id)
        if job is None or job.model != WAND_VIDEO_MODEL:
            raise EmulatorError(
                404, f"Task '{task_id}' does not exist.", code=JOB_NOT_FOUND_CODE, param="task_id"
            )
        state = job.state()
        payload: dict[str, Any] = {
            "task_id": job.id,
            "request_id": request.request_id,
            "created": int(job.created_at),
            "status": _WAND_STATUS[state.status],
        }
        if state.status == "completed":
            url = file_url(request.root_url, job.id, "video.mp4", signed=self.files.signed_urls)
            payload["videos"] = [{"url": url}]
        if state.failure is not None:
            payload["error"] = {"code": state.failure.code, "message": state.failure.message}
        return json_response(payload)


def _limit_error(exc: JobLimitExceeded) -> EmulatorError:
    return EmulatorError(
        429,
        f"Concurrent job limit reached: {exc.limit} {exc.group} job(s) already running. "
        "Retry after one finishes.",
        code=JOB_LIMIT_CODE,
        type_="rate_limit_exceeded",
    )


def job_payload(
    job: Job, root_url: str, request_id: str, *, signed: bool = False
) -> dict[str, Any]:
    """The documented query response for ``job`` right now."""
    state = job.state()
    payload: dict[str, Any] = {
        "request_id": request_id,
        "object": OBJECT_BY_KIND[job.kind],
        "created_at": int(job.created_at),
    }
    if state.completed_at is not None:
        payload["completed_at"] = int(state.completed_at)
    payload["status"] = state.status
    # TokenHub's job pages show progress for video only (in progress and completed), never
    # for 3D or images.
    if job.kind == "video" and state.status in ("in_progress", "completed"):
        payload["progress"] = state.progress
    if state.status == "completed":
        payload["data"] = result_data(job, root_url, signed=signed)
    if state.failure is not None:
        payload["error"] = {"code": state.failure.code, "message": state.failure.message}
    return payload


def result_data(job: Job, root_url: str, *, signed: bool = False) -> Any:
    """Per-kind ``data``: images and 3D files as lists, a video as one object."""
    url = partial(file_url, root_url, job.id, signed=signed)
    if job.kind == "image":
        prompt = job.params.get("prompt")
        return [
            {
                "url": url("image_0.png"),
                "revised_prompt": prompt if isinstance(prompt, str) else "",
            }
        ]
    if job.kind == "video":
        return {"url": url("video.mp4")}
    preview = url("preview.png")
    files = [
        {
            "type": "obj",
            "url": url("model_obj.zip"),
            "preview_image_url": preview,
        },
        {
            "type": "glb",
            "url": url("model.glb"),
            "preview_image_url": preview,
        },
    ]
    extra = job.params.get("result_format")
    if isinstance(extra, str) and extra.lower() not in ("obj", "glb"):
        fmt = extra.lower()
        files.append(
            {
                "type": fmt,
                "url": url(f"model.{fmt}"),
                "preview_image_url": preview,
            }
        )
    return files


def _require_model(
    body: dict[str, Any], allowed: tuple[str, ...], route: str, known: Callable[[str], bool]
) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        raise EmulatorError(400, "Missing required parameter: 'model'.", param="model")
    lowered = model.strip().lower()
    if lowered in allowed:
        return lowered
    if known(lowered):
        raise EmulatorError(
            400,
            f"Model '{model}' cannot be used on {route}; use one of: {', '.join(allowed)}.",
            param="model",
        )
    raise EmulatorError(
        403, f"The model '{model}' does not exist or is not enabled.", param="model"
    )


def _require_text(body: dict[str, Any], name: str, *, max_length: int | None = None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EmulatorError(400, f"Missing required parameter: '{name}'.", param=name)
    if max_length is not None and len(value) > max_length:
        raise EmulatorError(400, f"'{name}' must be at most {max_length} characters.", param=name)
    return value


def _validate_job_params(model: str, body: dict[str, Any]) -> None:
    """The required parameters of each model's Cloud API action (Tencent Cloud API reference);
    a model added with ``JobStore.add_model`` is not checked."""
    if model == "hy-image-v3.0":
        _require_text(body, "prompt", max_length=8192)
        images = body.get("images")
        if images is not None and (not isinstance(images, list) or len(images) > 3):
            raise EmulatorError(400, "'images' must be a list of at most 3 images.", param="images")
    elif model in ("hy-video-1.5", "yt-video-humanactor"):
        _require_text(body, "prompt")
        if model == "yt-video-humanactor":
            _require_text(body, "audio_url")
            if not (body.get("image_url") or body.get("image_base64")):
                raise EmulatorError(
                    400, "One of 'image_url' or 'image_base64' is required.", param="image_url"
                )
    elif model == "yt-video-2.0":
        image = body.get("image")
        if not isinstance(image, dict) or not (image.get("url") or image.get("base64")):
            raise EmulatorError(
                400, "'image' must be an object with 'url' or 'base64'.", param="image"
            )
    elif model == "yt-video-fx":
        _require_text(body, "template")
        images = body.get("images")
        if not isinstance(images, list) or not images:
            raise EmulatorError(400, "'images' must be a non-empty list.", param="images")
    elif model in _HY_3D:
        _validate_3d(body)


def _validate_3d(body: dict[str, Any]) -> None:
    given = [name for name in ("prompt", "image_url", "image_base64") if body.get(name)]
    sketch = str(body.get("generate_type", "")).lower() == "sketch"
    if not given or (len(given) > 1 and not sketch):
        raise EmulatorError(
            400,
            "Exactly one of 'prompt', 'image_url' or 'image_base64' is required "
            f"(got {', '.join(given) or 'none'}).",
            param="prompt",
        )
    result_format = body.get("result_format")
    if result_format is not None and (
        not isinstance(result_format, str) or result_format.lower() not in _EXTRA_3D_FORMATS
    ):
        raise EmulatorError(
            400,
            f"'result_format' must be one of {', '.join(sorted(_EXTRA_3D_FORMATS))}.",
            param="result_format",
        )
