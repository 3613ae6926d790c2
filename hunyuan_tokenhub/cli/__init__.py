"""The ``hunyuan-tokenhub`` console script: chat, generate, resume jobs, list models, emulate.

Usage::

    pip install "hunyuan-tokenhub[cli]"
    export TOKENHUB_API_KEY=sk-...
    hunyuan-tokenhub chat "Write a haiku about tea"
    hunyuan-tokenhub image "a red panda in the snow" --out pictures/
    hunyuan-tokenhub job wait 1234567890 --model hy-3d-3.0 --json
    hunyuan-tokenhub models --kind video

Exit codes: 0 success; 1 the service, the network or the job failed; 2 bad usage or
configuration (missing key, unknown option, invalid parameter); 3 a job was still running when
the wait timed out (resume it with ``job wait``); 130 interrupted (Ctrl-C).

typer and rich are imported only when the command runs, so ``import hunyuan_tokenhub`` never
pulls them in, and a missing ``cli`` extra gives an install hint instead of a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["INSTALL_HINT", "main"]

INSTALL_HINT = (
    "The hunyuan-tokenhub command needs the optional 'cli' dependencies (typer, rich).\n"
    'Install them with:  pip install "hunyuan-tokenhub[cli]"'
)
_CLI_DEPENDENCIES = frozenset({"typer", "rich", "click"})


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; ``argv`` defaults to ``sys.argv[1:]``. Exits the process."""
    try:
        from ._app import app
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in _CLI_DEPENDENCIES:
            raise
        sys.stderr.write(INSTALL_HINT + "\n")
        raise SystemExit(2) from None
    app(args=None if argv is None else list(argv), prog_name="hunyuan-tokenhub")
