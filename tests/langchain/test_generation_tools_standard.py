"""langchain-tests standard suites for the three generation tools, against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import DownloadPolicy
from langchain_hunyuan.tools import (
    Hunyuan3DGenerationTool,
    HunyuanImageGenerationTool,
    HunyuanVideoGenerationTool,
)

KEY = "tools-test-key"


@pytest.fixture(scope="module")
def generation_emulator() -> Iterator[TokenHubEmulator]:
    with TokenHubEmulator(api_key=KEY, job_timing=JobTiming(queued_s=0.01, running_s=0.03)) as emu:
        yield emu


class _AgainstEmulator:
    tool_class: ClassVar[type[BaseTool]]
    example: ClassVar[dict[str, Any]]
    model: ClassVar[str]

    @property
    def tool_constructor(self) -> type[BaseTool]:
        return self.tool_class

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"api_key": KEY, "model": self.model, "poll_interval": 0.005}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return self.example

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return {"TOKENHUB_API_KEY": "env-key"}, {"model": self.model}, {"api_key": "env-key"}

    @pytest.fixture
    def tool(self, generation_emulator: TokenHubEmulator) -> BaseTool:
        generation_emulator.jobs.clear()
        return self.tool_class(
            **self.tool_constructor_params,
            base_url=generation_emulator.base_url,
            download_policy=DownloadPolicy(allow_loopback_http=True),
        )


class _ImageTool(_AgainstEmulator):
    tool_class = HunyuanImageGenerationTool
    model = "hy-image-v3.0"
    example: ClassVar[dict[str, Any]] = {
        "prompt": "a red panda reading a book, watercolour",
        "resolution": "1024:768",
    }


class _LiteImageTool(_AgainstEmulator):
    tool_class = HunyuanImageGenerationTool
    model = "hy-image-lite"
    example: ClassVar[dict[str, Any]] = {"prompt": "雨中, 竹林, 小路"}


class _VideoTool(_AgainstEmulator):
    tool_class = HunyuanVideoGenerationTool
    model = "hy-video-1.5"
    example: ClassVar[dict[str, Any]] = {"prompt": "小河流水"}


class _ImageToVideoTool(_AgainstEmulator):
    tool_class = HunyuanVideoGenerationTool
    model = "yt-video-2.0"
    example: ClassVar[dict[str, Any]] = {
        "image_url": "https://example.com/cat.png",
        "prompt": "the cat turns its head",
    }


class _TemplateVideoTool(_AgainstEmulator):
    tool_class = HunyuanVideoGenerationTool
    model = "yt-video-fx"
    example: ClassVar[dict[str, Any]] = {
        "template": "hug",
        "image_urls": ["https://e.com/a.png", "https://e.com/b.png"],
    }


class _HumanActorTool(_AgainstEmulator):
    tool_class = HunyuanVideoGenerationTool
    model = "yt-video-humanactor"
    example: ClassVar[dict[str, Any]] = {
        "prompt": "she greets the audience #2# and waves",
        "image_url": "https://example.com/face.png",
        "audio_url": "https://example.com/hello.mp3",
    }


class _3DTool(_AgainstEmulator):
    tool_class = Hunyuan3DGenerationTool
    model = "hy-3d-3.1"
    example: ClassVar[dict[str, Any]] = {"prompt": "一只小狗", "result_format": "STL"}


class _Express3DTool(_AgainstEmulator):
    tool_class = Hunyuan3DGenerationTool
    model = "hy-3d-express"
    example: ClassVar[dict[str, Any]] = {
        "prompt": "a dog",
        "image_url": "https://example.com/dog.png",
        "result_format": "glb",
    }


class TestImageToolUnit(_ImageTool, ToolsUnitTests):
    pass


class TestImageToolIntegration(_ImageTool, ToolsIntegrationTests):
    pass


class TestLiteImageToolIntegration(_LiteImageTool, ToolsIntegrationTests):
    pass


class TestVideoToolUnit(_VideoTool, ToolsUnitTests):
    pass


class TestVideoToolIntegration(_VideoTool, ToolsIntegrationTests):
    pass


class TestImageToVideoToolIntegration(_ImageToVideoTool, ToolsIntegrationTests):
    pass


class TestTemplateVideoToolIntegration(_TemplateVideoTool, ToolsIntegrationTests):
    pass


class TestHumanActorToolIntegration(_HumanActorTool, ToolsIntegrationTests):
    pass


class Test3DToolUnit(_3DTool, ToolsUnitTests):
    pass


class Test3DToolIntegration(_3DTool, ToolsIntegrationTests):
    pass


class TestExpress3DToolIntegration(_Express3DTool, ToolsIntegrationTests):
    pass
