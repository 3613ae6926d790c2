"""``hunyuan-tokenhub embed`` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

from hunyuan_tokenhub.cli._common import ExitCode
from hunyuan_tokenhub.emulator import TokenHubEmulator
from tests.cli.conftest import RunCli


def test_embed_prints_dimensions_and_first_values(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("embed", "TokenHub serves embeddings", "向量检索", "--show", "3")

    assert result.exit_code == ExitCode.OK, result.output
    assert "1024" in result.stdout and "kinfra-text-embedding-0.6b" in result.stdout
    assert result.stdout.count(", ...]") == 2
    assert emulator.requests[-1].json["input"] == ["TokenHub serves embeddings", "向量检索"]


def test_embed_json_gives_every_value(cli_on_emulator: RunCli) -> None:
    result = cli_on_emulator("embed", "one", "two", "-m", "kinfra-text-embedding-4b", "--json")

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["model"] == "kinfra-text-embedding-4b" and document["dimensions"] == 2560
    assert [e["input"] for e in document["embeddings"]] == ["one", "two"]
    assert all(len(e["embedding"]) == 2560 for e in document["embeddings"])
    assert document["usage"]["total_tokens"] == 2


def test_embed_images_with_a_multimodal_model(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator, tmp_path: Path
) -> None:
    image = tmp_path / "cat.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0 fake jpeg")
    result = cli_on_emulator(
        "embed", "a cat", "--image", str(image), "-m", "kinfra-vl-embedding-8b", "--json"
    )

    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    assert document["dimensions"] == 4096 and len(document["embeddings"]) == 2
    sent = [r.json["input"] for r in emulator.requests]
    assert sent[1][0]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_embed_refuses_an_over_long_text_before_sending(
    cli_on_emulator: RunCli, emulator: TokenHubEmulator
) -> None:
    result = cli_on_emulator("embed", "x" * 2001, "--json")

    assert result.exit_code != ExitCode.OK
    assert "2,000" in result.stdout and len(emulator.requests) == 0


def test_embed_reads_stdin(cli_on_emulator: RunCli) -> None:
    result = cli_on_emulator("embed", "--json", input="from stdin\n")

    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["embeddings"][0]["input"] == "(stdin)"


def test_models_lists_the_embedding_models(cli: RunCli) -> None:
    result = cli("models", "--kind", "embedding", "--json")

    assert result.exit_code == ExitCode.OK, result.output
    models = {m["id"]: m["embedding"]["dimensions"] for m in json.loads(result.stdout)}
    assert models == {
        "kinfra-text-embedding-0.6b": 1024,
        "kinfra-text-embedding-4b": 2560,
        "kinfra-vl-embedding-2b": 2048,
        "kinfra-vl-embedding-8b": 4096,
    }
