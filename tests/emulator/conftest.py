from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.emulator.pytest_plugin import (  # noqa: F401  (fixtures)
    pytest_configure,
    tokenhub_api_key,
    tokenhub_emulator,
    tokenhub_env,
)


@pytest.fixture
def emu(tokenhub_emulator: TokenHubEmulator) -> TokenHubEmulator:
    return tokenhub_emulator


@pytest.fixture
def client(emu: TokenHubEmulator, tokenhub_api_key: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {tokenhub_api_key}"}
    with httpx.Client(base_url=emu.base_url, headers=headers, timeout=10) as http:
        yield http
