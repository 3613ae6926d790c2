"""What the emulated TokenHub chat gateway serves, and how each model behaves on the wire.

This is the server's own table, written from the vendor pages (each entry cites them, read
2026-12-01). It is deliberately independent of the client's model data: the emulator must
catch a client whose idea of a model is wrong, not repeat it.

Where two official pages disagree, the table takes the reading that is stricter on the
client (the emulator should fail where the real service might), and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final, Literal

#: ``default``: whether a request without ``thinking`` reasons. ``always``: it reasons and
#: refuses to be switched off. ``never``: the model has no thinking mode at all.
ThinkingDefault = Literal["on", "off", "always", "never"]
#: Which assistant messages must carry ``reasoning_content`` while thinking is on, and whose
#: wording the 400 uses: ``kimi`` and ``deepseek`` check every assistant message with
#: ``tool_calls`` in the whole history; ``reject`` refuses any ``reasoning_content`` in input.
PassbackRule = Literal["none", "kimi", "deepseek", "reject"]
Status = Literal["online", "retired"]

# Sources, read 2026-12-01.
THINKING_CN: Final = "https://cloud.tencent.cn/document/product/1823/131208"
THINKING_INTL: Final = "https://intl.cloud.tencent.com/document/product/1300/80637"
INTERLEAVED_INTL: Final = "https://intl.cloud.tencent.com/document/product/1300/80638"
INTERLEAVED_CN: Final = "https://cloud.tencent.cn/document/product/1823/130930"
TEXT_GENERATION_INTL: Final = "https://www.tencentcloud.com/document/product/1300/78942"
MODEL_TABLE_INTL: Final = "https://intl.cloud.tencent.com/document/product/1300/80632"
KIMI_CN: Final = "https://cloud.tencent.com/document/product/1823/132232"
KIMI_INTL: Final = "https://intl.cloud.tencent.com/document/product/1300/80635"
DEEPSEEK_CN: Final = "https://cloud.tencent.com/document/product/1823/132248"
DEEPSEEK_THINKING: Final = "https://api-docs.deepseek.com/guides/thinking_mode"
DEEPSEEK_REASONER: Final = "https://api-docs.deepseek.com/guides/reasoning_model"
VENDOR_DIRECT_IDS: Final = "https://intl.cloud.tencent.com/document/product/1300/81317"
HY_GUIDE_INTL: Final = "https://intl.cloud.tencent.com/document/product/1300/80695"
HY3_QUICKSTART: Final = "https://github.com/Tencent-Hunyuan/Hy3/blob/main/quickstart.md"
MINIMAX_M3_SWITCH: Final = "https://github.com/CherryHQ/cherry-studio/pull/15787"
MINIMAX_ON_TOKENHUB: Final = "https://github.com/BerriAI/litellm/pull/38100"
MINIMAX_THINK_TAGS: Final = "https://platform.minimaxi.com/docs/guides/text-m2-function-call"
KIMI_PASSBACK_400: Final = "https://github.com/VicBilibily/GCMP/issues/162"
KIMI_TEMPERATURE_400: Final = "https://github.com/NousResearch/hermes-agent/pull/12566"
DEEPSEEK_PASSBACK_400: Final = "https://github.com/zed-industries/zed/issues/55321"
DEEPSEEK_TOOL_CHOICE_400: Final = "https://github.com/osaurus-ai/osaurus/pull/1940"
DEEPSEEK_TEXT_ONLY: Final = "https://github.com/1jehuang/jcode/issues/310"
MODELS_LIST: Final = "https://github.com/Tencent-Hunyuan/Hy3/blob/main/quickstart.md"
RETIRED_LEGACY_HUNYUAN: Final = "https://cloud.tencent.com/document/product/1729/131925"
TOKENHUB_PLUGIN_2026_08: Final = "https://github.com/langgenius/dify-plugins/pull/2970"
GLM_52_VENDOR: Final = "https://docs.together.ai/docs/glm-5.2-quickstart"
HY4_ON_TOKENHUB: Final = "https://github.com/anomalyco/models.dev/pull/5519"
HY_MT2_LIVE: Final = "https://github.com/theopenco/llmgateway/pull/3588"
HY_GUIDE_CN: Final = "https://cloud.tencent.com/document/product/1823/132252"

#: DeepSeek's 400 for a forced tool_choice in thinking mode (DEEPSEEK_TOOL_CHOICE_400).
DEEPSEEK_FORCED_TOOL_CHOICE: Final = "Thinking mode does not support this tool_choice"

#: ``reasoning_effort`` values the gateway accepts for any model (TokenHub documents
#: low/medium/high, 1823/131208; the OpenAI set around them is accepted liberally, and "max"
#: for the models that take it, TOKENHUB_PLUGIN_2026_08).
REASONING_EFFORTS: Final = frozenset({"none", "minimal", "low", "medium", "high", "xhigh", "max"})

# Listing dates for ``created`` in ``GET /v1/models``: when the id first appears in the
# cited pages (the real values are not public).
_APRIL_2026: Final = 1775001600  # 2026-04-01
_MAY_2026: Final = 1779580800  # 2026-05-24 (131208, 132232, 132248 updated 2026-05-28)
_JUNE_2026: Final = 1780790400  # 2026-06-07 (vendor-direct ids, minimax-m3, hy3)
_AUGUST_2026: Final = 1785542400  # 2026-08-01 (glm-5.2/5.3, kimi-k3, kimi-k2.7-code, hy4)


@dataclass(frozen=True)
class ThinkingSwitch:
    """The ``thinking.type`` values a model takes: which turn reasoning on, which off.

    ``refusal`` is the vendor's 400 message for another value (``{kind}``, ``{allowed}``
    filled in), passed through by the gateway; empty for the gateway's own wording.
    """

    on: frozenset[str] = frozenset({"enabled"})
    off: frozenset[str] = frozenset({"disabled"})
    refusal: str = ""

    @property
    def accepted(self) -> frozenset[str]:
        return self.on | self.off


ENABLED_DISABLED: Final = ThinkingSwitch()
#: MiniMax's OpenAI-compatible endpoint: "invalid thinking.type: "enabled" (allowed:
#: adaptive, disabled)" (MINIMAX_M3_SWITCH); TokenHub forwards it (MINIMAX_ON_TOKENHUB).
_MINIMAX_REFUSAL: Final = 'invalid params, invalid thinking.type: "{kind}" (allowed: {allowed})'
ADAPTIVE_DISABLED: Final = ThinkingSwitch(on=frozenset({"adaptive"}), refusal=_MINIMAX_REFUSAL)
#: MiniMax M2.5/M2.7 think always (THINKING_CN: "enabled 不支持关闭") and MiniMax rejects
#: ``enabled`` (MINIMAX_ON_TOKENHUB), so only ``adaptive`` passes.
ADAPTIVE_ONLY: Final = ThinkingSwitch(
    on=frozenset({"adaptive"}), off=frozenset(), refusal=_MINIMAX_REFUSAL
)
ENABLED_ONLY: Final = ThinkingSwitch(off=frozenset())


@dataclass(frozen=True)
class FixedTemperature:
    """A temperature the model refuses to change: any other value is a 400."""

    thinking: float
    non_thinking: float

    def for_mode(self, thinking: bool) -> float:
        return self.thinking if thinking else self.non_thinking


@dataclass(frozen=True)
class ServedModel:
    """One chat model id the gateway answers for, and the rules it enforces.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.emulator import served_chat_model

            kimi = served_chat_model("kimi-k2.6")
            print(kimi.thinking, kimi.passback, kimi.fixed_temperature)
            # on kimi FixedTemperature(thinking=1.0, non_thinking=0.6)
    """

    id: str
    thinking: ThinkingDefault
    switch: ThinkingSwitch = ENABLED_DISABLED
    passback: PassbackRule = "none"
    #: The vendor's 400 message for a forced ``tool_choice`` in thinking mode, passed
    #: through by the gateway; empty for the gateway's own wording.
    forced_tool_choice_refusal: str = ""
    fixed_temperature: FixedTemperature | None = None
    reasoning_efforts: frozenset[str] = REASONING_EFFORTS
    #: Takes image parts, per the TokenHub pages. The gateway's answer to images sent to a
    #: text-only model is documented only for DeepSeek (``rejects_image_parts``).
    image_input: bool = False
    #: A text-only model whose API refuses image parts with a 400 (DeepSeek's does:
    #: "unknown variant `image_url`, expected `text`", DEEPSEEK_TEXT_ONLY). For other
    #: text-only models the answer is unknown and image parts are accepted.
    rejects_image_parts: bool = False
    #: Eligible for the ``think_tags_in_content`` quirk: reasoning inline in ``content``.
    think_tags: bool = False
    status: Status = "online"
    retired_note: str = ""
    created: int = _APRIL_2026
    sources: tuple[str, ...] = field(default=())

    def thinks_by_default(self) -> bool:
        return self.thinking in ("on", "always")


def _deepseek_v4(model_id: str, created: int, *extra_sources: str) -> ServedModel:
    return ServedModel(
        model_id,
        thinking="on",
        passback="deepseek",
        forced_tool_choice_refusal=DEEPSEEK_FORCED_TOOL_CHOICE,
        rejects_image_parts=True,
        created=created,
        sources=(
            THINKING_CN,
            INTERLEAVED_INTL,
            DEEPSEEK_THINKING,
            DEEPSEEK_TEXT_ONLY,
            *extra_sources,
        ),
    )


def _glm(model_id: str, *, image_input: bool = False) -> ServedModel:
    return ServedModel(
        model_id,
        thinking="on",
        image_input=image_input,
        created=_MAY_2026,
        sources=(THINKING_CN, TEXT_GENERATION_INTL, INTERLEAVED_INTL),
    )


def _kimi(model_id: str) -> ServedModel:
    # Temperature: the CN guide says "固定为 0.6，传入其他值会返回 400"; the intl guide says 1.0
    # in thinking mode and 0.6 otherwise, as Moonshot's own API enforces ("invalid
    # temperature: only 1 is allowed for this model"). The per-mode reading is kept: only
    # leaving temperature out is safe under both pages.
    return ServedModel(
        model_id,
        thinking="on",
        passback="kimi",
        fixed_temperature=FixedTemperature(thinking=1.0, non_thinking=0.6),
        image_input=True,
        created=_MAY_2026,
        sources=(THINKING_CN, KIMI_CN, KIMI_INTL, KIMI_PASSBACK_400, KIMI_TEMPERATURE_400),
    )


def _minimax_m2(model_id: str) -> ServedModel:
    # Whether TokenHub separates M2.x reasoning from content is not documented; MiniMax's own
    # API puts <think>...</think> in content. The quirk switch reproduces that.
    return ServedModel(
        model_id,
        thinking="always",
        switch=ADAPTIVE_ONLY,
        think_tags=True,
        created=_MAY_2026,
        sources=(THINKING_CN, MINIMAX_ON_TOKENHUB, MINIMAX_THINK_TAGS, INTERLEAVED_INTL),
    )


def _retired(model: ServedModel, note: str) -> ServedModel:
    return replace(model, status="retired", retired_note=note)


_NOT_IN_2026_TABLES = (
    "absent from every 2026-05/06 TokenHub model table (131208, 1300/80632, the vendor guides)"
)


def _retired_thinking_model(
    model_id: str, passback: PassbackRule, source: str, forced_tool_choice_refusal: str = ""
) -> ServedModel:
    """A seed-era thinking-only id (always on) that today's tables no longer list."""
    return _retired(
        ServedModel(
            model_id,
            thinking="always",
            switch=ENABLED_ONLY,
            passback=passback,
            forced_tool_choice_refusal=forced_tool_choice_refusal,
            sources=(source,),
        ),
        _NOT_IN_2026_TABLES,
    )


SERVED_CHAT_MODELS: Final[tuple[ServedModel, ...]] = (
    # DeepSeek. V4 thinks by default (THINKING_CN); thinking mode rejects a forced
    # tool_choice ("Thinking mode does not support this tool_choice") and needs every tool-call
    # turn's reasoning_content back "in all subsequent user turns" (DEEPSEEK_THINKING). The
    # TokenHub DeepSeek guide (DEEPSEEK_CN) says only content needs writing back; the vendor's
    # rule is enforced anyway (sending it back is what both accept), certainly right for the
    # vendor-direct ids.
    _deepseek_v4("deepseek-v4-flash", _MAY_2026),
    _deepseek_v4("deepseek-v4-pro", _MAY_2026),
    _deepseek_v4("deepseek-v4-flash-202605", _JUNE_2026, VENDOR_DIRECT_IDS),
    _deepseek_v4("deepseek-v4-pro-202606", _JUNE_2026, VENDOR_DIRECT_IDS),
    # deepseek-v3.2: the thinking guides (THINKING_CN, THINKING_INTL) say default "disabled";
    # the DeepSeek guides (DEEPSEEK_CN and its intl twin 1300/80633) say "可开关(默认开启)", as
    # DeepSeek's own API now defaults to enabled (DEEPSEEK_THINKING). Two pages against two:
    # the stricter reading (on) is served, so a client that forces tool_choice is caught.
    ServedModel(
        "deepseek-v3.2",
        thinking="on",
        passback="deepseek",
        forced_tool_choice_refusal=DEEPSEEK_FORCED_TOOL_CHOICE,
        rejects_image_parts=True,
        sources=(THINKING_CN, THINKING_INTL, DEEPSEEK_CN, DEEPSEEK_THINKING, TEXT_GENERATION_INTL),
    ),
    # GLM: thinking on by default, switchable (THINKING_CN); 5V-Turbo takes images
    # (MODEL_TABLE_INTL).
    _glm("glm-5"),
    _glm("glm-5.1"),
    _glm("glm-5-turbo"),
    _glm("glm-5v-turbo", image_input=True),
    # Kimi: thinking on by default, switchable; reasoning_content must come back on every
    # assistant tool-call message ("...missing in assistant tool call message at index N");
    # fixed temperature; images (KIMI_CN).
    _kimi("kimi-k2.5"),
    _kimi("kimi-k2.6"),
    # GLM-5.3 and 5.3-Flash always think ("cannot be disabled; please use low, high, or max")
    # and GLM-5.2 thinks by default (GLM_52_VENDOR), per the TokenHub plugin of 2026-08.
    ServedModel(
        "glm-5.3",
        thinking="always",
        switch=ENABLED_ONLY,
        created=_AUGUST_2026,
        sources=(TOKENHUB_PLUGIN_2026_08, INTERLEAVED_INTL),
    ),
    ServedModel(
        "glm-5.3-flash",
        thinking="always",
        switch=ENABLED_ONLY,
        image_input=True,
        created=_AUGUST_2026,
        sources=(TOKENHUB_PLUGIN_2026_08, INTERLEAVED_INTL),
    ),
    replace(
        _glm("glm-5.2"), created=_AUGUST_2026, sources=(TOKENHUB_PLUGIN_2026_08, GLM_52_VENDOR)
    ),
    # Kimi K3 and K2.7 Code always think and take no sampling values of their own choosing
    # (TOKENHUB_PLUGIN_2026_08); the pass-back rule is Kimi's.
    *(
        replace(
            _kimi(model_id),
            thinking="always",
            switch=ENABLED_ONLY,
            fixed_temperature=FixedTemperature(thinking=1.0, non_thinking=1.0),
            created=_AUGUST_2026,
            sources=(TOKENHUB_PLUGIN_2026_08, KIMI_CN, KIMI_PASSBACK_400),
        )
        for model_id in ("kimi-k3", "kimi-k2.7-code", "kimi-k2.7-code-highspeed")
    ),
    # MiniMax.
    _minimax_m2("minimax-m2.5"),
    _minimax_m2("minimax-m2.7"),
    # M3 takes adaptive/disabled (MINIMAX_M3_SWITCH) and returns reasoning_content separately
    # on TokenHub (MINIMAX_ON_TOKENHUB). Its TokenHub default is undocumented; on is served.
    ServedModel(
        "minimax-m3",
        thinking="on",
        switch=ADAPTIVE_DISABLED,
        created=_JUNE_2026,
        sources=(MINIMAX_ON_TOKENHUB, MINIMAX_M3_SWITCH, VENDOR_DIRECT_IDS),
    ),
    # Hunyuan. hy3 answers without reasoning unless asked (its quickstart's real responses
    # show reasoning_tokens 0 for a greeting); thinking mode takes tool_choice auto only
    # (INTERLEAVED_CN).
    ServedModel(
        "hy3",
        thinking="off",
        created=_JUNE_2026,
        sources=(HY3_QUICKSTART, THINKING_CN, INTERLEAVED_CN),
    ),
    # Hy-MT2: "fast-thinking" translation models, no thinking switch (HY_GUIDE_INTL).
    ServedModel(
        "hy-mt2-plus",
        thinking="never",
        created=_JUNE_2026,
        sources=(HY_GUIDE_INTL,),
    ),
    ServedModel("hy4-preview", thinking="off", created=_AUGUST_2026, sources=(HY4_ON_TOKENHUB,)),
    *(
        ServedModel(
            model_id, thinking="never", created=_JUNE_2026, sources=(HY_GUIDE_CN, HY_MT2_LIVE)
        )
        for model_id in ("hy-mt2-pro", "hy-mt2-lite")
    ),
    _retired(
        ServedModel(
            "hy3-preview",
            thinking="off",
            created=_APRIL_2026,
            sources=(THINKING_CN, INTERLEAVED_CN),
        ),
        "retired 2026-08-31 (TokenHub model list 1823/130051)",
    ),
    # HY 2.0 Think: "enabled 不支持关闭" (THINKING_CN, 2026-05-28).
    _retired(
        ServedModel(
            "hunyuan-2.0-thinking-20251109",
            thinking="always",
            switch=ENABLED_ONLY,
            sources=(THINKING_CN, RETIRED_LEGACY_HUNYUAN),
        ),
        "offline on the legacy Hunyuan platform since 2026-06-22 (1729/131925); not in the "
        "September 2026 TokenHub list 1823/130051, though 131208 (2026-05-28) still listed it",
    ),
    _retired(
        ServedModel(
            "hunyuan-2.0-instruct-20251111",
            thinking="never",
            sources=(RETIRED_LEGACY_HUNYUAN,),
        ),
        "offline on the legacy Hunyuan platform since 2026-06-22 (1729/131925); "
        + _NOT_IN_2026_TABLES,
    ),
    _retired(
        ServedModel("hunyuan-role-latest", thinking="never"),
        _NOT_IN_2026_TABLES,
    ),
    # Seed-era DeepSeek and Kimi ids.
    _retired(
        ServedModel(
            "deepseek-v3.1-terminus",
            thinking="off",
            passback="deepseek",
            forced_tool_choice_refusal=DEEPSEEK_FORCED_TOOL_CHOICE,
            sources=(DEEPSEEK_THINKING,),
        ),
        _NOT_IN_2026_TABLES,
    ),
    # deepseek-reasoner answers 400 when reasoning_content comes back in the input.
    _retired_thinking_model(
        "deepseek-r1-0528", "reject", DEEPSEEK_REASONER, DEEPSEEK_FORCED_TOOL_CHOICE
    ),
    _retired(
        ServedModel("deepseek-v3-0324", thinking="never"),
        _NOT_IN_2026_TABLES,
    ),
    _retired_thinking_model("kimi-k2-thinking-turbo", "kimi", KIMI_PASSBACK_400),
    _retired(
        ServedModel("kimi-k2-turbo-preview", thinking="never"),
        _NOT_IN_2026_TABLES,
    ),
)

#: Rules for an id the table does not list but the emulator was told to serve (``ep-...``
#: custom services, ``extra_chat_models``): nothing is known, so everything is accepted and
#: thinking stays off unless switched on.
GENERIC_SERVICE: Final = ServedModel("", thinking="off")

_BY_ID: Final = {model.id: model for model in SERVED_CHAT_MODELS}


def served_chat_model(model_id: str) -> ServedModel | None:
    """The table entry for ``model_id`` (case-insensitive), or ``None``."""
    return _BY_ID.get(model_id.strip().lower())
