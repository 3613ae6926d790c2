"""The older Hunyuan endpoints, emulated: aiart and ai3d gateways, and Tencent Cloud API 3.0.

* ``POST /v1/aiart/submit|query`` (the aiart gateway's OpenAI-style page, 1668/129429):
  ``Authorization: <key>`` with no ``Bearer``;
  ``{"model":"HY-Image-V3.0","prompt","size","images","extra_body"}`` -> ``{"request_id",
  "job_id"}``; query -> ``{"request_id","status":"1"|"2"|"4"|"5","data":[{"url"}]}``.
* ``POST /v1/ai3d/submit|query`` (the ai3d gateway's OpenAI-style page): the same key header,
  PascalCase bodies; answers
  follow the Cloud API's ``SubmitHunyuanTo3DProJob``/``QueryHunyuanTo3DProJob`` (``JobId``;
  ``Status``, ``ResultFile3Ds``, ``ErrorCode``/``ErrorMessage``), bare or, with
  ``ai3d_envelope=True``, inside ``{"Response": ...}`` (the gateway's page shows neither).
* ``POST /``: Tencent Cloud API 3.0: ``hunyuan`` ``SubmitHunyuanImageJob`` /
  ``QueryHunyuanImageJob`` (2023-09-01, ap-guangzhou only) and the actions TokenHub's models
  mirror (aiart 2022-12-29, vclm 2024-05-23, ai3d 2025-05-13, per the SDKs' versions). The
  TC3-HMAC-SHA256 signature is really checked, from the headers and bytes received, against
  the action's service; every error is HTTP 200 with
  ``{"Response":{"Error":{"Code","Message"},"RequestId"}}``.

The failure shapes of the two gateways are not documented: an unknown key answers HTTP 401 with
the OpenAI-style error body (aiart) or the Cloud API error body (ai3d); a failed job carries
``job_error_code``/``job_error_msg`` (aiart, the snake_case of the Cloud API fields) or
``ErrorCode``/``ErrorMessage`` (ai3d).

Example:
    .. code-block:: python

        from hunyuan_tokenhub.emulator import TokenHubEmulator
        from hunyuan_tokenhub.emulator._legacy import LegacyEndpoints

        with TokenHubEmulator(api_key="test-key") as emu:
            legacy = emu.legacy  # installed by default; or LegacyEndpoints(...).install(emu)
            legacy.credentials = {"AKIDtest": "secret"}
            legacy.fail_next_jobs("FailedOperation.GenerateImageFailed", "moderation", times=1)
"""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, Protocol

from ._http import EmulatorError, EmulatorRequest, EmulatorResponse, Handler, json_response
from ._jobs import JobTiming
from ._signature import credential_date, expected_signature, read_authorization

__all__ = [
    "AI3D_PATHS",
    "AIART_PATHS",
    "CLOUD_API_PATH",
    "FILES_PATH",
    "LegacyEndpoints",
]

Api = Literal["aiart", "ai3d", "tencentcloud"]
# Jobs whose answers share a shape: the aiart gateway's, ai3d's, Cloud API image and video jobs.
Family = Literal["aiart", "3d", "image-job", "video"]
CloudHandler = Callable[[EmulatorRequest, dict[str, Any]], dict[str, Any]]


class _Routes(Protocol):
    def register_route(
        self, method: str, path: str, handler: Handler, *, auth: bool = True
    ) -> None: ...


AIART_PATHS = ("/v1/aiart/submit", "/v1/aiart/query")
AI3D_PATHS = ("/v1/ai3d/submit", "/v1/ai3d/query")
CLOUD_API_PATH = "/"
FILES_PATH = "/legacy-files/{job_id}/{name}"

AIART_MODEL = "HY-Image-V3.0"
# (service, version, the only regions offered or None) per Cloud API service.
HUNYUAN_API = ("hunyuan", "2023-09-01", ("ap-guangzhou",))
AIART_API = ("aiart", "2022-12-29", None)
VCLM_API = ("vclm", "2024-05-23", None)
AI3D_API = ("ai3d", "2025-05-13", None)
VCLM_JOBS = {
    "SubmitHunyuanToVideoJob": "DescribeHunyuanToVideoJob",
    "SubmitImageToVideoGeneralJob": "DescribeImageToVideoGeneralJob",
    "SubmitTemplateToVideoJob": "DescribeTemplateToVideoJob",
    "SubmitHumanActorJob": "DescribeHumanActorJob",
}
HUNYUAN_RESOLUTIONS = (
    "768:768", "768:1024", "1024:768", "1024:1024", "720:1280", "1280:720", "768:1280", "1280:768",
)  # fmt: skip
SIGNATURE_MAX_SKEW_S = 300
_AI3D_DEFAULT_FORMATS = ("OBJ", "GLB")
_AI3D_EXTRA_FORMATS = ("STL", "USDZ", "FBX")
_AI3D_RAPID_FORMATS = ("OBJ", "GLB", "STL", "USDZ", "FBX", "MP4")
_AI3D_PREVIEW = "preview.png"

# Tiny but real file bodies, so that downloads of results can be tested end to end.
_FILES: Mapping[str, tuple[str, bytes]] = {
    "png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 24),
    "zip": ("application/zip", b"PK\x05\x06" + b"\x00" * 18),
    "glb": ("model/gltf-binary", b"glTF\x02\x00\x00\x00\x0c\x00\x00\x00"),
    "stl": ("model/stl", b"solid emulator\nendsolid emulator\n"),
    "usdz": ("model/vnd.usdz+zip", b"PK\x05\x06" + b"\x00" * 18),
    "fbx": ("application/octet-stream", b"Kaydara FBX Binary  \x00"),
    "mp4": ("video/mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
}
_STATUS_MESSAGES = {
    "queued": "排队中",
    "running": "处理中",
    "failed": "处理失败",
    "done": "处理完成",
}
_FORMAT_EXTENSIONS = {
    "OBJ": "zip", "GLB": "glb", "STL": "stl", "USDZ": "usdz", "FBX": "fbx", "MP4": "mp4",
}  # fmt: skip
_IMAGE_JOB_CODES = {"queued": "1", "running": "2", "failed": "4", "done": "5"}
_WAIT_RUN_CODES = {"queued": "WAIT", "running": "RUN", "failed": "FAIL", "done": "DONE"}


@dataclass
class _Job:
    job_id: str
    family: Family
    created: float
    outcome: tuple[str, str] | None
    files: list[tuple[str, str]]  # (format or "image", file name)
    revised_prompt: str = ""


@dataclass
class _ScriptedError:
    code: str
    message: str
    status: int
    remaining: int


class _CloudError(Exception):
    """An API 3.0 (or ai3d) error: ``{"Response":{"Error":{...},"RequestId"}}``."""

    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class LegacyEndpoints:
    """State and handlers of the emulated aiart, ai3d and Cloud API 3.0 endpoints.

    ``aiart_key``/``ai3d_key``: the gateway key enforced (``None``: any non-empty key, never
    ``Bearer ...``). ``credentials`` maps each accepted SecretId to its SecretKey. The
    emulator's ``requests`` record what these routes received, like every other route.
    """

    aiart_key: str | None = None
    ai3d_key: str | None = None
    credentials: Mapping[str, str] = field(default_factory=lambda: {"AKIDtest": "test-secret"})
    timing: JobTiming = field(default_factory=lambda: JobTiming(queued_s=0.02, running_s=0.05))
    ai3d_envelope: bool = False
    clock: Callable[[], float] = time.time
    jobs: dict[str, _Job] = field(default_factory=dict)
    _failures: deque[tuple[str, str]] = field(default_factory=deque)
    _errors: dict[Api, list[_ScriptedError]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, emulator: _Routes) -> LegacyEndpoints:
        """Serve every route on ``emulator``; each handler checks its own kind of auth."""
        routes: tuple[tuple[str, str, Handler], ...] = (
            ("POST", AIART_PATHS[0], self._aiart_submit),
            ("POST", AIART_PATHS[1], self._aiart_query),
            ("POST", AI3D_PATHS[0], self._ai3d_submit),
            ("POST", AI3D_PATHS[1], self._ai3d_query),
            ("POST", CLOUD_API_PATH, self._cloud_api),
            ("GET", FILES_PATH, self._file),
        )
        for method, path, handler in routes:
            emulator.register_route(method, path, handler, auth=False)
        return self

    def reset(self) -> None:
        """Forget jobs, scripted failures and errors, and go back to the default settings."""
        defaults = LegacyEndpoints()
        with self._lock:
            self.jobs.clear()
            self._failures.clear()
            self._errors.clear()
            self.aiart_key, self.ai3d_key = defaults.aiart_key, defaults.ai3d_key
            self.credentials, self.timing = defaults.credentials, defaults.timing
            self.ai3d_envelope = defaults.ai3d_envelope

    # --- scripting ---------------------------------------------------------------------------

    def fail_next_jobs(self, code: str, message: str, *, times: int = 1) -> None:
        """The next ``times`` submitted jobs (any API) end failed with this code and message."""
        with self._lock:
            self._failures.extend([(code, message)] * times)

    def reject_next(
        self, api: Api, code: str, message: str, *, times: int = 1, status: int | None = None
    ) -> None:
        """The next ``times`` requests to ``api`` are refused with this error code.

        ``status`` defaults to 200 for ``tencentcloud`` (the API 3.0 way) and 400 otherwise.
        """
        default = 200 if api == "tencentcloud" else 400
        with self._lock:
            self._errors.setdefault(api, []).append(
                _ScriptedError(code, message, default if status is None else status, times)
            )

    def _scripted_error(self, api: Api) -> _ScriptedError | None:
        with self._lock:
            for scripted in self._errors.get(api, []):
                if scripted.remaining > 0:
                    scripted.remaining -= 1
                    return scripted
        return None

    # --- jobs --------------------------------------------------------------------------------

    def _new_job(
        self,
        family: Family,
        files: list[tuple[str, str]],
        revised_prompt: str = "",
        *,
        instant: bool = False,
    ) -> _Job:
        """A job; ``instant`` ones (synchronous actions) are done already and never fail."""
        with self._lock:
            outcome = self._failures.popleft() if self._failures and not instant else None
            job_id = f"1259088371-{int(self.clock())}-{uuid.uuid4()}-0"
            created = -float("inf") if instant else time.monotonic()
            job = _Job(job_id, family, created, outcome, files, revised_prompt)
            self.jobs[job_id] = job
        return job

    def _state(self, job: _Job) -> Literal["queued", "running", "failed", "done"]:
        elapsed = time.monotonic() - job.created
        if elapsed < self.timing.queued_s:
            return "queued"
        if elapsed < self.timing.queued_s + self.timing.running_s:
            return "running"
        return "failed" if job.outcome else "done"

    def _job(self, job_id: Any, family: Family) -> _Job:
        if not job_id:
            raise _CloudError("MissingParameter", "JobId is required")
        job = self.jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None or job.family != family:
            raise _CloudError("FailedOperation.JobNotExist", f"job {job_id!r} does not exist")
        return job

    @staticmethod
    def _file_url(request: EmulatorRequest, job: _Job, name: str) -> str:
        return f"{request.root_url}/legacy-files/{job.job_id}/{name}"

    def _file(self, request: EmulatorRequest) -> EmulatorResponse:
        job = self.jobs.get(request.params["job_id"])
        name = request.params["name"]
        names = {file_name for _, file_name in job.files} if job is not None else set()
        if job is not None and job.family == "3d":
            names.add(_AI3D_PREVIEW)
        if name not in names:
            raise EmulatorError(404, f"no result file {name!r}")
        content_type, body = _FILES[name.rsplit(".", 1)[-1]]
        return EmulatorResponse(status=200, body=body, headers={"Content-Type": content_type})

    # --- aiart gateway -----------------------------------------------------------------------

    def _aiart_auth(self, request: EmulatorRequest) -> None:
        problem = _key_problem(request, self.aiart_key)
        if problem is not None:
            raise EmulatorError(401, problem, code="authentication_error")
        scripted = self._scripted_error("aiart")
        if scripted is not None:
            raise EmulatorError(scripted.status, scripted.message, code=scripted.code)

    def _aiart_submit(self, request: EmulatorRequest) -> EmulatorResponse:
        self._aiart_auth(request)
        body = request.json_object()
        if body.get("model") != AIART_MODEL:
            raise EmulatorError(
                400, f"model must be {AIART_MODEL}, got {body.get('model')!r}", param="model"
            )
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise EmulatorError(400, "prompt is required", param="prompt")
        images = body.get("images", [])
        if not isinstance(images, list) or len(images) > 3:
            raise EmulatorError(400, "images: at most 3 reference images", param="images")
        extra = body.get("extra_body", {})
        if not isinstance(extra, dict):
            raise EmulatorError(400, "extra_body must be an object", param="extra_body")
        job = self._new_job("aiart", [("image", "image-0.png")])
        return json_response({"request_id": request.request_id, "job_id": job.job_id})

    def _aiart_query(self, request: EmulatorRequest) -> EmulatorResponse:
        self._aiart_auth(request)
        try:
            job = self._job(request.json_object().get("job_id"), "aiart")
        except _CloudError as exc:
            raise EmulatorError(400, exc.message, code=exc.code, param="job_id") from None
        state = self._state(job)
        answer: dict[str, Any] = {
            "request_id": request.request_id,
            "status": _IMAGE_JOB_CODES[state],
        }
        if state == "done":
            answer["data"] = [{"url": self._file_url(request, job, name)} for _, name in job.files]
        elif state == "failed" and job.outcome is not None:
            answer["job_error_code"], answer["job_error_msg"] = job.outcome
        return json_response(answer)

    # --- ai3d gateway ------------------------------------------------------------------------

    def _ai3d_answer(self, request: EmulatorRequest, payload: dict[str, Any]) -> EmulatorResponse:
        payload = {**payload, "RequestId": request.request_id}
        return json_response({"Response": payload} if self.ai3d_envelope else payload)

    def _ai3d(
        self, request: EmulatorRequest, handle: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> EmulatorResponse:
        try:
            problem = _key_problem(request, self.ai3d_key)
            if problem is not None:
                raise _CloudError("AuthFailure.InvalidAuthorization", problem, 401)
            scripted = self._scripted_error("ai3d")
            if scripted is not None:
                raise _CloudError(scripted.code, scripted.message, scripted.status)
            body = request.json_object()
            return self._ai3d_answer(request, handle(body))
        except _CloudError as exc:
            return _cloud_error(request, exc)

    def _ai3d_submit(self, request: EmulatorRequest) -> EmulatorResponse:
        return self._ai3d(request, partial(self._ai3d_pro_submit, request))

    def _ai3d_query(self, request: EmulatorRequest) -> EmulatorResponse:
        return self._ai3d(request, partial(self._ai3d_job_answer, request))

    def _ai3d_pro_submit(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        if _input_count(body) != 1 and body.get("GenerateType") != "Sketch":
            raise _one_input_error()
        image = body.get("ImageUrl")
        # A string (Cloud API) or {"Url": ...} (the ai3d gateway's ImageUrl.Url).
        if isinstance(image, dict) and not isinstance(image.get("Url"), str):
            raise _CloudError("InvalidParameterValue", "ImageUrl.Url must be a URL string")
        if body.get("Model", "3.0") not in ("3.0", "3.1"):
            raise _CloudError("InvalidParameterValue", "Model must be 3.0 or 3.1")
        extra = body.get("ResultFormat")
        if extra is not None and extra not in _AI3D_EXTRA_FORMATS:
            raise _CloudError("InvalidParameterValue", "ResultFormat must be STL, USDZ or FBX")
        formats = ["GLB"] if body.get("GenerateType") == "Geometry" else [*_AI3D_DEFAULT_FORMATS]
        return self._new_3d_job([*formats, *([extra] if extra else [])])

    def _ai3d_rapid_submit(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        if _input_count(body) != 1:
            raise _one_input_error()
        default = "GLB" if body.get("EnableGeometry") else "OBJ"
        fmt = body.get("ResultFormat", default)
        if fmt not in _AI3D_RAPID_FORMATS:
            raise _CloudError("InvalidParameterValue", f"ResultFormat {fmt!r} is not allowed")
        return self._new_3d_job([fmt])

    def _new_3d_job(self, formats: list[str]) -> dict[str, Any]:
        files = [(fmt, f"model.{_FORMAT_EXTENSIONS[fmt]}") for fmt in formats]
        return {"JobId": self._new_job("3d", files).job_id}

    def _ai3d_job_answer(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        job = self._job(body.get("JobId"), "3d")
        answer = self._wait_run_answer(job)
        answer["ResultFile3Ds"] = []
        if self._state(job) == "done":
            preview = self._file_url(request, job, _AI3D_PREVIEW)
            answer["ResultFile3Ds"] = [
                {"Type": fmt, "Url": self._file_url(request, job, name), "PreviewImageUrl": preview}
                for fmt, name in job.files
            ]
        return answer

    def _wait_run_answer(self, job: _Job) -> dict[str, Any]:
        state = self._state(job)
        code, message = job.outcome if state == "failed" and job.outcome else ("", "")
        return {"Status": _WAIT_RUN_CODES[state], "ErrorCode": code, "ErrorMessage": message}

    # --- Tencent Cloud API 3.0 ---------------------------------------------------------------

    def _cloud_actions(self) -> dict[str, tuple[tuple[str, str, Any], CloudHandler]]:
        """Every emulated action: its (service, version, regions) and handler."""
        return {
            "SubmitHunyuanImageJob": (HUNYUAN_API, self._hunyuan_submit),
            "QueryHunyuanImageJob": (HUNYUAN_API, self._image_job_answer),
            "TextToImageLite": (AIART_API, self._lite),
            "SubmitTextToImageJob": (AIART_API, self._image_v3_submit),
            "QueryTextToImageJob": (AIART_API, self._image_job_answer),
            **{submit: (VCLM_API, self._video_submit) for submit in VCLM_JOBS},
            **{query: (VCLM_API, self._video_answer) for query in VCLM_JOBS.values()},
            "SubmitHunyuanTo3DProJob": (AI3D_API, self._ai3d_pro_submit),
            "QueryHunyuanTo3DProJob": (AI3D_API, self._ai3d_job_answer),
            "SubmitHunyuanTo3DRapidJob": (AI3D_API, self._ai3d_rapid_submit),
            "QueryHunyuanTo3DRapidJob": (AI3D_API, self._ai3d_job_answer),
        }

    def _cloud_api(self, request: EmulatorRequest) -> EmulatorResponse:
        try:
            action = request.headers.get("x-tc-action", "")
            found = self._cloud_actions().get(action)
            if found is None:
                raise _CloudError("InvalidAction", f"action {action!r} does not exist")
            (service, version, regions), handle = found
            self._check_signature(request, service)
            if request.headers.get("x-tc-version") != version:
                raise _CloudError("NoSuchVersion", f"{action} exists in version {version} only")
            region = request.headers.get("x-tc-region", "")
            if not region or (regions is not None and region not in regions):
                raise _CloudError("UnsupportedRegion", f"region {region!r} is not supported")
            scripted = self._scripted_error("tencentcloud")
            if scripted is not None:
                raise _CloudError(scripted.code, scripted.message, scripted.status)
            body = request.parsed_json()
            if not isinstance(body, dict):
                raise _CloudError("InvalidParameter", "the body must be a JSON object")
            payload = handle(request, body)
        except _CloudError as exc:
            return _cloud_error(request, exc)
        return json_response({"Response": {**payload, "RequestId": request.request_id}})

    def _check_signature(self, request: EmulatorRequest, service: str) -> None:
        headers = request.headers
        for name in ("x-tc-action", "x-tc-timestamp", "x-tc-version"):
            if not headers.get(name):
                raise _CloudError("MissingParameter", f"header {name} is required")
        try:
            received = read_authorization(headers.get("authorization", ""))
        except ValueError as exc:
            raise _CloudError("AuthFailure.InvalidAuthorization", str(exc)) from None
        secret_key = self.credentials.get(received.secret_id)
        if secret_key is None:
            raise _CloudError("AuthFailure.SecretIdNotFound", "the SecretId does not exist")
        try:
            timestamp = int(headers["x-tc-timestamp"])
        except ValueError:
            raise _CloudError("InvalidParameter", "X-TC-Timestamp must be Unix seconds") from None
        if abs(self.clock() - timestamp) > SIGNATURE_MAX_SKEW_S:
            raise _CloudError(
                "AuthFailure.SignatureExpire", "the signature expired (clock skew over 5 minutes)"
            )
        if not {"content-type", "host"} <= set(received.signed_headers):
            raise _CloudError(
                "AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type;host"
            )
        if received.date != credential_date(timestamp) or received.service != service:
            raise _CloudError(
                "AuthFailure.SignatureFailure",
                "the credential scope does not match the timestamp's date or the service",
            )
        try:
            expected = expected_signature(
                secret_key=secret_key,
                timestamp=timestamp,
                received=received,
                headers=headers,
                body=request.body,
            )
        except ValueError as exc:
            raise _CloudError("AuthFailure.InvalidAuthorization", str(exc)) from None
        if not hmac.compare_digest(expected, received.signature):
            raise _CloudError(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. "
                "Please check your signature is correct.",
            )

    @staticmethod
    def _prompt(body: dict[str, Any]) -> str:
        prompt = body.get("Prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _CloudError("MissingParameter", "Prompt is required")
        return prompt

    def _new_image_job(self, body: dict[str, Any], count: int) -> dict[str, Any]:
        prompt = self._prompt(body)
        revised = prompt if body.get("Revise") == 0 else f"{prompt}, rich detail, soft light"
        files = [("image", f"image-{index}.png") for index in range(count)]
        return {"JobId": self._new_job("image-job", files, revised).job_id}

    def _hunyuan_submit(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        resolution = body.get("Resolution", "1024:1024")
        if resolution not in HUNYUAN_RESOLUTIONS:
            raise _CloudError("InvalidParameterValue", f"Resolution {resolution!r} is not allowed")
        num = body.get("Num", 1)
        if not isinstance(num, int) or not 1 <= num <= 4:
            raise _CloudError("InvalidParameterValue", "Num must be 1 to 4")
        return self._new_image_job(body, num)

    def _image_v3_submit(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        images = body.get("Images", [])
        if not isinstance(images, list) or len(images) > 3:
            raise _CloudError("InvalidParameterValue", "Images: at most 3 reference images")
        return self._new_image_job(body, 1)

    def _image_job_answer(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        job = self._job(body.get("JobId"), "image-job")
        state = self._state(job)
        code, message = job.outcome if state == "failed" and job.outcome else ("", "")
        done = state == "done"
        return {
            "JobStatusCode": _IMAGE_JOB_CODES[state],
            "JobStatusMsg": _STATUS_MESSAGES[state],
            "JobErrorCode": code,
            "JobErrorMsg": message,
            "ResultImage": [self._file_url(request, job, n) for _, n in job.files] if done else [],
            "ResultDetails": ["Success"] * len(job.files) if done else [],
            "RevisedPrompt": [job.revised_prompt] * len(job.files) if done else [],
        }

    def _lite(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        self._prompt(body)
        job = self._new_job("image-job", [("image", "image-0.png")], instant=True)
        return {"ResultImage": self._file_url(request, job, "image-0.png"), "Seed": 2068699513}

    def _video_submit(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        if not any(body.get(k) for k in ("Prompt", "Image", "Images", "ImageUrl")):
            raise _CloudError("MissingParameter", "give a Prompt or an input image")
        return {"JobId": self._new_job("video", [("video", "video.mp4")]).job_id}

    def _video_answer(self, request: EmulatorRequest, body: dict[str, Any]) -> dict[str, Any]:
        job = self._job(body.get("JobId"), "video")
        answer = self._wait_run_answer(job)
        done = self._state(job) == "done"
        answer["ResultVideoUrl"] = self._file_url(request, job, "video.mp4") if done else ""
        return answer


def _key_problem(request: EmulatorRequest, expected: str | None) -> str | None:
    """Why a gateway refuses the ``Authorization: <key>`` header (``None``: accepted)."""
    value = request.headers.get("authorization", "").strip()
    if value.lower().startswith("bearer "):
        return "send the key as 'Authorization: <key>', without 'Bearer'"
    if not value or (expected is not None and value != expected):
        return "invalid API key"
    return None


def _input_count(body: dict[str, Any]) -> int:
    return sum(1 for key in ("Prompt", "ImageUrl", "ImageBase64") if body.get(key))


def _one_input_error() -> _CloudError:
    return _CloudError("InvalidParameter", "give exactly one of Prompt, ImageUrl, ImageBase64")


def _cloud_error(request: EmulatorRequest, exc: _CloudError) -> EmulatorResponse:
    body = {
        "Response": {
            "Error": {"Code": exc.code, "Message": exc.message},
            "RequestId": request.request_id,
        }
    }
    return json_response(body, status=exc.status)
