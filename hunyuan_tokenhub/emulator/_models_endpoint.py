"""``GET /v1/models``: the chat models this account can call.

TokenHub answers ``{"object": "list", "data": [{"id", "object": "model", "created",
"status": "online"}, ...]}`` (the Hy3 quickstart's ``curl .../v1/models``, and a client test
fixture of the real answer, https://github.com/Tencent-Hunyuan/Hy3/blob/main/quickstart.md,
read 2026-12-01). Authentication is the route's (a 401 without a key).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._chat import ChatPolicy
from ._http import EmulatorRequest, EmulatorResponse, json_response
from ._served_models import GENERIC_SERVICE, SERVED_CHAT_MODELS


class ModelsEndpoint:
    """Lists the table's online models (retired and plan-gated ones left out) and the ids
    the emulator was told to serve besides them."""

    def __init__(self, policy: Callable[[], ChatPolicy]) -> None:
        self._policy = policy

    def __call__(self, request: EmulatorRequest) -> EmulatorResponse:
        policy = self._policy()
        entries = [
            _entry(model.id, model.created)
            for model in SERVED_CHAT_MODELS
            if model.status == "online" and model.id not in policy.plan_gated
        ]
        listed = {entry["id"] for entry in entries}
        for extra in sorted({*policy.extra_models, *policy.service_bases}):
            if extra not in listed and extra not in policy.plan_gated:
                entries.append(_entry(extra, GENERIC_SERVICE.created))
        return json_response({"object": "list", "data": entries})


def _entry(model_id: str, created: int) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "status": "online"}
