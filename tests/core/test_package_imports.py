"""What ``import hunyuan_tokenhub`` loads: no framework, and the generation jobs only on use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import hunyuan_tokenhub


def _run(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_importing_the_core_loads_neither_framework_nor_the_jobs() -> None:
    _run(
        "import sys, hunyuan_tokenhub\n"
        "prefixes = ('langchain', 'llama_index', 'hunyuan_tokenhub.jobs')\n"
        "loaded = [m for m in sys.modules if m.startswith(prefixes)]\n"
        "assert not loaded, loaded\n"
    )


def test_jobs_names_load_the_jobs_package_on_first_use() -> None:
    _run(
        "import sys, hunyuan_tokenhub\n"
        "from hunyuan_tokenhub import JobClient\n"
        "assert 'hunyuan_tokenhub.jobs' in sys.modules\n"
        "from hunyuan_tokenhub import jobs\n"
        "assert JobClient is jobs.JobClient\n"
        "assert hunyuan_tokenhub.SubmitTimeoutError is jobs.SubmitTimeoutError\n"
    )


def test_star_import_and_dir_include_the_jobs_names() -> None:
    _run(
        "import hunyuan_tokenhub\n"
        "assert {'JobClient', 'AsyncJobClient', 'JobStatus'} <= set(dir(hunyuan_tokenhub))\n"
        "namespace = {}\n"
        "exec('from hunyuan_tokenhub import *', namespace)\n"
        "missing = set(hunyuan_tokenhub.__all__) - set(namespace)\n"
        "assert not missing, missing\n"
    )


@pytest.mark.parametrize("name", ["JobClient", "AsyncJobClient", "JobAsset", "JobResult"])
def test_every_exported_jobs_name_is_the_jobs_package_object(name: str) -> None:
    from hunyuan_tokenhub import jobs

    assert getattr(hunyuan_tokenhub, name) is getattr(jobs, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="'hunyuan_tokenhub' has no attribute 'JobClients'"):
        hunyuan_tokenhub.JobClients  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ImportError):
        from hunyuan_tokenhub import JobClients  # type: ignore[attr-defined]  # noqa: F401


@pytest.mark.parametrize(
    ("package", "hidden", "extra"),
    [
        ("langchain_hunyuan", "langchain_core", "langchain"),
        ("llama_index_hunyuan", "llama_index.core", "llama-index"),
        ("llama_index.llms.hunyuan", "llama_index.core", "llama-index"),
    ],
)
def test_an_adapter_without_its_framework_names_the_extra_to_install(
    package: str, hidden: str, extra: str
) -> None:
    # sys.modules[name] = None makes the framework look uninstalled to the import system.
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.modules[{hidden!r}] = None; import {package}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ModuleNotFoundError: ")
    assert f'pip install "hunyuan-tokenhub[{extra}]"' in last_line
    assert f'pip install -e ".[{extra}]"' in last_line


def test_llama_index_integration_paths_are_the_adapter_classes() -> None:
    _run(
        "import llama_index.core\n"
        "from llama_index.llms.hunyuan import Hunyuan\n"
        "from llama_index.tools.hunyuan import HunyuanGenerationToolSpec\n"
        "from llama_index.embeddings.hunyuan import HunyuanEmbedding\n"
        "import llama_index_hunyuan\n"
        "assert HunyuanEmbedding is llama_index_hunyuan.HunyuanEmbedding\n"
        "assert Hunyuan is llama_index_hunyuan.Hunyuan\n"
        "assert HunyuanGenerationToolSpec is llama_index_hunyuan.HunyuanGenerationToolSpec\n"
        "assert not hasattr(llama_index, '__file__') or llama_index.__file__ is None\n"
    )
