"""The account's model list as the gateway reports it (``GET /v1/models``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import APIError

MODELS_PATH = "/models"


@dataclass(frozen=True)
class RemoteModel:
    """One model the gateway lists for the key: ``id``, ``created`` and ``status``.

    ``status`` is ``"online"``, or ``"pre-offline"`` for a model about to be retired (whose
    calls may already fail); every other field the gateway sends is kept in ``raw``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient

            with TokenHubClient() as client:  # key from TOKENHUB_API_KEY
                for model in client.list_models():
                    print(model.id, model.status, model.created)
    """

    id: str
    created: int | None = None
    status: str | None = None
    owned_by: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def parse_model_list(body: Any) -> list[RemoteModel]:
    """The models of a ``{"object": "list", "data": [...]}`` answer; a malformed one raises."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list):
        raise APIError("the model list has no 'data' array", body=body)
    models: list[RemoteModel] = []
    for position, entry in enumerate(data):
        model_id = entry.get("id") if isinstance(entry, Mapping) else None
        if not isinstance(model_id, str) or not model_id:
            raise APIError(f"the model list's entry {position} has no id: {entry!r}", body=body)
        created = entry.get("created")
        models.append(
            RemoteModel(
                id=model_id,
                created=created
                if isinstance(created, int) and not isinstance(created, bool)
                else None,
                status=_text(entry.get("status")),
                owned_by=_text(entry.get("owned_by")),
                raw=dict(entry),
            )
        )
    return models


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
