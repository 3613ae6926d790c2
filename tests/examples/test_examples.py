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

from hunyuan_tokenhub.emulator import TokenHubEmulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Only what a Python process needs: no TokenHub/Hunyuan keys, no tracing or proxy settings.
_KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
URL = re.compile(r"https?://127\.0\.0\.1:\d+/\S+")


def run_example(name: str, *, prelude: str = "", **extra_env: str) -> str:
    """Run ``examples/<name>``; ``prelude`` is Python run first in the same process."""
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra_env)
    command = [sys.executable, str(EXAMPLES / name)]
    if prelude:
        run_as_script = (
            f"import runpy, sys; sys.path.insert(0, {str(EXAMPLES)!r}); "
            f"runpy.run_path({str(EXAMPLES / name)!r}, run_name='__main__')"
        )
        command = [sys.executable, "-c", f"{prelude}\n{run_as_script}"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=EXAMPLES.parent,
        timeout=90,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    if "TOKENHUB_API_KEY" not in extra_env:
        assert "TOKENHUB_API_KEY is not set: using the bundled TokenHub emulator" in done.stdout
        assert "rule-based stand-in, not language models" in done.stdout
    return done.stdout


def test_with_a_key_the_configured_service_is_used() -> None:
    # The "real service" here is an emulator the test controls: the example must talk to it
    # (TOKENHUB_BASE_URL) with the given key, and start no emulator of its own.
    with TokenHubEmulator(api_key="sk-user-key") as service:
        out = run_example(
            "reasoning_models.py",
            TOKENHUB_API_KEY="sk-user-key",
            TOKENHUB_BASE_URL=service.base_url,
        )
        chat_requests = [r for r in service.requests if r.path == "/v1/chat/completions"]

    assert "Using TokenHub with the key from TOKENHUB_API_KEY." in out
    assert "bundled TokenHub emulator" not in out
    assert len(chat_requests) == 2
    assert "Answer:    17*23=391" in out


def test_every_example_has_a_test() -> None:
    tested = {name.removeprefix("test_") + ".py" for name in globals() if name.startswith("test_")}
    shipped = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert shipped <= tested, f"examples without a test: {sorted(shipped - tested)}"


def test_structured_output() -> None:
    out = run_example("structured_output.py")

    assert "[hy3] Recipe object:" in out
    assert "[kimi-k2.6] Recipe object:" in out
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
    streamed = out.split("Streaming minimax-m2.7:", 1)[1]
    assert streamed.index("[thinking] ") < streamed.index("[answer] 12+30=42")


RAG_BEST_SOURCES = {
    "How long do image result URLs stay valid?": "generation_jobs.md",
    "What is the backup host of the international site?": "hosts_and_regions.md",
    "Which error code means the API key is invalid?": "errors_and_retries.md",
}


def _assert_best_sources_first(out: str) -> None:
    for question, source in RAG_BEST_SOURCES.items():
        retrieved, answer = out.split(f"Q: {question}\n", 1)[1].splitlines()[:2]
        assert retrieved.startswith(f"Retrieved: {source}"), retrieved
        assert answer.startswith("A: ") and answer.removeprefix("A: ").strip()


def test_rag_pipeline() -> None:
    # Retrieval by the emulator's embeddings (hashed words): the question's file comes first.
    _assert_best_sources_first(run_example("rag_pipeline.py"))


def test_llamaindex_rag() -> None:
    _assert_best_sources_first(run_example("llamaindex_rag.py"))


def test_quickstart() -> None:
    out = run_example("quickstart.py")

    assert "Chat: 1+1=2" in out
    assert re.search(r"^Stream: \S", out, re.M)
    assert "Tool calls: [('get_weather', {'city': 'Shenzhen'})]" in out
    assert "Sunny and 24°C in Shenzhen." in out.split("Answer:", 1)[1]
    image_urls = [u for u in URL.findall(out) if "/files/" in u]
    assert len(image_urls) == 1 and image_urls[0].endswith(".png")


def test_langgraph_agent() -> None:
    assert_langgraph_agent_output(run_example("langgraph_agent.py"))


def test_langgraph_agent_where_the_model_call_gets_no_run_context() -> None:
    # On Python 3.10 asyncio.create_task takes no context, so LangGraph cannot hand the run's
    # callbacks to the model call create_agent makes and no on_chat_model_* events arrive.
    # LangGraph's own switch reproduces that on newer Pythons: the example must still show
    # the plan, the calls, the job progress and the answer.
    no_context = "import langgraph._internal._runnable as r; r.ASYNCIO_ACCEPTS_CONTEXT = False"
    assert_langgraph_agent_output(run_example("langgraph_agent.py", prelude=no_context))


def assert_langgraph_agent_output(out: str) -> None:
    plan = out.index("\nPlan: ")
    calls = re.findall(r"^-> (hunyuan_\w+)\(", out, re.M)
    assert sorted(calls) == ["hunyuan_3d_generation", "hunyuan_image_generation"]
    assert plan < out.index("\n-> hunyuan_")
    progress = re.findall(r"^   job (\d+) \(([\w.-]+)\): (\w+)", out, re.M)
    assert {model for _, model, _ in progress} == {"hy-image-v3.0", "hy-3d-3.0"}
    assert {state for *_, state in progress} >= {"queued", "completed"}
    answer = out.split("\nAnswer:\n", 1)[1]
    urls = URL.findall(answer)
    assert any(u.endswith(".png") for u in urls)
    assert any(u.endswith(".glb") for u in urls)
    assert all(job_id in answer for job_id, _, _ in progress)


def test_llamaindex_agent() -> None:
    out = run_example("llamaindex_agent.py")

    calls = re.findall(r"^-> (\w+)\(", out, re.M)
    assert sorted(calls) == ["generate_3d", "generate_image"]
    assert re.search(r"^   job \d+ \(hy-image-v3\.0\): completed", out, re.M)
    assert re.search(r"^   job \d+ \(hy-3d-3\.0\): completed", out, re.M)
    answer = out.split("\nAnswer:\n", 1)[1]
    urls = URL.findall(answer)
    assert any(u.endswith(".png") for u in urls)
    assert any(u.endswith(".zip") for u in urls) and any(u.endswith(".glb") for u in urls)


def test_langgraph_long_jobs() -> None:
    # The agent starts a video, the process "restarts", the job is picked up by its handle.
    out = run_example("langgraph_long_jobs.py")
    before, after = out.split("--- the process restarts ---")
    handle = re.search(r"Job handle: (tokenhub:hy-video-1\.5:\d+)", before)
    assert handle is not None and "do not start it again" in before
    assert f"the job handle is {handle.group(1)}" in after
    assert re.search(r"^Status: completed", after, re.M)
    assert any(u.endswith("video.mp4") for u in URL.findall(after.rsplit("Agent:", 1)[1]))
