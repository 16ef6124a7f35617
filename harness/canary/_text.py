"""The decision as text (a table of the metrics and the reasons) and as JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from harness.canary._decide import CanaryDecision, CanaryMetric


def _g(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.4g}"


def _row(m: CanaryMetric) -> list[str]:
    interval = "-" if m.low is None else f"[{_g(m.low)}, {_g(m.high)}]"
    margin = "-" if m.margin is None else f"{'-' if m.higher_is_better else '+'}{_g(m.margin)}"
    return [m.name, f"{m.n_baseline}/{m.n_canary}", _g(m.baseline), _g(m.canary), interval, margin, m.verdict]


def text(decision: CanaryDecision) -> str:
    header = ["metric", "n base/canary", "baseline", "canary", "canary - baseline", "margin", "verdict"]
    rows = [header, *(_row(m) for m in decision.metrics)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        f"canary {decision.system}: {decision.canary_version} against baseline {decision.baseline_version}, "
        f"{decision.since.isoformat()} to {decision.until.isoformat()} (alpha {decision.alpha} per side, at least "
        f"{decision.min_samples} samples per version)",
        "",
        *("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows),
        "",
        f"decision: {decision.decision}",
        *(f"  - {reason}" for reason in decision.reasons),
    ]
    return "\n".join(lines)


def as_dict(decision: CanaryDecision) -> dict[str, Any]:
    return {
        "decision": decision.decision,
        "system": decision.system,
        "baseline_version": decision.baseline_version,
        "canary_version": decision.canary_version,
        "window": {"since": decision.since.isoformat(), "until": decision.until.isoformat()},
        "alpha": decision.alpha,
        "min_samples": decision.min_samples,
        "metrics": json.loads(decision.metrics_json()),
        "reasons": decision.reasons,
        "exit_code": decision.exit_code,
    }
