"""The ``hunyuan-tokenhub`` command tree: global options, ``chat``, ``models``, ``emulator``.

The generation commands (``image``, ``video``, ``3d``, ``job ...``) live in ``_jobs``,
``embed`` in ``_embed``.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .._version import __version__
from ._common import (
    EXIT_CODES_HELP,
    PROG,
    CliState,
    JsonFlag,
    ReportingGroup,
    command_state,
    print_json,
    read_prompt,
    stderr,
)
from ._embed import register as register_embed_command
from ._jobs import register as register_generation_commands

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from .._catalog import ModelInfo
    from .._chat_stream import ChatStreamNormalizer, StreamDelta
    from .._remote_models import RemoteModel

DEFAULT_CHAT_MODEL = "deepseek-v4-flash"

app = typer.Typer(
    name=PROG,
    cls=ReportingGroup,
    help="Tencent TokenHub from the terminal: chat, embed, generate images, videos and 3D "
    "models, resume generation jobs, list models, run the local emulator.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    # click's plain help: flags without a <bool> metavar, text wrapped (never cut) at the
    # terminal's width, and no rich import before a command needs one.
    rich_markup_mode=None,
    context_settings={"max_content_width": 120},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


@app.callback()
def connection_options(
    ctx: typer.Context,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            help="TokenHub API key. Default: the TOKENHUB_API_KEY environment variable.",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Service URL ending in /v1 (e.g. the emulator's). Default: TOKENHUB_BASE_URL, "
            "else the region's host with its backup host.",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="TokenHub site: cn, intl, ap-guangzhou or ap-singapore. Default: "
            "TOKENHUB_REGION, else cn.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.001,
            help="Overall deadline of each HTTP request in seconds. "
            "Default: 600 for chat, 60 for job calls.",
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help="Generation backend: tokenhub, aiart, ai3d or tencentcloud (API 3.0, signed with "
            "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY). Default: HUNYUAN_BACKEND, else "
            "tokenhub.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options every command shares; the API key is never printed."""
    ctx.obj = CliState(
        api_key=api_key, base_url=base_url, region=region, timeout=timeout, backend=backend
    )


def _deltas(
    normalizer: ChatStreamNormalizer, chunks: Iterable[Mapping[str, Any]]
) -> Iterator[StreamDelta]:
    for chunk in chunks:
        delta = normalizer.feed(chunk)
        if delta is not None:
            yield delta
    tail = normalizer.finish()
    if tail is not None:
        yield tail


def _stream_reply(chunks: Iterable[Mapping[str, Any]], *, model: str, echo: bool) -> dict[str, Any]:
    """Collect a streamed reply; with ``echo``, the answer goes to stdout as it arrives and a
    thinking model's reasoning to stderr (dimmed), so that piping stdout keeps only the answer.
    """
    from .._chat_stream import ChatStreamNormalizer

    normalizer = ChatStreamNormalizer(model=model)
    if echo:
        _echo(_deltas(normalizer, chunks))
    else:
        for _ in _deltas(normalizer, chunks):
            pass
    usage = normalizer.usage
    return {
        "id": normalizer.id,
        "model": normalizer.model,
        "content": normalizer.content,
        "reasoning_content": normalizer.reasoning_content,
        "tool_calls": [asdict(call) for call in normalizer.tool_calls_in_order()],
        "finish_reason": normalizer.finish_reason,
        "usage": asdict(usage) if usage is not None else None,
    }


def _echo(deltas: Iterable[StreamDelta]) -> None:
    thoughts = stderr()
    thinking = answering = False
    for delta in deltas:
        if delta.reasoning_content:
            if not thinking:
                thoughts.print("Thinking:", style="bold dim")
                thinking = True
            thoughts.print(delta.reasoning_content, style="dim", end="", markup=False)
        if delta.content:
            if thinking and not answering:
                thoughts.print("\n", style="dim", end="")
            answering = True
            sys.stdout.write(delta.content)
            sys.stdout.flush()
    sys.stdout.write("\n")


@app.command()
def chat(
    ctx: typer.Context,
    prompt: Annotated[
        str | None,
        typer.Argument(help="Your message. Leave it out (or give '-') to read it from stdin."),
    ] = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Chat model id or custom service id (ep-...).")
    ] = DEFAULT_CHAT_MODEL,
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="System prompt.", show_default=False)
    ] = None,
    temperature: Annotated[
        float | None, typer.Option(help="Sampling temperature, 0 to 2.", show_default=False)
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option(help="Most tokens to generate.", show_default=False)
    ] = None,
    thinking: Annotated[
        bool | None,
        typer.Option(
            "--thinking/--no-thinking",
            help="Switch the model's thinking mode (default: the model's own).",
            show_default=False,
        ),
    ] = None,
    reasoning_effort: Annotated[
        str | None,
        typer.Option(help="none, minimal, low, medium, high or xhigh.", show_default=False),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Send one message and stream the answer to the terminal.

    A thinking model's reasoning is shown dimmed on stderr, apart from the answer on stdout.
    With --json, prints {content, reasoning_content, tool_calls, finish_reason, usage, id,
    model}.
    """
    from .._chat_request import build_chat_request

    state = command_state(ctx, json_output)
    messages = [{"role": "user", "content": read_prompt(prompt)}]
    if system:
        messages.insert(0, {"role": "system", "content": system})
    payload = build_chat_request(
        model,
        messages,
        {
            "temperature": temperature,
            "max_tokens": max_tokens,
            "reasoning_effort": reasoning_effort,
        },
        thinking=thinking,
        stream=True,
        stream_usage=True,
    )
    with state.client() as client:
        chunks = client.stream_chat_completions(payload)
        reply = _stream_reply(chunks, model=model, echo=not json_output)
    if json_output:
        # Stream chunks need not name the model (the documented ones don't).
        print_json({**reply, "model": reply["model"] or model})


register_generation_commands(app)
register_embed_command(app)


class ModelKindChoice(str, enum.Enum):
    chat = "chat"
    embedding = "embedding"
    image = "image"
    video = "video"
    three_d = "3d"


@app.command()
def models(
    ctx: typer.Context,
    kind: Annotated[
        ModelKindChoice | None,
        typer.Option("--kind", help="Only models of this kind.", show_default=False),
    ] = None,
    remote: Annotated[
        bool,
        typer.Option(
            "--remote",
            help="Also ask the gateway which models this key may call (GET /v1/models).",
        ),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """List the models in the package's model data (custom ep-... service ids work too).

    Each kind shows only the fields it has: chat models their context window, thinking and
    tools; generation models the backends that offer them, how many of their jobs an account
    runs at once, how long result links live, and whether their parameters are documented
    (checked before sending) or passed through unchecked. With --remote, the account's list
    from the gateway is shown beside it: a model the gateway does not list cannot be called
    with this key.
    """
    from rich.console import Console

    from .._catalog import list_models

    found = list_models(kind.value if kind is not None else None)
    served: dict[str, RemoteModel] | None = None
    if remote:
        state = command_state(ctx, json_output)
        with state.client() as client:
            served = {m.id.lower(): m for m in client.list_models()}
    if json_output:
        document: dict[str, Any] | list[dict[str, Any]] = [_model_document(m) for m in found]
        if served is not None:
            document = {
                "local": document,
                "remote": [{**m.raw, "id": m.id, "status": m.status} for m in served.values()],
            }
        print_json(document)
        return
    console = Console()
    generation = [m for m in found if m.generation is not None]
    others = [m for m in found if m.generation is None]
    if others:
        _print_whole(console, _models_table(others, served, with_kind=kind is None))
    if generation:
        _print_whole(console, _generation_table(generation, with_kind=kind is None))
    if kind is not None and kind is not ModelKindChoice.chat:
        for m in generation:
            console.print(f"{m.id} parameters: {_param_summary(m)}", markup=False, soft_wrap=True)
    if served is not None:
        local = {m.id.lower() for m in found}
        extra = [m for key, m in served.items() if key not in local]
        if extra:
            console.print(
                "Served but not in the package's data (they get the safe defaults): "
                + ", ".join(f"{m.id} ({m.status or '?'})" for m in extra),
                soft_wrap=True,
            )


def _print_whole(console: Console, table: Table) -> None:
    if not console.is_terminal:
        # Piped or captured output gets the table whole rather than cut at 80 columns.
        from rich.console import Console

        needed = Console(width=1000).measure(table).maximum
        console = Console(width=max(console.width, needed))
    console.print(table)


def _param_summary(info: ModelInfo) -> str:
    """The documented parameters, each with what it accepts (templates, sizes, ranges)."""
    spec = info.generation
    assert spec is not None
    if not spec.params_documented or not spec.params:
        return "none documented; every -p KEY=VALUE is sent unchecked"
    parts = []
    for name, param in spec.params.items():
        accepts = []
        if param.required:
            accepts.append("required")
        if param.enum is not None:
            accepts.append("|".join(map(str, param.enum)))
        if param.minimum is not None or param.maximum is not None:
            low = "" if param.minimum is None else f"{param.minimum:g}"
            high = "" if param.maximum is None else f"{param.maximum:g}"
            accepts.append(f"{low}..{high}")
        if param.max_length is not None:
            accepts.append(f"max {param.max_length}")
        if param.description:
            accepts.append(param.description)
        if param.examples:
            accepts.append("known values: " + ", ".join(param.examples))
        parts.append(f"{name} ({'; '.join(accepts)})" if accepts else name)
    return ", ".join(parts)


def _generation_table(found: Iterable[ModelInfo], *, with_kind: bool) -> Table:
    from rich.table import Column, Table

    columns: list[Column | str] = [Column("model", no_wrap=True), "name", "status", "backends"]
    if with_kind:
        columns.insert(1, "kind")
    columns += [Column("jobs at once", justify="right"), "links valid", "parameters"]
    table = Table(
        *columns,
        caption="'jobs at once' is the documented default per account (JobClient("
        "max_concurrent_jobs=...) overrides it); pass-through parameters are sent unchecked.",
    )
    for m in found:
        spec = m.generation
        assert spec is not None
        hours = spec.url_lifetime_hours
        if spec.params_documented and spec.params:
            params = f"{len(spec.params)} documented"
        else:
            params = "pass-through (none documented)"
        row = [m.id, m.display_name, m.status + (f" {m.retired_on}" if m.retired_on else "")]
        if with_kind:
            row.insert(1, m.kind)
        row += [
            ", ".join(spec.backends),
            "sync" if spec.submit_path and not spec.query_path else str(spec.max_concurrent_jobs),
            f"{hours:g} h" if hours is not None else "not documented",
            params,
        ]
        table.add_row(*row)
    return table


def _has_context(model: ModelInfo) -> bool:
    return model.chat is not None or model.embedding is not None


def _model_document(model: ModelInfo) -> dict[str, Any]:
    """A model's fields for --json, without those its kind does not have."""
    document = model.model_dump(mode="json", exclude_none=True)
    if not _has_context(model):
        document.pop("context_window", None)
        document.pop("max_output_tokens", None)
    return document


def _models_table(
    found: list[ModelInfo], served: dict[str, RemoteModel] | None, *, with_kind: bool
) -> Table:
    from rich.table import Column, Table

    from .._catalog import model_data

    has_context = any(_has_context(m) for m in found)
    has_chat = any(m.chat is not None for m in found)
    columns: list[Column | str] = [Column("model", no_wrap=True), "name", "status"]
    if with_kind:
        columns.insert(1, "kind")
    columns += ["context"] if has_context else []
    columns += ["thinking", "tools"] if has_chat else []
    if served is not None:
        columns.append("gateway says")
    table = Table(
        *columns,
        caption=f"Model data as of {model_data().as_of.isoformat()}; "
        "sources: hunyuan_tokenhub/models.json.",
    )
    for m in found:
        chat = m.chat
        row = [m.id, m.display_name, m.status + (f" {m.retired_on}" if m.retired_on else "")]
        if with_kind:
            row.insert(1, m.kind)
        if has_context:
            row.append(f"{m.context_window:,}" if _has_context(m) else "")
        if has_chat:
            row += [
                chat.thinking.default if chat is not None else "",
                "yes" if chat is not None and m.supports_tools else "",
            ]
        if served is not None:
            remote_model = served.get(m.id.lower())
            row.append(
                (remote_model.status or "listed") if remote_model is not None else "not listed"
            )
        table.add_row(*row)
    return table


@app.command()
def emulator(
    port: Annotated[int, typer.Option(help="Port of the primary host.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    backup_port: Annotated[
        int, typer.Option(help="Port of the backup host (0: any free port).")
    ] = 0,
    job_seconds: Annotated[
        float, typer.Option(min=0, help="How long each generation job takes.")
    ] = 3.0,
    require_key: Annotated[
        str | None,
        typer.Option(
            help="Only accept this API key (default: any non-empty key).", show_default=False
        ),
    ] = None,
    no_job_limits: Annotated[
        bool,
        typer.Option("--no-job-limits", help="Do not enforce TokenHub's concurrent-job limits."),
    ] = False,
) -> None:
    """Run the local TokenHub emulator (chat, generation jobs, result files) until Ctrl-C.

    Point any client at it with TOKENHUB_BASE_URL=http://HOST:PORT/v1 and any TOKENHUB_API_KEY.
    """
    from ..emulator.__main__ import main as run_emulator

    argv = ["--host", host, "--port", str(port), "--backup-port", str(backup_port)]
    argv += ["--job-seconds", str(job_seconds)]
    if require_key is not None:
        argv += ["--api-key", require_key]
    if no_job_limits:
        argv.append("--no-job-limits")
    key = "the --require-key value" if require_key else "any value"
    stderr().print(
        f"Point clients at it: TOKENHUB_BASE_URL=<the URL below>, TOKENHUB_API_KEY={key}.",
        markup=False,
        soft_wrap=True,
    )
    raise typer.Exit(run_emulator(argv))
