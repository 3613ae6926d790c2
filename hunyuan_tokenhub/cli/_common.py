"""What every command shares: connection options, exit codes, error reports, output helpers.

Nothing here imports httpx, pydantic or the jobs package: ``--help`` and ``--version`` load
only typer; each command imports what it needs when it runs.
"""

from __future__ import annotations

import enum
import json
import os
import shlex
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .._exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    InvalidParameterError,
    JobError,
    JobFailedError,
    JobTimeoutError,
    PermissionDeniedError,
    TokenHubError,
)

if TYPE_CHECKING:
    from rich.console import Console

    from .._client import TokenHubClient
    from .._config import ClientSettings

PROG = "hunyuan-tokenhub"
# Commands that talk to the generation backend (--backend / HUNYUAN_BACKEND) rather than chat.
JOB_COMMANDS = frozenset({"image", "video", "3d", "job"})


class ExitCode(enum.IntEnum):
    """The process exit status of every command (documented in ``--help`` and the README)."""

    OK = 0
    ERROR = 1
    """The service, the network or the generation job failed."""
    USAGE = 2
    """Bad arguments or configuration: unknown option, missing API key, invalid parameter."""
    JOB_STILL_RUNNING = 3
    """The wait timed out while the job kept running; resume it with ``job wait``."""
    PARTIAL_SUCCESS = 4
    """The job finished but saving its files failed; its result URLs were printed."""
    INTERRUPTED = 130


EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 API, network or job failure; 2 usage or configuration error "
    "(e.g. no TOKENHUB_API_KEY); 3 job still running when the wait timed out (resume with "
    "'job wait'); 4 job finished but saving its files failed (its URLs are printed); "
    "130 interrupted."
)

JsonFlag = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print one JSON document on stdout (errors too) instead of human-readable text.",
    ),
]


@dataclass
class CliState:
    """The global options, shared by every command through ``ctx.obj``."""

    api_key: str | None = None
    base_url: str | None = None
    region: str | None = None
    timeout: float | None = None
    backend: str | None = None
    json_output: bool = False

    def backend_for(self, command: str | None) -> str:
        """The backend ``command`` talks to: chat and models always use TokenHub."""
        if command not in JOB_COMMANDS:
            return "tokenhub"
        from ..jobs.backends import BACKEND_ENV_VAR

        return (self.backend or os.environ.get(BACKEND_ENV_VAR, "") or "tokenhub").strip().lower()

    def resume_command(self, job_id: str, model: str | None) -> str:
        """One copyable command line that resumes waiting for a job (by its handle, which
        names the model), with every global option it needs (the key is left to the
        environment, never printed)."""
        from ..jobs import JobHandle

        words = [PROG]
        if self.base_url:
            words += ["--base-url", self.base_url]
        if self.region:
            words += ["--region", self.region]
        backend = self.backend_for("job")
        if backend != "tokenhub":
            words += ["--backend", backend]
        job = str(JobHandle(backend, model, job_id)) if model else job_id
        return shlex.join([*words, "job", "wait", job])

    def settings(
        self, *, default_timeout: float | None = None, require_api_key: bool = True
    ) -> ClientSettings:
        """The connection settings every client of the command is built on: the global options
        (``--api-key``, ``--base-url``, ``--region``, ``--timeout``) over the environment.
        ``default_timeout`` bounds each request when ``--timeout`` is not given."""
        from .._config import resolve_settings

        return resolve_settings(
            api_key=self.api_key,
            base_url=self.base_url,
            region=self.region,
            timeout=self.timeout if self.timeout is not None else default_timeout,
            require_api_key=require_api_key,
        )

    def client(self) -> TokenHubClient:
        """A TokenHub client on :meth:`settings` (the key falls back to the environment)."""
        from .._client import TokenHubClient

        return TokenHubClient(settings=self.settings())


def command_state(ctx: typer.Context, json_output: bool) -> CliState:
    """The shared state, noting whether this command answers in JSON (errors included)."""
    state = ctx.ensure_object(CliState)
    state.json_output = json_output
    return state


def stderr() -> Console:
    """A console on the current stderr (created per call so redirections are honoured)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(document: Any) -> None:
    """Write ``document`` as JSON on stdout."""
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def exit_code_for(exc: BaseException) -> ExitCode:
    """Which exit status an error ends the command with."""
    if isinstance(exc, ConfigurationError | InvalidParameterError):
        return ExitCode.USAGE
    if isinstance(exc, JobTimeoutError):
        return ExitCode.JOB_STILL_RUNNING
    return ExitCode.ERROR


def _hint(exc: BaseException, backend: str, state: CliState | None = None) -> str | None:
    if isinstance(exc, AuthenticationError) and backend == "tencentcloud":
        return (
            "The Tencent Cloud API 3.0 credentials were rejected: check the "
            "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables."
        )
    if isinstance(exc, AuthenticationError):
        from .._config import API_KEY_ENV_VARS

        return (
            f"The API key was rejected: check --api-key or the {API_KEY_ENV_VARS[0]} "
            "environment variable."
        )
    if isinstance(exc, PermissionDeniedError):
        return "Is the model id right, and is the model enabled for this key? See 'models'."
    if isinstance(exc, JobTimeoutError):
        return f"Resume waiting with: {(state or CliState()).resume_command(exc.job_id, exc.model)}"
    return None


def error_document(
    exc: BaseException, backend: str = "tokenhub", state: CliState | None = None
) -> dict[str, Any]:
    """The ``--json`` form of an error: its type, message and whatever the server said."""
    details: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, APIError):
        details.update(status_code=exc.status_code, code=exc.code, request_id=exc.request_id)
    if isinstance(exc, JobError):
        details.update(job_id=exc.job_id, model=exc.model)
    if isinstance(exc, JobFailedError):
        details.update(code=exc.code, request_id=exc.request_id)
    if isinstance(exc, InvalidParameterError):
        details.update(param=exc.param)
    hint = _hint(exc, backend, state)
    if hint:
        details["hint"] = hint
    return {"error": details, "exit_code": int(exit_code_for(exc))}


def report_error(
    exc: BaseException,
    *,
    json_output: bool,
    backend: str = "tokenhub",
    state: CliState | None = None,
) -> ExitCode:
    """Tell the user what went wrong (stderr, and stdout in JSON mode); return the exit code."""
    console = stderr()
    console.print(f"[bold red]Error:[/] {type(exc).__name__}: {exc}", markup=True, soft_wrap=True)
    hint = _hint(exc, backend, state)
    if hint:
        console.print(hint, markup=False, soft_wrap=True)
    if json_output:
        print_json(error_document(exc, backend, state))
    return exit_code_for(exc)


def _is_reportable(exc: BaseException) -> bool:
    # A broken pipe is typer's to handle (quietly); other OS errors come from saving files.
    return isinstance(exc, TokenHubError) or (
        isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError)
    )


class ReportingGroup(TyperGroup):
    """Turns the package's errors into a one-line report and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:  # click.Context (vendored by newer typer)
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not _is_reportable(exc):
                raise
            state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
            backend = state.backend_for(ctx.invoked_subcommand)
            code = report_error(exc, json_output=state.json_output, backend=backend, state=state)
            raise typer.Exit(code) from None


def read_prompt(prompt: str | None, *, param: str = "PROMPT") -> str:
    """The prompt argument, or stdin when it is ``-`` or left out and stdin is piped."""
    if prompt is None or prompt == "-":
        if prompt is None and sys.stdin.isatty():
            raise typer.BadParameter(
                "give the text as an argument or pipe it on stdin", param_hint=param
            )
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise typer.BadParameter("must not be empty", param_hint=param)
    return prompt.strip()
