"""Request models: documented ranges and enumerations, case-insensitive model ids, pass-through."""

from __future__ import annotations

from typing import Any

import pytest

from hunyuan_tokenhub import InvalidParameterError, list_models
from hunyuan_tokenhub.jobs import build_request, get_backend

VALID: dict[str, dict[str, Any]] = {
    "hy-image-lite": {"prompt": "雨中, 竹林, 小路"},
    "hy-image-v3.0": {"prompt": "在图片中增加一个橘猫", "images": ["https://example.com/a.jpeg"]},
    "hy-video-1.5": {"prompt": "小河流水"},
    "yt-video-2.0": {"image": {"url": "https://example.com/a.jpeg"}},
    "yt-video-fx": {"template": "hug", "images": ["https://e.com/a.png", "https://e.com/b.png"]},
    "yt-video-humanactor": {
        "prompt": "a woman speaks #3# waves to the left",
        "audio_url": "https://example.com/a.mp3",
        "image_url": "https://example.com/face.png",
    },
    "hy-3d-3.0": {"prompt": "一只小狗"},
    "hy-3d-3.1": {"image_url": "https://example.com/dog.png"},
    "hy-3d-express": {"prompt": "一只小狗", "result_format": "glb"},
}


def test_every_documented_generation_model_has_a_route() -> None:
    documented = {
        m.id
        for m in list_models()
        if m.generation and m.generation.params_documented and m.generation.family == "tokenhub-api"
    }
    assert set(VALID) == documented & set(get_backend().models)


@pytest.mark.parametrize("model", sorted(VALID))
def test_valid_parameters_build_and_model_id_is_sent_lower_case(model: str) -> None:
    request = build_request(model.upper(), **VALID[model])
    assert request.model == model


def test_unknown_fields_pass_through_unchanged() -> None:
    request = build_request("hy-image-v3.0", prompt="x", future_flag={"a": [1, 2]})
    assert request.model_dump(exclude_none=True)["future_flag"] == {"a": [1, 2]}


def test_unknown_model_names_the_allowed_models() -> None:
    with pytest.raises(InvalidParameterError) as info:
        build_request("hy-image-v9", prompt="x")
    assert info.value.param == "model"
    assert "hy-image-v3.0" in str(info.value)


def test_enumerations_accept_any_case_and_send_documented_spelling() -> None:
    pro = build_request("hy-3d-3.0", prompt="x", generate_type="lowpoly", polygon_type="TRIANGLE")
    assert (pro.generate_type, pro.polygon_type) == ("LowPoly", "triangle")  # type: ignore[attr-defined]
    express = build_request("hy-3d-express", prompt="x", result_format="usdz")
    assert express.result_format == "USDZ"  # type: ignore[attr-defined]
    video = build_request("yt-video-2.0", image="https://e.com/a.png", resolution="1080P")
    assert video.resolution == "1080p"  # type: ignore[attr-defined]


def test_video_image_accepts_a_bare_url_string() -> None:
    request = build_request("yt-video-2.0", image="https://example.com/a.png")
    assert request.model_dump(exclude_none=True)["image"] == {"url": "https://example.com/a.png"}


def test_any_effect_template_name_is_accepted() -> None:
    request = build_request("yt-video-fx", template="brand-new-effect", images=["https://e.com/a"])
    assert request.template == "brand-new-effect"  # type: ignore[attr-defined]


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    # (model, params, field named in the message, text of what is allowed)
    ("hy-image-lite", {"prompt": ""}, "prompt", "at least 1"),
    ("hy-image-lite", {"prompt": "x" * 1025}, "prompt", "at most 1024"),
    ("hy-image-lite", {"prompt": "x", "resolution": "1000:1000"}, "resolution", "long edge"),
    ("hy-image-lite", {"prompt": "x", "resolution": "1024:1000"}, "resolution", "16:9"),
    ("hy-image-lite", {"prompt": "x", "rsp_img_type": "png"}, "rsp_img_type", "'url'"),
    ("hy-image-v3.0", {"prompt": "x" * 8193}, "prompt", "at most 8192"),
    ("hy-image-v3.0", {"prompt": "x", "resolution": "2048:2048"}, "resolution", "1024*1024"),
    ("hy-image-v3.0", {"prompt": "x", "resolution": "256:256"}, "resolution", "512..2048"),
    ("hy-image-v3.0", {"prompt": "x", "resolution": "wide"}, "resolution", "'W:H'"),
    ("hy-image-v3.0", {"prompt": "x", "images": ["https://e/1"] * 4}, "images", "at most 3"),
    ("hy-image-v3.0", {"prompt": "x", "seed": 0}, "seed", "greater than or equal to 1"),
    ("hy-image-v3.0", {"prompt": "x", "revise": 2}, "revise", "0 or 1"),
    ("hy-image-v3.0", {"prompt": "x", "logo_add": 5}, "logo_add", "0 or 1"),
    ("hy-image-v3.0", {"prompt": "x", "images": ["ftp://e/1"]}, "images", "ftp"),
    ("hy-video-1.5", {"prompt": "x" * 201}, "prompt", "at most 200"),
    ("hy-video-1.5", {"prompt": "x", "resolution": "1080p"}, "resolution", "'720p'"),
    ("yt-video-2.0", {}, "image", "required"),
    ("yt-video-2.0", {"image": "https://e/a", "fps": 60}, "fps", "16, 24 or 30"),
    ("yt-video-2.0", {"image": "https://e/a", "resolution": "4k"}, "resolution", "'480p'"),
    ("yt-video-fx", {"template": "hug", "images": []}, "images", "at least 1"),
    ("yt-video-fx", {"template": "hug", "images": ["https://e/a"] * 11}, "images", "at most 10"),
    ("yt-video-fx", {"template": "", "images": ["https://e/a"]}, "template", "at least 1"),
    (
        "yt-video-fx",
        {"template": "hug", "images": ["https://e/a"], "resolution": "1080p"},
        "resolution",
        "'360p'",
    ),
    (
        "yt-video-humanactor",
        {"prompt": "x", "audio_url": "https://e/a.mp3"},
        "parameters",
        "image_url or image_base64",
    ),
    (
        "yt-video-humanactor",
        {"prompt": "x", "audio_url": "data:audio/mp3;base64,AAAA", "image_url": "https://e/f"},
        "audio_url",
        "http(s) URL",
    ),
    (
        "yt-video-humanactor",
        {"prompt": "x", "audio_url": "https://e/a", "image_url": "https://e/f", "frame_rate": 30},
        "frame_rate",
        "25 or 50",
    ),
    ("hy-3d-3.0", {}, "parameters", "prompt or an image"),
    ("hy-3d-3.0", {"prompt": "x", "image_url": "https://e/a"}, "parameters", "not both"),
    ("hy-3d-3.0", {"prompt": "x", "face_count": 100}, "face_count", "3000"),
    ("hy-3d-3.0", {"prompt": "x", "generate_type": "Voxel"}, "generate_type", "'Normal'"),
    ("hy-3d-3.0", {"prompt": "x", "result_format": "OBJ"}, "result_format", "'STL'"),
    ("hy-3d-3.0", {"prompt": "x", "polygon_type": "triangle"}, "parameters", "LowPoly"),
    ("hy-3d-3.1", {"prompt": "x", "generate_type": "LowPoly"}, "generate_type", "Normal, Geometry"),
    (
        "hy-3d-3.0",
        {
            "image_url": "https://e/a",
            "multi_view_images": [{"view_type": "top", "view_image_url": "https://e/t"}],
        },
        "multi_view_images[0].view_type",
        "left, right, back",
    ),
    ("hy-3d-express", {"prompt": "x" * 1025}, "prompt", "at most 1024"),
    ("hy-3d-express", {"prompt": "x", "result_format": "3mf"}, "result_format", "'OBJ'"),
    (
        "hy-3d-express",
        {"prompt": "x", "result_format": "obj", "enable_geometry": True},
        "parameters",
        "enable_geometry",
    ),
]


@pytest.mark.parametrize(("model", "params", "field", "allowed"), BAD)
def test_bad_values_are_refused_naming_field_and_allowed_values(
    model: str, params: dict[str, Any], field: str, allowed: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        build_request(model, **params)
    message = str(info.value)
    assert field in info.value.param
    assert allowed in message, message
    assert model in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("model", "params", "allowed"),
    [
        ("hy-3d-3.0", {"prompt": "x", "result_format": "OBJ"}, "'STL', 'USDZ' or 'FBX'"),
        ("yt-video-2.0", {"image": "https://e/a.png", "fps": 25}, "16, 24 or 30"),
        ("hy-3d-3.0", {"prompt": "x", "face_count": 10}, ">= 3000"),
        ("hy-video-1.5", {"prompt": "x" * 201}, "length <= 200"),
        ("hy-image-v3.0", {"prompt": "x", "images": ["https://e/a.png"] * 4}, "length <= 3"),
    ],
)
def test_allowed_values_are_also_an_attribute_for_programs(
    model: str, params: dict[str, Any], allowed: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        build_request(model, **params)
    assert info.value.allowed == allowed
    assert "(allowed:" not in str(info.value)  # the message says it once, in its own words


def test_3d_31_accepts_eight_views_and_sketch_takes_prompt_with_image() -> None:
    views = [
        {"view_type": v, "view_image_url": f"https://e/{v}.png"}
        for v in ("left", "right", "back", "top", "bottom", "left_front", "right_front")
    ]
    build_request("hy-3d-3.1", image_url="https://e/front.png", multi_view_images=views)
    build_request(
        "hy-3d-3.0", prompt="a chair", image_url="https://e/sketch.png", generate_type="sketch"
    )


def test_lite_resolutions_follow_the_documented_grid() -> None:
    for good in ("1024:1024", "768:1024", "1920:1080", "1080:1920", "3840:2160", "160:160"):
        build_request("hy-image-lite", prompt="x", resolution=good)


def test_v3_resolutions_cover_the_documented_buckets() -> None:
    for good in ("2048:512", "1280:768", "768:1280", "1024:1024", "512:512"):
        build_request("hy-image-v3.0", prompt="x", resolution=good)


def test_a_ready_request_object_can_be_reused_with_overrides() -> None:
    first = build_request("hy-image-v3.0", prompt="a cat", seed=7)
    second = build_request("hy-image-v3.0", first, prompt="a dog")
    assert (second.prompt, second.seed) == ("a dog", 7)  # type: ignore[attr-defined]


def test_request_for_another_model_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match=r"not 'hy-3d-3\.0'"):
        get_backend().build_request("hy-3d-3.0", {"model": "hy-3d-express", "prompt": "x"})


def test_list_positions_are_named_like_the_media_checks_name_them() -> None:
    with pytest.raises(InvalidParameterError) as info:
        build_request("hy-image-v3.0", prompt="x", images=["https://e/a.png", "ftp://e/b.png"])
    assert info.value.param == "images[1]"
    views = [{"view_type": "left", "view_image_url": "https://e/l.png"}, {"view_type": "up"}]
    with pytest.raises(InvalidParameterError) as info:
        build_request("hy-3d-3.1", prompt="x", multi_view_images=views)
    assert info.value.param == "multi_view_images[1]"
