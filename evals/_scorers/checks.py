"""The built-in scorers: deterministic checks on the output, and checks of what the case did (its spans).

Everything here is pure and fast; the LLM judge lives in ``judge.py``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import jsonschema

from evals._scorers.base import Score, ScoreContext, Scorer, is_absent, verdict


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
