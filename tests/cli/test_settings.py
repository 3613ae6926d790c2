"""The CLI resolves its global options and the environment once, into one ClientSettings."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub.cli._common import CliState
from hunyuan_tokenhub.cli._jobs import _job_client
from tests.cli.conftest import API_KEY, CLEARED_ENV


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLEARED_ENV:
        monkeypatch.delenv(name, raising=False)


def test_chat_and_job_clients_share_the_global_options() -> None:
    state = CliState(api_key=API_KEY, base_url="http://127.0.0.1:9/v1", region="intl")
    with state.client() as chat, _job_client(state) as jobs:
        for settings in (chat.settings, jobs._http.settings):
            assert settings.api_key is not None
            assert settings.api_key.get_secret_value() == API_KEY
            assert (settings.base_url, settings.region) == ("http://127.0.0.1:9/v1", "intl")
        # Without --timeout a chat answer may take minutes, a job call answers at once.
        assert (chat.settings.timeout, jobs._http.settings.timeout) == (600.0, 60.0)
    state.timeout = 5.0
    with state.client() as chat, _job_client(state) as jobs:
        assert chat.settings.timeout == jobs._http.settings.timeout == 5.0


def test_the_key_falls_back_to_the_environment_and_api3_needs_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOKENHUB_API_KEY", "sk-from-the-environment")
    settings = CliState().settings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-from-the-environment"
    monkeypatch.delenv("TOKENHUB_API_KEY")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDclisettings0001")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "cli-settings-secret-key")
    with _job_client(CliState(backend="tencentcloud")) as jobs:
        assert jobs._http.settings.api_key is None
