"""The pytest plugin as a user enables it: ``pytest_plugins`` in their own conftest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFTEST = 'pytest_plugins = ["hunyuan_tokenhub.emulator.pytest_plugin"]\n'
USER_TESTS = """
import os

import httpx
import pytest


def test_fresh_emulator(tokenhub_emulator, tokenhub_api_key):
    reply = httpx.post(
        f"{tokenhub_emulator.base_url}/chat/completions",
        headers={"Authorization": f"Bearer {tokenhub_api_key}"},
        json={"model": "glm-5", "messages": [{"role": "user", "content": "2*21"}]},
    )
    assert reply.json()["choices"][0]["message"]["content"] == "2*21=42"
    assert len(tokenhub_emulator.requests) == 1


def test_env_points_at_the_emulator(tokenhub_env):
    assert os.environ["TOKENHUB_BASE_URL"] == tokenhub_env.base_url
    assert os.environ["TOKENHUB_API_KEY"] == "test-key"


@pytest.mark.tokenhub_emulator(api_key="other-key")
def test_marker_overrides_options(tokenhub_emulator):
    assert tokenhub_emulator.api_key == "other-key"


def test_session_emulator_is_reset(tokenhub_emulator_session):
    tokenhub_emulator_session.faults.add(status=500)
    assert len(tokenhub_emulator_session.requests) == 0


def test_session_emulator_is_reset_again(tokenhub_emulator_session):
    assert len(tokenhub_emulator_session.faults) == 0
"""


def test_users_enable_the_fixtures_with_pytest_plugins(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_user.py").write_text(USER_TESTS)

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout
