"""Run every example as a user would (``python examples/<name>.py``) with no key set.

Each then starts the bundled emulator; the assertions read what the example printed, so an
example that breaks, hangs or stops showing what it promises fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Only what a Python process needs: no TokenHub/Hunyuan keys, no tracing or proxy settings.
_KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
URL = re.compile(r"https?://127\.0\.0\.1:\d+/\S+")


def run_example(name: str) -> str:
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=EXAMPLES.parent,
        timeout=90,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    assert "TOKENHUB_API_KEY is not set: using the bundled TokenHub emulator" in done.stdout
    return done.stdout


def test_every_example_has_a_test() -> None:
    tested = {
        name.removeprefix("test_") + ".py"
        for name in globals()
        if name.startswith("test_") and name != "test_every_example_has_a_test"
    }
    shipped = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert shipped <= tested, f"examples without a test: {sorted(shipped - tested)}"


def test_structured_output() -> None:
    out = run_example("structured_output.py")

    assert "[hunyuan-2.0-instruct-20251111] Recipe object:" in out
    assert "[hunyuan-2.0-thinking-20251109] Recipe object:" in out
    assert re.search(r'"servings":\s*\d+', out)
    assert re.search(r"CityFacts dict: \{'city': ", out)
    assert re.search(r"Tokens used: [1-9]\d*", out)


def test_reasoning_models() -> None:
    out = run_example("reasoning_models.py")

    reasoning = re.search(r"^Reasoning: (.+)$", out, re.M)
    answer = re.search(r"^Answer: +(.+)$", out, re.M)
    assert reasoning and answer
    assert answer.group(1) == "17*23=391"
    assert reasoning.group(1) not in answer.group(1)
    assert "Content blocks: ['reasoning', 'text']" in out
    assert re.search(r"Reasoning tokens: [1-9]", out)
    streamed = out.split("Streaming hunyuan-2.0-thinking-20251109:", 1)[1]
    assert streamed.index("[thinking] ") < streamed.index("[answer] 12+30=42")


def test_rag_pipeline() -> None:
    out = run_example("rag_pipeline.py")

    best_source = {
        "How long do image result URLs stay valid?": "generation_jobs.md",
        "What is the backup host of the international site?": "hosts_and_regions.md",
        "Which error code means the API key is invalid?": "errors_and_retries.md",
    }
    for question, source in best_source.items():
        retrieved, answer = out.split(f"Q: {question}\n", 1)[1].splitlines()[:2]
        assert retrieved.startswith(f"Retrieved: {source}"), retrieved
        assert answer.startswith("A: ") and answer.removeprefix("A: ").strip()
