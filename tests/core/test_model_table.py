"""The README's model table is the one rendered from the model data."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_table", ROOT / "docs" / "model_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_model_table_matches_the_data() -> None:
    generator = _generator()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert generator.render() in readme, "run: python docs/model_table.py"
    assert generator.updated_readme(readme) == readme


def test_every_model_appears_once_with_its_sources() -> None:
    table = _generator().render()
    from hunyuan_tokenhub._catalog import model_data

    for model in model_data().models:
        rows = [line for line in table.splitlines() if line.startswith(f"| `{model.id}` |")]
        assert len(rows) == 1, model.id
        assert all(source.url in rows[0] for source in model.sources)
