"""What an audit bundle holds: one section per question a regulator asks, each one SQL file over the scoring views.

A section's rows come from telemetry alone (the lake, through ``scoring``'s views, in the bundle's scope);
``derived`` sections (gate statistics by slice) are computed from another section's rows, never queried twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

Row = dict[str, Any]
_SLICE = re.compile(r"^(?P<metric>[^\[\]]+)\[(?P<slice>[^\[\]]+)\]$")


@dataclass(frozen=True, slots=True)
class Spec:
    key: str  # the SQL file's and the data file's name
    title: str
    what: str  # one sentence: what the rows are and where they come from


@dataclass(slots=True)
class Section:
    spec: Spec
    rows: list[Row] = field(default_factory=list)


SPECS: tuple[Spec, ...] = (
    Spec("systems", "Systems, owners and on-call", "From systems.yaml and the lake: who answers for each system."),
    Spec("versions", "Versions in production", "Each version live at some moment of the period, from deployments."),
    Spec("models", "Models and prompts in production", "Models and prompt versions that answered production calls."),
    Spec("eval_runs", "Eval runs", "Every eval run of the period (red_team marks adversarial suites)."),
    Spec("gates", "Gate decisions", "Every gate decision of the period with the statistics it decided on."),
    Spec("slices", "Slice results", "The gate's per-slice comparisons (fairness across the labelled groups)."),
    Spec("approvals", "Baseline approvals", "Eval runs approved as their suite's baseline, and by whom."),
    Spec("deployments", "Deployments", "Every production deployment of the period, with its gate and approver."),
    Spec("canary", "Canary decisions", "Promote, hold or rollback decisions of harness canary."),
    Spec("rollbacks", "Rollbacks", "Deployments that undid another; automatic when a pipeline made them."),
    Spec("incidents", "Incidents and recovery", "Incidents that started in the period, with their recovery time."),
    Spec("latency", "Latency", "Production model-call latency (ms) and error rate over the period."),
    Spec("cost", "Cost", "Production LLM cost per request (priced requests) and in total, USD."),
    Spec("cost_by_feature", "Cost by feature", "Production LLM cost by product feature, USD."),
    Spec("changes", "Changes, reviews and risk assessments", "Changes opened in the period; problem: what is missing."),
    Spec("overrides", "Human overrides", "People overriding or confirming high-stakes decisions."),
    Spec("red_team", "Red-team runs", "Runs of suites marked red_team in the period."),
    Spec("retention", "Telemetry retention", "The retention period the operator set and how far telemetry covers it."),
    Spec("gaps", "Telemetry gaps", "Stretches of a day or more in the retention period without telemetry."),
    Spec("audit_requests", "Audit requests", "Requests for evidence made in the period and when each was answered."),
)
DERIVED = frozenset({"slices"})


@cache
def sql(key: str) -> str:
    return resources.files("harness.audit").joinpath("sql", f"{key}.sql").read_text(encoding="utf-8")


def queried() -> dict[str, str]:
    """Section key -> its SQL, for every section read from the views."""
    return {spec.key: sql(spec.key) for spec in SPECS if spec.key not in DERIVED}


def plain(value: Any) -> Any:
    """A value as JSON holds it: times as ISO 8601 UTC, floats rounded to 6 significant digits."""
    if isinstance(value, datetime):
        naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return naive.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _metrics(text: Any) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        return []
    return [m for m in parsed if isinstance(m, dict)] if isinstance(parsed, list) else []


def _statistic(m: dict[str, Any]) -> str:
    def g(key: str) -> str:
        value = m.get(key)
        return "n/a" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)

    interval = f"[{g('low')}, {g('high')}]"
    return (
        f"{m.get('name')}: {m.get('verdict')} ({m.get('test')}, n={g('n')}, delta {g('delta')} {interval}, "
        f"margin {g('margin')}, Holm p {g('p_adjusted')})"
    )


def with_statistics(gates: list[Row]) -> tuple[list[Row], list[Row]]:
    """The gate rows with their metrics read out (``statistics``), and the per-slice rows."""
    rows, slices = [], []
    for gate in gates:
        metrics = _metrics(gate.get("metrics"))
        overall = [m for m in metrics if not _SLICE.match(str(m.get("name")))]
        rows.append({**gate, "metrics": metrics, "statistics": "; ".join(_statistic(m) for m in overall)})
        for m in metrics:
            found = _SLICE.match(str(m.get("name")))
            if found:
                slices.append(
                    {
                        "gate_run_id": gate.get("gate_run_id"),
                        "decided_at": gate.get("decided_at"),
                        "slice": found["slice"],
                        "metric": found["metric"],
                        "verdict": m.get("verdict"),
                        "n": m.get("n"),
                        "delta": m.get("delta"),
                        "low": m.get("low"),
                        "high": m.get("high"),
                        "margin": m.get("margin"),
                        "p_adjusted": m.get("p_adjusted"),
                    }
                )
    return rows, slices
