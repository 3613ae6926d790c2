from __future__ import annotations

API_KEY = "sk-reliability-planted-secret-7f3a9c1e"
CHAT = {
    "model": "hunyuan-2.0-instruct-20251111",
    "messages": [{"role": "user", "content": "Hi"}],
}
