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
