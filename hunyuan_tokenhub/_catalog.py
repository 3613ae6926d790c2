"""The model catalogue: what the adapters need to know about each documented TokenHub model.

Only the model ids, their kinds and deepseek-v3.2's 128K context window are documented
(../shared/TOKENHUB_API.md §1). Every other number here is a conservative default chosen so that
nothing overflows; users override it per instance (``context_window=`` on the adapters).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

ModelKind = Literal["chat", "image", "video", "3d"]
ReasoningPassback = Literal["never", "tool_turns", "always"]
StructuredOutputMethod = Literal["function_calling", "json_mode", "json_schema"]

DEFAULT_CONTEXT_WINDOW = 32_768
DEFAULT_MAX_OUTPUT_TOKENS = 4_096


@dataclass(frozen=True)
class ModelInfo:
    """What one model id supports.

    ``reasoning_passback`` says when an assistant message's ``reasoning_content`` is sent back:
    ``never`` (the model rejects it, e.g. deepseek-r1), ``tool_turns`` (only on assistant messages
    that carry tool calls within the current user turn; DeepSeek thinking mode, Kimi and GLM
    thinking models answer 400 without it) or ``always``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import get_model_info, list_models

            info = get_model_info("deepseek-r1-0528")
            print(info.reasoning, info.reasoning_passback, info.supports_forced_tool_choice)
            # True never False
            print([model.id for model in list_models() if model.reasoning])
    """

    id: str
    kind: ModelKind = "chat"
    display_name: str = ""
    context_window: int = DEFAULT_CONTEXT_WINDOW
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    reasoning: bool = False
    reasoning_passback: ReasoningPassback = "tool_turns"
    supports_tools: bool = True
    supports_forced_tool_choice: bool = True
    structured_output_method: StructuredOutputMethod = "function_calling"
    documented: bool = True


def _thinking(model_id: str, display_name: str, passback: ReasoningPassback) -> ModelInfo:
    # Thinking models may reject a forced tool_choice, so structured output must not force one.
    return ModelInfo(
        id=model_id,
        display_name=display_name,
        reasoning=True,
        reasoning_passback=passback,
        supports_forced_tool_choice=False,
    )


CHAT_MODELS: tuple[ModelInfo, ...] = (
    _thinking("hunyuan-2.0-thinking-20251109", "HY 2.0 Think", "tool_turns"),
    ModelInfo("hunyuan-2.0-instruct-20251111", display_name="HY 2.0 Instruct"),
    ModelInfo("hunyuan-role-latest", display_name="Hunyuan-role"),
    ModelInfo("deepseek-v3.2", display_name="DeepSeek-V3.2", context_window=128_000),
    ModelInfo("deepseek-v3.1-terminus", display_name="DeepSeek-V3.1"),
    _thinking("deepseek-r1-0528", "DeepSeek-R1-0528", "never"),
    ModelInfo("deepseek-v3-0324", display_name="DeepSeek-V3-0324"),
    ModelInfo("glm-5", display_name="GLM-5"),
    ModelInfo("kimi-k2.5", display_name="Kimi-K2.5"),
    _thinking("kimi-k2-thinking-turbo", "Kimi-K2-Thinking-Turbo", "tool_turns"),
    ModelInfo("kimi-k2-turbo-preview", display_name="Kimi-K2-Turbo-Preview"),
    ModelInfo("minimax-m2.5", display_name="MiniMax-M2.5"),
    ModelInfo("minimax-m2.7", display_name="MiniMax-M2.7"),
)

GENERATION_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("hy-image-lite", kind="image", display_name="HY-Image-Lite", supports_tools=False),
    ModelInfo("hy-image-v3.0", kind="image", display_name="HY-Image-V3.0", supports_tools=False),
    ModelInfo("hy-video-1.5", kind="video", display_name="HY-Video-1.5", supports_tools=False),
    ModelInfo("yt-video-2.0", kind="video", display_name="YT-Video-2.0", supports_tools=False),
    ModelInfo("yt-video-fx", kind="video", display_name="YT-Video-FX", supports_tools=False),
    ModelInfo(
        "yt-video-humanactor",
        kind="video",
        display_name="YT-Video-HumanActor",
        supports_tools=False,
    ),
    ModelInfo("hy-3d-3.0", kind="3d", display_name="HY-3D-3.0", supports_tools=False),
    ModelInfo("hy-3d-3.1", kind="3d", display_name="HY-3D-3.1", supports_tools=False),
    ModelInfo("hy-3d-express", kind="3d", display_name="HY-3D-Express", supports_tools=False),
)

_BY_ID: dict[str, ModelInfo] = {m.id: m for m in (*CHAT_MODELS, *GENERATION_MODELS)}


def get_model_info(model: str) -> ModelInfo:
    """Return the catalogue entry for ``model`` (case-insensitive).

    Unknown ids, such as custom service ids ``ep-xxxxxxxx``, get a chat entry with the safe
    defaults and ``documented=False``, so a user's own deployment works without code changes.
    """
    known = _BY_ID.get(model.strip().lower())
    if known is not None:
        return known
    return replace(ModelInfo(id=model), documented=False)


def list_models(kind: ModelKind | None = None) -> list[ModelInfo]:
    """All documented models, optionally of one kind."""
    return [m for m in _BY_ID.values() if kind is None or m.kind == kind]
