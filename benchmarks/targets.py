"""The issue's targets, judged from the result rows."""

from __future__ import annotations

from collections.abc import Callable

from .report import Row, Verdict


def _find(rows: list[Row], predicate: Callable[[Row], bool]) -> list[Row]:
    return [row for row in rows if predicate(row)]


def _ratio_verdict(target: str, rows: list[Row], limit: float, which: str) -> Verdict:
    ratios = [(row, getattr(row, which)) for row in rows]
    measured = [(row, ratio) for row, ratio in ratios if ratio is not None]
    if not measured:
        return Verdict(target, None, "not measured")
    worst = max(ratio for _, ratio in measured)
    detail = ", ".join(f"{row.scenario} {row.metric} {ratio:.2f}x" for row, ratio in measured)
    return Verdict(target, worst <= limit, f"worst {worst:.2f}x (limit {limit}x): {detail}")


def _overhead_rows(rows: list[Row], family_prefix: str) -> list[Row]:
    return _find(
        rows,
        lambda r: (
            r.scenario.startswith(family_prefix)
            and r.mode == "in-process"
            and (r.metric.endswith("CPU ms/call") or r.metric.endswith("CPU ms/stream"))
        ),
    )


def judge(rows: list[Row]) -> list[Verdict]:
    verdicts = []
    langchain = _overhead_rows(rows, "1 ") + _overhead_rows(rows, "2 ")
    verdicts.append(
        _ratio_verdict(
            "in process: ChatHunyuan invoke/stream <= 0.7x ChatOpenAI", langchain, 0.7, "ratio_peer"
        )
    )
    verdicts.append(
        _ratio_verdict(
            "in process: ChatHunyuan invoke/stream <= 1.5x raw httpx floor",
            langchain,
            1.5,
            "ratio_floor",
        )
    )
    verdicts.append(
        _ratio_verdict(
            "(extra) in process: ChatHunyuan <= 1.2x the LangChain framework floor",
            langchain,
            1.2,
            "ratio_framework",
        )
    )
    verdicts.append(
        _ratio_verdict(
            "(extra) in process: Hunyuan (LlamaIndex) <= 1.2x the LlamaIndex framework floor",
            _overhead_rows(rows, "3 "),
            1.2,
            "ratio_framework",
        )
    )
    verdicts.append(
        _ratio_verdict(
            "in process: Hunyuan (LlamaIndex) <= 0.7x OpenAILike",
            _overhead_rows(rows, "3 "),
            0.7,
            "ratio_peer",
        )
    )
    verdicts.append(
        _ratio_verdict(
            "in process: HunyuanEmbeddings 1,000 texts <= 1.0x OpenAIEmbeddings",
            _find(rows, lambda r: r.scenario == "7 embeddings" and "CPU" in r.metric),
            1.0,
            "ratio_peer",
        )
    )
    startup = _find(rows, lambda r: r.scenario.startswith("6 cli") and "wall" in r.metric)
    if startup and all(r.ours[1] is not None for r in startup):
        slowest = max(startup, key=lambda r: r.ours[1] or 0.0)
        verdicts.append(
            Verdict(
                "hunyuan-tokenhub --help and --version under 300 ms",
                (slowest.ours[1] or 0.0) < 300,
                f"slowest {slowest.scenario}: {slowest.ours[1]:.0f} ms",
            )
        )
    concurrency = _find(rows, lambda r: r.scenario.startswith("4 "))
    errors = [r for r in concurrency if r.metric.startswith("errors")]
    if errors and errors[0].ours[1] is not None:
        verdicts.append(
            Verdict(
                "loopback concurrency: no errors",
                errors[0].ours[1] == 0,
                f"{errors[0].ours[1]:g} errors",
            )
        )
    else:
        verdicts.append(Verdict("loopback concurrency: no errors", None, "not measured"))
    verdicts.append(
        _ratio_verdict(
            "loopback concurrency: wall <= 1.2x raw httpx",
            [r for r in concurrency if r.metric == "wall ms (median)"],
            1.2,
            "ratio_floor",
        )
    )
    delay = _find(
        rows, lambda r: r.scenario.startswith("5 jobs") and r.metric == "result delay ms (max)"
    )
    if delay and delay[0].ours[1] is not None:
        value = delay[0].ours[1]
        verdicts.append(
            Verdict(
                "jobs: result within 0.5 s of the job finishing",
                value <= 500,
                f"worst measured delay {value:.0f} ms ({delay[0].scenario})",
            )
        )
    else:
        verdicts.append(
            Verdict("jobs: result within 0.5 s of the job finishing", None, "not measured")
        )
    sixty = _find(
        rows, lambda r: r.scenario.startswith("5 jobs 60 s") and r.metric == "queries per job"
    )
    if sixty:
        worst = max(sixty, key=lambda r: r.ours[1] or 0)
        verdicts.append(
            Verdict(
                "jobs: <= ~20 queries for a 60 s job",
                all((r.ours[1] or 0) <= 20 for r in sixty),
                "; ".join(f"{r.scenario}: {r.ours[1]:.1f}" for r in sixty)
                + f" (worst {worst.scenario})",
            )
        )
    imports = {
        r.ours[0]: r
        for r in _find(rows, lambda r: r.scenario == "6 import" and r.metric == "import wall ms")
    }
    core = imports.get("hunyuan_tokenhub")
    if core is not None and core.ours[1] is not None:
        verdicts.append(
            Verdict(
                "import hunyuan_tokenhub < 150 ms", core.ours[1] < 150, f"{core.ours[1]:.0f} ms"
            )
        )
    for name in ("langchain_hunyuan", "llama_index_hunyuan"):
        row = imports.get(name)
        if row is not None and row.ratio_peer is not None and row.peer is not None:
            verdicts.append(
                Verdict(
                    f"import {name} no slower than {row.peer[0]}",
                    row.ratio_peer <= 1.0,
                    f"{row.ours[1]:.0f} ms vs {row.peer[1]:.0f} ms",
                )
            )
    return verdicts
