"""Status vocabularies of the job families, mapped onto one: queued/in_progress/completed/failed.

TokenHub says ``queued``/``in_progress``/``completed`` (its failure word is undocumented), the
Cloud API image jobs say ``"1"``/``"2"``/``"5"``/``"4"``, vclm and ai3d say
``WAIT``/``RUN``/``DONE``/``FAIL``. A status nobody documented counts as a failure when the
answer carries an error, otherwise as still running (the overall timeout bounds the wait).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._results import JobState

__all__ = ["find_error", "normalize_state"]

_STATES: Mapping[str, JobState] = {
    # TokenHub /v1/api/*/query and the newer "wand" endpoints
    "queued": "queued",
    "in_progress": "in_progress",
    "running": "in_progress",
    "completed": "completed",
    "succeeded": "completed",
    "failed": "failed",
    # Cloud API image jobs (JobStatusCode, a string)
    "1": "queued",
    "2": "in_progress",
    "4": "failed",
    "5": "completed",
    # vclm / ai3d (Status)
    "wait": "queued",
    "run": "in_progress",
    "done": "completed",
    "fail": "failed",
    # common spellings of the same states elsewhere
    "pending": "queued",
    "waiting": "queued",
    "submitted": "queued",
    "processing": "in_progress",
    "success": "completed",
    "finished": "completed",
    "failure": "failed",
    "error": "failed",
    "cancelled": "failed",
    "canceled": "failed",
    "expired": "failed",
}

_ERROR_KEY_PAIRS = (
    ("job_error_code", "job_error_msg"),
    ("error_code", "error_message"),
    ("error_code", "error_msg"),
    ("JobErrorCode", "JobErrorMsg"),
    ("ErrorCode", "ErrorMessage"),
)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def find_error(payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The (code, message) of a failed job in any of the shapes the families use."""
    error = payload.get("error")
    if isinstance(error, Mapping):
        code = _text(error.get("code")) or _text(error.get("type"))
        message = _text(error.get("message"))
        if code or message:
            return code, message
    elif _text(error):
        return None, _text(error)
    for code_key, message_key in _ERROR_KEY_PAIRS:
        code, message = _text(payload.get(code_key)), _text(payload.get(message_key))
        if code or message:
            return code, message
    return None, None


def normalize_state(raw_status: Any, *, has_error: bool) -> JobState:
    """Map any family's status word or code onto :data:`JobState`."""
    key = _text(raw_status)
    known = _STATES.get(key.lower()) if key else None
    if known is not None:
        return known
    return "failed" if has_error else "in_progress"
