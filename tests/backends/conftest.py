"""Fixtures: an emulator (serving the legacy endpoints) and a job client per backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy, JobClient

AIART_KEY = "sk-aiart-test-0123"
AI3D_KEY = "sk-ai3d-test-4567"
SECRET_ID = "AKIDbackendtest00001"
SECRET_KEY = "backend-test-secret-key-89"
# The parameters of seed 000's submit example (tests/cassettes/backends/aiart_submit_query.yaml).
SEED_000_PARAMS: dict[str, Any] = {
    "prompt": "在图片中增加一个橘猫",
    "resolution": "1024:1024",
    "images": ["https://ai.cos.ap-guangzhou.myqcloud.com/cat.png"],
    "seed": 84445,
    "revise": 0,
    "logo_add": 1,
    "logo_param": {
        "logo_rect": {"x": 0, "y": 0, "width": 100, "height": 50},
        "logo_url": "https://ai.cos.ap-guangzhou.myqcloud.com/logo.png",
    },
}
FAST = JobTiming(queued_s=0.02, running_s=0.06)
POLLING: dict[str, Any] = {
    "poll_interval": 0.005,
    "max_poll_interval": 0.02,
    "timeout": 10.0,
    "max_retries": 0,
    "download_policy": DownloadPolicy(allow_loopback_http=True),
}
_ENV = (
    "HUNYUAN_BACKEND",
    "HUNYUAN_API_KEY",
    "TOKENHUB_API_KEY",
    "TOKENHUB_BASE_URL",
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_REGION",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key="tokenhub-key", job_timing=FAST) as emu:
        emu.legacy.aiart_key = AIART_KEY
        emu.legacy.ai3d_key = AI3D_KEY
        emu.legacy.credentials = {SECRET_ID: SECRET_KEY}
        emu.legacy.timing = FAST
        yield emu


def client_options(backend: str, emulator: TokenHubEmulator) -> dict[str, Any]:
    """JobClient arguments that point ``backend`` at the emulator."""
    credentials: dict[str, Any] = {
        "aiart": {"api_key": AIART_KEY},
        "ai3d": {"api_key": AI3D_KEY},
        "tencentcloud": {"secret_id": SECRET_ID, "secret_key": SECRET_KEY},
    }[backend]
    return {"backend": backend, "base_url": emulator.root_url, **credentials, **POLLING}


@pytest.fixture
def aiart(emulator: TokenHubEmulator) -> Iterator[JobClient]:
    with JobClient(**client_options("aiart", emulator)) as client:
        yield client


@pytest.fixture
def ai3d(emulator: TokenHubEmulator) -> Iterator[JobClient]:
    with JobClient(**client_options("ai3d", emulator)) as client:
        yield client


@pytest.fixture
def tencentcloud(emulator: TokenHubEmulator) -> Iterator[JobClient]:
    with JobClient(**client_options("tencentcloud", emulator)) as client:
        yield client


def legacy_requests(emulator: TokenHubEmulator, path: str) -> list[Any]:
    """The requests the emulator received on ``path``."""
    return [request for request in emulator.requests if request.path == path]
