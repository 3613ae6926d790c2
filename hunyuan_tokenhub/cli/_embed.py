"""``hunyuan-tokenhub embed``: vectors for texts (and images, with a multimodal model)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._common import JsonFlag, command_state, print_json, read_prompt

if TYPE_CHECKING:
    from .._embeddings import EmbeddingInput


def embed(
    ctx: typer.Context,
    texts: Annotated[
        list[str] | None,
        typer.Argument(help="Texts to embed, one vector each ('-' reads one text from stdin)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Embedding model id or service id (ep-...). Default: the package's default "
            "embedding model (see 'models --kind embedding').",
            show_default=False,
        ),
    ] = None,
    images: Annotated[
        list[str] | None,
        typer.Option(
            "--image",
            help="An image URL or file to embed (repeatable; needs kinfra-vl-embedding-*).",
            show_default=False,
        ),
    ] = None,
    show: Annotated[int, typer.Option(min=0, help="Leading values shown per vector.")] = 5,
    json_output: JsonFlag = False,
) -> None:
    """Embed texts and images; print each vector's size and first values.

    With --json, prints {model, dimensions, usage, embeddings: [{index, input, embedding}]}
    with every value.
    """
    # Imported here, not at the top: --help and --version load no httpx or pydantic.
    from rich.console import Console
    from rich.table import Table

    from .._embeddings import DEFAULT_EMBEDDING_MODEL, image_input

    model = model or DEFAULT_EMBEDDING_MODEL
    state = command_state(ctx, json_output)
    inputs: list[EmbeddingInput] = [read_prompt(t, param="TEXTS") for t in texts or []]
    inputs += [image_input(image) for image in images or []]
    if not inputs:
        inputs.append(read_prompt(None, param="TEXTS"))
    labels = [*(texts or []), *(f"image {image}" for image in images or [])] or ["(stdin)"]
    with state.client() as client:
        result = client.embed(inputs, model=model)
    usage = {"prompt_tokens": result.prompt_tokens, "total_tokens": result.total_tokens}
    if json_output:
        embeddings = [
            {"index": n, "input": label, "embedding": vector}
            for n, (label, vector) in enumerate(zip(labels, result.vectors, strict=True))
        ]
        document: dict[str, Any] = {"model": result.model, "dimensions": result.dimensions}
        print_json({**document, "usage": usage, "embeddings": embeddings})
        return
    table = Table("#", "input", "dimensions", "first values", caption=f"model {result.model}")
    for n, (label, vector) in enumerate(zip(labels, result.vectors, strict=True)):
        shown = ", ".join(f"{x:+.4f}" for x in vector[:show])
        more = ", ..." if len(vector) > show else ""
        table.add_row(str(n), label[:60], str(len(vector)), f"[{shown}{more}]")
    console = Console()
    console.print(table)
    if result.total_tokens is not None:
        console.print(f"usage: {result.total_tokens} tokens")


def register(app: typer.Typer) -> None:
    """Add ``embed`` to ``app``."""
    app.command("embed")(embed)
