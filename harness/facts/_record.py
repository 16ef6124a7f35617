"""Write facts into the lake as spans whose start and end are the fact's own times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Tracer

import instrumentation
from harness.facts._facts import AuditRequest, Change, Deployment, Fact, Incident, iso
from instrumentation import semconv

RECORDER_SERVICE = "harness-recorder"


@dataclass(frozen=True, slots=True)
class _SpanSpec:
    name: str
    start: datetime
    end: datetime
    attributes: dict[str, Any]


def _ns(value: datetime) -> int:
    return int(value.timestamp() * 1_000_000) * 1_000


def _compact(attributes: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attributes.items() if value is not None and value != ()}


def _deployment(fact: Deployment) -> _SpanSpec:
    attributes = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_DEPLOYMENT,
        semconv.HARNESS_SYSTEM: fact.system,
        semconv.DEPLOYMENT_ID: fact.id,
        semconv.DEPLOYMENT_NAME: fact.system,
        semconv.DEPLOYMENT_STATUS: fact.status,
        semconv.DEPLOYMENT_ENVIRONMENT_NAME: fact.environment,
        semconv.SERVICE_VERSION: fact.version,
        semconv.HARNESS_DEPLOYMENT_STRATEGY: fact.strategy,
        semconv.HARNESS_DEPLOYMENT_TRIGGER: fact.trigger,
        semconv.HARNESS_DEPLOYMENT_ROLLS_BACK: fact.rolls_back,
        semconv.HARNESS_DEPLOYMENT_CHANGE_IDS: tuple(fact.changes),
        semconv.HARNESS_GATE_RUN_ID: fact.gate_run,
        semconv.HARNESS_DEPLOYMENT_APPROVER: fact.approver,
        semconv.VCS_REF_HEAD_REVISION: fact.revision,
        semconv.CICD_PIPELINE_RUN_ID: fact.pipeline_run,
    }
    start = fact.started_at or fact.at
    return _SpanSpec(semconv.SPAN_DEPLOYMENT.format(system=fact.system), start, fact.at, _compact(attributes))


def _incident(fact: Incident) -> _SpanSpec:
    attributes = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_INCIDENT,
        semconv.HARNESS_SYSTEM: fact.system,
        semconv.HARNESS_INCIDENT_ID: fact.id,
        semconv.HARNESS_INCIDENT_STARTED_AT: iso(fact.started_at),
        semconv.HARNESS_INCIDENT_RESOLVED_AT: iso(fact.resolved_at) if fact.resolved_at else None,
        semconv.HARNESS_INCIDENT_DEPLOYMENT_ID: fact.deployment,
        semconv.HARNESS_INCIDENT_SEVERITY: fact.severity,
    }
    end = fact.resolved_at or fact.started_at
    return _SpanSpec(semconv.SPAN_INCIDENT.format(system=fact.system), fact.started_at, end, _compact(attributes))


def _change(fact: Change) -> _SpanSpec:
    attributes = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_CHANGE,
        semconv.HARNESS_SYSTEM: fact.system,
        semconv.VCS_CHANGE_ID: fact.id,
        semconv.HARNESS_CHANGE_KIND: fact.kind,
        semconv.HARNESS_CHANGE_OPENED_AT: iso(fact.opened_at),
        semconv.HARNESS_CHANGE_MERGED_AT: iso(fact.merged_at) if fact.merged_at else None,
        semconv.HARNESS_CHANGE_REVIEWER: fact.reviewer,
        semconv.HARNESS_CHANGE_AUTHOR: fact.author,
        semconv.HARNESS_CHANGE_MATERIAL: fact.material,
        semconv.VCS_REF_HEAD_REVISION: fact.revision,
        semconv.HARNESS_CHANGE_REVIEWED_AT: iso(fact.reviewed_at) if fact.reviewed_at else None,
        semconv.HARNESS_CHANGE_APPROVER: fact.approver,
    }
    if fact.risk is not None:
        attributes[semconv.HARNESS_CHANGE_RISK_ASSESSOR] = fact.risk.by
        attributes[semconv.HARNESS_CHANGE_RISK_ASSESSED_AT] = iso(fact.risk.at)
        attributes[semconv.HARNESS_CHANGE_RISK_OUTCOME] = fact.risk.outcome
        attributes[semconv.HARNESS_CHANGE_RISK_LINK] = fact.risk.link
    end = fact.ends_at
    return _SpanSpec(semconv.SPAN_CHANGE.format(system=fact.system), fact.opened_at, end, _compact(attributes))


def _audit(fact: AuditRequest) -> _SpanSpec:
    attributes = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_AUDIT_REQUEST,
        semconv.HARNESS_SYSTEM: fact.system,
        semconv.HARNESS_AUDIT_REQUEST_ID: fact.id,
        semconv.HARNESS_AUDIT_REQUESTED_AT: iso(fact.requested_at),
        semconv.HARNESS_AUDIT_FULFILLED_AT: iso(fact.fulfilled_at) if fact.fulfilled_at else None,
        semconv.HARNESS_AUDIT_BUNDLE_SHA256: fact.bundle_sha256,
    }
    end = fact.fulfilled_at or fact.requested_at
    return _SpanSpec(semconv.SPAN_AUDIT_REQUEST, fact.requested_at, end, _compact(attributes))


def span_spec(fact: Fact) -> _SpanSpec:
    if isinstance(fact, Deployment):
        return _deployment(fact)
    if isinstance(fact, Incident):
        return _incident(fact)
    if isinstance(fact, Change):
        return _change(fact)
    return _audit(fact)


def emit(tracer: Tracer, fact: Fact) -> str:
    """Start and end the fact's span on ``tracer`` (any OTel tracer) and return the fact's id."""
    spec = span_spec(fact)
    written = {**spec.attributes, semconv.HARNESS_FACT_RECORDED_AT: datetime.now(UTC).isoformat()}
    span = tracer.start_span(spec.name, start_time=_ns(spec.start), attributes=written)
    span.end(end_time=_ns(spec.end))
    return fact.id


def record(
    facts: Fact | Iterable[Fact],
    *,
    home: str | Path | None = None,
    telemetry: instrumentation.Telemetry | None = None,
) -> list[str]:
    """Write facts into the lake under ``home`` and return their ids.

    A private tracer provider writes straight to the lake (no global state is touched) and is
    shut down before returning, so the facts are on disk. With ``telemetry`` the facts go
    through its exporters instead (lake, OTLP ...); call ``telemetry.flush()`` to force them out.
    """
    batch = [facts] if isinstance(facts, Fact) else list(facts)
    if telemetry is not None:
        return [emit(telemetry.tracer, fact) for fact in batch]
    provider = lake_tracer_provider(instrumentation.load_settings({"home": home}).lake_dir)
    try:
        tracer = provider.get_tracer(semconv.INSTRUMENTATION_SCOPE)
        return [emit(tracer, fact) for fact in batch]
    finally:
        provider.shutdown()


def write_span(
    name: str, start: datetime, end: datetime, attributes: dict[str, Any], *, home: str | Path | None = None
) -> None:
    """Write one span with its own times straight into the lake under ``home`` (e.g. a canary decision)."""
    provider = lake_tracer_provider(instrumentation.load_settings({"home": home}).lake_dir)
    try:
        tracer = provider.get_tracer(semconv.INSTRUMENTATION_SCOPE)
        span = tracer.start_span(name, start_time=_ns(start), attributes=_compact(attributes))
        span.end(end_time=_ns(end))
    finally:
        provider.shutdown()


def lake_tracer_provider(lake_dir: Path, service_name: str = RECORDER_SERVICE) -> TracerProvider:
    """A private provider whose spans go synchronously to the lake (flushed at shutdown)."""
    from instrumentation.lake import LakeSpanExporter

    provider = TracerProvider(resource=Resource.create({semconv.SERVICE_NAME: service_name}), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(LakeSpanExporter(lake_dir)))
    return provider
