"""``HunyuanGenerationToolkit``: the image, video and 3D tools with one shared configuration."""

from __future__ import annotations

from langchain_core.tools import BaseTool, BaseToolkit

from hunyuan_tokenhub.adapters import default_tool_model
from hunyuan_tokenhub.jobs import JobKind
from langchain_hunyuan.tools import (
    GenerationSettings,
    Hunyuan3DGenerationTool,
    HunyuanImageGenerationTool,
    HunyuanJobStatusTool,
    HunyuanVideoGenerationTool,
)

__all__ = ["HunyuanGenerationToolkit"]


class HunyuanGenerationToolkit(GenerationSettings, BaseToolkit):
    """Image, video and 3D generation tools sharing one key, backend and job-slot pool.

    Example:
        .. code-block:: python

            from langchain.agents import create_agent
            from langchain_hunyuan import ChatHunyuan, HunyuanGenerationToolkit

            tools = HunyuanGenerationToolkit(download_dir="media/").get_tools()
            agent = create_agent(ChatHunyuan(model="deepseek-v4-flash"), tools)
            agent.invoke({"messages": [("user", "Draw a lighthouse at dawn")]})

    ``image_model``, ``video_model`` and ``model_3d`` choose each tool's model (default: the
    backend's first of that kind); ``include`` limits which tools are returned (default: every
    kind the backend offers). ``backend`` (else env ``HUNYUAN_BACKEND``) may be ``"aiart"``,
    ``"ai3d"`` or ``"tencentcloud"`` (with ``secret_id``/``secret_key``) instead of TokenHub.
    The tools share one slot store, so together they never run more jobs of a family than the
    account allows; with ``job_slots_url`` (or env ``HUNYUAN_JOB_SLOTS_URL``) set to a Redis
    URL, every worker process does too, and ``rate_limiter`` (e.g. ``RedisRateLimiter``) spaces
    their calls. With ``wait=False`` the tools start jobs and answer at once with a job handle,
    and the list ends with :class:`HunyuanJobStatusTool` (``hunyuan_job_status``) to pick the
    results up.
    """

    image_model: str | None = None
    video_model: str | None = None
    model_3d: str | None = None
    include: tuple[str, ...] | None = None

    def get_tools(self) -> list[BaseTool]:
        """The selected tools, each configured like this toolkit."""
        # One slot pool for all the tools: together they never exceed the account limits.
        shared = {**self.generation_settings(), "slots": self.open_job_slots()}
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
        tools = [makers[k][0](model=makers[k][1], **shared) for k in include]
        if not self.wait:
            tools.append(HunyuanJobStatusTool(**shared))
        return tools
