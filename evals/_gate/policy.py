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


class SliceRule(BaseModel):
    """How one slice dimension (a case label such as ``language``) is gated: every value of it is a slice,
    compared on ``metrics`` with their margins; ``values`` gives a slice its own margins (``{fr: {pass: ...}}``)."""

    model_config = ConfigDict(extra="forbid")

    metrics: dict[str, MetricRule] = Field(default_factory=lambda: {PASS: MetricRule(margin=0.1)}, min_length=1)
    values: dict[str, dict[str, MetricRule]] = Field(default_factory=dict)

    def rule(self, value: str, metric: str) -> MetricRule:
        return self.values.get(value, {}).get(metric) or self.metrics[metric]


def slice_name(metric: str, dimension: str, value: str) -> str:
    """The name a slice's comparison is reported and recorded under: ``pass[language=fr]``."""
    return f"{metric}[{dimension}={value}]"


class GatePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    power: float = Field(default=0.8, gt=0.5, lt=1.0)
    metrics: dict[str, MetricRule] = Field(default_factory=lambda: {PASS: MetricRule(margin=0.05)})
    bootstrap_resamples: int = Field(default=2000, ge=200)
    seed: int = 20260101
    require_calibrated_judge: CalibrationRule | None = None
    slices: dict[str, SliceRule] = Field(default_factory=dict)  # dimension -> rule; each value is gated apart
