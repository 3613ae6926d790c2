"""What a job client was given that a backend other than TokenHub needs to bind to.

TokenHub's backend needs nothing here (its HTTP client holds the key and host). The aiart and
ai3d gateways take their own key and host, Tencent Cloud API 3.0 a SecretId/SecretKey pair.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr

from ..._config import HOSTS, ClientSettings

__all__ = ["BACKEND_ENV_VAR", "BackendOptions"]

_TOKENHUB_HOSTS = frozenset(
    host for default, backups in HOSTS.values() for host in (default, *backups)
)

#: Names the backend when neither the client nor the tool was given ``backend=``.
BACKEND_ENV_VAR = "HUNYUAN_BACKEND"


@dataclass(frozen=True)
class BackendOptions:
    """Client arguments a backend may bind to; secrets are ``SecretStr`` and never printed.

    ``env`` is where unset values are looked up (the process environment by default).

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.jobs import BackendOptions, get_backend

            options = BackendOptions.of(api_key="ai3d-key", base_url="https://ai3d.example.com")
            print(options)  # the key is not shown
            ai3d = get_backend("ai3d").configure(options)
            print(ai3d.base_url)  # https://ai3d.example.com
    """

    api_key: SecretStr | None = field(default=None, repr=False)
    base_url: str | None = None
    secret_id: SecretStr | None = field(default=None, repr=False)
    secret_key: SecretStr | None = field(default=None, repr=False)
    tencentcloud_region: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False)

    @classmethod
    def of(
        cls,
        *,
        api_key: str | SecretStr | None = None,
        base_url: str | None = None,
        secret_id: str | SecretStr | None = None,
        secret_key: str | SecretStr | None = None,
        tencentcloud_region: str | None = None,
        env: Mapping[str, str] | None = None,
        settings: ClientSettings | None = None,
    ) -> BackendOptions:
        """Build options from plain arguments (strings are wrapped in ``SecretStr``).

        ``settings`` (the job client's) supplies the key and host not named; a TokenHub host
        (a region's default, when no ``base_url`` was given) is no other service's, so the
        aiart/ai3d gateways then keep their own default host.
        """
        if settings is not None:
            api_key = api_key or settings.api_key
            if base_url is None and settings.base_url not in _TOKENHUB_HOSTS:
                base_url = settings.base_url
        return cls(
            api_key=_wrap(api_key),
            base_url=base_url,
            secret_id=_wrap(secret_id),
            secret_key=_wrap(secret_key),
            tencentcloud_region=tencentcloud_region,
            env=os.environ if env is None else env,
        )


def _wrap(value: str | SecretStr | None) -> SecretStr | None:
    if value is None or isinstance(value, SecretStr):
        return value
    return SecretStr(value)
