"""Fixtures: a real redis-server per session (emptied per test) and the jobs tests' emulator."""

from __future__ import annotations

from tests.jobs.conftest import API_KEY, CLIENT_OPTIONS, emulator
from tests.redis_server import redis_server_url, redis_url

__all__ = ["API_KEY", "CLIENT_OPTIONS", "emulator", "redis_server_url", "redis_url"]
