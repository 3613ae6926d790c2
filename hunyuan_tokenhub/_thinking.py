"""What a chat request must look like for its model's thinking state and fixed parameters.

TokenHub's models differ in ways a request has to follow or the gateway answers 400: some
think by default and then reject a forced ``tool_choice``; some require every earlier
tool-call turn's ``reasoning_content`` back; Kimi fixes its temperature; some cannot turn
thinking off at all. ``apply_model_rules`` applies the model's entry in the model data to a
built request body; ``ReasoningTagSplitter`` moves reasoning that a model wrote into
``content`` between tags back to reasoning.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._catalog import ModelInfo, ReasoningPassback, get_model_info, list_models, model_data
from ._exceptions import InvalidParameterError

REASONING_PASSBACK_POLICIES: tuple[ReasoningPassback, ...] = ("never", "tool_turns", "always")

ThinkingState = Literal["on", "off", "unknown"]


class Notices:
    """Warnings given once per key: one per adapter instance, so a loop does not repeat them.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import Notices, build_chat_request

            notices = Notices()
            for _ in range(3):  # warns once that Kimi's fixed temperature is not sent
                build_chat_request(
                    "kimi-k2.6", [{"role": "user", "content": "hi"}], {"temperature": 0.2},
                    notices=notices,
                )
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def warn(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
        warnings.warn(message, UserWarning, stacklevel=4)


_PROCESS_NOTICES = Notices()


def thinking_state(info: ModelInfo, thinking: bool | None) -> ThinkingState:
    """Whether ``info``'s model thinks for a request with this ``thinking`` setting.

    ``unknown`` (an undocumented default) is treated as possibly on by every rule here.
    """
    default = info.chat.thinking.default if info.chat is not None else "never"
    if default == "always":
        return "on"
    if default == "never":
        return "off"
    if thinking is not None:
        return "on" if thinking else "off"
    return "unknown" if default == "unknown" else default


def forced_tool_choice_allowed(info: ModelInfo, thinking: bool | None) -> bool:
    """Whether ``required`` or a named function may be sent: never while thinking may be on."""
    if info.chat is None:
        return False
    return thinking_state(info, thinking) == "off" or info.chat.thinking.forced_tool_choice


def apply_model_rules(
    payload: dict[str, Any],
    info: ModelInfo,
    *,
    thinking: bool | None = None,
    reasoning_passback: ReasoningPassback | str | None = None,
    notices: Notices | None = None,
) -> ThinkingState:
    """Make ``payload`` (a validated request body) fit ``info``'s model; return the state.

    ``thinking`` (``None``: the model's default) becomes the model's wire switch; a per-call
    boolean ``thinking`` in the body overrides it, and a raw wire switch (``{"thinking":
    {"type": ...}}``, e.g. from ``extra_body``) is read when no setting is given. Then, in
    order: ``reasoning_effort`` is checked; ``max_tokens`` is sent under the name the model
    wants; parameters the model fixes are left out (with one warning); a forced
    ``tool_choice`` becomes ``"auto"`` while thinking may be on (with one warning); images
    to a text-only model are refused; reasoning is passed back per the policy.
    """
    notices = notices or _PROCESS_NOTICES
    chat = info.chat
    if chat is None:
        raise InvalidParameterError(
            "model",
            f"{info.id!r} is a {info.kind} model, not a chat model",
            allowed=[m.id for m in list_models("chat", include_retired=False)],
        )
    setting = _thinking_setting(payload, thinking)
    if setting is not None:
        _check_thinking_switch(info, setting)
        if chat.thinking.default in ("on", "off", "unknown"):
            payload.update(chat.thinking.switch["on" if setting else "off"])
    else:
        # A raw switch (extra_body is sent verbatim) tells the state; the server judges it.
        setting = _wire_thinking(payload.get("thinking"))
    state = thinking_state(info, setting)
    _check_reasoning_effort(payload, info)
    if chat.max_tokens_field != "max_tokens" and "max_tokens" in payload:
        payload[chat.max_tokens_field] = payload.pop("max_tokens")
    _drop_fixed_sampling(payload, info, notices)
    if state != "off" and not chat.thinking.forced_tool_choice:
        _unforce_tool_choice(payload, info, notices)
    if chat.image_inputs is False:
        _refuse_images(payload["messages"], info)
    policy = resolve_reasoning_passback(info, state, reasoning_passback)
    payload["messages"] = apply_reasoning_passback(payload["messages"], policy)
    return state


def _thinking_setting(payload: dict[str, Any], thinking: bool | None) -> bool | None:
    """The boolean setting: per call (a boolean ``thinking`` in the body), else the instance's."""
    wire = payload.get("thinking")
    if isinstance(wire, bool):
        del payload["thinking"]
        return wire
    if thinking is not None:
        payload.pop("thinking", None)
    return thinking


def _wire_thinking(wire: Any) -> bool | None:
    if isinstance(wire, Mapping) and isinstance(wire.get("type"), str):
        return wire["type"] != "disabled"
    return None


def _check_thinking_switch(info: ModelInfo, setting: bool | None) -> None:
    assert info.chat is not None
    default = info.chat.thinking.default
    if setting is False and default == "always":
        raise InvalidParameterError(
            "thinking",
            f"{info.id} always thinks; thinking cannot be turned off for it",
            allowed=("None", "True"),
        )
    if setting is True and default == "never":
        thinkers = [m.id for m in list_models("chat", include_retired=False) if m.reasoning]
        raise InvalidParameterError(
            "thinking",
            f"{info.id} has no thinking mode; models that think: {', '.join(thinkers)}",
            allowed=("None", "False"),
        )


def _check_reasoning_effort(payload: Mapping[str, Any], info: ModelInfo) -> None:
    effort = payload.get("reasoning_effort")
    if effort is None:
        return
    assert info.chat is not None
    allowed = info.chat.thinking.reasoning_effort or model_data().reasoning_effort
    if effort not in allowed:
        raise InvalidParameterError("reasoning_effort", f"got {effort!r}", allowed=allowed)


def _drop_fixed_sampling(payload: dict[str, Any], info: ModelInfo, notices: Notices) -> None:
    assert info.chat is not None
    for name, documented in info.chat.fixed_sampling.items():
        if payload.pop(name, None) is not None:
            notices.warn(
                f"fixed:{info.id}:{name}",
                f"{info.id} fixes {name} ({documented}); the {name} you set is not sent, "
                "since the gateway may answer 400 to it",
            )


def _unforce_tool_choice(payload: dict[str, Any], info: ModelInfo, notices: Notices) -> None:
    choice = payload.get("tool_choice")
    if choice is None or choice in ("auto", "none"):
        return
    payload["tool_choice"] = "auto"
    assert info.chat is not None
    remedy = (
        "it cannot stop thinking"
        if info.chat.thinking.default == "always"
        else "pass thinking=False to force a tool"
    )
    notices.warn(
        f"forced:{info.id}",
        f"{info.id} accepts only tool_choice 'auto' or 'none' while thinking; "
        f"{choice!r} is sent as 'auto' ({remedy})",
    )


def _refuse_images(messages: Sequence[Mapping[str, Any]], info: ModelInfo) -> None:
    for position, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(part, Mapping) and part.get("type") == "image_url" for part in content
        ):
            raise InvalidParameterError(
                f"messages[{position}]",
                f"{info.id} takes text only and this message holds an image",
                allowed=[
                    m.id
                    for m in list_models("chat", include_retired=False)
                    if m.chat is not None and m.chat.image_inputs
                ],
            )


def resolve_reasoning_passback(
    info: ModelInfo, state: ThinkingState, override: ReasoningPassback | str | None = None
) -> ReasoningPassback:
    """The pass-back policy: ``override`` when given, else the model's while it may think."""
    if override is not None:
        for policy in REASONING_PASSBACK_POLICIES:
            if override == policy:
                return policy
        raise InvalidParameterError(
            "reasoning_passback", f"got {override!r}", allowed=REASONING_PASSBACK_POLICIES
        )
    return "never" if state == "off" else info.reasoning_passback


def apply_reasoning_passback(
    messages: Sequence[Mapping[str, Any]], policy: ReasoningPassback
) -> list[dict[str, Any]]:
    """Keep, add or drop ``reasoning_content`` on outbound assistant messages, per ``policy``.

    ``tool_turns``: every assistant message with ``tool_calls``, in the whole history, carries
    its ``reasoning_content``, ``""`` when it had none (DeepSeek requires it "in all subsequent
    user turns", Kimi rejects a tool-call message without it at any index); other assistant
    messages are sent without it. ``always`` keeps it wherever it is and adds ``""`` on
    tool-call messages; ``never`` drops it everywhere. Changed messages are copies.
    """
    if policy not in REASONING_PASSBACK_POLICIES:
        raise InvalidParameterError(
            "reasoning_passback", f"got {policy!r}", allowed=REASONING_PASSBACK_POLICIES
        )
    result: list[dict[str, Any]] = []
    for message in messages:
        reasoning = message.get("reasoning_content")
        kept: str | None = None
        if policy != "never" and message.get("role") == "assistant" and message.get("tool_calls"):
            kept = reasoning if isinstance(reasoning, str) else ""
        elif policy == "always" and isinstance(reasoning, str):
            kept = reasoning
        if kept is None and "reasoning_content" in message:
            message = {k: v for k, v in message.items() if k != "reasoning_content"}
        elif kept is not None and reasoning is not kept:
            message = {**message, "reasoning_content": kept}
        result.append(message if isinstance(message, dict) else dict(message))
    return result


@dataclass
class ReasoningTagSplitter:
    """Moves a reasoning block at the very start of ``content`` (``<think>…</think>``) to reasoning.

    Feed the content pieces of one answer in order (a stream's deltas, or the whole text
    once); each ``feed`` returns ``(reasoning, content)`` to emit now. Text that might still
    turn out to be the opening tag is held back until it can be decided, so a tag split
    across chunks is recognised. Content that does not start with the tag passes unchanged.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import ReasoningTagSplitter

            splitter = ReasoningTagSplitter("<think>", "</think>")
            pieces = ["<thi", "nk>Add the two.</th", "ink>\\n\\n2"]
            print([splitter.feed(piece) for piece in pieces] + [splitter.finish()])
            # [('', ''), ('Add the two.', ''), ('', '2'), ('', '')]
    """

    opening: str
    closing: str
    _phase: Literal["start", "reasoning", "after", "content"] = "start"
    _held: str = ""

    def feed(self, text: str) -> tuple[str, str]:
        if self._phase == "content" or not text:
            return "", text
        if self._phase == "after":
            # The blank lines between the closing tag and the answer belong to neither.
            text = text.lstrip()
            if text:
                self._phase = "content"
            return "", text
        self._held += text
        if self._phase == "start":
            stripped = self._held.lstrip()
            if self.opening.startswith(stripped):
                return "", ""  # could still be the opening tag
            if not stripped.startswith(self.opening):
                self._phase = "content"
                held, self._held = self._held, ""
                return "", held
            self._phase = "reasoning"
            self._held = stripped[len(self.opening) :]
        end = self._held.find(self.closing)
        if end == -1:
            # Keep a tail that could be the start of the closing tag.
            keep = _partial_suffix(self._held, self.closing)
            reasoning = self._held[: len(self._held) - keep]
            self._held = self._held[len(self._held) - keep :]
            return reasoning, ""
        reasoning, rest = self._held[:end], self._held[end + len(self.closing) :]
        self._held = ""
        self._phase = "after"
        return reasoning, self.feed(rest)[1]

    def finish(self) -> tuple[str, str]:
        """What is still held when the answer ends (an unclosed block stays reasoning)."""
        held, self._held = self._held, ""
        if self._phase == "reasoning":
            return held, ""
        return "", held

    def split(self, text: str) -> tuple[str, str]:
        """A whole answer at once: ``(reasoning, content)``."""
        first = self.feed(text)
        last = self.finish()
        return first[0] + last[0], first[1] + last[1]


def reasoning_tag_splitter(model: str | None) -> ReasoningTagSplitter | None:
    """A splitter for the reasoning tags ``model`` writes into content, if its entry has any."""
    chat = get_model_info(model).chat if model else None
    tags = chat.reasoning_tags if chat is not None else None
    return ReasoningTagSplitter(*tags) if tags else None


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0
