"""Record what is not an LLM call: deployments, incidents, changes, audit requests, predictions.

Facts become spans in the same lake as LLM calls, so ``scoring`` reads one stream. The systems
catalogue and the attestation file hold what telemetry cannot show.
"""

from harness.facts._catalogue import (
    ATTESTATIONS_FILE,
    SYSTEMS_FILE,
    Attestation,
    SystemEntry,
    load_attestations,
    load_catalogue,
)
from harness.facts._facts import (
    AuditRequest,
    Change,
    Deployment,
    Fact,
    FactError,
    Incident,
    new_deployment_id,
    parse_time,
)
from harness.facts._predict import predict
from harness.facts._record import emit, lake_tracer_provider, record

__all__ = [
    "ATTESTATIONS_FILE",
    "SYSTEMS_FILE",
    "Attestation",
    "AuditRequest",
    "Change",
    "Deployment",
    "Fact",
    "FactError",
    "Incident",
    "SystemEntry",
    "emit",
    "lake_tracer_provider",
    "load_attestations",
    "load_catalogue",
    "new_deployment_id",
    "parse_time",
    "predict",
    "record",
]
