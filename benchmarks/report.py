"""Result rows, the printed table and the JSON file."""

from __future__ import annotations

import json
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"


@dataclass
class Row:
    """One measured quantity for our client, its peer and the floor (medians).

    ``lower_is_better`` says how to read the ratios (always ours / other).
    """

    scenario: str
    mode: str
    metric: str
    ours: tuple[str, float | None]
    peer: tuple[str, float | None] | None = None
    floor: tuple[str, float | None] | None = None
    framework: tuple[str, float | None] | None = None
    lower_is_better: bool = True
    runs: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def ratio(self, other: tuple[str, float | None] | None) -> float | None:
        if other is None or other[1] in (None, 0) or self.ours[1] is None:
            return None
        return self.ours[1] / other[1]  # type: ignore[operator]

    @property
    def ratio_peer(self) -> float | None:
        return self.ratio(self.peer)

    @property
    def ratio_floor(self) -> float | None:
        return self.ratio(self.floor)

    @property
    def ratio_framework(self) -> float | None:
        return self.ratio(self.framework)


@dataclass
class Verdict:
    target: str
    passed: bool | None  # None: not measured
    detail: str


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _cell(entry: tuple[str, float | None] | None) -> str:
    if entry is None:
        return ""
    return f"{_num(entry[1])} {entry[0]}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def format_table(rows: list[Row]) -> str:
    header = (
        "scenario",
        "mode",
        "metric",
        "ours",
        "peer",
        "ours/peer",
        "raw floor",
        "ours/raw",
        "framework floor",
        "ours/fw",
    )
    body = [
        (
            row.scenario,
            row.mode,
            row.metric + ("" if row.lower_is_better else " (higher=better)"),
            _cell(row.ours),
            _cell(row.peer),
            _ratio(row.ratio_peer),
            _cell(row.floor),
            _ratio(row.ratio_floor),
            _cell(row.framework),
            _ratio(row.ratio_framework),
        )
        for row in rows
    ]
    widths = [max(len(str(line[i])) for line in (header, *body)) for i in range(len(header))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in body)
    notes = list(
        dict.fromkeys(f"  {row.scenario} [{row.mode}]: {row.note}" for row in rows if row.note)
    )
    if notes:
        lines.append("")
        lines.append("notes:")
        lines.extend(notes)
    return "\n".join(lines)


def format_verdicts(verdicts: list[Verdict]) -> str:
    marks = {True: "PASS", False: "FAIL", None: "n/a "}
    return "\n".join(f"[{marks[v.passed]}] {v.target}: {v.detail}" for v in verdicts)


def write_json(rows: list[Row], verdicts: list[Verdict], quick: bool, seconds: float) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = RESULTS_DIR / f"bench-{stamp}{'-quick' if quick else ''}.json"
    document = {
        "created": stamp,
        "quick": quick,
        "seconds": round(seconds, 1),
        "python": sys.version,
        "platform": platform.platform(),
        "rows": [
            {
                **asdict(row),
                "ratio_peer": row.ratio_peer,
                "ratio_floor": row.ratio_floor,
                "ratio_framework": row.ratio_framework,
            }
            for row in rows
        ],
        "targets": [asdict(v) for v in verdicts],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
