"""Client settings: where the key, host and limits come from.

Order for each value: the argument, then the environment, then the documented default. No other
vendor's variables (``OPENAI_API_KEY`` and friends) are ever read.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

import httpx
from pydantic import SecretStr

from ._exceptions import ConfigurationError

Region = Literal["cn", "intl", "ap-guangzhou", "ap-singapore"]

API_KEY_ENV_VARS = ("TOKENHUB_API_KEY", "HUNYUAN_API_KEY")
BASE_URL_ENV_VAR = "TOKENHUB_BASE_URL"
REGION_ENV_VAR = "TOKENHUB_REGION"

# Each site has a default host and a backup to use "when the default address is unavailable".
# cn / intl: the Chinese site's mainland and overseas hosts
# (https://cloud.tencent.com/document/product/1823/130078, read 2026-12-01).
# ap-guangzhou / ap-singapore: the International site's (tencentcloud.com accounts) hosts
# (https://www.tencentcloud.com/zh/document/product/1300/78941, updated 2026-05-13, read
# 2026-12-01). A key works only on the site that issued it.
HOSTS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "cn": ("https://tokenhub.tencentmaas.com/v1", ("https://tokenhub.tencentmaas.cn/v1",)),
    "intl": (
        "https://tokenhub-intl.tencentmaas.com/v1",
        ("https://tokenhub-intl.tencentmaas.cn/v1",),
    ),
    "ap-guangzhou": (
        "https://tokenhub.tencentcloudmaas.com/v1",
        ("https://tokenhub.tencentcloudmaas.tech/v1",),
    ),
    "ap-singapore": (
        "https://tokenhub-intl.tencentcloudmaas.com/v1",
        ("https://tokenhub-intl.tencentcloudmaas.tech/v1",),
    ),
}

DEFAULT_REGION: Region = "cn"
# Reasoning models can think for minutes before the first token; OpenAI's SDK bounds a request by
# 600 s for the same reason (DEFAULT_TIMEOUT in
# https://github.com/openai/openai-python/blob/main/src/openai/_constants.py, read 2026-12-01).
DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_FAILOVER_COOLDOWN = 60.0


@dataclass(frozen=True)
class ClientSettings:
    """Resolved settings of one client. ``api_key`` is a ``SecretStr`` and never printed.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import TokenHubClient, resolve_settings

            settings = resolve_settings(api_key="sk-...", region="intl", max_retries=5)
            print(settings.base_url, settings.fallback_base_urls)  # primary and backup hosts
            print(settings)  # no api_key in the repr
            client = TokenHubClient(settings=settings)  # every client and adapter takes it
            patient = resolve_settings(settings=settings, timeout=900)  # one setting changed

    One object carries every connection setting: pass it as ``settings=`` to the core
    clients, the job clients and every LangChain or LlamaIndex class; a setting also given by
    name overrides the object's.
    """

    api_key: SecretStr | None = field(repr=False)
    """``None`` only when resolved with ``require_api_key=False`` and no key was found: every
    call must then bring its own ``auth=`` (Tencent Cloud API 3.0's signature)."""
    base_url: str
    fallback_base_urls: tuple[str, ...] = ()
    region: str | None = DEFAULT_REGION
    timeout: float = DEFAULT_TIMEOUT
    """The overall deadline of one request in seconds: until the whole answer is in, or for a
    stream until its first chunk."""
    max_retries: int = DEFAULT_MAX_RETRIES
    failover_cooldown: float = DEFAULT_FAILOVER_COOLDOWN
    phase_timeouts: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(DEFAULT_TIMEOUT))
    """httpx's per-operation limits (connect, read, write, pool), each within ``timeout``."""
    stream_idle_timeout: float = DEFAULT_TIMEOUT
    """The longest wait for the next chunk of a stream once it has started."""
    retry_sent_chat_requests: bool = False
    """Resend a chat request whose body was sent but whose answer never came (may bill twice)."""
    default_headers: Mapping[str, str] = field(default_factory=dict, repr=False, hash=False)
    """Extra HTTP headers for every request (left out of the repr: they may carry secrets)."""

    def __reduce__(self) -> tuple[Any, ...]:
        # A SecretStr pickles its value in clear: pickle the settings without the key; the
        # unpickled copy reads it from the environment again (as every adapter class does).
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        keyed = fields.pop("api_key") is not None
        return (_settings_with_key_from_env, (fields, keyed))

    def __copy__(self) -> ClientSettings:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientSettings:
        return self


def _settings_with_key_from_env(fields: dict[str, Any], keyed: bool = True) -> ClientSettings:
    return ClientSettings(api_key=resolve_api_key(None, os.environ, required=keyed), **fields)


def _normalise_url(url: str, name: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"{name} must be an http(s) URL, got {url!r}")
    return url


def api_key_from_env(env: Mapping[str, str]) -> str | None:
    """``TOKENHUB_API_KEY``, else ``HUNYUAN_API_KEY``, else ``None``."""
    return next((env[name] for name in API_KEY_ENV_VARS if env.get(name)), None)


MISSING_KEY_MESSAGE = (
    "No TokenHub API key: pass api_key=... or set the environment variable "
    f"{API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]})."
)


@overload
def resolve_api_key(
    api_key: str | SecretStr | None, env: Mapping[str, str], *, required: Literal[True] = True
) -> SecretStr: ...
@overload
def resolve_api_key(
    api_key: str | SecretStr | None, env: Mapping[str, str], *, required: bool
) -> SecretStr | None: ...
def resolve_api_key(
    api_key: str | SecretStr | None, env: Mapping[str, str], *, required: bool = True
) -> SecretStr | None:
    """The key from the argument, else ``TOKENHUB_API_KEY``, else ``HUNYUAN_API_KEY``; with
    none, ``ConfigurationError`` (or ``None`` when not ``required``)."""
    if isinstance(api_key, SecretStr):
        api_key = api_key.get_secret_value()
    if not api_key:
        api_key = api_key_from_env(env)
    if not api_key or not api_key.strip():
        if required:
            raise ConfigurationError(MISSING_KEY_MESSAGE)
        return None
    return SecretStr(api_key.strip())


def resolve_settings(
    *,
    api_key: str | SecretStr | None = None,
    base_url: str | None = None,
    region: str | None = None,
    fallback_base_urls: Sequence[str] | None = None,
    timeout: float | httpx.Timeout | None = None,
    max_retries: int | None = None,
    failover_cooldown: float | None = None,
    stream_idle_timeout: float | None = None,
    retry_sent_chat_requests: bool | None = None,
    default_headers: Mapping[str, str] | None = None,
    settings: ClientSettings | None = None,
    env: Mapping[str, str] | None = None,
    require_api_key: bool = True,
) -> ClientSettings:
    """Resolve every setting from arguments, then ``settings``, then environment, then defaults.

    An explicit ``base_url`` (argument or ``TOKENHUB_BASE_URL``) has no backup hosts unless
    ``fallback_base_urls`` names some; the region's default host comes with its documented
    backup. ``timeout`` in seconds is each request's overall deadline and caps every phase; an
    ``httpx.Timeout`` sets the phases one by one and the deadline is its longest phase.
    ``stream_idle_timeout`` defaults to the read phase.

    ``settings``, already resolved, supplies every value not given here: the hosts as a whole
    (unless ``base_url``, ``region`` or ``fallback_base_urls`` is given), the key, the limits;
    ``default_headers`` are merged over its own.

    ``require_api_key=False`` is for clients whose every call is signed by its own ``auth=``
    (a job client on the ``tencentcloud`` backend): with no key found, the settings have none
    (``api_key=None``), and so do settings resolved from them later.
    """
    env = os.environ if env is None else env
    base = settings
    required = require_api_key and not (base is not None and base.api_key is None)
    key = resolve_api_key(api_key or (base.api_key if base else None), env, required=required)

    if base is not None and base_url is None and region is None and fallback_base_urls is None:
        url, fallbacks, region = base.base_url, base.fallback_base_urls, base.region
    else:
        url, fallbacks, region = _hosts(base_url, region, fallback_base_urls, env)

    if timeout is None and base is not None:
        timeout = base.phase_timeouts
        if stream_idle_timeout is None:
            stream_idle_timeout = base.stream_idle_timeout
    deadline, phases = _timeouts(timeout)
    idle = float(phases.read or deadline if stream_idle_timeout is None else stream_idle_timeout)
    if idle <= 0:
        raise ConfigurationError(f"stream_idle_timeout must be > 0 seconds, got {idle}")
    max_retries = _first(max_retries, base.max_retries if base else None, DEFAULT_MAX_RETRIES)
    if max_retries < 0:
        raise ConfigurationError(f"max_retries must be >= 0, got {max_retries}")
    cooldown = _first(
        failover_cooldown, base.failover_cooldown if base else None, DEFAULT_FAILOVER_COOLDOWN
    )
    resend = _first(
        retry_sent_chat_requests, base.retry_sent_chat_requests if base else None, False
    )
    return ClientSettings(
        api_key=key,
        base_url=url,
        fallback_base_urls=tuple(u for u in fallbacks if u != url),
        region=region,
        timeout=deadline,
        max_retries=int(max_retries),
        failover_cooldown=float(cooldown),
        phase_timeouts=phases,
        stream_idle_timeout=idle,
        retry_sent_chat_requests=bool(resend),
        default_headers={**(base.default_headers if base else {}), **(default_headers or {})},
    )


_T = TypeVar("_T")


def _first(given: _T | None, inherited: _T | None, default: _T) -> _T:
    """The argument, else the base settings' value, else the default."""
    if given is not None:
        return given
    return inherited if inherited is not None else default


def _hosts(
    base_url: str | None,
    region: str | None,
    fallback_base_urls: Sequence[str] | None,
    env: Mapping[str, str],
) -> tuple[str, tuple[str, ...], str]:
    """(primary host, backup hosts, region) from the arguments, then the environment."""
    region = (region or env.get(REGION_ENV_VAR) or DEFAULT_REGION).strip().lower()
    if region not in HOSTS:
        raise ConfigurationError(
            f"region must be one of {', '.join(sorted(HOSTS))}, got {region!r} "
            f"(argument region= or env {REGION_ENV_VAR})"
        )
    explicit_url = base_url or env.get(BASE_URL_ENV_VAR)
    if explicit_url:
        url = _normalise_url(explicit_url, "base_url")
        fallbacks: tuple[str, ...] = ()
    else:
        url, fallbacks = HOSTS[region]
    if fallback_base_urls is not None:
        fallbacks = tuple(_normalise_url(u, "fallback_base_urls") for u in fallback_base_urls)
    return url, fallbacks, region


def _timeouts(timeout: float | httpx.Timeout | None) -> tuple[float, httpx.Timeout]:
    """(overall deadline, per-phase limits) from the ``timeout`` setting."""
    if isinstance(timeout, httpx.Timeout):
        phases = [timeout.connect, timeout.read, timeout.write, timeout.pool]
        finite = [p for p in phases if p is not None]
        if any(p <= 0 for p in finite):
            raise ConfigurationError(f"timeout phases must be > 0 seconds, got {timeout}")
        return (float(max(finite)) if finite else DEFAULT_TIMEOUT), timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float, type(None))):
        raise ConfigurationError(
            f"timeout must be seconds (a number) or an httpx.Timeout, got {timeout!r}"
        )
    deadline = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if not deadline > 0 or deadline == float("inf"):
        raise ConfigurationError(f"timeout must be a finite number of seconds > 0, got {timeout}")
    return deadline, httpx.Timeout(deadline)
