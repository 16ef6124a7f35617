"""The canary's thresholds: per metric, how much worse the canary may be (its margin), alpha and the minimum.

One margin per metric plays both parts the decision needs: the tolerance a promotion must clear (the
interval of canary - baseline lies wholly within it) and the threshold a rollback must exceed (the interval
lies wholly beyond it, after Holm). ``relative`` margins are a fraction of the baseline's value.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instrumentation.errors import HarnessError

ERROR_RATE = "error_rate"
LATENCY_P95 = "latency_p95_ms"
COST_PER_REQUEST = "cost_per_request_usd"
AGENT_ERROR_RATE = "agent_error_rate"
STEPS_PER_RUN = "steps_per_run"
TOOL_CALLS_PER_RUN = "tool_calls_per_run"
EVAL_PREFIX = "eval:"  # online eval scores, one metric per gen_ai.evaluation.name: higher is better
EVAL_DEFAULT = "eval"  # the margin rule of every online eval score without its own


class CanaryError(HarnessError):
    """The canary cannot be judged: an unknown system or version, a side without telemetry, a bad policy."""


class Margin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    margin: float = Field(ge=0.0)
    relative: bool = False

    def absolute(self, baseline: float) -> float:
        return self.margin * abs(baseline) if self.relative else self.margin


def _default_margins() -> dict[str, Margin]:
    return {
        ERROR_RATE: Margin(margin=0.01),  # one percentage point of failed model calls
        LATENCY_P95: Margin(margin=0.20, relative=True),
        COST_PER_REQUEST: Margin(margin=0.20, relative=True),
        AGENT_ERROR_RATE: Margin(margin=0.02),
        STEPS_PER_RUN: Margin(margin=0.20, relative=True),
        TOOL_CALLS_PER_RUN: Margin(margin=0.20, relative=True),
        EVAL_DEFAULT: Margin(margin=0.05),  # on the score's own scale (0-1 for most scorers)
    }


class CanaryPolicy(BaseModel):
    """``alpha`` is each interval side's level; ``min_samples`` the fewest calls, requests, runs or scores per
    version a metric is judged on (below it the metric holds); the bootstrap is seeded, so a decision repeats."""

    model_config = ConfigDict(extra="forbid")

    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    min_samples: int = Field(default=100, ge=10)
    margins: dict[str, Margin] = Field(default_factory=_default_margins)
    bootstrap_resamples: int = Field(default=4000, ge=500)
    seed: int = 20260101

    def margin_of(self, metric: str) -> Margin:
        if metric in self.margins:
            return self.margins[metric]
        if metric.startswith(EVAL_PREFIX):
            return self.margins.get(EVAL_DEFAULT, _default_margins()[EVAL_DEFAULT])
        return _default_margins()[metric]

    def with_margins(self, overrides: dict[str, float]) -> CanaryPolicy:
        """The policy with some margins' values replaced (their ``relative`` kept)."""
        margins = dict(self.margins)
        for name, value in overrides.items():
            known = name in margins or name.startswith(EVAL_PREFIX)
            if not known:
                raise CanaryError(f"--margin {name}: not a canary metric; metrics: {', '.join(sorted(margins))}")
            margins[name] = self.margin_of(name).model_copy(update={"margin": value})
        return self.model_copy(update={"margins": margins})


def load_policy(path: str | Path | None) -> CanaryPolicy:
    """The policy in a YAML file (the fields of ``CanaryPolicy``; margins merge over the defaults), or the default."""
    if path is None:
        return CanaryPolicy()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        margins = {**_default_margins(), **{k: Margin(**v) for k, v in (data.pop("margins", None) or {}).items()}}
        return CanaryPolicy(**data, margins=margins)
    except OSError as exc:
        raise CanaryError(f"{path}: cannot read the canary policy: {exc.strerror}") from exc
    except (yaml.YAMLError, ValidationError, TypeError, AttributeError) as exc:
        raise CanaryError(f"{path}: not a canary policy: {' '.join(str(exc).split())}") from exc
