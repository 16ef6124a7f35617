"""Scorers: deterministic checks on the output, trajectory checks on the spans, custom async ones.

A scorer has a ``name``, says whether it is ``binary`` (pass/fail) and returns a ``Score``.
The LLM judge lives in ``_judge.py``; everything here is pure and fast.

No scorer passes on an absent input: before scoring, ``absent`` says why a case cannot be scored (the
task returned nothing, the expected value the scorer compares with is missing, no span of the app was
recorded); such a case gets an ``unscorable`` score, which the runner turns into a case error.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from evals._dataset import Case
from evals._trajectory import Trajectory


@dataclass(frozen=True, slots=True)
class Score:
    """One scorer's verdict on one case: ``value`` in [0, 1] for built-ins, ``passed`` for the gate."""

    value: float
    passed: bool
    label: str | None = None
    explanation: str | None = None


@dataclass(slots=True)
class ScoreContext:
    """What a scorer may look at: the case, the task's output, and what the case did."""

    case: Case
    output: Any
    trajectory: Trajectory = field(default_factory=Trajectory)
    spans: list[Any] | None = None  # the case's ReadableSpans when fresh; None when replayed from the cache

    @property
    def text(self) -> str:
        if isinstance(self.output, str):
            return self.output
        return json.dumps(self.output, sort_keys=True, default=str)


UNSCORABLE = "unscorable"  # the label of a score that could not be computed (an absent input)


def is_absent(value: Any) -> bool:
    """None, an empty or blank string, an empty list or mapping: nothing to compare with."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value or all(is_absent(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


class Scorer:
    """Base class; subclasses set ``name`` and implement ``score`` (sync or async).

    ``reads_output`` scorers cannot score a task that returned None; override ``absent`` to name any
    other input the scorer needs.
    """

    name: str = "scorer"
    binary: bool = True
    version: str | None = None  # judges set "model@prompt_version"; it is part of comparability
    reads_output: bool = True

    def absent(self, ctx: ScoreContext) -> str | None:
        """Why this case cannot be scored (an input is absent), or None when it can."""
        if self.reads_output and ctx.output is None:
            return "the task returned no output (None)"
        return None

    def score(self, ctx: ScoreContext) -> Score | Awaitable[Score]:
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what scoring opened (a judge's HTTP client); the runner calls it when the run ends."""


def verdict(ok: bool, explanation: str | None = None) -> Score:
    return Score(1.0 if ok else 0.0, ok, "pass" if ok else "fail", explanation)


class _ComparesExpected(Scorer):
    """A scorer comparing the output with ``value``, or with the case's ``expected`` when no value is given."""

    value: Any = None

    def wanted(self, ctx: ScoreContext) -> Any:
        return ctx.case.expected if self.value is None else self.value

    def absent(self, ctx: ScoreContext) -> str | None:
        if is_absent(self.wanted(ctx)):
            where = "the scorer's value" if self.value is not None else "the case's 'expected'"
            return f"nothing to compare with: {where} is absent"
        return super().absent(ctx)


class Exact(_ComparesExpected):
    def __init__(self, value: Any = None, *, normalize: bool = True, name: str = "exact") -> None:
        self.name, self.value, self.normalize = name, value, normalize

    def score(self, ctx: ScoreContext) -> Score:
        expected = self.wanted(ctx)
        got, want = ctx.text, expected if isinstance(expected, str) else json.dumps(expected, sort_keys=True)
        if self.normalize:
            got, want = " ".join(got.split()).casefold(), " ".join(want.split()).casefold()
        return verdict(got == want)


class Contains(_ComparesExpected):
    def __init__(
        self, value: str | list[str] | None = None, *, any_of: bool = False, ignore_case: bool = True, name: str = ""
    ) -> None:
        self.name = name or "contains"
        self.value, self.any_of, self.ignore_case = value, any_of, ignore_case

    def score(self, ctx: ScoreContext) -> Score:
        wanted = self.wanted(ctx)
        needles = [n for n in ([wanted] if isinstance(wanted, str) else [str(w) for w in wanted]) if n.strip()]
        text = ctx.text.casefold() if self.ignore_case else ctx.text
        found = [(n.casefold() if self.ignore_case else n) in text for n in needles]
        ok = any(found) if self.any_of else all(found)
        missing = [n for n, hit in zip(needles, found, strict=True) if not hit]
        return verdict(ok, None if ok else f"missing {missing}")


class Regex(Scorer):
    def __init__(self, pattern: str, *, name: str = "regex", flags: int = re.IGNORECASE) -> None:
        self.name, self.pattern = name, re.compile(pattern, flags)

    def score(self, ctx: ScoreContext) -> Score:
        return verdict(self.pattern.search(ctx.text) is not None)


class JsonSchema(Scorer):
    def __init__(self, schema: dict[str, Any], *, name: str = "json_schema") -> None:
        jsonschema.Draft202012Validator.check_schema(schema)
        self.name, self.validator = name, jsonschema.Draft202012Validator(schema)

    def score(self, ctx: ScoreContext) -> Score:
        data = ctx.output
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                return verdict(False, f"not JSON: {exc.msg}")
        error = jsonschema.exceptions.best_match(self.validator.iter_errors(data))
        return verdict(error is None, None if error is None else error.message)


_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")


class Numeric(_ComparesExpected):
    """The first number in the output equals the expected one within ``abs_tol`` or ``rel_tol``."""

    def __init__(
        self, value: float | None = None, *, abs_tol: float = 0.0, rel_tol: float = 1e-9, name: str = "numeric"
    ) -> None:
        self.name, self.value, self.abs_tol, self.rel_tol = name, value, abs_tol, rel_tol

    def absent(self, ctx: ScoreContext) -> str | None:
        reason = super().absent(ctx)
        if reason is None and _finite(self.wanted(ctx)) is None:
            return f"the expected value {self.wanted(ctx)!r} is not a finite number"
        return reason

    def score(self, ctx: ScoreContext) -> Score:
        expected = float(self.wanted(ctx))
        match = _NUMBER.search(ctx.text)
        if match is None:
            return verdict(False, "no number in the output")
        got = float(match.group().replace(",", ""))
        ok = math.isclose(got, expected, abs_tol=self.abs_tol, rel_tol=self.rel_tol)
        return verdict(ok, None if ok else f"got {got}, expected {expected}")


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and not isinstance(value, bool) else None


class _ReadsTrajectory(Scorer):
    """A scorer of what the case did (its spans), not of its output."""

    reads_output = False

    def absent(self, ctx: ScoreContext) -> str | None:
        t = ctx.trajectory
        if not t.tools and not t.llm_calls and t.steps is None and t.termination is None:
            return "no span of the app was recorded for this case, so what it did is unknown"
        return None


class ToolUsed(_ReadsTrajectory):
    def __init__(self, tool: str, *, expected: bool = True, name: str = "") -> None:
        self.name = name or (f"tool_used_{tool}" if expected else f"tool_not_used_{tool}")
        self.tool, self.expected = tool, expected

    def score(self, ctx: ScoreContext) -> Score:
        used = self.tool in ctx.trajectory.tools
        return verdict(used == self.expected, f"tools: {ctx.trajectory.tools}")


class MaxSteps(_ReadsTrajectory):
    def __init__(self, limit: int, *, name: str = "") -> None:
        self.name, self.limit = name or f"steps_at_most_{limit}", limit

    def score(self, ctx: ScoreContext) -> Score:
        steps = ctx.trajectory.steps
        return verdict(steps is not None and steps <= self.limit, f"steps: {steps}")


class Termination(_ReadsTrajectory):
    def __init__(self, reason: str = "completed", *, name: str = "") -> None:
        self.name, self.reason = name or f"terminated_{reason}", reason

    def score(self, ctx: ScoreContext) -> Score:
        got = ctx.trajectory.termination
        return verdict(got == self.reason, f"termination: {got}")


ScoreFn = Callable[[ScoreContext], Any]


class Custom(Scorer):
    """Wraps a function (sync or async) returning a Score, a bool or a number in [0, 1]."""

    def __init__(self, fn: ScoreFn, *, name: str | None = None, binary: bool = True, threshold: float = 0.5) -> None:
        self.fn, self.binary, self.threshold = fn, binary, threshold
        self.name = name or str(getattr(fn, "__name__", "custom"))

    async def score(self, ctx: ScoreContext) -> Score:
        result = self.fn(ctx)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, Score):
            return result
        if isinstance(result, bool):
            return verdict(result)
        value = float(result)
        return Score(value, value >= self.threshold)


def scorer(fn: ScoreFn | None = None, *, name: str | None = None, binary: bool = True, threshold: float = 0.5) -> Any:
    """Decorator: turn ``async def my_check(ctx) -> bool | float | Score`` into a scorer."""
    if fn is None:
        return lambda f: Custom(f, name=name, binary=binary, threshold=threshold)
    return Custom(fn, name=name, binary=binary, threshold=threshold)


async def run_scorer(s: Scorer, ctx: ScoreContext) -> Score:
    """Score one case: ``unscorable`` when an input is absent; a non-finite value is an error, never a score."""
    reason = s.absent(ctx)
    if reason is not None:
        return Score(0.0, False, UNSCORABLE, reason)
    result = s.score(ctx)
    if inspect.isawaitable(result):
        result = await result
    if not isinstance(result, Score):
        raise TypeError(f"score() returned {type(result).__name__}, not a Score")
    if not math.isfinite(result.value):
        raise ValueError(f"returned a non-finite score {result.value}")
    return result
