"""The gate policy a suite declares: which metrics are gated, with what margin, alpha and power."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Metrics every run has besides its scorers (lower is better for all but "pass").
PASS = "pass"
COST = "cost"
LATENCY_P50 = "latency_p50"
LATENCY_P95 = "latency_p95"
STEPS = "steps"
BUILTIN_METRICS = (PASS, COST, LATENCY_P50, LATENCY_P95, STEPS)
LOWER_IS_BETTER = frozenset({COST, LATENCY_P50, LATENCY_P95, STEPS})


class MetricRule(BaseModel):
    """Non-inferiority margin for one metric; ``relative`` margins are a fraction of the baseline's value."""

    model_config = ConfigDict(extra="forbid")

    margin: float = Field(ge=0.0)
    relative: bool = False


class CalibrationRule(BaseModel):
    """Require the named judge scorer to agree with human labels (Cohen's kappa lower bound)."""

    model_config = ConfigDict(extra="forbid")

    scorer: str
    labels: str
    min_kappa: float = 0.6


class GatePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    power: float = Field(default=0.8, gt=0.5, lt=1.0)
    metrics: dict[str, MetricRule] = Field(default_factory=lambda: {PASS: MetricRule(margin=0.05)})
    bootstrap_resamples: int = Field(default=2000, ge=200)
    seed: int = 20260101
    require_calibrated_judge: CalibrationRule | None = None
