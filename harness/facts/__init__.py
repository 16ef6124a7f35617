"""Record what is not an LLM call: deployments, incidents, changes, audit requests, predictions.

Facts become spans in the same lake as LLM calls, so ``scoring`` reads one stream. The systems
catalogue and the attestation file, which hold what telemetry cannot show, are scoring's inputs
(``scoring.load_catalogue``, ``scoring.load_attestations``).
"""

from harness.facts._facts import (
    AuditRequest,
    Change,
    Deployment,
    Fact,
    FactError,
    Incident,
    RiskAssessment,
    new_deployment_id,
    parse_time,
)
from harness.facts._predict import predict
from harness.facts._record import emit, lake_tracer_provider, record

__all__ = [
    "AuditRequest",
    "Change",
    "Deployment",
    "Fact",
    "FactError",
    "Incident",
    "RiskAssessment",
    "emit",
    "lake_tracer_provider",
    "new_deployment_id",
    "parse_time",
    "predict",
    "record",
]
