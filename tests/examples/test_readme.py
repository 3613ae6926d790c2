"""Every Python block of the README and the integration pages in docs/ runs, as written, after
the install line it names.

A block's install line is the last ``pip install -e ".[EXTRA]"`` in the text before it: within
its ``##`` section in the README (none there: the core alone), anywhere before it on a docs page. The block may import only what that extra installs
(plus the standard library), and it runs in a fresh process against the emulator, pointed at
by ``TOKENHUB_BASE_URL`` and ``TOKENHUB_API_KEY`` as a user's environment would be.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = (README, ROOT / "docs" / "langchain.md", ROOT / "docs" / "llama_index.md")
API_KEY = "sk-readme-test-key"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_INSTALL = re.compile(r'pip install -e "\.\[([a-z-]+)\]"')

_CORE = {"hunyuan_tokenhub", "httpx", "pydantic"}
_LANGCHAIN = {"langchain_hunyuan", "langchain_core"}
_LLAMA_INDEX = {"llama_index_hunyuan", "llama_index"}
_CLI = {"typer", "rich"}
_REDIS = {"redis"}
# What each extra makes importable (pyproject.toml's optional dependencies).
EXTRA_MODULES: dict[str | None, set[str]] = {
    None: _CORE,
    "langchain": _CORE | _LANGCHAIN,
    "llama-index": _CORE | _LLAMA_INDEX,
    "cli": _CORE | _CLI,
    "redis": _CORE | _REDIS,
    "all": _CORE | _LANGCHAIN | _LLAMA_INDEX | _CLI | _REDIS,
    "examples": _CORE | _LANGCHAIN | _LLAMA_INDEX | _CLI | _REDIS | {"langchain", "langgraph"},
}
# Blocks that talk to services other than TokenHub, which TOKENHUB_BASE_URL does not redirect:
# checked for their imports only.
NOT_RUN = {
    "README.md: Other Hunyuan endpoints": "needs Tencent Cloud API 3.0, aiart and ai3d credentials",
    "README.md: Many workers": "needs a Redis server at the URL it names",
}


def readme_blocks() -> Iterator[tuple[str, str | None, str]]:
    """(where, extra named before the block or None, code) for every Python block."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            before = text[: match.start()]
            section_start = before.rfind("\n## ")
            section = before[section_start:]
            title = section.split("\n", 2)[1].removeprefix("## ")
            extras = _INSTALL.findall(section if page == README else before)
            yield f"{page.name}: {title}", (extras[-1] if extras else None), match.group(1)


BLOCKS = list(readme_blocks())


def _imported_roots(code: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.partition(".")[0])
    return roots


@pytest.fixture(scope="module")
def service() -> Iterator[TokenHubEmulator]:
    timing = JobTiming(queued_s=0.05, running_s=0.2)
    with TokenHubEmulator(api_key=API_KEY, job_timing=timing) as emulator:
        yield emulator


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(
    ("title", "extra", "code"), BLOCKS, ids=[f"{i}-{b[0][:40]}" for i, b in enumerate(BLOCKS)]
)
def test_readme_block(
    title: str, extra: str | None, code: str, service: TokenHubEmulator, tmp_path: Path
) -> None:
    outside = _imported_roots(code) - EXTRA_MODULES[extra] - set(sys.stdlib_module_names)
    assert not outside, f"{title!r} imports {outside}, which {extra or 'the core'} lacks"
    reason = next((why for start, why in NOT_RUN.items() if title.startswith(start)), None)
    if reason:
        compile(code, title, "exec")
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOKENHUB_", "HUNYUAN_"))}
    env.update(TOKENHUB_API_KEY=API_KEY, TOKENHUB_BASE_URL=service.base_url)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, f"{title}:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{title} printed nothing"


EXAMPLES = sorted((README.parent / "examples").glob("[!_]*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_each_example_imports_only_what_its_install_line_installs(path: Path) -> None:
    # The examples themselves run in tests/examples/test_examples.py.
    code = path.read_text(encoding="utf-8")
    extras = _INSTALL.findall(ast.get_docstring(ast.parse(code)) or "")
    assert len(extras) == 1, f"{path.name} names no single install line"
    outside = _imported_roots(code) - EXTRA_MODULES[extras[0]] - set(sys.stdlib_module_names)
    assert outside <= {"_support"}, f"{path.name} imports {outside}, which [{extras[0]}] lacks"
