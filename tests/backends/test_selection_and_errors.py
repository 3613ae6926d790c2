"""Picking a backend, binding it to credentials, and mapping service error codes."""

from __future__ import annotations

import pytest

from hunyuan_tokenhub import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    resolve_settings,
)
from hunyuan_tokenhub._retry import is_submit_refusal
from hunyuan_tokenhub.jobs import JobClient, build_request
from hunyuan_tokenhub.jobs.backends import BackendOptions, available_backends, get_backend
from hunyuan_tokenhub.jobs.backends._cloud import error_for_code, pascal_case, unwrap


def test_every_backend_is_registered() -> None:
    assert set(available_backends()) >= {"tokenhub", "aiart", "ai3d", "tencentcloud"}
    assert get_backend().name == "tokenhub"
    assert get_backend(" AIART ").name == "aiart"


def test_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUNYUAN_BACKEND", "ai3d")
    assert get_backend().name == "ai3d"
    assert get_backend("tokenhub").name == "tokenhub"  # an argument wins


def test_unknown_backend_names_the_available_ones() -> None:
    with pytest.raises(ConfigurationError, match="aiart, ai3d, tencentcloud"):
        JobClient(backend="dalle", api_key="k")


@pytest.mark.parametrize(
    "backend, models",
    [
        ("aiart", ("hy-image-v3.0",)),
        ("ai3d", ("hy-3d-3.0", "hy-3d-3.1")),
        (
            "tencentcloud",
            (
                "hy-image-lite",
                "hy-image-v3.0",
                "hy-video-1.5",
                "yt-video-2.0",
                "yt-video-fx",
                "yt-video-humanactor",
                "hy-3d-3.0",
                "hy-3d-3.1",
                "hy-3d-express",
                "hunyuan-image-job",
            ),
        ),
    ],
)
def test_models_per_backend(backend: str, models: tuple[str, ...]) -> None:
    assert get_backend(backend).models == models


@pytest.mark.parametrize("backend", ["aiart", "ai3d"])
def test_gateway_key_from_argument_or_env(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="HUNYUAN_API_KEY"):
        get_backend(backend).configure(BackendOptions.of(env={}))
    bound = get_backend(backend).configure(BackendOptions.of(env={"HUNYUAN_API_KEY": "sk-h"}))
    model = bound.models[0]
    route = bound.route(model)
    assert bound.query_call(route, "job-1").headers == {"Authorization": "sk-h"}
    # the same order as TokenHub's key: TOKENHUB_API_KEY first
    env = {"HUNYUAN_API_KEY": "sk-hunyuan", "TOKENHUB_API_KEY": "sk-tokenhub"}
    bound = get_backend(backend).configure(BackendOptions.of(env=env))
    route = bound.route(model)
    assert bound.query_call(route, "job-1").headers == {"Authorization": "sk-tokenhub"}
    bound = get_backend(backend).configure(BackendOptions.of(api_key="sk-arg", env=env))
    route = bound.route(model)
    assert bound.query_call(route, "j").headers == {"Authorization": "sk-arg"}


@pytest.mark.parametrize(
    "base_url, expected",
    [
        (None, "https://api.cloudai.tencent.com"),
        ("http://127.0.0.1:9/", "http://127.0.0.1:9"),
        ("https://proxy.example.com/v1", "https://proxy.example.com"),
    ],
)
def test_gateway_host(base_url: str | None, expected: str) -> None:
    bound = get_backend("aiart").configure(BackendOptions.of(api_key="k", base_url=base_url))
    route = bound.route("hy-image-v3.0")
    call = bound.submit_call(route, build_request("hy-image-v3.0", prompt="x"))
    assert call.base_url == expected and call.path == "/v1/aiart/submit"


def test_bad_base_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        get_backend("ai3d").configure(BackendOptions.of(api_key="k", base_url="ftp://x"))


def test_options_repr_hides_secrets() -> None:
    options = BackendOptions.of(api_key="sk-1", secret_id="AKID-2", secret_key="sec-3")
    assert all(s not in repr(options) for s in ("sk-1", "AKID-2", "sec-3"))


@pytest.mark.parametrize(
    "code, error",
    [
        ("AuthFailure.SignatureFailure", AuthenticationError),
        ("AuthFailure.SignatureExpire", AuthenticationError),
        ("AuthFailure.SecretIdNotFound", AuthenticationError),
        ("AuthFailure.UnauthorizedOperation", PermissionDeniedError),
        ("RequestLimitExceeded", RateLimitError),
        ("RequestLimitExceeded.JobNumExceed", RateLimitError),
        ("RequestLimitExceeded.UinLimitExceeded", RateLimitError),
        ("InvalidParameter", BadRequestError),
        ("InvalidParameterValue.TextLengthExceed", BadRequestError),
        ("MissingParameter", BadRequestError),
        ("InvalidAction", BadRequestError),
        ("NoSuchVersion", BadRequestError),
        ("UnsupportedRegion", BadRequestError),
        ("FailedOperation.JobNotExist", NotFoundError),
        ("ResourceNotFound", NotFoundError),
        ("ResourceUnavailable.InArrears", PermissionDeniedError),
        ("FailedOperation.ServiceNotActivated", PermissionDeniedError),
        ("InternalError", InternalServerError),
        ("FailedOperation.InnerError", InternalServerError),
        ("ServiceUnavailable", ServiceUnavailableError),
        ("LimitExceeded", APIStatusError),
        ("FailedOperation.ImageDownloadError", APIStatusError),
        ("SomethingNew", APIStatusError),
    ],
)
def test_cloud_api_codes_map_to_typed_errors(code: str, error: type[APIStatusError]) -> None:
    body = {"Response": {"Error": {"Code": code, "Message": "m"}, "RequestId": "r-9"}}
    with pytest.raises(APIStatusError) as info:
        unwrap(body)
    assert type(info.value) is error
    assert (info.value.code, info.value.message, info.value.request_id) == (code, "m", "r-9")
    assert info.value.status_code == 200


def test_only_rate_limits_are_submit_refusals() -> None:
    assert is_submit_refusal(error_for_code("RequestLimitExceeded.JobNumExceed", "busy"))
    assert is_submit_refusal(error_for_code("RequestLimitExceeded.IPLimitExceeded", "busy"))
    assert not is_submit_refusal(error_for_code("InternalError", "x"))
    assert not is_submit_refusal(error_for_code("InvalidParameter", "x"))


def test_other_error_shapes() -> None:
    with pytest.raises(AuthenticationError):
        unwrap({"Error": {"Code": "AuthFailure.InvalidAuthorization", "Message": "m"}})
    with pytest.raises(BadRequestError) as info:
        unwrap({"error": {"code": "invalid_request_error", "message": "bad"}, "request_id": "q"})
    assert info.value.request_id == "q"
    assert unwrap({"Response": {"JobId": "1"}}) == {"JobId": "1"}
    assert unwrap({"job_id": "1"}) == {"job_id": "1"}


def test_pascal_case() -> None:
    assert pascal_case(
        {"enable_pbr": True, "multi_view_images": [{"view_type": "back"}], "Model": "3.1",
         "bgm": True, "extra_param": {"bgm_text": "x"}}
    ) == {"EnablePBR": True, "MultiViewImages": [{"ViewType": "back"}], "Model": "3.1",
          "BGM": True, "ExtraParam": {"BGMText": "x"}}  # fmt: skip


def test_calls_never_show_their_authorization_in_a_repr() -> None:
    bound = get_backend("aiart").configure(BackendOptions.of(api_key="sk-very-secret", env={}))
    route = bound.route("hy-image-v3.0")
    call = bound.query_call(route, "job-1")
    assert call.headers == {"Authorization": "sk-very-secret"}
    assert "sk-very-secret" not in repr(call) + repr(route) + repr(bound)


@pytest.mark.parametrize(
    ("backend", "model", "done"),
    [
        ("aiart", "hy-image-v3.0", {"request_id": "r", "status": "5", "data": []}),
        (
            "ai3d",
            "hy-3d-3.0",
            {"Response": {"Status": "DONE", "ResultFile3Ds": [], "RequestId": "r"}},
        ),
        (
            "tencentcloud",
            "hunyuan-image-job",
            {"Response": {"JobStatusCode": "5", "ResultImage": [], "RequestId": "r"}},
        ),
    ],
)
def test_completed_without_any_file_is_a_failure_on_every_backend(
    backend: str, model: str, done: dict[str, object]
) -> None:
    """As on TokenHub, a job reported done with nothing to hand over fails for the caller."""
    options = BackendOptions.of(api_key="k", secret_id="AKIDx", secret_key="s", env={})
    bound = get_backend(backend).configure(options)
    route = bound.route(model)
    status = bound.job_status(route, "7", done)
    assert (status.state, status.result) == ("failed", None)
    assert status.error_message == "the job completed without any result file"


@pytest.mark.parametrize("backend", ["aiart", "ai3d"])
def test_a_gateway_given_settings_keeps_its_own_host_unless_they_name_another(
    backend: str,
) -> None:
    """Settings always carry a host; TokenHub's own (a region's default) is not the gateway's."""
    gateway = get_backend(backend)
    default = gateway.configure(BackendOptions.of(api_key="sk-gateway-0123")).base_url
    for region in ("cn", "intl"):
        settings = resolve_settings(api_key="sk-gateway-0123", region=region, env={})
        with JobClient(backend=backend, settings=settings) as jobs:
            assert jobs.backend.base_url == default
    own = resolve_settings(api_key="sk-gateway-0123", base_url="http://127.0.0.1:9/v1", env={})
    with JobClient(backend=backend, settings=own) as jobs:
        assert jobs.backend.base_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(("backend", "tool_name"), [("aiart", "image"), ("ai3d", "3d")])
def test_the_langchain_tools_bind_a_gateway_by_the_same_rule(
    backend: str, tool_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_hunyuan import Hunyuan3DGenerationTool, HunyuanImageGenerationTool

    tool_class = {"image": HunyuanImageGenerationTool, "3d": Hunyuan3DGenerationTool}[tool_name]

    for name in ("TOKENHUB_API_KEY", "HUNYUAN_API_KEY", "TOKENHUB_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = resolve_settings(api_key="sk-gateway-0123", region="intl", env={})
    tool = tool_class(backend=backend, settings=settings)
    options = tool._backend_options()
    assert options == BackendOptions.of(settings=settings, env=options.env)
    assert options.base_url is None  # TokenHub's region host is not the gateway's
    assert options.api_key is not None and options.api_key.get_secret_value() == "sk-gateway-0123"
    own = resolve_settings(api_key="sk-gateway-0123", base_url="http://127.0.0.1:9/v1", env={})
    assert tool_class(backend=backend, settings=own)._backend_options().base_url == (
        "http://127.0.0.1:9/v1"
    )
