"""A job handle: the one string that identifies a generation job anywhere it is kept.

A job id alone is not enough to pick a job up later: polling needs the model (its query body
and endpoint) and the backend it was submitted on. The handle carries all three as
``backend:model:job_id``, so an agent, a checkpointed conversation or a shell can resume a job
from it alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._exceptions import InvalidParameterError

__all__ = ["JobHandle"]

_SEPARATOR = ":"


@dataclass(frozen=True)
class JobHandle:
    """``backend:model:job_id``; ``str()`` gives the handle, :meth:`parse` reads one back.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import JobHandle

            handle = JobHandle("tokenhub", "hy-video-1.5", "1429890795996585001")
            text = str(handle)  # "tokenhub:hy-video-1.5:1429890795996585001"
            assert JobHandle.parse(text) == handle
    """

    backend: str
    model: str
    job_id: str

    def __post_init__(self) -> None:
        for name in ("backend", "model"):
            value = getattr(self, name)
            if not value or _SEPARATOR in value:
                raise InvalidParameterError("job", f"a job handle's {name} is invalid: {value!r}")
        if not self.job_id:
            raise InvalidParameterError("job", "a job handle needs a job id")

    def __str__(self) -> str:
        return _SEPARATOR.join((self.backend, self.model, self.job_id))

    @classmethod
    def parse(cls, text: str | JobHandle) -> JobHandle:
        """Read a handle (a ``JobHandle`` passes through); a bare job id is refused with a
        message saying what is missing."""
        if isinstance(text, JobHandle):
            return text
        parts = text.strip().split(_SEPARATOR, 2) if isinstance(text, str) else []
        if len(parts) != 3 or not all(parts):
            raise InvalidParameterError(
                "job",
                f"{text!r} is not a job handle (backend:model:job_id, as returned when the job "
                "was started); for a bare job id give the model too",
            )
        return cls(parts[0].lower(), parts[1].lower(), parts[2])
