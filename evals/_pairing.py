"""Line up a candidate run and its baseline item by item, failing closed on anything unpaired.

Repeats are averaged within an item (the item is the unit of inference, so repeats never
inflate n). A candidate sample replayed from the baseline run itself is not evidence and is
dropped; items left without fresh evidence are reported as replayed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from evals._policy import COST, LATENCY_P50, LATENCY_P95, PASS, STEPS
from evals._results import CaseResult, RunResult


@dataclass(slots=True)
class Paired:
    case_ids: list[str] = field(default_factory=list)
    base: dict[str, list[float | None]] = field(default_factory=dict)  # metric -> per-item value
    cand: dict[str, list[float | None]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    errored: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    traces: dict[str, list[str]] = field(default_factory=dict)


def _samples(run: RunResult, exclude_origin: str | None) -> tuple[dict[str, list[CaseResult]], set[str]]:
    by_case: dict[str, list[CaseResult]] = defaultdict(list)
    dropped: set[str] = set()
    for result in run.cases:
        if exclude_origin is not None and result.cached and result.cached_from == exclude_origin:
            dropped.add(result.case_id)
            continue
        by_case[result.case_id].append(result)
    return by_case, dropped


def _value(result: CaseResult, metric: str, binary: bool) -> float | None:
    if metric == PASS:
        return float(result.passed)
    if metric == COST:
        return result.trajectory.cost
    if metric in (LATENCY_P50, LATENCY_P95):
        return result.latency
    if metric == STEPS:
        return None if result.trajectory.steps is None else float(result.trajectory.steps)
    score = result.scores.get(metric)
    if score is None:
        return None
    return float(score.passed) if binary else score.value


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def pair(base: RunResult, cand: RunResult, metrics: dict[str, bool]) -> Paired:
    """Per-item metric values for both runs over the baseline's dataset (``metrics``: name -> binary)."""
    out = Paired()
    base_by, _ = _samples(base, None)
    cand_by, dropped = _samples(cand, base.run_id)
    for case_id in base.case_ids:
        b, c = base_by.get(case_id, []), cand_by.get(case_id, [])
        if not c and case_id in dropped:
            out.replayed.append(case_id)
            continue
        if not b or not c:
            out.missing.append(case_id)
            continue
        if any(r.error for r in b + c):
            out.errored.append(case_id)
            continue
        out.case_ids.append(case_id)
        out.traces[case_id] = [r.trace_id for r in c if r.trace_id]
        for metric, binary in metrics.items():
            out.base.setdefault(metric, []).append(_mean([_value(r, metric, binary) for r in b]))
            out.cand.setdefault(metric, []).append(_mean([_value(r, metric, binary) for r in c]))
    return out
