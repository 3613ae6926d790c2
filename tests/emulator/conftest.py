from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hunyuan_tokenhub.emulator import TokenHubEmulator, pytest_plugin

# The plugin's fixtures, re-exported here because only a root conftest may set pytest_plugins.
pytest_configure = pytest_plugin.pytest_configure
tokenhub_api_key = pytest_plugin.tokenhub_api_key
tokenhub_emulator = pytest_plugin.tokenhub_emulator
tokenhub_env = pytest_plugin.tokenhub_env
tokenhub_emulator_session = pytest_plugin.tokenhub_emulator_session
_tokenhub_session_emulator = pytest_plugin._tokenhub_session_emulator


@pytest.fixture
def emu(tokenhub_emulator: TokenHubEmulator) -> TokenHubEmulator:
    return tokenhub_emulator


@pytest.fixture
def client(emu: TokenHubEmulator, tokenhub_api_key: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {tokenhub_api_key}"}
    with httpx.Client(base_url=emu.base_url, headers=headers, timeout=10) as http:
        yield http
