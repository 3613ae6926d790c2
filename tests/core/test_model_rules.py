"""Requests fitted to each model's entry in the model data (hunyuan_tokenhub._thinking).

Every rule is checked on the request body that would be sent: the thinking switch, reasoning
pass-back over a whole multi-turn history, forced tool choices, fixed sampling values, the
max-tokens name, images, reasoning_effort, retired models and run-time registration.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from hunyuan_tokenhub._catalog import (
    get_model_info,
    list_models,
    model_data,
    register_model,
    unregister_model,
)
from hunyuan_tokenhub._chat_request import (
    build_chat_request,
    format_assistant_message,
    format_tool_call,
)
from hunyuan_tokenhub._chat_response import parse_completion
from hunyuan_tokenhub._chat_stream import ChatStreamNormalizer
from hunyuan_tokenhub._exceptions import ConfigurationError, InvalidParameterError
from hunyuan_tokenhub._thinking import (
    Notices,
    ReasoningTagSplitter,
    apply_reasoning_passback,
    forced_tool_choice_allowed,
)

TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def _two_turn_history() -> list[dict[str, Any]]:
    """Turn 1 used a tool (its reasoning lost, as in history from elsewhere); turn 2 too."""
    first = format_tool_call("c1", "get_weather", {"city": "北京"})
    second = format_tool_call("c2", "get_weather", {"city": "上海"})
    return [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "北京天气?"},
        format_assistant_message(None, [first]),
        {"role": "tool", "tool_call_id": "c1", "content": "晴"},
        format_assistant_message("北京晴。", reasoning_content="r-answer"),
        {"role": "user", "content": "上海呢?"},
        format_assistant_message(None, [second], reasoning_content="r-call-2"),
        {"role": "tool", "tool_call_id": "c2", "content": "雨"},
    ]


def _sent_reasoning(payload: dict[str, Any]) -> list[str | None]:
    return [m.get("reasoning_content") for m in payload["messages"]]


@pytest.fixture
def quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ------------------------------------------------------------------------- the data file


def test_every_entry_cites_a_source_read_on_a_date() -> None:
    data = model_data()
    assert data.models, "the data file is empty"
    for model in data.models:
        assert model.sources, f"{model.id} has no source"
        for source in model.sources:
            assert source.url.startswith("https://"), (model.id, source.url)
            assert source.read <= data.as_of


def test_ids_are_unique_and_chat_models_have_chat_specs() -> None:
    ids = [m.id.lower() for m in model_data().models]
    assert len(ids) == len(set(ids))
    for model in list_models("chat"):
        assert model.chat is not None, model.id


@pytest.mark.parametrize(
    ("model", "default"),
    [
        ("glm-5", "on"),
        ("glm-5.1", "on"),
        ("kimi-k2.5", "on"),
        ("kimi-k2.6", "on"),
        ("deepseek-v4-flash", "on"),
        ("deepseek-v4-pro", "on"),
        ("minimax-m2.5", "always"),
        ("minimax-m2.7", "always"),
        ("hunyuan-2.0-thinking-20251109", "always"),
    ],
)
def test_thinking_defaults_follow_the_thinking_page(model: str, default: str) -> None:
    chat = get_model_info(model).chat
    assert chat is not None and chat.thinking.default == default


# ------------------------------------------------------------------ reasoning pass-back


@pytest.mark.parametrize("model", ["kimi-k2.6", "deepseek-v4-pro", "glm-5", "ep-abc12345"])
def test_every_tool_call_turn_of_the_whole_history_carries_reasoning(model: str) -> None:
    payload = build_chat_request(model, _two_turn_history())
    assert _sent_reasoning(payload) == [None, None, "", None, None, None, "r-call-2", None]


def test_thinking_off_sends_no_reasoning_back() -> None:
    payload = build_chat_request("kimi-k2.6", _two_turn_history(), thinking=False)
    assert _sent_reasoning(payload) == [None] * 8
    assert payload["thinking"] == {"type": "disabled"}


def test_a_per_call_thinking_switch_overrides_the_instance_setting() -> None:
    payload = build_chat_request(
        "glm-5.1", _two_turn_history(), {"thinking": True}, thinking=False
    )
    assert payload["thinking"] == {"type": "enabled"}
    assert _sent_reasoning(payload)[2] == ""


def test_a_raw_wire_switch_in_extra_body_sets_the_state() -> None:
    payload = build_chat_request(
        "deepseek-v4-flash", _two_turn_history(), extra_body={"thinking": {"type": "disabled"}}
    )
    assert payload["thinking"] == {"type": "disabled"}
    assert _sent_reasoning(payload) == [None] * 8


def test_a_model_that_rejects_reasoning_gets_none(quiet: None) -> None:
    payload = build_chat_request("deepseek-r1-0528", _two_turn_history())
    assert _sent_reasoning(payload) == [None] * 8


def test_passback_override_and_bad_policy() -> None:
    payload = build_chat_request("kimi-k2.6", _two_turn_history(), reasoning_passback="always")
    assert _sent_reasoning(payload) == [None, None, "", None, "r-answer", None, "r-call-2", None]
    with pytest.raises(InvalidParameterError, match="reasoning_passback") as caught:
        build_chat_request("kimi-k2.6", _two_turn_history(), reasoning_passback="sometimes")
    assert "tool_turns" in str(caught.value)


def test_passback_does_not_modify_the_callers_messages() -> None:
    history = _two_turn_history()
    apply_reasoning_passback(history, "never")
    assert history[6]["reasoning_content"] == "r-call-2"
    assert "reasoning_content" not in history[2]


# ------------------------------------------------------------------ thinking switch


def test_switch_is_sent_only_when_set() -> None:
    assert "thinking" not in build_chat_request("glm-5", [{"role": "user", "content": "hi"}])
    on = build_chat_request("deepseek-v3.2", [{"role": "user", "content": "hi"}], thinking=True)
    assert on["thinking"] == {"type": "enabled"}


def test_always_thinking_models_cannot_be_switched_off() -> None:
    with pytest.raises(InvalidParameterError, match="thinking") as caught:
        build_chat_request("minimax-m2.7", [{"role": "user", "content": "hi"}], thinking=False)
    assert "always thinks" in str(caught.value)
    # Turning on a model that always thinks sends nothing: it is on already.
    payload = build_chat_request("minimax-m2.7", [{"role": "user", "content": "hi"}], thinking=True)
    assert "thinking" not in payload


def test_a_model_without_thinking_refuses_thinking_true(quiet: None) -> None:
    with pytest.raises(InvalidParameterError, match="no thinking mode"):
        build_chat_request(
            "hunyuan-2.0-instruct-20251111", [{"role": "user", "content": "hi"}], thinking=True
        )


def test_reasoning_effort_is_checked() -> None:
    ok = build_chat_request(
        "hy3", [{"role": "user", "content": "hi"}], {"reasoning_effort": "high"}
    )
    assert ok["reasoning_effort"] == "high"
    with pytest.raises(InvalidParameterError, match="reasoning_effort") as caught:
        build_chat_request("hy3", [{"role": "user", "content": "hi"}], {"reasoning_effort": "off"})
    assert "xhigh" in str(caught.value)


# --------------------------------------------------------------------- tool choice


@pytest.mark.parametrize("model", ["glm-5", "kimi-k2.5", "minimax-m2.5", "ep-abc12345"])
def test_a_forced_choice_becomes_auto_while_thinking_may_be_on(model: str) -> None:
    notices = Notices()
    with pytest.warns(UserWarning, match="sent as 'auto'"):
        payload = build_chat_request(
            model,
            [{"role": "user", "content": "weather?"}],
            {"tools": [TOOL], "tool_choice": "required"},
            notices=notices,
        )
    assert payload["tool_choice"] == "auto"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same instance does not warn twice
        build_chat_request(
            model,
            [{"role": "user", "content": "weather?"}],
            {"tools": [TOOL], "tool_choice": "get_weather"},
            notices=notices,
        )


def test_the_warning_names_thinking_false_where_the_model_allows_it() -> None:
    with pytest.warns(UserWarning, match="thinking=False"):
        build_chat_request(
            "glm-5", [{"role": "user", "content": "q"}], {"tools": [TOOL], "tool_choice": "required"}
        )


def test_a_forced_choice_is_kept_with_thinking_off() -> None:
    payload = build_chat_request(
        "glm-5",
        [{"role": "user", "content": "q"}],
        {"tools": [TOOL], "tool_choice": "get_weather"},
        thinking=False,
    )
    assert payload["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert forced_tool_choice_allowed(get_model_info("glm-5"), False)
    assert not forced_tool_choice_allowed(get_model_info("glm-5"), None)
    assert not forced_tool_choice_allowed(get_model_info("ep-unknown"), None)
    assert not forced_tool_choice_allowed(get_model_info("minimax-m2.7"), False)


# ------------------------------------------------------------ sampling and max tokens


@pytest.mark.parametrize("model", ["kimi-k2.5", "kimi-k2.6"])
def test_kimi_temperature_is_left_out_with_one_warning(model: str) -> None:
    with pytest.warns(UserWarning, match=r"fixes temperature \(0.6") as caught:
        payload = build_chat_request(
            model,
            [{"role": "user", "content": "hi"}],
            {"temperature": 0.2, "top_p": 0.9, "seed": 7},
        )
    assert "temperature" not in payload and "top_p" not in payload
    assert payload["seed"] == 7
    assert any("top_p" in str(w.message) for w in caught)


def test_max_completion_tokens_is_an_alias() -> None:
    payload = build_chat_request(
        "glm-5", [{"role": "user", "content": "hi"}], {"max_completion_tokens": 100}
    )
    assert payload["max_tokens"] == 100 and "max_completion_tokens" not in payload
    with pytest.raises(InvalidParameterError, match="max_completion_tokens"):
        build_chat_request(
            "glm-5",
            [{"role": "user", "content": "hi"}],
            {"max_completion_tokens": 100, "max_tokens": 50},
        )


def test_max_tokens_goes_under_the_name_the_model_wants() -> None:
    register_model(
        {"id": "ep-newkimi", "chat": {"max_tokens_field": "max_completion_tokens"}},
        based_on="kimi-k2.6",
    )
    try:
        payload = build_chat_request(
            "ep-newkimi", [{"role": "user", "content": "hi"}], {"max_tokens": 64}
        )
    finally:
        unregister_model("ep-newkimi")
    assert payload["max_completion_tokens"] == 64 and "max_tokens" not in payload


# ------------------------------------------------------------------------- images

IMAGE_MESSAGE = {
    "role": "user",
    "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ],
}


def test_images_go_to_image_models_and_unknown_ones() -> None:
    assert build_chat_request("kimi-k2.6", [IMAGE_MESSAGE])["messages"][0] == IMAGE_MESSAGE
    assert build_chat_request("ep-abc12345", [IMAGE_MESSAGE])["messages"][0] == IMAGE_MESSAGE


def test_an_image_to_a_text_only_model_fails_before_sending() -> None:
    register_model({"id": "ep-textonly", "chat": {"image_inputs": False}})
    try:
        with pytest.raises(InvalidParameterError, match=r"messages\[0\]") as caught:
            build_chat_request("ep-textonly", [IMAGE_MESSAGE])
    finally:
        unregister_model("ep-textonly")
    assert "kimi-k2.6" in str(caught.value)


# ---------------------------------------------------------------- registry and retired


def test_register_based_on_gives_a_service_its_base_models_rules() -> None:
    info = register_model("ep-abc99999", based_on="minimax-m2.7")
    try:
        assert get_model_info("EP-ABC99999") is info
        with pytest.raises(InvalidParameterError, match="always thinks"):
            build_chat_request("ep-abc99999", [{"role": "user", "content": "x"}], thinking=False)
    finally:
        unregister_model("ep-abc99999")
    assert not get_model_info("ep-abc99999").documented


def test_register_rejects_bad_entries() -> None:
    with pytest.raises(ConfigurationError, match="not a known model"):
        register_model("ep-x", based_on="no-such-model")
    with pytest.raises(ConfigurationError, match="invalid entry"):
        register_model({"id": "x", "chat": {"thinking": {"default": "sometimes"}}})


def test_a_retired_model_warns_once_and_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hunyuan_tokenhub._catalog._retirement_warned", set())
    retired = get_model_info("hy3-preview")
    assert retired.status == "retired" and retired.replaced_by == "hy3"
    with pytest.warns(UserWarning, match="retired on 2026-08-31; use 'hy3' instead"):
        payload = build_chat_request("hy3-preview", [{"role": "user", "content": "hi"}])
    assert payload["model"] == "hy3-preview"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_chat_request("hy3-preview", [{"role": "user", "content": "hi"}])
    assert all(m.status != "retired" for m in list_models("chat", include_retired=False))


def test_a_generation_model_is_not_a_chat_model() -> None:
    with pytest.raises(InvalidParameterError, match="not a chat model"):
        build_chat_request("hy-image-v3.0", [{"role": "user", "content": "hi"}])


# ------------------------------------------------------------------ reasoning tags


def test_tag_splitter_handles_tags_split_across_chunks() -> None:
    splitter = ReasoningTagSplitter("<think>", "</think>")
    pieces = ["<", "thi", "nk>step 1", ", step 2</", "think>", "\n\n", "The answer", " is 2."]
    out = [splitter.feed(p) for p in pieces] + [splitter.finish()]
    assert "".join(r for r, _ in out) == "step 1, step 2"
    assert "".join(c for _, c in out) == "The answer is 2."


def test_tag_splitter_leaves_other_text_alone() -> None:
    splitter = ReasoningTagSplitter("<think>", "</think>")
    assert splitter.split("2 < 3 and <think> is a tag") == ("", "2 < 3 and <think> is a tag")
    assert ReasoningTagSplitter("<think>", "</think>").split("<thin") == ("", "<thin")
    assert ReasoningTagSplitter("<think>", "</think>").split("<think>cut") == ("cut", "")


def test_minimax_think_block_moves_to_reasoning_in_invoke_and_stream() -> None:
    body = {"choices": [{"message": {"content": "<think>1+1=2</think>\n\n2"}}]}
    completion = parse_completion(body, model="minimax-m2.7")
    assert (completion.reasoning_content, completion.content) == ("1+1=2", "2")
    # Another model's content is untouched.
    assert parse_completion(body, model="glm-5").content == "<think>1+1=2</think>\n\n2"

    normalizer = ChatStreamNormalizer(model="minimax-m2.5")
    reasoning, content = [], []
    for piece in ["<thi", "nk>1+1", "=2</thi", "nk>\n", "2"]:
        delta = normalizer.feed({"choices": [{"delta": {"content": piece}}]})
        if delta is not None:
            reasoning.append(delta.reasoning_content or "")
            content.append(delta.content)
    tail = normalizer.finish()
    assert tail is None
    assert ("".join(reasoning), "".join(content)) == ("1+1=2", "2")
