"""Clear errors when an optional dependency group ("extra") is not installed."""

from __future__ import annotations

import importlib.util

__all__ = ["require_extra"]


def require_extra(importer: str, extra: str, *modules: str) -> None:
    """Raise ``ModuleNotFoundError`` naming ``extra`` if one of ``modules`` is not installed.

    Checked by name only (nothing is imported), so it costs nothing when they are present.
    """
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(
                f"{importer} needs {module}, which the '{extra}' extra installs: "
                f'pip install "hunyuan-tokenhub[{extra}]" (from a checkout: '
                f'pip install -e ".[{extra}]")',
                name=module,
            )
