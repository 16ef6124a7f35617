"""Criteria as data (``criteria.yaml``) and their evaluation into pass, fail, unknown or n/a per level.

A level N (N >= 2) holds when every applicable criterion at N passes, at least one does, and every
lower level holds; level 1 (ad hoc) needs no evidence. ``unknown`` (inputs absent) blocks a level
but is reported apart from ``fail``; ``n/a`` (the criterion does not apply to the systems in scope)
neither passes nor blocks, and evidence coverage counts only applicable criteria.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring._inputs import Attestation
from scoring._model import AxisScore, CriterionResult, Status
from scoring._names import AXES, KINDS, Axis, Kind

MIN_LEVEL, MAX_LEVEL = 1, 5
STATUSES: tuple[Status, ...] = ("pass", "fail", "unknown", "n/a")
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
    axis: Axis
    level: int = Field(ge=MIN_LEVEL + 1, le=MAX_LEVEL)
    description: str
    seed: str
    why: str
    evidence: str
    kinds: tuple[Kind, ...] = KINDS
    applies_to: Literal["agents"] | None = None
    signal: str | None = None
    op: Literal[">=", ">", "<=", "<", "=="] | None = None
    threshold: float | None = None
    needs: str | None = None
    not_applicable_when: str | None = None
    counted_apart: tuple[str, ...] = ()
    names: str | None = None  # a signal listing the rows that fall short (change ids ...), shown when it fails
    attestation: bool = False
    attestable: bool = False

    @model_validator(mode="after")
    def _signal_or_attestation(self) -> Criterion:
        scored = self.signal is not None and self.op is not None and self.threshold is not None
        if self.attestation == scored:
            raise ValueError(f"{self.id}: give either signal, op and threshold, or attestation: true")
        if scored and self.needs is None:
            raise ValueError(f"{self.id}: a scored criterion names what it needs (absent inputs make it unknown)")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    absent: dict[str, str]
    not_applicable: dict[str, str]
    criteria: list[Criterion]

    @model_validator(mode="after")
    def _reasons_exist(self) -> _File:
        for c in self.criteria:
            if c.needs is not None and c.needs not in self.absent:
                raise ValueError(f"{c.id}: needs {c.needs!r} has no text under absent:")
            if c.not_applicable_when is not None and c.not_applicable_when not in self.not_applicable:
                raise ValueError(f"{c.id}: {c.not_applicable_when!r} has no text under not_applicable:")
        return self


@cache
def _file() -> _File:
    text = resources.files("scoring").joinpath("criteria.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster on this file
    return _File.model_validate(yaml.load(text, Loader=loader))


def load_criteria() -> tuple[Criterion, ...]:
    """The packaged criteria (validated once)."""
    return tuple(_file().criteria)


@dataclass(frozen=True, slots=True)
class Context:
    """What the criteria of one axis are evaluated against."""

    kind: str
    signals: Mapping[str, Any]
    attestations: Sequence[Attestation]
    systems: Sequence[str]
    has_agents: bool
    moment: datetime
    command: Callable[[str], str] = str  # turns a criterion's SQL into the command that runs it


@dataclass(frozen=True, slots=True)
class _Verdict:
    status: Status
    value: float | None = None
    reason: str | None = None


def _not_applicable(criterion: Criterion, ctx: Context) -> str | None:
    if ctx.kind not in criterion.kinds:
        return f"applies to {' and '.join(criterion.kinds)} systems; this scorecard scores {ctx.kind} systems"
    if criterion.applies_to == "agents" and not ctx.has_agents:
        return _file().not_applicable["no_agent_systems"]
    condition = criterion.not_applicable_when
    if condition and ctx.signals.get(condition) is True:
        return _file().not_applicable[condition]
    return None


def _attested(criterion: Criterion, ctx: Context) -> _Verdict:
    mine = [
        a for a in ctx.attestations if a.criterion == criterion.id and (a.system is None or a.system in ctx.systems)
    ]
    valid = [a for a in mine if a.valid_at(ctx.moment)]
    if not mine:
        hint = f"not attested: add an entry with criterion {criterion.id} to attestations.yaml"
        return _Verdict("unknown", reason=hint)
    if not valid:
        last = max(mine, key=lambda a: a.expires)
        return _Verdict("fail", reason=f"attestation expired (last by {last.by}, expired {last.expires.date()})")
    latest = max(valid, key=lambda a: a.at)
    when = f"by {latest.by} on {latest.at.date()} (expires {latest.expires.date()})"
    if latest.not_applicable:
        return _Verdict("n/a", reason=f"attested not applicable {when}: {latest.not_applicable}")
    return _Verdict("pass", reason=f"attested {when}")


def _measured(criterion: Criterion, ctx: Context) -> _Verdict:
    raw = ctx.signals.get(criterion.signal or "")
    if raw is None:
        return _Verdict("unknown", reason=f"inputs absent: {_file().absent[criterion.needs or '']}")
    assert criterion.op is not None and criterion.threshold is not None
    value = float(raw)
    passed = _OPS[criterion.op](value, criterion.threshold)
    return _Verdict("pass" if passed else "fail", value)


def _verdict(criterion: Criterion, ctx: Context) -> _Verdict:
    reason = _not_applicable(criterion, ctx)
    if reason is not None:
        return _Verdict("n/a", reason=reason)
    if criterion.attestation:
        return _attested(criterion, ctx)
    measured = _measured(criterion, ctx)
    if measured.status != "pass" and criterion.attestable:
        attested = _attested(criterion, ctx)
        if attested.status in ("pass", "n/a"):
            return _Verdict(attested.status, measured.value, attested.reason)
    return measured


def _apart(criterion: Criterion, signals: Mapping[str, Any]) -> dict[str, int]:
    counts = {name: int(signals.get(name) or 0) for name in criterion.counted_apart}
    return {name: count for name, count in counts.items() if count}


def evaluate(criterion: Criterion, ctx: Context) -> CriterionResult:
    verdict = _verdict(criterion, ctx)
    return CriterionResult(
        id=criterion.id,
        level=criterion.level,
        status=verdict.status,
        value=verdict.value,
        threshold=criterion.threshold,
        evidence=criterion.evidence if criterion.attestation else ctx.command(criterion.evidence),
        description=criterion.description,
        reason=verdict.reason,
        counted_apart=_apart(criterion, ctx.signals) if verdict.status != "n/a" else {},
        failing=_failing(criterion, ctx.signals) if verdict.status == "fail" else [],
    )


def _failing(criterion: Criterion, signals: Mapping[str, Any]) -> list[str]:
    """What the criterion's ``names`` signal lists: the rows behind a failure, by id."""
    listed = signals.get(criterion.names or "") or []
    return [str(item) for item in listed]


def _missing(result: CriterionResult, criterion: Criterion) -> str:
    if criterion.attestation or result.status == "unknown":
        return f"{result.id} ({criterion.description}): {result.status}, {result.reason}"
    shown = "none" if result.value is None else f"{result.value:.4g}"
    named = f"; falling short: {', '.join(result.failing)}" if result.failing else ""
    return f"{result.id} ({criterion.description}): {shown}, needs {criterion.op} {criterion.threshold:g}{named}"


def level_of(results: Sequence[CriterionResult]) -> int:
    """The highest level whose applicable criteria, and every lower level's, all pass (at least one each)."""
    level = MIN_LEVEL
    for candidate in range(MIN_LEVEL + 1, MAX_LEVEL + 1):
        applicable = [r for r in results if r.level == candidate and r.status != "n/a"]
        if not applicable or any(r.status != "pass" for r in applicable):
            break
        level = candidate
    return level


def score_axis(axis: str, ctx: Context) -> AxisScore:
    """Every criterion of ``axis`` (n/a where it does not apply), the level, coverage and what is missing."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}")
    chosen = [c for c in load_criteria() if c.axis == axis]
    results = [evaluate(c, ctx) for c in chosen]
    level = level_of(results)
    counts: dict[str, int] = {status: sum(1 for r in results if r.status == status) for status in STATUSES}
    applicable = len(results) - counts["n/a"]
    coverage = (counts["pass"] + counts["fail"]) / applicable if applicable else 0.0
    following = [
        _missing(r, c)
        for c, r in zip(chosen, results, strict=True)
        if r.level == level + 1 and r.status in ("fail", "unknown")
    ]
    if level < MAX_LEVEL and not following:
        following = [f"no criterion at level {level + 1} applies to the systems in scope"]
    return AxisScore(
        level=level, evidence_coverage=round(coverage, 4), counts=counts, criteria=results, next_level=following
    )
