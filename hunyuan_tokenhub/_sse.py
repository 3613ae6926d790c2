"""Server-Sent Events decoding for streamed chat completions.

TokenHub sends ``data: {chunk}`` events ended by ``data: [DONE]``. The decoder turns lines into
chunk dicts and makes every way a stream can go wrong loud: a chunk that is not JSON (the vendor's
own example has one), an error object sent inside the stream, and a stream that stops before
``[DONE]``.
"""

from __future__ import annotations

from typing import Any

from ._exceptions import StreamError, error_details, load_json, status_of_error, typed_error

DONE = "[DONE]"


def stream_error_from_payload(payload: dict[str, Any], raw_line: str) -> Exception:
    """The typed error for an ``{"error": ...}`` object received inside a stream.

    Its status comes from the code or type (``rate_limit_error``/``429006`` is a
    ``RateLimitError``); an error that names none is a ``StreamError``.
    """
    details = error_details(payload)
    status = status_of_error(details)
    if status is None:
        return StreamError(
            details.message or "error inside the stream",
            raw_line=raw_line,
            code=details.code,
            request_id=details.request_id,
            type=details.type,
            source=details.source,
            message_zh=details.message_zh,
            body=payload,
        )
    return typed_error(status, details, body=payload, fallback_message="error inside the stream")


class SSEDecoder:
    """Feed it lines; it returns a parsed chunk whenever an event is complete.

    Comments (``:``), ``event:``/``id:``/``retry:`` fields and blank lines between events are
    skipped. ``done`` becomes true at ``[DONE]``; call :meth:`finish` when the transport ends
    so that a cut-off stream raises instead of ending quietly.
    """

    __slots__ = ("_pending", "done")

    def __init__(self) -> None:
        self._pending: list[str] = []
        self.done = False

    def feed(self, line: str) -> dict[str, Any] | None:
        if line.startswith("data:"):
            data = line[6:] if line.startswith("data: ") else line[5:]
            data = data.rstrip("\r")
            if self._pending:
                self._pending.append(data)
                return None
            # Almost every server sends one data line per event; decode it at once rather
            # than waiting for the blank line, which keeps time-to-first-chunk minimal. A line
            # that is not JSON on its own may be the first of a multi-line event: keep it
            # until the blank line ends the event.
            if data == DONE:
                self.done = True
                return None
            try:
                chunk = load_json(data)
            except ValueError:
                self._pending.append(data)
                return None
            return self._check(chunk, data)
        if not line.strip() and self._pending:
            return self._flush()
        return None

    def _flush(self) -> dict[str, Any] | None:
        data = "\n".join(self._pending)
        self._pending = []
        return self._decode(data)

    def _decode(self, data: str) -> dict[str, Any] | None:
        if data == DONE:
            self.done = True
            return None
        if not data:
            return None
        try:
            chunk = load_json(data)
        except ValueError as exc:
            raise StreamError(
                f"malformed chunk in the stream (not valid JSON: {exc}): {data[:500]!r}",
                raw_line=f"data: {data}",
            ) from None
        return self._check(chunk, data)

    @staticmethod
    def _check(chunk: Any, data: str) -> dict[str, Any]:
        if not isinstance(chunk, dict):
            raise StreamError(
                f"unexpected chunk in the stream (not a JSON object): {data[:500]!r}",
                raw_line=f"data: {data}",
            )
        if chunk.get("error") and "choices" not in chunk:
            raise stream_error_from_payload(chunk, f"data: {data}")
        return chunk

    def finish(self) -> None:
        """Call when the transport has no more lines; raises if ``[DONE]`` never came."""
        if self._pending:
            self._flush()
        if self.done:
            return
        raise StreamError("the stream ended before data: [DONE] (connection closed early)")
