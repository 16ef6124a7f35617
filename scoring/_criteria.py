"""Criteria as data (``criteria.yaml``) and their evaluation into pass, fail or unknown per level."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from scoring._inputs import Attestation
from scoring._model import AXES, AxisScore, CriterionResult, Status

MAX_LEVEL = 5
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


class Criterion(BaseModel):
    """One criterion: a signal of the axis's ``crit_<axis>`` view against a threshold, or an attestation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    axis: Literal["evaluation", "deployment", "observability", "reproducibility", "governance"]
    level: int = Field(ge=1, le=MAX_LEVEL)
    description: str
    seed: str
    evidence: str
    kinds: tuple[Literal["llm", "classical"], ...] = ("llm", "classical")
    signal: str | None = None
    op: Literal[">=", ">", "<=", "<", "=="] | None = None
    threshold: float | None = None
    vacuous_when: str | None = None
    attestation: bool = False


class _File(BaseModel):
    criteria: list[Criterion]


@cache
def load_criteria() -> tuple[Criterion, ...]:
    """The packaged criteria (validated once)."""
    text = resources.files("scoring").joinpath("criteria.yaml").read_text(encoding="utf-8")
    return tuple(_File.model_validate(yaml.safe_load(text)).criteria)


def _status(criterion: Criterion, signals: Mapping[str, Any]) -> tuple[Status, float | None, str]:
    if criterion.vacuous_when and signals.get(criterion.vacuous_when) is True:
        return "pass", None, f"not applicable ({criterion.vacuous_when}); " + criterion.evidence
    value = signals.get(criterion.signal or "")
    if value is None:
        return "unknown", None, criterion.evidence
    assert criterion.op is not None and criterion.threshold is not None
    number = float(value)
    passed = _OPS[criterion.op](number, criterion.threshold)
    return ("pass" if passed else "fail"), number, criterion.evidence


def _attested(
    criterion: Criterion, attestations: Sequence[Attestation], systems: Sequence[str], moment: datetime
) -> tuple[Status, str]:
    mine = [a for a in attestations if a.criterion == criterion.id and (a.system is None or a.system in systems)]
    if not mine:
        return "unknown", f"not attested: add `criterion: {criterion.id}` to attestations.yaml"
    valid = [a for a in mine if a.valid_at(moment)]
    if not valid:
        return "fail", f"attestation expired (last by {mine[-1].by}, expired {mine[-1].expires.date()})"
    latest = max(valid, key=lambda a: a.at)
    return "pass", f"attested by {latest.by} on {latest.at.date()} (expires {latest.expires.date()})"


def evaluate(
    criterion: Criterion,
    signals: Mapping[str, Any],
    attestations: Sequence[Attestation],
    systems: Sequence[str],
    moment: datetime,
) -> CriterionResult:
    if criterion.attestation:
        status, evidence = _attested(criterion, attestations, systems, moment)
        value: float | None = None
    else:
        status, value, evidence = _status(criterion, signals)
    return CriterionResult(
        id=criterion.id,
        level=criterion.level,
        status=status,
        value=value,
        threshold=criterion.threshold,
        evidence=evidence,
        description=criterion.description,
    )


def _missing(result: CriterionResult, criterion: Criterion) -> str:
    if result.status == "unknown":
        return f"{result.id} ({criterion.description}): unknown, inputs absent — {result.evidence}"
    shown = "none" if result.value is None else f"{result.value:.4g}"
    return f"{result.id} ({criterion.description}): {shown}, needs {criterion.op} {criterion.threshold:g}"


def score_axis(
    axis: str,
    kind: str,
    signals: Mapping[str, Any],
    attestations: Sequence[Attestation],
    systems: Sequence[str],
    moment: datetime,
) -> AxisScore:
    """Level = highest L whose criteria and every lower level's all pass (0 when level 1 does not hold)."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}")
    chosen = [c for c in load_criteria() if c.axis == axis and kind in c.kinds]
    results = [evaluate(c, signals, attestations, systems, moment) for c in chosen]
    level = 0
    for candidate in range(1, MAX_LEVEL + 1):
        if all(r.status == "pass" for r in results if r.level == candidate):
            level = candidate
        else:
            break
    known = sum(1 for r in results if r.status != "unknown")
    coverage = known / len(results) if results else 0.0
    following = [
        (_missing(r, c) if not c.attestation else f"{r.id} ({c.description}): {r.evidence}")
        for c, r in zip(chosen, results, strict=True)
        if r.level == level + 1 and r.status != "pass"
    ]
    return AxisScore(level=level, evidence_coverage=round(coverage, 4), criteria=results, next_level=following)
