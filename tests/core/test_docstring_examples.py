"""Every exported class documents itself with a usage example, and every example runs.

Convention (LangChain's): a class docstring has an ``Example:`` section holding one or more
``.. code-block:: python`` blocks. Every block is run here as a self-contained script, in a
scratch directory, with ``TOKENHUB_API_KEY``/``TOKENHUB_BASE_URL`` pointing at a started
emulator that finishes jobs quickly, so an example that drifts from the API fails this test.
None is skipped: an example needing a real key or a long-running agent does not belong in a
class docstring (examples/ holds those).

An exception class may instead rely on the example of an exported exception it derives from
(``TokenHubError``'s shows how the whole family is caught and what each carries).
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from hunyuan_tokenhub import TokenHubClient
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DEFAULT_POLL_INTERVALS

PACKAGES = (
    "hunyuan_tokenhub",
    "hunyuan_tokenhub.jobs",
    "hunyuan_tokenhub.emulator",
    "langchain_hunyuan",
    "llama_index_hunyuan",
)
EXAMPLE_KEY = "sk-docstring-examples"
# Variables the examples must not pick up from the machine running the tests.
FOREIGN_ENV = (
    "HUNYUAN_API_KEY",
    "HUNYUAN_BACKEND",
    "TOKENHUB_REGION",
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_REGION",
    "HUNYUAN_JOB_SLOTS_URL",
)
# The directive, then every line indented deeper than it (blank lines included).
_CODE_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)\.\. code-block:: python[ \t]*\n(?P<code>(?:[ \t]*\n|(?P=indent)[ \t]+.*\n)+)",
    re.MULTILINE,
)


def _exported_classes() -> dict[str, type]:
    """``module.Name`` -> class, each class once (under the first package exporting it)."""
    found: dict[str, type] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            # Python 3.10's inspect.isclass also accepts type aliases such as
            # Callable[[...], ...] (a GenericAlias); only real classes need an example.
            is_class = inspect.isclass(value) and not isinstance(value, types.GenericAlias)
            if is_class and value not in found.values():
                found[f"{package}.{name}"] = value
    return found


def _documented_by_family(cls: type, classes: dict[str, type]) -> bool:
    """An exception is covered by the example of an exported exception it derives from."""
    return issubclass(cls, BaseException) and any(
        base is not cls and issubclass(cls, base) and _example_blocks(base)
        for base in classes.values()
    )


def _example_blocks(cls: type) -> list[str]:
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    _, marker, example_section = doc.partition("Example:\n")
    if not marker:
        return []
    return [
        textwrap.dedent(match["code"]).strip("\n") + "\n"
        for match in _CODE_BLOCK.finditer(example_section + "\n")
    ]


CLASSES = _exported_classes()
EXAMPLES = [
    pytest.param(cls, index, id=f"{name}[{index}]")
    for name, cls in CLASSES.items()
    for index in range(len(_example_blocks(cls)))
]


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_exported_class_has_an_example(name: str) -> None:
    cls = CLASSES[name]
    assert _example_blocks(cls) or _documented_by_family(cls, CLASSES), (
        f"{name}: docstring needs an 'Example:' section with a '.. code-block:: python' block"
    )


@pytest.fixture(scope="module")
def service() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(
        api_key=EXAMPLE_KEY, job_timing=JobTiming(queued_s=0.01, running_s=0.02)
    ) as emu:
        yield emu


@pytest.fixture
def example_environment(
    service: TokenHubEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in FOREIGN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENHUB_API_KEY", EXAMPLE_KEY)
    monkeypatch.setenv("TOKENHUB_BASE_URL", service.base_url)
    monkeypatch.chdir(tmp_path)
    # Emulated jobs finish in milliseconds; the documented poll intervals would only add waits.
    for kind in DEFAULT_POLL_INTERVALS:
        monkeypatch.setitem(DEFAULT_POLL_INTERVALS, kind, 0.01)


@pytest.mark.usefixtures("example_environment")
@pytest.mark.parametrize(("cls", "index"), EXAMPLES)
def test_example_runs(
    cls: type, index: int, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _example_blocks(cls)[index]
    if "REDIS_URL" in source:  # an example of limits shared through Redis: a real server
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_url"))
    code = compile(source, f"<{cls.__qualname__} example {index}>", "exec")
    exec(code, {"__name__": "__main__"})


def test_the_examples_are_found() -> None:
    # Guards the block parser: a regex that silently matched nothing would pass every check.
    blocks = _example_blocks(TokenHubClient)
    assert len(blocks) == 1
    assert blocks[0].startswith("from hunyuan_tokenhub import TokenHubClient\n")
    assert len(EXAMPLES) >= len(CLASSES) // 2
