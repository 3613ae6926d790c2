"""TokenHub's "wand" endpoints on the wire, and the texts agents read for today's answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hunyuan_tokenhub import InvalidParameterError
from hunyuan_tokenhub.emulator import JobTiming, TokenHubEmulator
from hunyuan_tokenhub.jobs import JobAsset, JobClient, JobFailedError, JobResult
from hunyuan_tokenhub.jobs.agent_tools import clean_revised_prompt, describe_result


def test_wand_image_answers_at_once_with_12_hour_links(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    result = jobs.generate(
        "hy-image-v3", prompt="a koi pond", size="1024x1024", footnote="my shop", revise=False
    )
    (sent,) = [r for r in emulator.requests if r.path.startswith("/v1/wand/")]
    assert sent.path == "/v1/wand/hunyuan-image/v3-generation"
    assert sent.json == {
        "model": "hy-image-v3",
        "prompt": "a koi pond",
        "size": "1024x1024",
        "footnote": "my shop",
        "revise": False,
    }
    assert result.job_id.startswith("hy-image-v3-")  # the answer's own id
    assert result.completed_at is not None and result.expires_at is not None
    assert result.expires_at - result.completed_at == timedelta(hours=12)


def test_wand_image_parameters_are_checked_before_sending(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        jobs.generate("hy-image-v3", prompt="x", footnote="a footnote far too long")
    assert caught.value.param == "footnote" and "16" in str(caught.value)
    with pytest.raises(InvalidParameterError, match="images"):
        jobs.generate("hy-image-v3", prompt="x", images=["https://e/1.png"] * 4)
    assert not emulator.requests


def test_wand_video_task_is_polled_by_get_and_read_from_videos(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.01, running_s=0.08)
    seen: list[str | None] = []
    result = jobs.generate(
        "hy-video-v1.5",
        prompt="a paper boat",
        aspect_ratio="9:16",
        on_progress=lambda status: seen.append(status.raw_status),
    )
    submit, *polls = [r for r in emulator.requests if r.path.startswith("/v1/wand/")]
    assert (submit.method, submit.path) == ("POST", "/v1/wand/hunyuan-video/generation")
    assert submit.json == {
        "model": "hy-video-v1.5",
        "prompt": "a paper boat",
        "aspect_ratio": "9:16",
    }
    assert polls and {(p.method, p.path) for p in polls} == {
        ("GET", f"/v1/wand/hunyuan-video/tasks/{result.job_id}")
    }
    assert seen[-1] == "succeeded" and "running" in seen
    assert result.urls[0].endswith("video.mp4") and result.expires_at is None  # undocumented


def test_wand_video_failure_carries_the_servers_reason(
    jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    emulator.jobs.timing = JobTiming(queued_s=0.0, running_s=0.01)
    emulator.jobs.fail_next("hy-video-v1.5", code="FailedOperation.ModerationFailed")
    with pytest.raises(JobFailedError) as caught:
        jobs.generate("hy-video-v1.5", prompt="x")
    assert caught.value.code == "FailedOperation.ModerationFailed"


def test_wand_video_values_outside_the_documented_ones_are_refused(jobs: JobClient) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        jobs.generate("hy-video-v1.5", prompt="x", aspect_ratio="21:9")
    assert caught.value.allowed == "16:9, 9:16, 1:1, 4:3, 3:4"


# The TokenHub image job example's revised_prompt, with the model's markup.
SEED_REVISED = (
    "<think>用户希望在图片中增加一只橘猫，保持原图的光线和纹理。\n"
    "</recaption><answer><boi><img_size_1024><img_ratio_34>"
)


@pytest.mark.parametrize(
    "raw, clean",
    [
        (SEED_REVISED, "用户希望在图片中增加一只橘猫，保持原图的光线和纹理。"),
        (
            "<think>plan</think><recaption>A cat, warm light.</recaption><answer><boi>",
            "A cat, warm light.",
        ),
        ("<think>plan</think>A dog in snow<answer><boi><img_size_768>", "A dog in snow"),
        ("a plain prompt", "a plain prompt"),
    ],
)
def test_revised_prompt_markup_is_stripped_for_agents(raw: str, clean: str) -> None:
    assert clean_revised_prompt(raw) == clean
    result = JobResult(
        job_id="1", model="hy-image-v3.0", kind="image",
        assets=[JobAsset(url="https://e/i.png", kind="image", revised_prompt=raw)],
    )  # fmt: skip
    text = describe_result(result)
    assert f"revised prompt: {clean}" in text and "<" not in text.split("revised prompt:")[1]
    assert result.assets[0].revised_prompt == raw  # the raw text stays in the result
