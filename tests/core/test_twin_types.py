"""The twins share one constructor, yet each still takes only its own kind of client: mypy
refuses an async HTTP client for a sync twin and the other way round."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = """
import httpx
from hunyuan_tokenhub import AsyncTokenHubClient, TokenHubClient
from hunyuan_tokenhub.jobs import AsyncJobClient, JobClient

TokenHubClient(http_client=httpx.Client())
AsyncTokenHubClient(http_client=httpx.AsyncClient())
JobClient(client=TokenHubClient(), http_client=httpx.Client())
AsyncJobClient(client=AsyncTokenHubClient(), http_client=httpx.AsyncClient())
reveal_type(TokenHubClient()._http)
reveal_type(AsyncJobClient()._http)
reveal_type(JobClient().__enter__())
reveal_type(AsyncTokenHubClient().__aenter__())
TokenHubClient(http_client=httpx.AsyncClient())  # wrong
AsyncTokenHubClient(http_client=httpx.Client())  # wrong
JobClient(client=AsyncTokenHubClient())  # wrong
AsyncJobClient(client=TokenHubClient())  # wrong
JobClient(http_client=httpx.AsyncClient())  # wrong
AsyncJobClient(http_client=httpx.Client())  # wrong
"""


def test_each_twin_takes_only_its_own_kind_of_client(tmp_path: Path) -> None:
    snippet = tmp_path / "twins.py"
    snippet.write_text(SNIPPET)
    out, _, _ = api.run(
        [
            "--config-file", str(ROOT / "pyproject.toml"),
            "--no-incremental", "--cache-dir", os.devnull,
            str(snippet),
        ]
    )  # fmt: skip
    errors = {int(n) for n in re.findall(r"twins\.py:(\d+): error: .*\[arg-type\]", out)}
    wrong = {n for n, line in enumerate(SNIPPET.splitlines(), 1) if line.endswith("# wrong")}
    assert errors == wrong and len(wrong) == 6, out
    assert 'Revealed type is "httpx._client.Client"' in out
    assert 'Revealed type is "hunyuan_tokenhub._client.AsyncTokenHubClient"' in out
    assert 'Revealed type is "hunyuan_tokenhub.jobs._client.JobClient"' in out
    assert (
        'Revealed type is "typing.Coroutine[Any, Any, hunyuan_tokenhub._client.AsyncTokenHubClient]"'
        in out
    )
