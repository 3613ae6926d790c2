"""``python -m hunyuan_tokenhub.cli``: the same as the ``hunyuan-tokenhub`` command."""

from . import main

main()
