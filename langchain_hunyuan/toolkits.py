"""``HunyuanGenerationToolkit``: the image, video and 3D tools with one shared configuration."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from langchain_core.utils import secret_from_env
from pydantic import ConfigDict, Field, SecretStr

from hunyuan_tokenhub.jobs import DownloadPolicy, JobKind, JobSlots
from hunyuan_tokenhub.jobs.tooling import default_tool_model
from langchain_hunyuan.tools import (
    Hunyuan3DGenerationTool,
    HunyuanImageGenerationTool,
    HunyuanVideoGenerationTool,
)

__all__ = ["HunyuanGenerationToolkit"]


class HunyuanGenerationToolkit(BaseToolkit):
    """Image, video and 3D generation tools sharing one key, backend and job-slot pool.

    Example:
        .. code-block:: python

            from langchain.agents import create_agent
            from langchain_hunyuan import ChatHunyuan, HunyuanGenerationToolkit

            tools = HunyuanGenerationToolkit(download_dir="media/").get_tools()
            agent = create_agent(ChatHunyuan(model="hunyuan-2.0-instruct-20251111"), tools)
            agent.invoke({"messages": [("user", "Draw a lighthouse at dawn")]})

    ``image_model``, ``video_model`` and ``model_3d`` choose each tool's model (default: the
    backend's first of that kind); ``include`` limits which tools are returned (default: every
    kind the backend offers). ``backend`` (else env ``HUNYUAN_BACKEND``) may be ``"aiart"``,
    ``"ai3d"`` or ``"tencentcloud"`` (with ``secret_id``/``secret_key``) instead of TokenHub.
    The tools share one :class:`JobSlots`, so together they
    never run more jobs of a family than the account allows.
    """

    # Validation errors never echo the constructor's arguments: they include the API key.
    model_config = ConfigDict(arbitrary_types_allowed=True, hide_input_in_errors=True)

    api_key: SecretStr | None = Field(
        default_factory=secret_from_env(["TOKENHUB_API_KEY", "HUNYUAN_API_KEY"], default=None),
        repr=False,
    )
    base_url: str | None = None
    region: str | None = None
    backend: str | None = None
    secret_id: SecretStr | None = Field(default=None, repr=False)
    secret_key: SecretStr | None = Field(default=None, repr=False)
    tencentcloud_region: str | None = None
    image_model: str | None = None
    video_model: str | None = None
    model_3d: str | None = None
    include: tuple[str, ...] | None = None
    poll_interval: float | None = None
    max_poll_interval: float | None = None
    timeout: float | None = None
    download_dir: str | None = None
    allowed_local_dirs: list[str] | None = None
    request_defaults: dict[str, Any] = Field(default_factory=dict)
    max_concurrent_jobs: int | dict[str, int] | None = None
    download_policy: DownloadPolicy | None = Field(default=None, exclude=True)

    def get_tools(self) -> list[BaseTool]:
        """The selected tools, each configured like this toolkit."""
        slots = JobSlots(self.max_concurrent_jobs)
        shared = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "region": self.region,
            "backend": self.backend,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            "tencentcloud_region": self.tencentcloud_region,
            "poll_interval": self.poll_interval,
            "max_poll_interval": self.max_poll_interval,
            "timeout": self.timeout,
            "download_dir": self.download_dir,
            "allowed_local_dirs": self.allowed_local_dirs,
            "request_defaults": self.request_defaults,
            "download_policy": self.download_policy,
            "slots": slots,
        }
        makers: dict[str, tuple[type[BaseTool], str | None]] = {
            "image": (HunyuanImageGenerationTool, self.image_model),
            "video": (HunyuanVideoGenerationTool, self.video_model),
            "3d": (Hunyuan3DGenerationTool, self.model_3d),
        }
        kinds: tuple[JobKind, ...] = ("image", "video", "3d")
        offered = [k for k in kinds if default_tool_model(k, self.backend) is not None]
        include = offered if self.include is None else self.include
        unknown = set(include) - set(makers)
        if unknown:
            raise ValueError(f"include: unknown tool kinds {sorted(unknown)}; use image, video, 3d")
        return [makers[k][0](model=makers[k][1], **shared) for k in include]
