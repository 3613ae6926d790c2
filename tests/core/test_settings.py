"""Settings resolution: argument, then environment, then the documented defaults."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from hunyuan_tokenhub import (
    HOSTS,
    AsyncTokenHubClient,
    AuthenticationError,
    ConfigurationError,
    TokenHubClient,
    resolve_settings,
)
from hunyuan_tokenhub.emulator import TokenHubEmulator


def test_argument_key_wins_over_environment() -> None:
    env = {"TOKENHUB_API_KEY": "env-key", "HUNYUAN_API_KEY": "other"}
    settings = resolve_settings(api_key="arg-key", env=env)
    assert settings.api_key.get_secret_value() == "arg-key"


def test_tokenhub_variable_before_hunyuan_variable() -> None:
    settings = resolve_settings(env={"TOKENHUB_API_KEY": "a", "HUNYUAN_API_KEY": "b"})
    assert settings.api_key.get_secret_value() == "a"
    assert resolve_settings(env={"HUNYUAN_API_KEY": "b"}).api_key.get_secret_value() == "b"


def test_secretstr_argument_accepted() -> None:
    settings = resolve_settings(api_key=SecretStr("s"), env={})
    assert settings.api_key.get_secret_value() == "s"


def test_missing_key_names_both_variables_and_ignores_other_vendors() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_settings(env={"OPENAI_API_KEY": "sk-openai", "DEEPSEEK_API_KEY": "sk-ds"})
    assert "TOKENHUB_API_KEY" in str(info.value)
    assert "HUNYUAN_API_KEY" in str(info.value)
    assert "sk-openai" not in str(info.value)


def test_blank_key_is_missing() -> None:
    with pytest.raises(ConfigurationError):
        resolve_settings(api_key="   ", env={})


def test_default_region_is_mainland_with_documented_backup() -> None:
    settings = resolve_settings(api_key="k", env={})
    assert settings.region == "cn"
    assert settings.base_url == "https://tokenhub.tencentmaas.com/v1"
    assert settings.fallback_base_urls == ("https://tokenhub.tencentmaas.cn/v1",)


def test_international_region_from_argument_and_environment() -> None:
    expected = "https://tokenhub-intl.tencentmaas.com/v1"
    assert resolve_settings(api_key="k", region="intl", env={}).base_url == expected
    from_env = resolve_settings(api_key="k", env={"TOKENHUB_REGION": "INTL"})
    assert from_env.base_url == expected
    assert from_env.fallback_base_urls == ("https://tokenhub-intl.tencentmaas.cn/v1",)


@pytest.mark.parametrize(
    ("region", "primary", "backup"),
    [
        (
            "ap-guangzhou",
            "https://tokenhub.tencentcloudmaas.com/v1",
            "https://tokenhub.tencentcloudmaas.tech/v1",
        ),
        (
            "AP-Singapore",
            "https://tokenhub-intl.tencentcloudmaas.com/v1",
            "https://tokenhub-intl.tencentcloudmaas.tech/v1",
        ),
    ],
)
def test_international_site_regions_have_their_tech_backup(
    region: str, primary: str, backup: str
) -> None:
    settings = resolve_settings(api_key="k", region=region, env={})
    assert (settings.base_url, settings.fallback_base_urls) == (primary, (backup,))


def test_unknown_region_is_rejected_with_allowed_values() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_settings(api_key="k", region="eu", env={})
    for region in ("cn", "intl", "ap-guangzhou", "ap-singapore"):
        assert region in str(info.value)


def test_explicit_base_url_has_no_fallback_unless_given() -> None:
    settings = resolve_settings(api_key="k", base_url="https://proxy.example/v1/", env={})
    assert settings.base_url == "https://proxy.example/v1"
    assert settings.fallback_base_urls == ()
    with_backup = resolve_settings(
        api_key="k",
        base_url="https://proxy.example/v1",
        fallback_base_urls=["https://backup.example/v1"],
        env={},
    )
    assert with_backup.fallback_base_urls == ("https://backup.example/v1",)


def test_base_url_from_environment() -> None:
    settings = resolve_settings(api_key="k", env={"TOKENHUB_BASE_URL": "http://127.0.0.1:9/v1"})
    assert settings.base_url == "http://127.0.0.1:9/v1"
    assert settings.fallback_base_urls == ()


def test_region_can_drop_its_fallbacks() -> None:
    settings = resolve_settings(api_key="k", fallback_base_urls=[], env={})
    assert settings.fallback_base_urls == ()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"base_url": "ftp://x"}, "base_url"),
    ],
)
def test_invalid_settings_name_the_setting(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=fragment):
        resolve_settings(api_key="k", env={}, **kwargs)  # type: ignore[arg-type]


def test_defaults() -> None:
    settings = resolve_settings(api_key="k", env={})
    assert settings.max_retries == 2
    # Long enough for a reasoning model's answer (OpenAI's SDK uses the same 600 s).
    assert settings.timeout == 600.0
    assert settings.stream_idle_timeout == 600.0
    assert settings.phase_timeouts == httpx.Timeout(600.0)
    assert settings.retry_sent_chat_requests is False


def test_timeout_as_seconds_or_as_httpx_timeout() -> None:
    seconds = resolve_settings(api_key="k", timeout=30, stream_idle_timeout=5, env={})
    assert (seconds.timeout, seconds.stream_idle_timeout) == (30.0, 5.0)
    assert seconds.phase_timeouts == httpx.Timeout(30.0)
    # Per-phase control: the overall deadline is the longest phase, the idle limit the read.
    phases = httpx.Timeout(10.0, read=120.0)
    settings = resolve_settings(api_key="k", timeout=phases, env={})
    assert settings.phase_timeouts is phases
    assert (settings.timeout, settings.stream_idle_timeout) == (120.0, 120.0)
    for bad in ("30", float("inf"), float("nan"), -1, httpx.Timeout(5.0, read=0.0)):
        with pytest.raises(ConfigurationError, match="timeout"):
            resolve_settings(api_key="k", timeout=bad, env={})  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="stream_idle_timeout"):
        resolve_settings(api_key="k", stream_idle_timeout=0, env={})


def test_hosts_table_matches_the_docs() -> None:
    assert HOSTS["cn"][0] == "https://tokenhub.tencentmaas.com/v1"
    assert HOSTS["intl"][1] == ("https://tokenhub-intl.tencentmaas.cn/v1",)


def test_client_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKENHUB_API_KEY", raising=False)
    monkeypatch.setenv("HUNYUAN_API_KEY", "from-env")
    with TokenHubClient() as client:
        assert client.settings.api_key.get_secret_value() == "from-env"


def test_keyless_settings_only_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key is required only by whoever signs every call itself; a key found is still used,
    and settings resolved from keyless settings stay keyless (and pickle so)."""
    monkeypatch.delenv("TOKENHUB_API_KEY", raising=False)
    monkeypatch.delenv("HUNYUAN_API_KEY", raising=False)
    keyless = resolve_settings(require_api_key=False)
    assert keyless.api_key is None
    assert resolve_settings(settings=keyless, timeout=5).api_key is None
    assert pickle.loads(pickle.dumps(keyless)).api_key is None
    found = resolve_settings(require_api_key=False, env={"TOKENHUB_API_KEY": "env-key"})
    assert found.api_key is not None and found.api_key.get_secret_value() == "env-key"
    with pytest.raises(ConfigurationError, match="TOKENHUB_API_KEY"):
        TokenHubClient()  # a client for TokenHub itself still fails at construction


def test_a_keyless_client_sends_no_bearer_and_refuses_a_call_without_auth(
    monkeypatch: pytest.MonkeyPatch, emulator: TokenHubEmulator
) -> None:
    monkeypatch.delenv("TOKENHUB_API_KEY", raising=False)
    monkeypatch.delenv("HUNYUAN_API_KEY", raising=False)
    settings = resolve_settings(base_url=emulator.base_url, max_retries=0, require_api_key=False)
    payload = {"model": "deepseek-v3.2", "messages": [{"role": "user", "content": "Hi"}]}
    with TokenHubClient(settings=settings) as client:
        assert "Authorization" not in client._headers
        for call in (
            lambda: client.chat_completions(payload),
            lambda: list(client.stream_chat_completions(payload)),
            lambda: client.post_json("/chat/completions", payload),
            lambda: client.get_json("/models"),
        ):
            with pytest.raises(ConfigurationError, match=r"api_key=.*TOKENHUB_API_KEY"):
                call()
        assert len(emulator.requests) == 0
        # A call that brings its own auth= is sent, with that auth and no Bearer.
        with pytest.raises(AuthenticationError):
            client.post_json("/chat/completions", payload, auth=_StampAuth())
    sent = emulator.requests.last
    assert sent is not None and sent.headers["authorization"] == "Stamp signed"


async def test_a_keyless_async_client_refuses_a_call_without_auth(
    monkeypatch: pytest.MonkeyPatch, emulator: TokenHubEmulator
) -> None:
    monkeypatch.delenv("TOKENHUB_API_KEY", raising=False)
    monkeypatch.delenv("HUNYUAN_API_KEY", raising=False)
    settings = resolve_settings(base_url=emulator.base_url, require_api_key=False)
    payload = {"model": "deepseek-v3.2", "messages": [{"role": "user", "content": "Hi"}]}
    async with AsyncTokenHubClient(settings=settings) as client:
        with pytest.raises(ConfigurationError, match="TOKENHUB_API_KEY"):
            await client.chat_completions(payload)
    assert len(emulator.requests) == 0


class _StampAuth(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = "Stamp signed"
        yield request
