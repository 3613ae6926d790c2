from __future__ import annotations

API_KEY = "sk-reliability-planted-secret-7f3a9c1e"
CHAT = {
    "model": "deepseek-v4-flash",
    "messages": [{"role": "user", "content": "Hi"}],
}
