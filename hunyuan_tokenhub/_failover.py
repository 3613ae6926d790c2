"""Which host a request goes to: the default one, or a backup while the default is down."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from time import monotonic


class HostPool:
    """The default base URL followed by its backups.

    A host that could not be reached is skipped for ``cooldown`` seconds; after that, requests
    go back to it, so a short outage of the default host does not pin traffic to the backup.
    """

    def __init__(self, hosts: Sequence[str], cooldown: float) -> None:
        if not hosts:
            raise ValueError("HostPool needs at least one host")
        self.hosts = tuple(hosts)
        self.cooldown = cooldown
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def ordered(self) -> list[str]:
        """Hosts in the order to try them: reachable ones first, in configured order."""
        if not self._down_until:
            return list(self.hosts)
        now = monotonic()
        with self._lock:
            for host, until in list(self._down_until.items()):
                if until <= now:
                    del self._down_until[host]
            down = self._down_until
            return [h for h in self.hosts if h not in down] + [h for h in self.hosts if h in down]

    def mark_down(self, host: str) -> None:
        with self._lock:
            self._down_until[host] = monotonic() + self.cooldown

    def mark_up(self, host: str) -> None:
        if host in self._down_until:
            with self._lock:
                self._down_until.pop(host, None)
