"""Normalised job status and results: one shape for images, videos and 3D models.

Every backend's answers are mapped onto :class:`JobStatus` (a poll) and :class:`JobResult` (a
finished job), so callers and tools never look at a wire format.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field

logger = logging.getLogger("hunyuan_tokenhub")

__all__ = ["URL_LIFETIMES", "JobAsset", "JobKind", "JobResult", "JobState", "JobStatus"]

JobKind = Literal["image", "video", "3d"]
JobState = Literal["queued", "in_progress", "completed", "failed"]

# How long result URLs stay valid (../shared/JOB_PARAMS.md K4): images 1 h, video and 3D 24 h.
URL_LIFETIMES: Mapping[str, timedelta] = {
    "image": timedelta(hours=1),
    "video": timedelta(hours=24),
    "3d": timedelta(hours=24),
}


class JobAsset(BaseModel):
    """One produced file.

    ``kind`` is ``image`` or ``video``, or for 3D the file format (``obj``, ``glb``, ``stl``,
    ``usdz``, ``fbx``, ``mp4`` ...). An OBJ model arrives as a .zip archive.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient

            with JobClient() as jobs:
                model = jobs.generate("hy-3d-3.0", prompt="a ceramic teapot")
            glb = next(asset for asset in model.assets if asset.kind == "glb")
            print(glb.url, glb.preview_url)
    """

    url: str
    kind: str
    preview_url: str | None = None
    revised_prompt: str | None = None


class JobResult(BaseModel):
    """A finished job: its files and when their URLs expire.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient

            with JobClient() as client:  # key from TOKENHUB_API_KEY
                result = client.generate("hy-image-v3.0", prompt="a lighthouse at dawn")
            for asset in result.assets:
                print(asset.kind, asset.url)
            print("valid until", result.expires_at)
    """

    job_id: str
    model: str
    kind: JobKind
    status: JobState = "completed"
    assets: list[JobAsset] = Field(default_factory=list)
    request_id: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def urls(self) -> list[str]:
        """The URL of every asset, in order."""
        return [asset.url for asset in self.assets]


class JobStatus(BaseModel):
    """One poll of a job, in the normalised vocabulary.

    ``raw_status`` keeps the server's own word; ``progress`` is 0-100 when the server gives it;
    ``result`` is set once ``state == "completed"``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobClient

            with JobClient() as jobs:
                job_id = jobs.submit_job("hy-video-1.5", prompt="a paper boat on a stream")
                status = jobs.query_job(job_id, model="hy-video-1.5")
                print(status.state, status.progress)  # e.g. "in_progress" 40
    """

    job_id: str
    model: str
    state: JobState
    progress: int | None = None
    raw_status: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    request_id: str | None = None
    result: JobResult | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def done(self) -> bool:
        """True when the job will not change any more."""
        return self.state in ("completed", "failed")


# Unix seconds of 5138-11-16: larger values are read as milli-, micro- or nanoseconds.
_MAX_SECONDS = 1e11


def timestamp(value: Any) -> datetime | None:
    """A Unix timestamp as an aware UTC datetime; ``None`` if absent or unusable.

    Seconds, milliseconds, microseconds and nanoseconds are told apart by size. A value that
    is no timestamp (text, ``nan``, ``inf``, zero or negative) is dropped with a debug
    log: it is an optional detail and must never cost the result it comes with.
    """
    if value is None:
        return None
    seconds = _finite_number(value)
    while seconds is not None and seconds > _MAX_SECONDS:
        seconds /= 1000
    if seconds is None or seconds <= 0:
        logger.debug("ignoring an unusable timestamp in a job answer: %.100r", value)
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _finite_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def percentage(value: Any) -> int | None:
    """A progress value as an int 0-100; ``None`` (with a debug log) if it is no number."""
    if value is None:
        return None
    number = _finite_number(value)
    if number is None:
        logger.debug("ignoring an unusable progress in a job answer: %.100r", value)
        return None
    return max(0, min(100, round(number)))


def expiry(kind: str, finished_at: datetime | None) -> datetime:
    """When URLs of a ``kind`` job finished at ``finished_at`` (default: now) stop working."""
    start = finished_at or datetime.now(timezone.utc)
    return start + URL_LIFETIMES.get(kind, URL_LIFETIMES["image"])
