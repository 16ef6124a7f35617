"""Line up a candidate run and its baseline item by item, failing closed on anything unpaired.

Repeats are averaged within an item (the item is the unit of inference, so repeats never
inflate n). A candidate sample replayed from the baseline run itself is not evidence and is
dropped; items left without fresh evidence are reported as replayed.

Nothing is silent: an item either pairs (both runs have exactly their repeats' results, none errored,
every metric value finite) or is listed with what is wrong with it, per run. The baseline's defects
are the baseline's (the gate refuses to judge with it); the candidate's fail closed.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

from evals._gate.policy import COST, LATENCY_P50, LATENCY_P95, PASS, STEPS
from evals._run.results import CaseResult, RunResult


@dataclass(slots=True)
class Defects:
    """What keeps a run's items out of the comparison, each with its item ids (and errors' messages)."""

    missing: list[str] = field(default_factory=list)
    errored: dict[str, str] = field(default_factory=dict)  # case id -> the first error's message
    duplicated: list[str] = field(default_factory=list)  # more results than repeats, or one repeat twice

    def __bool__(self) -> bool:
        return bool(self.missing or self.errored or self.duplicated)


@dataclass(slots=True)
class Paired:
    case_ids: list[str] = field(default_factory=list)
    base: dict[str, list[float | None]] = field(default_factory=dict)  # metric -> per-item value
    cand: dict[str, list[float | None]] = field(default_factory=dict)
    candidate: Defects = field(default_factory=Defects)
    baseline: Defects = field(default_factory=Defects)
    replayed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # candidate items the baseline's dataset does not have
    traces: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # failing candidate item -> which scorers, output, expected

    @property
    def missing(self) -> list[str]:
        return self.candidate.missing

    @property
    def errored(self) -> list[str]:
        return list(self.candidate.errored)


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


def _values(result: CaseResult, metrics: dict[str, bool]) -> dict[str, float | None]:
    return {metric: _value(result, metric, binary) for metric, binary in metrics.items()}


def _defect(results: list[CaseResult], repeats: int, values: list[dict[str, float | None]]) -> tuple[str, str] | None:
    """What is wrong with one item's results in one run, as (kind, message), or None when it can be paired."""
    if not results:
        return "missing", ""
    if len(results) > repeats or len({r.repeat for r in results}) < len(results):
        return "duplicated", ""
    for r, row in zip(results, values, strict=True):
        if r.error is not None:
            return "errored", r.error
        for metric, value in row.items():
            if value is not None and not math.isfinite(value):
                return "errored", f"non-finite {metric} ({value})"
    return None


def _note(defects: Defects, case_id: str, found: tuple[str, str]) -> None:
    kind, message = found
    if kind == "missing":
        defects.missing.append(case_id)
    elif kind == "duplicated":
        defects.duplicated.append(case_id)
    else:
        defects.errored[case_id] = message


def pair(base: RunResult, cand: RunResult, metrics: dict[str, bool]) -> Paired:
    """Per-item metric values for both runs over the baseline's dataset (``metrics``: name -> binary)."""
    out = Paired()
    base_by, _ = _samples(base, None)
    cand_by, dropped = _samples(cand, base.run_id)
    known = set(base.case_ids)
    out.extra = sorted({*cand.case_ids, *cand_by, *dropped} - known)
    for metric in metrics:
        out.base[metric], out.cand[metric] = [], []
    for case_id in base.case_ids:
        b, c = base_by.get(case_id, []), cand_by.get(case_id, [])
        b_values = [_values(r, metrics) for r in b]
        base_defect = _defect(b, base.repeats, b_values)
        if base_defect is not None:
            _note(out.baseline, case_id, base_defect)
            continue
        if not c and case_id in dropped:
            out.replayed.append(case_id)
            continue
        c_values = [_values(r, metrics) for r in c]
        cand_defect = _defect(c, cand.repeats, c_values)
        if cand_defect is not None:
            _note(out.candidate, case_id, cand_defect)
            continue
        out.case_ids.append(case_id)
        out.traces[case_id] = [r.trace_id for r in c if r.trace_id]
        if c_values[0].get(PASS, 1.0) != 1.0 or any(v.get(PASS) != 1.0 for v in c_values[1:]):
            out.failures[case_id] = _explain(next(r for r in c if not r.passed))
        for metric in metrics:
            out.base[metric].append(_mean([row[metric] for row in b_values]))
            out.cand[metric].append(_mean([row[metric] for row in c_values]))
    return out


def _explain(result: CaseResult) -> str:
    """Which scorers failed the result and why, with its output and expected value (when the run file kept them)."""
    lines = [
        f"scorer {name} failed" + (f": {score.explanation}" if score.explanation else "")
        for name, score in result.scores.items()
        if not score.passed
    ]
    for label, value in (("output", result.output), ("expected", result.expected)):
        if value is not None:
            lines.append(f"{label}: {value if isinstance(value, str) else json.dumps(value, default=str)}"[:2000])
    return "\n".join(lines)
