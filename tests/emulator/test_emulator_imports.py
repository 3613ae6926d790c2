"""The emulator plays the server: serving chat, it loads none of the client's protocol code."""

from __future__ import annotations

import subprocess
import sys

CLIENT_PROTOCOL = (
    "hunyuan_tokenhub._catalog",
    "hunyuan_tokenhub._chat_request",
    "hunyuan_tokenhub._chat_response",
    "hunyuan_tokenhub._chat_stream",
    "hunyuan_tokenhub._thinking",
)

_SERVE_CHAT = f"""
import sys
import httpx
from hunyuan_tokenhub.emulator import TokenHubEmulator

tool = {{"type": "function", "function": {{"name": "get_weather", "parameters": {{}}}}}}
with TokenHubEmulator(api_key="k") as emu:
    for stream in (False, True):
        reply = httpx.post(
            f"{{emu.base_url}}/chat/completions",
            headers={{"Authorization": "Bearer k"}},
            json={{"model": "deepseek-v3.2", "stream": stream, "tools": [tool],
                   "messages": [{{"role": "user", "content": "北京天气"}}]}},
        )
        assert reply.status_code == 200, reply.text
loaded = sorted(m for m in sys.modules if m.startswith({CLIENT_PROTOCOL!r}))
assert not loaded, loaded
"""


def test_serving_chat_loads_none_of_the_clients_protocol_modules() -> None:
    done = subprocess.run([sys.executable, "-c", _SERVE_CHAT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
