"""pytest fixtures for the TokenHub emulator.

Enable them in a ``conftest.py``::

    pytest_plugins = ["hunyuan_tokenhub.emulator.pytest_plugin"]

Fixtures:

* ``tokenhub_emulator``: a fresh emulator per test (key ``tokenhub_api_key``, fast jobs).
  Configure it per test with ``@pytest.mark.tokenhub_emulator(job_concurrency=False, ...)``
  (any ``TokenHubEmulator`` keyword argument).
* ``tokenhub_emulator_session``: one emulator for the whole session, reset before each test
  that uses it (faster when tests need no special configuration).
* ``tokenhub_api_key``: the key the emulators enforce (override the fixture to change it).
* ``tokenhub_env``: sets ``TOKENHUB_API_KEY``/``TOKENHUB_BASE_URL`` (and clears the other
  TokenHub variables and ``HUNYUAN_BACKEND``) so code that reads its configuration from the
  environment talks to the per-test emulator.

Example:
    ```python
    import httpx

    def test_chat(tokenhub_emulator, tokenhub_api_key):
        reply = httpx.post(
            f"{tokenhub_emulator.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {tokenhub_api_key}"},
            json={"model": "glm-5", "messages": [{"role": "user", "content": "2*21"}]},
        )
        assert reply.json()["choices"][0]["message"]["content"] == "2*21=42"
    ```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._emulator import TokenHubEmulator
from ._jobs import JobTiming

#: Job timing the fixtures use: quick enough for tests, long enough to observe each status.
FAST_JOB_TIMING = JobTiming(queued_s=0.02, running_s=0.08)
DEFAULT_TEST_KEY = "test-key"
_MARKER = "tokenhub_emulator"
_ENV_TO_CLEAR = ("HUNYUAN_API_KEY", "TOKENHUB_REGION", "HUNYUAN_BACKEND")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**kwargs): TokenHubEmulator keyword arguments for the tokenhub_emulator "
        "fixture",
    )


@pytest.fixture
def tokenhub_api_key() -> str:
    """The API key the emulator fixtures enforce."""
    return DEFAULT_TEST_KEY


@pytest.fixture
def tokenhub_emulator(
    request: pytest.FixtureRequest, tokenhub_api_key: str
) -> Iterator[TokenHubEmulator]:
    """A fresh, running emulator; stopped (threads joined) after the test."""
    options: dict[str, Any] = {"api_key": tokenhub_api_key, "job_timing": FAST_JOB_TIMING}
    marker = request.node.get_closest_marker(_MARKER)
    if marker is not None:
        options.update(marker.kwargs)
    with TokenHubEmulator(**options) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def _tokenhub_session_emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=DEFAULT_TEST_KEY, job_timing=FAST_JOB_TIMING) as emulator:
        yield emulator


@pytest.fixture
def tokenhub_emulator_session(
    _tokenhub_session_emulator: TokenHubEmulator,
) -> TokenHubEmulator:
    """The session's shared emulator (key ``"test-key"``), reset for this test."""
    emulator = _tokenhub_session_emulator
    emulator.reset()
    emulator.jobs.timing = FAST_JOB_TIMING
    emulator.jobs.set_concurrency(True)
    return emulator


@pytest.fixture
def tokenhub_env(
    monkeypatch: pytest.MonkeyPatch, tokenhub_emulator: TokenHubEmulator, tokenhub_api_key: str
) -> TokenHubEmulator:
    """Point the TokenHub environment variables at the per-test emulator."""
    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENHUB_API_KEY", tokenhub_api_key)
    monkeypatch.setenv("TOKENHUB_BASE_URL", tokenhub_emulator.base_url)
    return tokenhub_emulator
