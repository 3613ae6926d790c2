"""Generation jobs (image, video, 3D): typed requests, submit/poll/wait, results, downloads.

Example:
    .. code-block:: python

        from hunyuan_tokenhub.jobs import JobClient

        with JobClient() as jobs:  # key from TOKENHUB_API_KEY
            result = jobs.generate("hy-video-1.5", prompt="a paper boat drifting down a stream")
            print(result.assets[0].url, "valid until", result.expires_at)

There is no server-side cancel: a wait that times out or is cancelled leaves the job running
on the server (it keeps its concurrency slot there and is billed). Resume with
``wait_for_job(handle)``: ``start_job`` returns the handle (``backend:model:job_id``) at once.
"""

from .._exceptions import JobError, JobFailedError, JobTimeoutError
from ._client import AsyncJobClient, JobClient, ProgressCallback
from ._download import DEFAULT_MAX_DOWNLOAD_BYTES, DownloadPolicy, adownload, download
from ._handle import JobHandle
from ._media import DEFAULT_MAX_INPUT_BYTES, MediaPolicy
from ._polling import (
    DEFAULT_POLL_INTERVALS,
    DEFAULT_TIMEOUTS,
    JobDurations,
    PollSchedule,
    SubmitTimeoutError,
)
from ._redis_slots import RedisJobSlots
from ._requests import (
    ExtraParam,
    Hunyuan3DExpressRequest,
    Hunyuan3DProRequest,
    HunyuanImageLiteRequest,
    HunyuanImageV3Request,
    HunyuanVideoRequest,
    JobRequest,
    LogoParam,
    LogoRect,
    VideoImage,
    ViewImage,
    YoutuHumanActorRequest,
    YoutuImageToVideoRequest,
    YoutuTemplateToVideoRequest,
)
from ._results import URL_LIFETIMES, JobAsset, JobKind, JobResult, JobState, JobStatus
from ._slots import JOB_SLOTS_URL_ENV_VAR, JobSlots, SlotStore, open_job_slots
from ._status import normalize_state
from .backends import (
    DEFAULT_BACKEND,
    BackendOptions,
    HTTPCall,
    JobBackend,
    ModelRoute,
    available_backends,
    get_backend,
)
from .backends.tencentcloud import HunyuanImageJobRequest

__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "DEFAULT_MAX_INPUT_BYTES",
    "DEFAULT_POLL_INTERVALS",
    "DEFAULT_TIMEOUTS",
    "JOB_SLOTS_URL_ENV_VAR",
    "URL_LIFETIMES",
    "AsyncJobClient",
    "BackendOptions",
    "DownloadPolicy",
    "ExtraParam",
    "HTTPCall",
    "Hunyuan3DExpressRequest",
    "Hunyuan3DProRequest",
    "HunyuanImageJobRequest",
    "HunyuanImageLiteRequest",
    "HunyuanImageV3Request",
    "HunyuanVideoRequest",
    "JobAsset",
    "JobBackend",
    "JobClient",
    "JobDurations",
    "JobError",
    "JobFailedError",
    "JobHandle",
    "JobKind",
    "JobRequest",
    "JobResult",
    "JobSlots",
    "JobState",
    "JobStatus",
    "JobTimeoutError",
    "LogoParam",
    "LogoRect",
    "MediaPolicy",
    "ModelRoute",
    "PollSchedule",
    "ProgressCallback",
    "RedisJobSlots",
    "SlotStore",
    "SubmitTimeoutError",
    "VideoImage",
    "ViewImage",
    "YoutuHumanActorRequest",
    "YoutuImageToVideoRequest",
    "YoutuTemplateToVideoRequest",
    "adownload",
    "available_backends",
    "build_request",
    "download",
    "get_backend",
    "normalize_state",
    "open_job_slots",
]


def build_request(model: str, request: object = None, /, **params: object) -> JobRequest:
    """Validate parameters for ``model`` on the default backend (nothing is sent)."""
    return get_backend().build_request(model, request, **params)  # type: ignore[arg-type]
