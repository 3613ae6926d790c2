"""Generation commands: ``image``, ``video``, ``3d`` (submit, watch, fetch) and ``job status|wait``.

A job is submitted first and its handle (``backend:model:job_id``) printed at once, so an
interrupted or timed-out wait can be resumed with ``job wait HANDLE``; there is no server-side
cancel, the job keeps running either way.
"""

# No ``from __future__ import annotations``: typer reads the signatures that
# ``_generation_command`` builds, whose annotations use its local arguments.
# The jobs package and rich's progress display are imported by the commands when they run (and
# named in quotes below), so that --help costs neither.
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._exceptions import TokenHubError
from ._common import PROG, CliState, ExitCode, JsonFlag, command_state, print_json, stderr

if TYPE_CHECKING:
    from rich.console import Console

    from ..jobs import JobClient, JobKind, JobResult, JobStatus, ModelRoute

_INPUT_IMAGE_FIELDS = ("images", "image", "image_url")

ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Generation model id. Default: the backend's usual model of this kind (on "
        "TokenHub the first in 'models --kind KIND').",
        show_default=False,
    ),
]
ImageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--image",
        "-i",
        metavar="URL|FILE",
        help="Input image: an http(s) URL, a data: URL or a local file (sent inline). "
        "Repeat for models that take several.",
        show_default=False,
    ),
]
ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="KEY=VALUE",
        help="Any other request field as KEY=VALUE (VALUE is parsed as JSON when it can be), "
        "e.g. -p resolution=1024:768 -p seed=7 -p enable_pbr=true.",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Download every result file into this directory (result links expire: images "
        "after 1 hour, video and 3D after 24).",
        file_okay=False,
        show_default=False,
    ),
]
WaitTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--wait-timeout",
        min=0.001,
        help="Seconds to wait for the result (default: 300 for images, 900 for video and 3D). "
        "The job keeps running after a timeout; resume with 'job wait'.",
        show_default=False,
    ),
]
PollIntervalOption = Annotated[
    float | None,
    typer.Option(
        "--poll-interval", min=0.001, help="Seconds before the first poll.", show_default=False
    ),
]
NoWaitFlag = Annotated[
    bool, typer.Option("--no-wait", help="Submit, print the job id and return at once.")
]


def _parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        params[key.strip()] = value
    return params


def _check_images_exist(images: Sequence[str]) -> None:
    """A value that is no URL names a local file: it must exist (said before any submit)."""
    from ..jobs._media import classify_media

    for image in images:
        try:
            local = classify_media(image) == "path"
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--image") from None
        if local and not Path(image).expanduser().is_file():
            raise typer.BadParameter(f"file not found: {image}", param_hint="--image")


def _check_out_dir(out: Path | None) -> None:
    """Create ``--out`` and prove it writable before a paid job is submitted."""
    if out is None:
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise typer.BadParameter(
            f"cannot write to {out}: {exc.strerror or exc}", param_hint="--out"
        ) from None


def _warn_unknown_params(route: "ModelRoute", request: Mapping[str, Any]) -> None:
    """Name ``-p`` keys the model does not document: they are sent unchecked (a typo there
    would otherwise be billed silently)."""
    spec = route.spec
    if spec is None or not spec.params_documented:
        return
    known = set(spec.params) | set(route.request_type.model_fields)
    for key in sorted(set(request) - known):
        stderr().print(
            f"Warning: -p {key} is not a documented parameter of {route.model}; it is sent "
            "unchecked.",
            markup=False,
            soft_wrap=True,
        )


def _place_images(route: "ModelRoute", images: Sequence[str]) -> dict[str, Any]:
    """Put ``--image`` values in the field the model's request takes them in."""
    if not images:
        return {}
    fields = route.request_type.model_fields
    name = next((f for f in _INPUT_IMAGE_FIELDS if f in fields), None)
    if name is None:
        raise typer.BadParameter(f"{route.model} takes no input image", param_hint="--image")
    if name == "images":
        return {name: list(images)}
    if len(images) > 1:
        raise typer.BadParameter(f"{route.model} takes one input image", param_hint="--image")
    return {name: images[0]}


# The leading bytes of the formats the generation APIs document for input images (jpg/jpeg,
# png, bmp, tiff, webp); which of them a given model takes is the server's to say.
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def _image_format(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _IMAGE_SIGNATURES if head.startswith(magic)), None)


def _check_local_images(images: Sequence[str]) -> None:
    """Refuse a local --image file that is not an image before anything is uploaded."""
    for image in images:
        path = Path(image).expanduser()
        if not path.is_file():
            continue  # a URL, or a path the media policy reports on
        try:
            with path.open("rb") as file:
                head = file.read(12)
        except OSError as exc:
            raise typer.BadParameter(
                f"cannot read {image}: {exc.strerror}", param_hint="--image"
            ) from None
        if _image_format(head) is None:
            raise typer.BadParameter(
                f"{image} is not a JPEG, PNG, BMP, TIFF or WEBP image", param_hint="--image"
            )


def _local_dirs(images: Sequence[str]) -> list[Path]:
    # The person at the terminal named these files, so their folders may be read (agents'
    # tools, by contrast, refuse local paths unless the developer allows folders).
    return [Path(i).expanduser().resolve().parent for i in images if Path(i).expanduser().is_file()]


@contextmanager
def _job_client(state: CliState, *, images: Sequence[str] = ()) -> Iterator["JobClient"]:
    from ..jobs import JobClient
    from ..jobs._client import JOB_REQUEST_TIMEOUT
    from ..jobs.backends import get_backend

    # API 3.0 signs every call itself: no TokenHub key is needed for it.
    settings = state.settings(
        default_timeout=JOB_REQUEST_TIMEOUT,
        require_api_key=get_backend(state.backend).uses_api_key,
    )
    with JobClient(
        settings=settings, backend=state.backend, allowed_local_dirs=_local_dirs(images)
    ) as jobs:
        yield jobs


@contextmanager
def _progress_display(console: "Console", job_id: str) -> Iterator[Callable[["JobStatus"], None]]:
    """A live bar (state, percentage, elapsed time) on a terminal; plain lines elsewhere."""
    if not console.is_terminal:

        def log(status: "JobStatus") -> None:
            percent = "" if status.progress is None else f" {status.progress}%"
            console.print(f"job {job_id}: {status.state}{percent}", markup=False)

        yield log
        return
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("job {task.fields[job_id]}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[state]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("job", total=None, job_id=job_id, state="submitted")

        def update(status: "JobStatus") -> None:
            known = status.progress is not None
            progress.update(
                task,
                total=100 if known or status.state == "completed" else None,
                completed=100 if status.state == "completed" else status.progress or 0,
                state=status.state,
            )

        yield update


def _wait(
    state: CliState,
    jobs: "JobClient",
    job_id: str,
    model: str,
    *,
    timeout: float | None,
    poll_interval: float | None,
) -> "JobResult":
    console = stderr()
    try:
        with _progress_display(console, job_id) as on_progress:
            return jobs.wait_for_job(
                job_id,
                model=model,
                timeout=timeout,
                poll_interval=poll_interval,
                on_progress=on_progress,
            )
    except KeyboardInterrupt:
        console.print(
            f"Interrupted. Job {job_id} keeps running on the server (there is no cancel). "
            f"Resume with: {state.resume_command(job_id, model)}",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def _report_result(
    jobs: "JobClient", result: "JobResult", out: Path | None, *, json_output: bool
) -> None:
    """Print a finished job's URLs and expiry, then save its files into ``out``.

    The URLs are the paid result: they are printed (in text mode before anything else is
    tried) even when saving fails, which ends the command with ``PARTIAL_SUCCESS``.
    """
    if not json_output:
        _print_assets(result)
    files: list[str] = []
    download_error: str | None = None
    if out is not None:
        try:
            files = [str(p) for p in jobs.download(result, out)]
        except (OSError, TokenHubError) as exc:
            download_error = f"{type(exc).__name__}: {exc}"
    if json_output:
        document = {**result.model_dump(mode="json", exclude={"raw"}), "files": files}
        if download_error is not None:
            document["download_error"] = download_error
        print_json(document)
    for path in () if json_output else files:
        typer.echo(f"saved: {path}")
    if download_error is not None:
        stderr().print(
            f"Saving the files failed ({download_error}). The job finished: its URLs are "
            "printed above and stay valid until the expiry shown.",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(ExitCode.PARTIAL_SUCCESS)


def _print_assets(result: "JobResult") -> None:
    for asset in result.assets:
        typer.echo(f"{asset.kind}: {asset.url}")
        if asset.preview_url:
            typer.echo(f"  preview: {asset.preview_url}")
        if asset.revised_prompt:
            typer.echo(f"  revised prompt: {asset.revised_prompt}")
    if result.expires_at is not None:
        typer.echo(f"Links valid until {result.expires_at:%Y-%m-%d %H:%M} UTC.")


def _generate(
    ctx: typer.Context,
    kind: "JobKind",
    *,
    model: str | None,
    prompt: str | None,
    images: Sequence[str] | None,
    params: Sequence[str] | None,
    out: Path | None,
    wait_timeout: float | None,
    poll_interval: float | None,
    no_wait: bool,
    json_output: bool,
) -> None:
    state = command_state(ctx, json_output)
    images = list(images or ())
    _check_local_images(images)
    request = _parse_params(params or ())
    if prompt is not None:
        request["prompt"] = prompt
    _check_images_exist(images)
    _check_out_dir(out)
    with _job_client(state, images=images) as jobs:
        if model is None:
            from ..jobs.agent_tools import default_tool_model

            model = default_tool_model(kind, jobs.backend)
            if model is None:
                raise typer.BadParameter(
                    f"the {jobs.backend.name} backend makes no {kind} results", param_hint="--model"
                )
        route = jobs.backend.route(model)
        if route.kind != kind:
            raise typer.BadParameter(
                f"{route.model} makes {route.kind}, not {kind}: use '{PROG} {route.kind}'",
                param_hint="--model",
            )
        _warn_unknown_params(route, request)
        request.update(_place_images(route, images))
        if route.synchronous:
            if no_wait:
                raise typer.BadParameter(
                    f"{route.model} answers at once and has no job to wait for",
                    param_hint="--no-wait",
                )
            result = jobs.generate(route.model, request, timeout=wait_timeout)
        else:
            handle = jobs.start_job(route.model, request, timeout=wait_timeout)
            job_id = handle.job_id
            if no_wait:
                if json_output:
                    print_json(
                        {
                            "job": str(handle),
                            "job_id": job_id,
                            "model": route.model,
                            "backend": handle.backend,
                            "status": "submitted",
                        }
                    )
                else:
                    typer.echo(str(handle))
                    stderr().print(
                        f"Wait for it with: {state.resume_command(job_id, route.model)}",
                        markup=False,
                        soft_wrap=True,
                    )
                return
            stderr().print(f"Submitted job {handle}.", markup=False)
            result = _wait(
                state, jobs, job_id, route.model, timeout=wait_timeout, poll_interval=poll_interval
            )
        _report_result(jobs, result, out, json_output=json_output)


def _generation_command(kind: "JobKind", prompt_help: str, summary: str) -> Callable[..., None]:
    """The ``image``/``video``/``3d`` command: the same options, another kind and default."""

    def command(
        ctx: typer.Context,
        prompt: Annotated[str | None, typer.Argument(help=prompt_help, show_default=False)] = None,
        model: ModelOption = None,
        images: ImageOption = None,
        params: ParamOption = None,
        out: OutOption = None,
        wait_timeout: WaitTimeoutOption = None,
        poll_interval: PollIntervalOption = None,
        no_wait: NoWaitFlag = False,
        json_output: JsonFlag = False,
    ) -> None:
        _generate(
            ctx,
            kind,
            model=model,
            prompt=prompt,
            images=images,
            params=params,
            out=out,
            wait_timeout=wait_timeout,
            poll_interval=poll_interval,
            no_wait=no_wait,
            json_output=json_output,
        )

    command.__doc__ = summary
    return command


image = _generation_command(
    "image",
    "What to draw.",
    "Generate images (hy-image-v3.0 job, or hy-image-lite at once) and print their links.",
)
video = _generation_command(
    "video",
    "What happens in the video (optional for image-driven models).",
    "Generate a video (hy-video-1.5, yt-video-2.0, yt-video-fx, yt-video-humanactor).\n\n"
    "yt-video-fx needs -p template=NAME; yt-video-humanactor needs -p audio_url=URL.",
)
three_d = _generation_command(
    "3d",
    "The object to model (or give --image instead).",
    "Generate a 3D model from a prompt or an image (hy-3d-3.0, hy-3d-3.1, hy-3d-express).",
)


job_app = typer.Typer(
    name="job",
    help="Look at or wait for a job submitted earlier (by this tool, an agent or your code).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

JobIdArgument = Annotated[
    str,
    typer.Argument(
        help="The job handle printed when it was submitted (backend:model:job_id), or a bare "
        "job id with --model."
    ),
]
JobModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="The model, for a bare job id (a handle names it).",
        show_default=False,
    ),
]


@job_app.command("status")
def job_status(
    ctx: typer.Context,
    job_id: JobIdArgument,
    model: JobModelOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Poll a job once and print its state (and its links once completed)."""
    state = command_state(ctx, json_output)
    with _job_client(state) as jobs:
        status = jobs.query_job(job_id, model=model)
    if json_output:
        print_json(status.model_dump(mode="json", exclude={"raw"}))
        return
    progress = "" if status.progress is None else f" ({status.progress}%)"
    typer.echo(f"{status.job_id} {status.model}: {status.state}{progress}")
    if status.error_code or status.error_message:
        typer.echo(f"error: {status.error_code or ''} {status.error_message or ''}".rstrip())
    for url in status.result.urls if status.result is not None else ():
        typer.echo(url)


@job_app.command("wait")
def job_wait(
    ctx: typer.Context,
    job_id: JobIdArgument,
    model: JobModelOption = None,
    out: OutOption = None,
    wait_timeout: WaitTimeoutOption = None,
    poll_interval: PollIntervalOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Wait for a job with a live progress bar, then print (and optionally download) results."""
    state = command_state(ctx, json_output)
    _check_out_dir(out)
    from ..jobs import JobHandle

    with _job_client(state) as jobs:
        handle = jobs.handle(model, job_id) if model else JobHandle.parse(job_id)
        if handle.backend != jobs.backend.name:
            raise typer.BadParameter(
                f"the job was started on the {handle.backend!r} backend: add "
                f"--backend {handle.backend} before 'job'",
                param_hint="JOB_ID",
            )
        result = _wait(
            state,
            jobs,
            handle.job_id,
            handle.model,
            timeout=wait_timeout,
            poll_interval=poll_interval,
        )
        _report_result(jobs, result, out, json_output=json_output)


def register(app: typer.Typer) -> None:
    """Add the generation commands to ``app``."""
    app.command("image")(image)
    app.command("video")(video)
    app.command("3d")(three_d)
    app.add_typer(job_app)
