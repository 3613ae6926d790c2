"""What every example shares: run on TokenHub when you have a key, else on the bundled emulator.

With ``TOKENHUB_API_KEY`` set, the examples call the real service (and cost what it costs).
Without it they start ``hunyuan_tokenhub.emulator`` on loopback and point the standard
variables at it, so the examples' own code is exactly what you would write for TokenHub.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from hunyuan_tokenhub._config import API_KEY_ENV_VARS, BASE_URL_ENV_VAR


@contextlib.contextmanager
def tokenhub_or_emulator() -> Iterator[None]:
    """Run the body against TokenHub if a key is configured, else against the emulator."""
    if any(os.environ.get(name) for name in API_KEY_ENV_VARS):
        print(f"Using TokenHub with the key from {API_KEY_ENV_VARS[0]}.")
        yield
        return

    from hunyuan_tokenhub.emulator import TokenHubEmulator

    with TokenHubEmulator(api_key="sk-emulator-example-key") as emulator:
        print(
            f"{API_KEY_ENV_VARS[0]} is not set: using the bundled TokenHub emulator at "
            f"{emulator.base_url}, no cost. Its models are a rule-based stand-in, not language "
            "models: they answer from the context and tool results they are given, work out "
            "arithmetic and call the tools a request asks for. Set the key to use the real service."
        )
        saved = {name: os.environ.get(name) for name in (API_KEY_ENV_VARS[0], BASE_URL_ENV_VAR)}
        os.environ[API_KEY_ENV_VARS[0]] = "sk-emulator-example-key"
        os.environ[BASE_URL_ENV_VAR] = emulator.base_url
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
