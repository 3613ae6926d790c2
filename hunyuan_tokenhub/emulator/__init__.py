"""A local TokenHub for tests, examples and benchmarks: a real HTTP server on loopback.

It serves ``/v1/chat/completions`` (plain and SSE, tool calls, thinking models with the rules
each model enforces on TokenHub), ``GET /v1/models``, the image,
video and 3D generation jobs with a timed life cycle, and the result files, in the shapes the
TokenHub docs show. Faults (statuses, delays, dropped connections, broken streams, failed jobs,
an unreachable host) are scripted per route. Standard library only.

Example:
    ```python
    import httpx
    from hunyuan_tokenhub.emulator import TokenHubEmulator

    with TokenHubEmulator(api_key="test-key") as emu:
        reply = httpx.post(
            f"{emu.base_url}/chat/completions",
            headers={"Authorization": "Bearer test-key"},
            json={"model": "deepseek-v3.2", "messages": [{"role": "user", "content": "1+1"}]},
        ).json()
        assert reply["choices"][0]["message"]["content"] == "1+1=2"
    ```

Run it standalone with ``python -m hunyuan_tokenhub.emulator --port 8765``; pytest fixtures live
in ``hunyuan_tokenhub.emulator.pytest_plugin``.

Cheat sheet (``emu`` is a started ``TokenHubEmulator``):

* hosts: ``emu.base_url``, ``emu.backup_base_url`` (same state), ``emu.root_url``,
  ``emu.unreachable_base_url``; ``emu.set_reachable("primary", False)`` takes a host down.
* faults: ``emu.faults.add(route=..., status=429, retry_after=0.01, times=2, host=...,
  model=..., delay=..., drop_connection=..., drop_mid_stream=..., malformed_chunk=...,
  stream_error={...}, after_chunks=3, body=...)``; ``emu.faults.clear()``.
* recorded requests: ``emu.requests`` (``.filter(path, host=, method=)``, ``.last``,
  ``.clear()``), each with ``method, path, query, headers, body, json, host, time,
  request_id, status``.
* chat: deterministic rule-based answers and tool calls; per-model rules from
  ``SERVED_CHAT_MODELS`` (``served_chat_model(id)``): thinking default and switch, forced
  ``tool_choice`` refused while thinking, ``reasoning_content`` required back on every
  assistant tool-call message (Kimi, DeepSeek), fixed temperatures; ``emu.set_quirks([...])``
  or the header ``X-Emulator-Quirks`` for gateway quirks (``QUIRKS``); ``emu.stream_delay``;
  ``emu.extra_chat_models``, ``emu.service_bases``, ``emu.plan_gated_models``,
  ``emu.refuse_retired_models``; ``emu.idle_timeout`` closes idle keep-alive connections.
* jobs: ``emu.jobs.timing = JobTiming(...)``, ``.fail_next(model, code=, message=)``,
  ``.fail(id)``, ``.complete(id)``, ``.get(id)``, ``.submit_count(model)``,
  ``.set_concurrency(False | True | {model_or_group: n})``.
* result files: ``emu.files.content_disposition``, ``.body_size``, ``.content_type``,
  ``.chunked``, ``.signed_urls``.
* extension: ``emu.register_route(method, "/path/{param}", handler, auth=True)``.
"""

from ._chat import (
    DEEPSEEK_MISSING_REASONING,
    KIMI_MISSING_REASONING,
    MALFORMED_CHUNK_TEMPLATE,
    PLAN_GATED_CODE,
    QUIRKS,
    QUIRKS_HEADER,
    UNKNOWN_MODEL_CODE,
)
from ._emulator import CHAT_ROUTE, MODELS_ROUTE, TokenHubEmulator
from ._faults import Fault, FaultRegistry
from ._files import FileSettings, file_bytes, file_url
from ._http import (
    DROP_CONNECTION,
    EmulatorError,
    EmulatorRequest,
    EmulatorResponse,
    Handler,
    HostName,
    Route,
    Router,
    error_body,
    json_response,
    sse_data,
    sse_response,
)
from ._jobs import (
    JOB_LIMIT_CODE,
    JOB_NOT_FOUND_CODE,
    MODELS_BY_KIND,
    OBJECT_BY_KIND,
    Job,
    JobFailure,
    JobKind,
    JobLimitExceeded,
    JobState,
    JobStatus,
    JobStore,
    JobTiming,
    job_payload,
    result_data,
)
from ._recorder import RecordedRequest, RequestLog
from ._served_models import (
    DEEPSEEK_FORCED_TOOL_CHOICE,
    SERVED_CHAT_MODELS,
    ServedModel,
    served_chat_model,
)

__all__ = [
    "CHAT_ROUTE",
    "DEEPSEEK_FORCED_TOOL_CHOICE",
    "DEEPSEEK_MISSING_REASONING",
    "DROP_CONNECTION",
    "JOB_LIMIT_CODE",
    "JOB_NOT_FOUND_CODE",
    "KIMI_MISSING_REASONING",
    "MALFORMED_CHUNK_TEMPLATE",
    "MODELS_BY_KIND",
    "MODELS_ROUTE",
    "OBJECT_BY_KIND",
    "PLAN_GATED_CODE",
    "QUIRKS",
    "QUIRKS_HEADER",
    "SERVED_CHAT_MODELS",
    "UNKNOWN_MODEL_CODE",
    "EmulatorError",
    "EmulatorRequest",
    "EmulatorResponse",
    "Fault",
    "FaultRegistry",
    "FileSettings",
    "Handler",
    "HostName",
    "Job",
    "JobFailure",
    "JobKind",
    "JobLimitExceeded",
    "JobState",
    "JobStatus",
    "JobStore",
    "JobTiming",
    "RecordedRequest",
    "RequestLog",
    "Route",
    "Router",
    "ServedModel",
    "TokenHubEmulator",
    "error_body",
    "file_bytes",
    "file_url",
    "job_payload",
    "json_response",
    "result_data",
    "served_chat_model",
    "sse_data",
    "sse_response",
]
