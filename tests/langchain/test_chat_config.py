"""ChatHunyuan construction: settings, key handling, serialization, tracing params, clients."""

from __future__ import annotations

import asyncio
import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.load import dumpd, dumps, load
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, trim_messages
from langchain_core.rate_limiters import InMemoryRateLimiter
from pydantic import SecretStr, ValidationError

from hunyuan_tokenhub import AuthenticationError
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan

SECRET = "sk-very-secret-tokenhub-key"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TOKENHUB_API_KEY", "HUNYUAN_API_KEY", "TOKENHUB_BASE_URL", "TOKENHUB_REGION"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    llm = ChatHunyuan(api_key="k")
    assert llm.model_name == "deepseek-v4-flash"
    assert isinstance(llm.api_key, SecretStr)
    assert llm.stream_usage is True
    assert llm.streaming is False
    assert llm._llm_type == "hunyuan-chat"
    assert ChatHunyuan(model="ep-abc12345", api_key="k").model_name == "ep-abc12345"


def test_key_from_tokenhub_then_hunyuan_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUNYUAN_API_KEY", "hunyuan-key")
    assert ChatHunyuan().api_key == SecretStr("hunyuan-key")
    monkeypatch.setenv("TOKENHUB_API_KEY", "tokenhub-key")
    assert ChatHunyuan().api_key == SecretStr("tokenhub-key")
    assert ChatHunyuan(api_key="explicit").api_key == SecretStr("explicit")


def test_never_falls_back_to_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-should-never-be-used")
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-deepseek-should-never-be-used")
    with pytest.raises(ValidationError) as caught:
        ChatHunyuan()
    message = str(caught.value)
    assert "TOKENHUB_API_KEY" in message and "HUNYUAN_API_KEY" in message
    assert "should-never-be-used" not in message


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"temperature": 2.5}, "temperature"),
        ({"top_p": -1}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"model_kwargs": {"temperature": 9}}, "temperature"),
        ({"extra_body": {"top_p": 3}}, "top_p"),
        ({"reasoning_passback": "sometimes"}, "reasoning_passback"),
        ({"region": "mars"}, "region"),
        ({"base_url": "ftp://example.com"}, "base_url"),
    ],
)
def test_bad_settings_fail_at_construction_naming_them(
    options: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        ChatHunyuan(api_key="k", **options)  # type: ignore[arg-type]


def test_key_never_in_repr_str_dumps_or_errors() -> None:
    llm = ChatHunyuan(api_key=SECRET, temperature=0.2)
    for text in (repr(llm), str(llm), dumps(llm), json.dumps(dumpd(llm))):
        assert SECRET not in text
    serialized = dumpd(llm)
    assert serialized["id"] == ["langchain_hunyuan", "chat_models", "ChatHunyuan"]
    assert serialized["kwargs"]["api_key"] == {
        "lc": 1,
        "type": "secret",
        "id": ["TOKENHUB_API_KEY"],
    }
    assert ChatHunyuan(api_key="k").lc_secrets == {"api_key": "TOKENHUB_API_KEY"}


@pytest.mark.parametrize(
    "bad", [{"region": "mars"}, {"temperature": 9}, {"max_retries": "many"}, {"top_k": 3}]
)
@pytest.mark.parametrize("key_first", [True, False])
def test_key_never_in_validation_errors(bad: dict[str, object], key_first: bool) -> None:
    # pydantic shows a validator's input (here: every constructor argument) unless told not to.
    options = {"api_key": SECRET, **bad} if key_first else {**bad, "api_key": SECRET}
    with pytest.raises(ValueError) as caught:
        ChatHunyuan(**options)  # type: ignore[arg-type]
    shown = f"{caught.value}{caught.value!r}"
    assert next(iter(bad)) in shown
    assert SECRET[:8] not in shown and SECRET[-8:] not in shown


@pytest.mark.filterwarnings("ignore:The function `load` is in beta")
def test_round_trip_through_load_with_an_explicit_allowlist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm = ChatHunyuan(model="glm-5", api_key=SECRET, temperature=0.3, max_tokens=64)
    monkeypatch.setenv("TOKENHUB_API_KEY", SECRET)
    restored = load(
        dumpd(llm),
        allowed_objects=[ChatHunyuan],
        valid_namespaces=["langchain_hunyuan"],
        secrets_from_env=True,
    )
    assert isinstance(restored, ChatHunyuan)
    assert (restored.model_name, restored.temperature, restored.max_tokens) == ("glm-5", 0.3, 64)
    assert restored.api_key == SecretStr(SECRET)


def test_trace_params() -> None:
    llm = ChatHunyuan(api_key="k", model="deepseek-v3.2", temperature=0.1, max_tokens=9, stop="x")
    assert llm._get_ls_params() == {
        "ls_provider": "hunyuan",
        "ls_model_name": "deepseek-v3.2",
        "ls_model_type": "chat",
        "ls_temperature": 0.1,
        "ls_max_tokens": 9,
        "ls_stop": ["x"],
    }
    override = llm._get_ls_params(stop=["y"], model="glm-5", temperature=0.7)
    assert (override["ls_model_name"], override["ls_stop"], override["ls_temperature"]) == (
        "glm-5",
        ["y"],
        0.7,
    )


def test_one_core_client_per_instance_reused_across_calls(
    make_llm: Callable[..., ChatHunyuan],
) -> None:
    llm = make_llm()
    llm.invoke("1+1")
    first = llm._sync_client()
    llm.invoke("2+2")
    list(llm.stream("3+3"))
    assert llm._sync_client() is first


def test_async_client_follows_the_running_event_loop(make_llm: Callable[..., ChatHunyuan]) -> None:
    llm = make_llm()
    # Two asyncio.run() calls use two loops; a pool bound to the first loop must not be reused.
    first = asyncio.run(llm.ainvoke("1+1"))
    second = asyncio.run(llm.ainvoke("2+2"))
    assert (first.content, second.content) == ("1+1=2", "2+2=4")


def test_user_supplied_http_clients_are_used(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> None:
        seen.append(request.url.path)

    async def arecord(request: httpx.Request) -> None:
        seen.append("async " + request.url.path)

    with httpx.Client(event_hooks={"request": [record]}) as client:
        llm = ChatHunyuan(
            api_key=tokenhub_api_key,
            base_url=emulator.base_url,
            http_client=client,
            http_async_client=httpx.AsyncClient(event_hooks={"request": [arecord]}),
        )
        llm.invoke("1+1")
        asyncio.run(llm.ainvoke("1+1"))
    assert seen == ["/v1/chat/completions", "async /v1/chat/completions"]
    assert "http_client" not in dumpd(llm)["kwargs"]


def test_model_copy_builds_its_own_clients_from_the_new_settings(
    emulator: TokenHubEmulator, make_llm: Callable[..., ChatHunyuan]
) -> None:
    llm = make_llm(temperature=0.3)
    moved = llm.model_copy(update={"base_url": emulator.backup_base_url})
    assert moved.invoke("1+1").content == "1+1=2"
    assert emulator.requests[-1].host == "backup"
    assert (moved.temperature, llm.base_url) == (0.3, emulator.base_url)

    rekeyed = llm.model_copy(update={"api_key": "sk-another-key"})
    with pytest.raises(AuthenticationError):
        rekeyed.invoke("1+1")
    assert llm.invoke("1+1").content == "1+1=2"

    other = llm.model_copy(update={"model": "deepseek-r1-0528"})  # aliases work as in __init__
    assert other.model_name == "deepseek-r1-0528"
    assert other.profile and other.profile["reasoning_output"] is True
    with pytest.raises(ValidationError, match="temperature"):
        llm.model_copy(update={"temperature": 9})


def test_deep_copies_share_the_users_resources_and_copy_the_settings(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    limiter = InMemoryRateLimiter(requests_per_second=1000)
    with httpx.Client() as client:
        llm = ChatHunyuan(
            api_key=tokenhub_api_key,
            base_url=emulator.base_url,
            http_client=client,
            rate_limiter=limiter,
            model_kwargs={"frequency_penalty": 0.5},
        )
        copied = copy.deepcopy(llm)
        assert copied.invoke("1+1").content == "1+1=2"
        assert copied.http_client is client and copied.rate_limiter is limiter
        assert copied.model_kwargs == llm.model_kwargs
        assert copied.model_kwargs is not llm.model_kwargs
        assert copied._sync_client() is not llm._sync_client()
        assert llm.model_copy(deep=True, update={"temperature": 0.5}).temperature == 0.5


def test_pickles_hold_no_key_and_read_it_from_the_environment(
    emulator: TokenHubEmulator, tokenhub_api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with httpx.Client() as client:
        llm = ChatHunyuan(
            model="deepseek-v3.2",
            api_key=tokenhub_api_key,
            base_url=emulator.base_url,
            temperature=0.3,
            http_client=client,
        )
        data = pickle.dumps(llm)
    assert tokenhub_api_key.encode() not in data
    with pytest.raises(ValidationError, match="TOKENHUB_API_KEY"):
        pickle.loads(data)
    monkeypatch.setenv("TOKENHUB_API_KEY", tokenhub_api_key)
    restored = pickle.loads(data)
    assert (restored.model_name, restored.temperature) == ("deepseek-v3.2", 0.3)
    assert restored.http_client is None  # the process's own pool, not a closed client
    assert restored.invoke("1+1").content == "1+1=2"


def test_wrong_key_is_an_authentication_error(emulator: TokenHubEmulator) -> None:
    from hunyuan_tokenhub import AuthenticationError

    llm = ChatHunyuan(api_key=SECRET, base_url=emulator.base_url, max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        llm.invoke("hi")
    assert caught.value.status_code == 401
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_instances_share_one_connection_pool(make_llm: Callable[..., ChatHunyuan]) -> None:
    # Models built per request (common in LangGraph apps) reuse warm connections.
    first, second = make_llm(), make_llm(model="glm-5")
    assert first._sync_client() is not second._sync_client()
    assert first._sync_client()._http is second._sync_client()._http


def test_model_profile_comes_from_the_model_data() -> None:
    # deepseek-v3.2's thinking default is contradicted between two official pages, so it may
    # be thinking: no forced tool choice unless thinking is switched off.
    profile = ChatHunyuan(api_key="k", model="deepseek-v3.2").profile
    assert profile is not None
    assert (profile["max_input_tokens"], profile["tool_calling"], profile["tool_choice"]) == (
        128_000,
        True,
        False,
    )
    assert profile["reasoning_output"] is True and profile["image_inputs"] is False
    plain = ChatHunyuan(api_key="k", model="deepseek-v3.2", thinking=False).profile
    assert plain is not None
    assert plain["tool_choice"] is True and plain["reasoning_output"] is False
    vision = ChatHunyuan(api_key="k", model="kimi-k2.6").profile
    assert vision is not None
    assert vision["image_inputs"] is True and vision["tool_choice"] is False
    assert ChatHunyuan(api_key="k", profile={"max_input_tokens": 5}).profile == {
        "max_input_tokens": 5
    }


def test_key_never_reaches_callbacks_or_traces(
    emulator: TokenHubEmulator, tokenhub_api_key: str
) -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[str] = []

    class Tracer(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(json.dumps([serialized, kwargs], default=repr))

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            seen.append(json.dumps([response.model_dump(), kwargs], default=repr))

    llm = ChatHunyuan(api_key=tokenhub_api_key, base_url=emulator.base_url)
    llm.invoke("1+1", config={"callbacks": [Tracer()]})
    list(llm.stream("1+1", config={"callbacks": [Tracer()]}))
    assert len(seen) == 4
    assert all(tokenhub_api_key not in entry for entry in seen)
    assert any('"TOKENHUB_API_KEY"' in entry for entry in seen)  # a secret reference only


def test_misspelt_setting_fails_instead_of_being_ignored() -> None:
    with pytest.raises(ValidationError, match="temprature"):
        ChatHunyuan(api_key="k", temprature=0.5)  # type: ignore[call-arg]
    # API parameters without a field of their own go through model_kwargs or extra_body.
    assert ChatHunyuan(api_key="k", model_kwargs={"frequency_penalty": 1}).model_kwargs == {
        "frequency_penalty": 1
    }


def test_token_counts_are_estimated_without_a_tokenizer_package() -> None:
    # BaseChatModel's default needs transformers; trim_messages(token_counter=llm) must work.
    llm = ChatHunyuan(api_key="k")
    assert llm.get_num_tokens("x" * 40) == 10
    question = [HumanMessage("what is the weather in Beijing?")]
    plain = llm.get_num_tokens_from_messages(question)
    assert plain > llm.get_num_tokens("what is the weather in Beijing?")

    def get_weather(city: str) -> str:
        """Get the weather of a city."""
        return city

    assert llm.get_num_tokens_from_messages(question, tools=[get_weather]) > plain + 10
    history = [SystemMessage("be brief"), HumanMessage("a " * 200), AIMessage("b " * 200)]
    kept = trim_messages(
        [*history, *question], max_tokens=60, token_counter=llm, include_system=True
    )
    assert kept == [history[0], *question]


def test_a_custom_tokenizer_is_used_for_token_counts() -> None:
    llm = ChatHunyuan(api_key="k", custom_get_token_ids=lambda text: [0] * len(text.split()))
    assert llm.get_num_tokens("one two three") == 3
    assert llm.get_num_tokens_from_messages([HumanMessage("one two three")]) >= 3
