"""The model data: every model TokenHub serves (or served), one validated entry each.

The facts live in ``models.json`` beside this module, each entry with the public pages it comes
from and the date they were read; this module only defines their shape, loads them once (on
first use, so importing the package stays cheap) and answers look-ups. Users add or override
entries at run time with ``register_model`` (an ``ep-xxxxxxxx`` service takes its base model's
behaviour with ``based_on=``).

A model id the data does not know gets the entry that cannot cause the gateway's documented
400s: thinking is treated as possibly on (reasoning is passed back on tool-call turns, a forced
``tool_choice`` is not sent), and nothing model-specific is assumed.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._exceptions import ConfigurationError

ModelKind = Literal["chat", "embedding", "image", "video", "3d"]
ModelStatus = Literal["online", "retired", "unknown"]
ThinkingDefault = Literal["on", "off", "always", "never", "unknown"]
ReasoningPassback = Literal["never", "tool_turns", "always"]
StructuredOutputMethod = Literal["function_calling", "json_mode", "json_schema"]
EmbeddingModality = Literal["text", "multimodal"]

DEFAULT_CONTEXT_WINDOW = 32_768
DEFAULT_MAX_OUTPUT_TOKENS = 4_096

_DATA_FILE = "models.json"

# The gateway's documented switch (https://cloud.tencent.cn/document/product/1823/131208,
# read 2026-12-01), used for models whose entry spells no other.
_GATEWAY_THINKING_SWITCH: dict[Literal["on", "off"], dict[str, Any]] = {
    "on": {"thinking": {"type": "enabled"}},
    "off": {"thinking": {"type": "disabled"}},
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """A public page an entry's facts come from."""

    url: str
    read: date
    """The day the page was read."""
    facts: tuple[str, ...] = ()
    """The entry's fields this page supports."""
    says: str = ""
    """What the page says, quoted or summarised (conflicts with other pages are noted here)."""


class ThinkingSpec(_Frozen):
    """A chat model's thinking (deep reasoning) mode.

    ``default``: ``on`` (switchable, on unless turned off), ``off`` (switchable, off unless turned
    on), ``always`` (cannot be turned off), ``never`` (no thinking mode) or ``unknown``.
    ``switch`` is the request-body fragment that turns thinking on or off, per state.
    ``passback`` says which assistant messages carry their ``reasoning_content`` back while
    thinking is on: ``tool_turns`` (every message with tool calls, ``""`` when it had none),
    ``never`` (the model rejects it) or ``always``. ``forced_tool_choice``: whether ``required``
    or a named function is accepted while thinking is on.
    """

    default: ThinkingDefault = "unknown"
    switch: dict[Literal["on", "off"], dict[str, Any]] = Field(
        default_factory=lambda: dict(_GATEWAY_THINKING_SWITCH)
    )
    passback: ReasoningPassback = "tool_turns"
    forced_tool_choice: bool = False
    reasoning_effort: tuple[str, ...] | None = None
    """Accepted ``reasoning_effort`` values where documented for this model."""


class ChatSpec(_Frozen):
    """What a chat model accepts beyond the common Chat Completions parameters."""

    thinking: ThinkingSpec = Field(default_factory=ThinkingSpec)
    supports_tools: bool = True
    image_inputs: bool | None = None
    """``None``: not documented either way (images are sent; the server decides)."""
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    fixed_sampling: dict[str, str] = Field(default_factory=dict)
    """Parameters the model fixes, with the documented value: a user's value is not sent."""
    reasoning_tags: tuple[str, str] | None = None
    """Tags around reasoning that the model may put at the start of ``content``."""
    structured_output_method: StructuredOutputMethod = "function_calling"


# --- generation models ---------------------------------------------------------------------

GenerationFamily = Literal["tokenhub-api", "tokenhub-wand-image", "tokenhub-wand-video"]
GenerationState = Literal["queued", "in_progress", "completed", "failed"]
CloudApiAnswer = Literal["image_job", "aiart_image", "vclm_video", "ai3d"]


class GenerationParam(_Frozen):
    """One documented request parameter of a generation model (JSON types, ranges, values).

    ``max_length``/``min_length`` count a string's characters or an array's items;
    ``items`` describes an array's elements, ``properties`` an object's documented fields.
    """

    type: Literal["string", "integer", "number", "boolean", "array", "object"] = "string"
    required: bool = False
    enum: tuple[str | int, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    items: GenerationParam | None = None
    properties: dict[str, GenerationParam] | None = None
    description: str = ""
    examples: tuple[str, ...] | None = None
    """Known values of an open list (effect templates): shown, never enforced."""


class CloudApiAction(_Frozen):
    """The Tencent Cloud API 3.0 action pair that serves a model (``tencentcloud`` backend).

    ``answer`` names the action's answer shape; ``regions``: the only regions it is offered in.
    """

    service: str
    version: str
    submit: str
    query: str | None = None
    answer: CloudApiAnswer
    regions: tuple[str, ...] | None = None
    fixed_params: dict[str, Any] = Field(default_factory=dict)
    """Action parameters that name this model (ai3d ``{"Model": "3.1"}``)."""


class GenerationSpec(_Frozen):
    """How an image, video or 3D model is called: the facts its route, request validation,
    tool schema and texts are derived from.

    ``family`` names the endpoint family (its wire format); ``query_path`` is ``None`` for a
    synchronous model. ``statuses`` maps the family's status words onto the normalised states.
    ``max_concurrent_jobs`` is the documented per-account limit, shared by the models of one
    ``concurrency_group``. ``params`` are the documented parameters (checked before sending;
    any other parameter is sent unchecked); ``params_documented=False`` says none were found.
    ``request_type`` names a typed request class with rules spanning fields, ``tool_args`` the
    curated argument schema agents see (else both are built from ``params``). ``backends``
    lists the job backends that offer the model.
    """

    family: GenerationFamily = "tokenhub-api"
    submit_path: str | None = None
    """``None`` for a model TokenHub does not serve (only another backend does)."""
    query_path: str | None = None
    statuses: dict[str, GenerationState] = Field(default_factory=dict)
    result_field: str = "data"
    url_lifetime_hours: float | None = Field(default=None, gt=0)
    """``None``: not documented (results then carry no expiry; download them at once)."""
    max_concurrent_jobs: int = Field(default=1, ge=1)
    concurrency_group: str | None = None
    expected_seconds: int | None = None
    """Typical time from submit to result, where documented (shown to agents)."""
    params: dict[str, GenerationParam] = Field(default_factory=dict)
    params_documented: bool = True
    request_type: str | None = None
    tool_args: str | None = None
    backends: tuple[str, ...] = ("tokenhub",)
    cloud_api: CloudApiAction | None = None


class EmbeddingSpec(_Frozen):
    """An embedding model's output and request limits (its context window is ``ModelInfo``'s).

    ``modality``: ``text`` (strings only) or ``multimodal`` (text and images). ``endpoint`` is
    the path under the base URL. ``inputs_per_request``: inputs one request may carry (a
    multimodal request fuses its items into one vector, so there it is 1). ``max_input_chars``:
    the documented length limit of one text, where there is one. The output size is fixed: the
    gateway takes no ``dimensions``.
    """

    dimensions: int = Field(gt=0)
    modality: EmbeddingModality = "text"
    endpoint: str = "/embeddings"
    inputs_per_request: int = Field(default=1, gt=0)
    max_input_chars: int | None = Field(default=None, gt=0)


class ModelInfo(_Frozen):
    """One model's entry in the model data.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import get_model_info, list_models

            info = get_model_info("kimi-k2.6")
            print(info.status, info.chat.thinking.default, info.chat.fixed_sampling)
            # online on {'temperature': ...}
            print([model.id for model in list_models("chat") if model.reasoning])
            print(get_model_info("ep-abc12345").documented)  # False: an unknown service id
    """

    id: str
    kind: ModelKind = "chat"
    display_name: str = ""
    status: ModelStatus = "online"
    retired_on: date | None = None
    replaced_by: str | None = None
    context_window: int = DEFAULT_CONTEXT_WINDOW
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    chat: ChatSpec | None = None
    generation: GenerationSpec | None = None
    embedding: EmbeddingSpec | None = None
    sources: tuple[Source, ...] = ()
    documented: bool = True
    """``False`` for an id the data does not know (its entry holds the safe defaults)."""

    @property
    def reasoning(self) -> bool:
        """Whether the model thinks when no thinking setting is sent (or may: unknown ids)."""
        return self.chat is not None and self.chat.thinking.default in ("on", "always", "unknown")

    @property
    def supports_tools(self) -> bool:
        return self.chat is not None and self.chat.supports_tools

    @property
    def reasoning_passback(self) -> ReasoningPassback:
        return self.chat.thinking.passback if self.chat is not None else "never"

    @property
    def structured_output_method(self) -> StructuredOutputMethod:
        return self.chat.structured_output_method if self.chat else "function_calling"


class ModelData(_Frozen):
    """The whole data file."""

    as_of: date
    reasoning_effort: tuple[str, ...]
    """The ``reasoning_effort`` values the gateway accepts."""
    reasoning_effort_sources: tuple[Source, ...] = ()
    models: tuple[ModelInfo, ...]


@cache
def model_data() -> ModelData:
    """The packaged model data, loaded and validated once."""
    text = resources.files(__package__).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    try:
        return ModelData.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:  # a broken package, not a user error
        raise ConfigurationError(f"the packaged {_DATA_FILE} is invalid: {exc}") from exc


_registered: dict[str, ModelInfo] = {}
_registry_lock = threading.Lock()
_registry_version = 0
_retirement_warned: set[str] = set()


@cache
def _packaged_by_id() -> dict[str, ModelInfo]:
    return {m.id.lower(): m for m in model_data().models}


@lru_cache(maxsize=256)  # looked up on every request of an ep-... service; entries are frozen
def _unknown_chat_model(model_id: str) -> ModelInfo:
    return ModelInfo(id=model_id, chat=ChatSpec(), status="unknown", documented=False)


def get_model_info(model: str) -> ModelInfo:
    """The entry for ``model`` (case-insensitive): registered, packaged, or the safe default.

    Unknown ids, such as custom service ids ``ep-xxxxxxxx``, get a chat entry with
    ``documented=False`` whose behaviour cannot cause the documented 400s (see the module
    docstring); ``register_model`` gives them their base model's behaviour instead.
    """
    key = model.strip().lower()
    found = _registered.get(key) or _packaged_by_id().get(key)
    return found if found is not None else _unknown_chat_model(model)


def list_models(kind: ModelKind | None = None, *, include_retired: bool = True) -> list[ModelInfo]:
    """Every model in the data (registered ones included), optionally of one kind."""
    merged = {**_packaged_by_id(), **_registered}
    return [
        m
        for m in merged.values()
        if (kind is None or m.kind == kind) and (include_retired or m.status != "retired")
    ]


def register_model(
    entry: ModelInfo | Mapping[str, Any] | str, *, based_on: str | None = None
) -> ModelInfo:
    """Add or override a model entry for this process, and return it.

    ``entry`` is a ``ModelInfo``, a mapping in the data file's shape, or just an id. With
    ``based_on``, the entry starts as a copy of that model's entry (how an ``ep-xxxxxxxx``
    service gets its base model's thinking rules, limits and sampling rules) and the mapping's
    fields replace the copy's::

        register_model("ep-abc12345", based_on="kimi-k2.6")
        register_model({"id": "my-model", "context_window": 200_000}, based_on="glm-5.1")
    """
    fields: dict[str, Any]
    if isinstance(entry, ModelInfo):
        fields = entry.model_dump()
    elif isinstance(entry, str):
        fields = {"id": entry}
    else:
        fields = dict(entry)
    if not isinstance(fields.get("id"), str) or not fields["id"].strip():
        raise ConfigurationError("register_model: the entry needs a non-empty 'id'")
    if based_on is not None:
        base = get_model_info(based_on)
        if not base.documented:
            raise ConfigurationError(
                f"register_model: based_on={based_on!r} is not a known model "
                "(hunyuan_tokenhub.list_models() lists them)"
            )
        fields = {**base.model_dump(), "display_name": "", **fields}
    fields.setdefault("kind", "chat")
    if fields["kind"] == "chat":
        fields.setdefault("chat", {})
    fields["documented"] = True
    try:
        info = ModelInfo.model_validate(fields)
    except ValidationError as exc:
        raise ConfigurationError(f"register_model: invalid entry: {exc}") from exc
    global _registry_version
    with _registry_lock:
        _registered[info.id.lower()] = info
        _registry_version += 1
    return info


def unregister_model(model: str) -> None:
    """Remove an entry added with ``register_model`` (the packaged entry, if any, is back)."""
    global _registry_version
    with _registry_lock:
        _registered.pop(model.strip().lower(), None)
        _registry_version += 1


def registry_version() -> int:
    """A number that changes whenever an entry is registered or removed (tables derived from
    the data rebuild when it does)."""
    return _registry_version


def warn_if_retired(info: ModelInfo) -> None:
    """Warn once per process when a retired model is used (the gateway no longer serves it)."""
    if info.status != "retired" or info.id in _retirement_warned:
        return
    _retirement_warned.add(info.id)
    when = f" on {info.retired_on.isoformat()}" if info.retired_on else ""
    instead = f"; use {info.replaced_by!r} instead" if info.replaced_by else ""
    warnings.warn(
        f"model {info.id!r} was retired{when}{instead} "
        "(hunyuan_tokenhub.list_models(include_retired=False) lists the current ones)",
        UserWarning,
        stacklevel=3,
    )
