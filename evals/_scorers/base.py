"""Scorers' common ground: ``Score``, ``ScoreContext``, the ``Scorer`` base, function scorers, and running one.

A scorer has a ``name``, says whether it is ``binary`` (pass/fail) and returns a ``Score``.
No scorer passes on an absent input: before scoring, ``absent`` says why a case cannot be scored (the
task returned nothing, the expected value the scorer compares with is missing, no span of the app was
recorded); such a case gets an ``unscorable`` score, which the runner turns into a case error.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from evals._run.dataset import Case
from evals._run.trajectory import Trajectory


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
