"""``harness canary``: promote, hold or roll back a canary version from its production telemetry.

``canary()`` compares the canary version's telemetry with the baseline version's over a window (error
rate, latency p95, cost per request, agent trajectories, online eval scores) with the gate's statistical
care and returns a ``CanaryDecision``; ``record_decision()`` records it as telemetry, and a rollback as a
deployment that rolls the canary back. The rule and its measured operating characteristics: docs/canary.md.
"""

from harness.canary._canary import Recorded, canary, record_decision
from harness.canary._decide import EXIT_CODES, CanaryDecision, CanaryMetric
from harness.canary._policy import CanaryError, CanaryPolicy, Margin, load_policy

__all__ = [
    "EXIT_CODES",
    "CanaryDecision",
    "CanaryError",
    "CanaryMetric",
    "CanaryPolicy",
    "Margin",
    "Recorded",
    "canary",
    "load_policy",
    "record_decision",
]
