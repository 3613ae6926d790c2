"""Generation models are data: each entry's route, request checks, tool schema and CLI listing
come from ``models.json``, and a model of a known family is added with one entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from typer.testing import CliRunner

from hunyuan_tokenhub import InvalidParameterError, _catalog, list_models
from hunyuan_tokenhub._catalog import register_model, unregister_model
from hunyuan_tokenhub.cli._app import app
from hunyuan_tokenhub.emulator import TokenHubEmulator
from hunyuan_tokenhub.jobs import JobClient, get_backend
from hunyuan_tokenhub.jobs.agent_tools import args_schema, tool_description, tool_models
from langchain_hunyuan import HunyuanVideoGenerationTool
from llama_index_hunyuan import HunyuanGenerationToolSpec

from .conftest import API_KEY, CLIENT_OPTIONS

GENERATION_MODELS = [m for m in list_models() if m.generation is not None]

# One entry of a known family (TokenHub's /v1/api/video/* endpoints), nothing else.
NEW_MODEL: dict[str, Any] = {
    "id": "acme-video-2",
    "kind": "video",
    "display_name": "Acme-Video-2",
    "generation": {
        "submit_path": "/api/video/submit",
        "query_path": "/api/video/query",
        "statuses": {"queued": "queued", "in_progress": "in_progress", "completed": "completed"},
        "url_lifetime_hours": 6,
        "max_concurrent_jobs": 2,
        "params": {
            "prompt": {"type": "string", "required": True, "max_length": 100},
            "duration": {"type": "integer", "enum": [5, 10], "description": "Seconds."},
        },
    },
}


@pytest.fixture
def new_model(emulator: TokenHubEmulator) -> Iterator[str]:
    register_model(NEW_MODEL)
    emulator.jobs.add_model(NEW_MODEL["id"], "video")  # the server side serves it too
    try:
        yield NEW_MODEL["id"]
    finally:
        unregister_model(NEW_MODEL["id"])


@pytest.mark.parametrize("info", GENERATION_MODELS, ids=lambda m: m.id)
def test_every_entry_is_routed_on_each_backend_it_lists(info: Any) -> None:
    spec = info.generation
    for name in spec.backends:
        route = get_backend(name).route(info.id)
        assert route.kind == info.kind and route.spec == spec
        assert route.max_concurrent_jobs == spec.max_concurrent_jobs
        assert route.family == (spec.concurrency_group or info.id)
        hours = spec.url_lifetime_hours
        assert route.url_lifetime == (timedelta(hours=hours) if hours is not None else None)
        # Every documented parameter is a field of the request the route validates with.
        assert set(spec.params) <= set(route.request_type.model_fields)
    if "tokenhub" in spec.backends:
        route = get_backend("tokenhub").route(info.id)
        assert route.submit_path == spec.submit_path
        assert route.query_path == spec.query_path
    assert info.id in tool_models(info.kind)
    lifetime = f"{hours:g} hour" if hours is not None else "undocumented time"
    assert lifetime in tool_description(info.kind, info.id)


PASS_THROUGH = [m.id for m in GENERATION_MODELS if not m.generation.params_documented]


@pytest.mark.parametrize("model", PASS_THROUGH)
def test_pass_through_models_run_with_unchecked_parameters(
    model: str, jobs: JobClient, emulator: TokenHubEmulator
) -> None:
    result = jobs.generate(model, prompt="a paper boat", any_field={"sent": True}, duration=5)
    sent = next(r.json for r in emulator.requests if r.method == "POST")
    assert sent["model"] == model and sent["any_field"] == {"sent": True}
    assert result.assets and result.expires_at is None  # no documented lifetime
    listed = CliRunner().invoke(app, ["models", "--kind", result.kind], env={"COLUMNS": "300"})
    assert f"{model} parameters: none documented; every -p KEY=VALUE is sent unchecked" in (
        listed.stdout
    )


def test_documented_values_are_checked_from_the_data() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        get_backend("tokenhub").build_request("hy-3d-3.1", prompt="a vase", generate_type="Sketch")
    assert caught.value.param == "generate_type"
    assert caught.value.allowed == "Normal, Geometry"
    # hy-3d-3.0's entry documents Sketch.
    get_backend("tokenhub").build_request(
        "hy-3d-3.0", prompt="a vase", image_url="https://e/v.png", generate_type="sketch"
    )


def test_retired_model_warns_once_and_still_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_catalog, "_retirement_warned", set())  # not yet warned in this process
    with JobClient(backend="tencentcloud", secret_id="id", secret_key="key") as jobs:
        with pytest.warns(UserWarning, match="hunyuan-image-job.*retired on 2026-09-30"):
            jobs.prepare("hunyuan-image-job", prompt="雨中, 竹林")


def test_registered_model_runs_end_to_end(new_model: str, emulator: TokenHubEmulator) -> None:
    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        route = jobs.backend.route(new_model)
        assert (route.family, route.max_concurrent_jobs) == (new_model, 2)
        result = jobs.generate(new_model, prompt="a paper boat", duration=10, style="ink")
    sent = emulator.jobs.get(result.job_id)
    assert sent is not None
    # The undocumented "style" is sent unchecked.
    assert sent.params == {
        "model": new_model,
        "prompt": "a paper boat",
        "duration": 10,
        "style": "ink",
    }
    assert result.kind == "video" and result.assets[0].url.endswith("video.mp4")
    assert result.completed_at is not None and result.expires_at is not None
    assert result.expires_at - result.completed_at == timedelta(hours=6)


def test_registered_model_parameters_are_checked_before_sending(
    new_model: str, emulator: TokenHubEmulator
) -> None:
    with JobClient(base_url=emulator.base_url, **CLIENT_OPTIONS) as jobs:  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError) as caught:
            jobs.generate(new_model, prompt="a paper boat", duration=7)
        assert (caught.value.param, caught.value.allowed) == ("duration", "5, 10")
        with pytest.raises(InvalidParameterError, match="prompt"):
            jobs.generate(new_model, prompt="x" * 101)
        with pytest.raises(InvalidParameterError, match=r"prompt.*required"):
            jobs.generate(new_model, duration=5)
    assert emulator.jobs.submit_count() == 0


def test_registered_model_in_both_frameworks_tools(
    new_model: str, emulator: TokenHubEmulator
) -> None:
    schema = args_schema(new_model, "video").model_json_schema()
    assert schema["required"] == ["prompt"]
    assert "One of: 5, 10" in schema["properties"]["duration"]["description"]
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": emulator.base_url,
        "poll_interval": 0.005,
        "max_poll_interval": 0.02,
    }
    tool = HunyuanVideoGenerationTool(model=new_model, **options)
    assert "6 hours" in tool.description
    call = {"type": "tool_call", "id": "c1", "name": tool.name, "args": {"prompt": "a boat"}}
    message = tool.invoke(call)
    assert isinstance(message, ToolMessage) and message.status == "success", message.content
    assert message.artifact["model"] == new_model

    spec = HunyuanGenerationToolSpec(
        video_model=new_model, api_key=API_KEY, base_url=emulator.base_url, poll_interval=0.005
    )
    result = spec.generate_video(prompt="a boat", duration=5)
    assert result.model == new_model
    submits = [r.json for r in emulator.requests if r.path.endswith("/submit")]
    assert submits[-1]["duration"] == 5


def test_registered_model_in_the_cli(new_model: str, emulator: TokenHubEmulator) -> None:
    env = {"TOKENHUB_API_KEY": API_KEY, "TOKENHUB_BASE_URL": emulator.base_url, "COLUMNS": "200"}
    runner = CliRunner()
    listed = runner.invoke(app, ["models", "--kind", "video"], env=env)
    assert new_model in listed.stdout and "6 h" in listed.stdout
    made = runner.invoke(
        app, ["video", "a boat", "-m", new_model, "-p", "duration=5", "--json"], env=env
    )
    assert made.exit_code == 0, made.output
    assert '"model": "acme-video-2"' in made.stdout
