"""The vendor pages' curl examples of the older endpoints, replayed (tests/cassettes/backends/*.yaml).

Record mode is "none" and requests match on method, URL and JSON body (and, for API 3.0, the
X-TC-Action/-Version/-Region headers), so each replay also proves that the client sends the
documented request. Each cassette's header names the example it reproduces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.request import Request

from hunyuan_tokenhub.jobs import JobClient
from tests.cassettes.replay import json_body_matcher

from .conftest import SEED_000_PARAMS

CASSETTES = Path(__file__).parents[1] / "cassettes" / "backends"
TC_HEADERS = ("X-TC-Action", "X-TC-Version", "X-TC-Region")


def tc_headers_matcher(received: Request, recorded: Request) -> None:
    """The API 3.0 routing headers are the recorded ones (when the recording has them)."""
    for name in TC_HEADERS:
        want = recorded.headers.get(name)
        if want is not None:
            assert received.headers.get(name) == want, f"{name}: {received.headers.get(name)!r}"


def replay(name: str) -> Any:
    replayer = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "json_body", "tc_headers"],
        filter_headers=["authorization"],
    )
    replayer.register_matcher("json_body", json_body_matcher)
    replayer.register_matcher("tc_headers", tc_headers_matcher)
    return replayer.use_cassette(f"{name}.yaml", allow_playback_repeats=False)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUNYUAN_BACKEND", "HUNYUAN_API_KEY", "TOKENHUB_API_KEY", "TENCENTCLOUD_REGION"):
        monkeypatch.delenv(name, raising=False)


def test_every_cassette_names_its_documented_example() -> None:
    for path in CASSETTES.glob("*.yaml"):
        header = "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:2])
        assert header.startswith("# Reproduces "), path.name
        assert "https://cloud.tencent.com/document/" in header, path.name


def test_aiart_seed_000_submit_and_query() -> None:
    with (
        replay("aiart_submit_query") as cassette,
        JobClient(
            backend="aiart", api_key="sk-e*****zzz", max_retries=0, poll_interval=0.01
        ) as jobs,
    ):
        result = jobs.generate("HY-Image-V3.0", **SEED_000_PARAMS)
    assert cassette.all_played
    assert result.job_id == "1259088371-1*****10-0"
    assert result.urls == ["https://aiart*****-0/0"]
    assert result.request_id == "24*****3f0"


def test_ai3d_seed_001_submit_and_query() -> None:
    with (
        replay("ai3d_submit_query") as cassette,
        JobClient(
            backend="ai3d", api_key="sk-A*****ZZZ", max_retries=0, poll_interval=0.01
        ) as jobs,
    ):
        job_id = jobs.submit_job("hy-3d-3.0", prompt="  小狗")
        status = jobs.query_job(job_id, model="hy-3d-3.0")
    assert cassette.all_played
    assert job_id == "1387416933258346496"
    assert status.state == "completed" and status.result is not None
    assets = status.result.assets
    assert [(a.kind, a.url.rsplit(".", 1)[-1]) for a in assets] == [("obj", "zip"), ("glb", "glb")]
    assert {a.preview_url for a in assets} == {
        "https://hunyuan-3d.cos.ap-guangzhou.myqcloud.com/xxx.png"
    }


def test_tencentcloud_seed_004_query() -> None:
    job_id = "251197749-1731412663-d4e1f224-fa21-40bc-9ee7-4bb13abece6e-0"
    with (
        replay("tencentcloud_query_image_job") as cassette,
        JobClient(
            backend="tencentcloud", secret_id="AKIDexample", secret_key="example-key", max_retries=0
        ) as jobs,
    ):
        result = jobs.wait_for_job(job_id, model="hunyuan-image-job", poll_interval=0.01)
    assert cassette.all_played
    assert result.request_id == "56b2ecae-46e4-4697-87d2-dc2b3bbbc2c6"
    assert result.urls[0].startswith("https://aiart-xxx.cos.ap-guangzhou.myqcloud.com/xxx?q-sign")
    assert result.assets[0].revised_prompt.startswith("一条细长的小路穿梭在茂密的竹林中")  # type: ignore[union-attr]


def test_a_different_request_does_not_replay() -> None:
    from vcr.errors import CannotOverwriteExistingCassetteException

    with (
        replay("ai3d_submit_query"),
        JobClient(backend="ai3d", api_key="sk-x", max_retries=0) as jobs,
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        jobs.submit_job("hy-3d-3.0", prompt="小猫")
