"""The connection settings of every adapter class, declared once as pydantic fields.

``ChatHunyuan``, ``HunyuanEmbeddings``, LlamaIndex's ``Hunyuan`` and ``HunyuanEmbedding`` derive
from :class:`ChatConnectionFields`; the LangChain generation tools and toolkit from
:class:`JobConnectionFields`, which LlamaIndex's ``HunyuanGenerationToolSpec`` (not a pydantic
model) validates its keyword arguments with. So every class takes every setting under the same
name, and a :class:`~hunyuan_tokenhub.ClientSettings` as ``settings=``.

Loaded only by the adapters: building pydantic models costs import time the core client does
not need to pay.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    PrivateAttr,
    SecretStr,
    model_validator,
)
from typing_extensions import Self

from ._adapter_clients import LazyClients, chat_clients
from ._client import AsyncTokenHubClient, TokenHubClient
from ._config import ClientSettings, api_key_from_env, resolve_settings

__all__ = ["ChatConnectionFields", "ConnectionFields", "JobConnectionFields"]


class ConnectionFields(BaseModel):
    """Where and how an adapter class connects: the fields, their copies and pickles.

    Every value defaults to ``settings`` (a :class:`~hunyuan_tokenhub.ClientSettings`), then
    to the environment, then to the core's defaults (see
    :func:`~hunyuan_tokenhub.resolve_settings`). The peers' spellings are accepted as aliases:
    ``api_base``/``openai_api_base`` for ``base_url``, ``http_async_client`` (ChatOpenAI's) for
    ``async_http_client``.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub import resolve_settings
            from hunyuan_tokenhub.adapters import ConnectionFields

            class MyAdapter(ConnectionFields):  # a third framework's model, say
                model: str = "deepseek-v4-flash"

            adapter = MyAdapter(settings=resolve_settings(max_retries=5), failover_cooldown=10)
            settings = adapter.client_settings()
            print(settings.max_retries, settings.failover_cooldown)  # 5 10.0
    """

    # Validation errors never echo the constructor's arguments: they include the API key.
    model_config = ConfigDict(
        arbitrary_types_allowed=True,
        populate_by_name=True,
        hide_input_in_errors=True,
        protected_namespaces=(),
    )

    settings: InstanceOf[ClientSettings] | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Every connection setting at once (resolve_settings(...)); a setting also "
        "given by name overrides it.",
    )
    api_key: SecretStr | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Defaults to TOKENHUB_API_KEY, then HUNYUAN_API_KEY (never another vendor's).",
    )
    base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("base_url", "api_base", "openai_api_base"),
        description="Defaults to TOKENHUB_BASE_URL, else the region's host (with its backup "
        "host); api_base/openai_api_base are accepted.",
    )
    region: str | None = Field(
        default=None,
        description='"cn" (default), "intl", "ap-guangzhou" or "ap-singapore" (International '
        "site accounts); env TOKENHUB_REGION.",
    )
    fallback_base_urls: list[str] | None = Field(
        default=None, description="Hosts tried when base_url cannot be reached."
    )
    max_retries: int | None = Field(
        default=None, description="Retries on 429, 5xx and connection errors (core default 2)."
    )
    failover_cooldown: float | None = Field(
        default=None,
        description="Seconds an unreachable host is skipped before it is tried again "
        "(core default 60).",
    )
    default_headers: dict[str, str] | None = Field(
        default=None, repr=False, description="Extra HTTP headers for every request."
    )
    http_client: httpx.Client | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="Your own httpx.Client (proxies, certificates); it is not closed by us.",
    )
    async_http_client: httpx.AsyncClient | None = Field(
        default=None,
        exclude=True,
        repr=False,
        validation_alias=AliasChoices("async_http_client", "http_async_client"),
        description="Your own httpx.AsyncClient; it is not closed by us. http_async_client "
        "(ChatOpenAI's name) is accepted.",
    )

    #: The fields resolve_settings takes under the same name (the deadline is named per
    #: family: see :meth:`_request_timeout`).
    SETTING_NAMES: ClassVar[tuple[str, ...]] = (
        "api_key",
        "base_url",
        "region",
        "fallback_base_urls",
        "max_retries",
        "failover_cooldown",
        "default_headers",
    )
    #: What a copy shares with its original rather than copies: a deep copy would duplicate a
    #: connection pool, or fail on its lock.
    SHARED_ON_COPY: ClassVar[frozenset[str]] = frozenset(
        {"settings", "http_client", "async_http_client"}
    )
    #: What a pickle leaves out: the key (an unpickled copy reads it from the environment
    #: again) and the httpx clients (it builds its own connection pools).
    NOT_PICKLED: ClassVar[frozenset[str]] = frozenset(
        {"api_key", "http_client", "async_http_client"}
    )

    def _request_timeout(self) -> float | httpx.Timeout | None:
        """The per-request deadline setting, named per family (see the subclasses)."""
        return None

    def client_settings(self) -> ClientSettings:
        """These fields resolved into one :class:`~hunyuan_tokenhub.ClientSettings`."""
        named = {name: getattr(self, name) for name in self.SETTING_NAMES}
        return resolve_settings(**named, timeout=self._request_timeout(), settings=self.settings)

    def constructor_fields(self) -> dict[str, Any]:
        """The fields this object was built with, by name."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    def copy_fields(self, update: Mapping[str, Any] | None, *, deep: bool) -> dict[str, Any]:
        """The constructor arguments of a copy with ``update`` applied (by name or alias).

        The :attr:`SHARED_ON_COPY` fields are shared; with ``deep`` the others are deep-copied.
        """
        fields = self.constructor_fields()
        if deep:
            fields = {
                name: value if name in self.SHARED_ON_COPY else copy.deepcopy(value)
                for name, value in fields.items()
            }
        aliases = {
            alias: name
            for name, info in type(self).model_fields.items()
            for alias in (info.alias, *getattr(info.validation_alias, "choices", ()))
            if isinstance(alias, str)
        }
        fields.update((aliases.get(key, key), value) for key, value in (update or {}).items())
        return fields

    def pickled_fields(self) -> dict[str, Any]:
        """The constructor arguments a pickle keeps (none of :attr:`NOT_PICKLED`)."""
        return {k: v for k, v in self.constructor_fields().items() if k not in self.NOT_PICKLED}


class ChatConnectionFields(ConnectionFields):
    """The connection fields of a chat model or an embeddings class, and its core clients.

    ``timeout`` (``request_timeout`` accepted) is each request's overall deadline. At
    construction the settings are resolved (a missing key, a bad host or limit fails here,
    naming the setting), then the class's own :meth:`check_settings` runs, then the clients
    (:func:`~hunyuan_tokenhub.adapters.chat_clients`) are made; ``self.clients`` holds them.
    A pickle keeps :meth:`pickled_fields` and is rebuilt by the constructor.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.adapters import ChatConnectionFields, EmbeddingPlan

            class MyEmbeddings(ChatConnectionFields):
                model: str = "kinfra-text-embedding-0.6b"

                def check_settings(self) -> None:
                    EmbeddingPlan.build(["probe"], model=self.model)  # a bad model fails now

            embeddings = MyEmbeddings(request_timeout=30)
            print(len(embeddings.clients.sync().embed(["hello"], model=embeddings.model).vectors))
    """

    timeout: float | httpx.Timeout | None = Field(
        default=None,
        validation_alias=AliasChoices("timeout", "request_timeout"),
        description="Overall deadline of one request in seconds (core default 600, room for "
        "reasoning): the whole answer, or a stream's first chunk. An httpx.Timeout sets httpx's "
        "phases instead; request_timeout is accepted.",
    )
    stream_idle_timeout: float | None = Field(
        default=None,
        description="Longest wait for each next stream chunk (default: the read timeout).",
    )
    retry_sent_chat_requests: bool | None = Field(
        default=None,
        description="Also resend a chat request whose body was sent but got no answer (it may "
        "be billed twice); default False.",
    )

    SETTING_NAMES = (
        *ConnectionFields.SETTING_NAMES,
        "stream_idle_timeout",
        "retry_sent_chat_requests",
    )

    _clients: LazyClients[TokenHubClient, AsyncTokenHubClient] = PrivateAttr()

    #: Construction errors as pydantic's ``ValidationError`` (a LangChain model, like
    #: ``ChatOpenAI``), or as the core's own errors, raised by a constructor that calls
    #: :meth:`connect` itself after pydantic's validation (a LlamaIndex model).
    CONNECT_IN_VALIDATION: ClassVar[bool] = True

    @model_validator(mode="after")
    def _connect_in_validation(self) -> Self:
        if self.CONNECT_IN_VALIDATION:
            self.connect()
        return self

    def connect(self) -> None:
        """Resolve the settings, run :meth:`check_settings`, make the clients."""
        settings = self.client_settings()
        self.api_key = settings.api_key  # the resolved key, so that copies use it too
        self.check_settings()
        self._clients = chat_clients(
            settings, http_client=self.http_client, async_http_client=self.async_http_client
        )

    def _request_timeout(self) -> float | httpx.Timeout | None:
        return self.timeout

    def __getstate__(self) -> dict[Any, Any]:
        # The settings, never the key nor your httpx clients: an unpickled copy reads the key
        # from the environment again and builds its own connection pools.
        return {"fields": self.pickled_fields()}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        type(self).__init__(self, **state["fields"])

    def check_settings(self) -> None:
        """Fail now, naming the bad setting, rather than at the first request (override)."""

    @property
    def clients(self) -> LazyClients[TokenHubClient, AsyncTokenHubClient]:
        """The core clients every call goes through."""
        return self._clients


class JobConnectionFields(ConnectionFields):
    """The connection fields of a generation tool, whose ``timeout`` is the job's wait.

    A job makes no chat request and reads no stream: ``stream_idle_timeout`` and
    ``retry_sent_chat_requests`` are refused here, like any unknown setting.

    ``request_timeout`` is each HTTP request's deadline (a submit, a status query);
    :meth:`job_client_options` are the matching :class:`~hunyuan_tokenhub.jobs.JobClient`
    arguments.

    Example:
        .. code-block:: python

            from hunyuan_tokenhub.adapters import JobConnectionFields, job_clients

            connection = JobConnectionFields(request_timeout=20, max_retries=4)
            jobs = job_clients(connection.job_client_options()).sync()
            print(jobs.generate("hy-image-v3.0", prompt="a koi pond").assets[0].url)
    """

    # A misspelt setting fails instead of being ignored.
    model_config = ConfigDict(extra="forbid")

    request_timeout: float | None = Field(
        default=None,
        description="Deadline of each HTTP request in seconds (a submit, a status query); the "
        "job itself is bounded by timeout.",
    )

    @model_validator(mode="after")
    def _key_from_env(self) -> Self:
        # Read now, as the chat models do; a backend that signs its own calls may need none.
        if self.api_key is None and self.settings is None:
            key = api_key_from_env(os.environ)
            self.api_key = SecretStr(key) if key else None
        return self

    def _request_timeout(self) -> float | httpx.Timeout | None:
        return self.request_timeout

    def job_client_options(self) -> dict[str, Any]:
        """These settings as keyword arguments of ``JobClient``/``AsyncJobClient``
        (:func:`~hunyuan_tokenhub.adapters.job_clients` gives each twin its httpx client)."""
        options = {name: getattr(self, name) for name in self.SETTING_NAMES}
        options.update(
            settings=self.settings,
            request_timeout=self.request_timeout,
            http_client=self.http_client,
            async_http_client=self.async_http_client,
        )
        return options
