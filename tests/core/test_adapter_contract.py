"""The adapters use the core only through its public contract (``hunyuan_tokenhub.adapters``).

Every import in ``langchain_hunyuan``, ``llama_index_hunyuan`` and ``llama_index/*/hunyuan`` is
read from the source (AST, so an import inside a function or under ``TYPE_CHECKING`` counts
too); one that names a private core module (``hunyuan_tokenhub._x``, ``hunyuan_tokenhub.jobs._x``)
or a private name of a public one fails the test.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from pydantic import BaseModel

import hunyuan_tokenhub.adapters as adapters
from hunyuan_tokenhub import InvalidParameterError, SharedLimitsUnavailableError
from tests.core.test_docstring_examples import (  # noqa: F401 - the fixtures the examples need
    _example_blocks,
    example_environment,
    service,
)

ROOT = Path(__file__).resolve().parents[2]
ADAPTER_DIRS = ("langchain_hunyuan", "llama_index_hunyuan", "llama_index")
PUBLIC_CORE_MODULES = ("hunyuan_tokenhub", "hunyuan_tokenhub.adapters", "hunyuan_tokenhub.jobs")


def _adapter_sources() -> list[Path]:
    return sorted(p for d in ADAPTER_DIRS for p in (ROOT / d).rglob("*.py"))


def _core_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) of every import from the core in ``path``."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name, None)
                for alias in node.names
                if alias.name.split(".")[0] == "hunyuan_tokenhub"
            ]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "hunyuan_tokenhub"
        ):
            found += [(node.lineno, str(node.module), alias.name) for alias in node.names]
    return found


def _violation(module: str, name: str | None) -> str | None:
    if module not in PUBLIC_CORE_MODULES:
        return f"imports from {module}, which is not one of {PUBLIC_CORE_MODULES}"
    if name is not None and (name.startswith("_") or name == "*"):
        return f"imports the private name {name} from {module}"
    if name is not None and name not in importlib.import_module(module).__all__:
        return f"imports {name} from {module}, which does not export it (__all__)"
    return None


def test_the_scan_finds_every_adapter_package_and_their_core_imports() -> None:
    sources = _adapter_sources()
    assert {p.relative_to(ROOT).parts[0] for p in sources} == set(ADAPTER_DIRS)
    modules = {m for p in sources for _, m, _ in _core_imports(p)}
    assert {"hunyuan_tokenhub", "hunyuan_tokenhub.adapters", "hunyuan_tokenhub.jobs"} <= modules


@pytest.mark.parametrize("path", _adapter_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_import_nothing_private_from_the_core(path: Path) -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {problem}"
        for line, module, name in _core_imports(path)
        if (problem := _violation(module, name)) is not None
    ]
    assert problems == []


def test_the_checker_catches_a_private_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from hunyuan_tokenhub._chat import build_chat_request\n"
        "import hunyuan_tokenhub._client\n"
        "def f():\n    from hunyuan_tokenhub.adapters import _AGENT_TOOL_NAMES\n",
        encoding="utf-8",
    )
    problems = [_violation(m, n) for _, m, n in _core_imports(bad)]
    assert all(problems) and len(problems) == 3


def test_every_contract_name_resolves() -> None:
    # The generation-tool names load lazily; each must exist where the contract says.
    for name in adapters.__all__:
        assert getattr(adapters, name) is not None, name
    assert sorted(dir(adapters)) == sorted(adapters.__all__)


# The contract's own examples run against the emulator, like every exported class's: the
# module's, and those of the classes it introduces.
DOCUMENTED = {
    "adapters": adapters,
    **{
        name: getattr(adapters, name)
        for name in (
            "LazyClients",
            "ConnectionFields",
            "ChatConnectionFields",
            "JobConnectionFields",
        )
    },
}
CONTRACT_EXAMPLES = [
    pytest.param(source, id=f"{name}[{index}]")
    for name, documented in DOCUMENTED.items()
    for index, source in enumerate(_example_blocks(documented))
]


def test_the_contract_documents_itself_with_examples() -> None:
    assert {p.id.partition("[")[0] for p in CONTRACT_EXAMPLES} == set(DOCUMENTED)


@pytest.mark.usefixtures("example_environment")
@pytest.mark.parametrize("source", CONTRACT_EXAMPLES)
def test_contract_example_runs(source: str) -> None:
    exec(compile(source, "<contract example>", "exec"), {"__name__": "__main__"})


# --- what both adapters decide once, in the core ---------------------------------------------


def test_check_chat_settings_names_the_bad_setting_before_any_request() -> None:
    adapters.check_chat_settings(
        "deepseek-v4-flash",
        {"temperature": 0.3},
        thinking=None,
        reasoning_passback=None,
        extra_body=None,
        notices=adapters.Notices(),
    )
    with pytest.raises(InvalidParameterError, match="temperature"):
        adapters.check_chat_settings(
            "deepseek-v4-flash",
            {"temperature": 9},
            thinking=None,
            reasoning_passback=None,
            extra_body=None,
            notices=adapters.Notices(),
        )


@pytest.mark.parametrize(
    ("model", "thinking", "forced"),
    [("deepseek-v4-flash", None, False), ("deepseek-v4-flash", False, True)],
)
def test_both_adapters_force_a_required_tool_exactly_where_the_core_allows_it(
    model: str, thinking: bool | None, forced: bool
) -> None:
    from llama_index.core.tools import FunctionTool

    from langchain_hunyuan import ChatHunyuan
    from llama_index_hunyuan import Hunyuan

    assert adapters.required_tool_choice(model, thinking, "Answer") == (
        "Answer" if forced else "auto"
    )
    assert adapters.required_tool_choice(model, thinking) == ("required" if forced else "auto")

    class Answer(BaseModel):
        value: int

    structured = ChatHunyuan(api_key="sk-test", model=model, thinking=thinking)
    bound = structured.with_structured_output(Answer).first  # type: ignore[attr-defined]
    assert bound.kwargs["tool_choice"] == (
        {"type": "function", "function": {"name": "Answer"}} if forced else "auto"
    )
    llm = Hunyuan(model, api_key="sk-test", thinking=thinking)
    tool = FunctionTool.from_defaults(fn=lambda value: value, name="Answer")
    prepared = llm._prepare_chat_with_tools([tool], "1+1", tool_required=True)
    assert prepared["tool_choice"] == ("required" if forced else "auto")


def test_which_failures_an_agent_reads_as_tool_errors() -> None:
    assert adapters.is_tool_error(InvalidParameterError("prompt", "too long"))
    assert adapters.is_tool_error(ValueError("not a job handle"))
    assert not adapters.is_tool_error(
        SharedLimitsUnavailableError("redis is down", url="redis://cache:6379")
    )
    assert not adapters.is_tool_error(RuntimeError("a bug"))

    def as_tool_error(error: Exception) -> Exception:
        return LookupError(f"agent: {error}")

    with pytest.raises(LookupError, match="agent: bad") as caught:
        with adapters.tool_errors(as_tool_error):
            raise ValueError("bad")
    assert isinstance(caught.value.__cause__, ValueError)
    with pytest.raises(SharedLimitsUnavailableError):
        with adapters.tool_errors(as_tool_error):
            raise SharedLimitsUnavailableError("redis is down", url="redis://cache:6379")
