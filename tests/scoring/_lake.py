"""Fixture lakes written through the real OTel SDK and the real lake exporter, with fixed times."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span

import scoring
from harness.facts import AuditRequest, Change, Deployment, Incident, lake_tracer_provider, record
from instrumentation import semconv

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ns(text: str) -> int:
    """Nanoseconds since the epoch, exactly (a fraction of a second and a time before 1970 included)."""
    return (t(text) - _EPOCH) // timedelta(microseconds=1) * 1_000


class SpanWriter:
    """Spans of one service with explicit times, written to the lake under ``home``."""

    def __init__(self, home: Path, service: str) -> None:
        self.provider: TracerProvider = lake_tracer_provider(home / "lake", service_name=service)
        self.tracer = self.provider.get_tracer("tests.scoring")

    def span(self, name: str, start: str, ms: float, attributes: dict[str, Any], parent: Span | None = None) -> Span:
        context = trace.set_span_in_context(parent) if parent is not None else None
        span = self.tracer.start_span(name, context=context, start_time=ns(start), attributes=attributes)
        span.end(end_time=ns(start) + int(ms * 1_000_000))
        return span

    def llm(self, start: str, ms: float, parent: Span | None = None, **extra: Any) -> Span:
        attributes = {
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_CHAT,
            semconv.GEN_AI_PROVIDER_NAME: "openai",
            semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
            semconv.GEN_AI_RESPONSE_MODEL: "gpt-4o-mini-2024-07-18",
            semconv.GEN_AI_USAGE_INPUT_TOKENS: 100,
            semconv.GEN_AI_USAGE_OUTPUT_TOKENS: 50,
        }
        attributes.update(extra)  # an extra None removes a default attribute
        attributes = {key: value for key, value in attributes.items() if value is not None}
        return self.span(
            semconv.SPAN_CHAT.format(model=attributes[semconv.GEN_AI_REQUEST_MODEL]), start, ms, attributes, parent
        )

    def close(self) -> None:
        self.provider.shutdown()


def attrs(**named: Any) -> dict[str, Any]:
    """Attributes by semconv constant name: ``attrs(HARNESS_FEATURE="x")``."""
    return {getattr(semconv, key): value for key, value in named.items()}


def write_llm_calls(home: Path) -> None:
    """Six calls in the window (one nested, one priced from the price book) and one before it.

    latency ms 100..600; cost ticket-summary 0.30, search 0.05, unattributed 0.01 + 0.002 (priced);
    four traces hold inference spans.
    """
    w = SpanWriter(home, "support")
    a = w.llm("2026-03-05T10:00:00", 100, **attrs(HARNESS_FEATURE="ticket-summary", GEN_AI_USAGE_COST_AMOUNT=0.10))
    w.llm(
        "2026-03-05T10:00:01", 200, parent=a, **attrs(HARNESS_FEATURE="ticket-summary", GEN_AI_USAGE_COST_AMOUNT=0.20)
    )
    c = w.llm("2026-03-06T10:00:00", 300, **attrs(HARNESS_FEATURE="search", GEN_AI_USAGE_COST_AMOUNT=0.05))
    w.llm("2026-03-06T10:00:01", 600, parent=c, **attrs(HARNESS_FEATURE="search", HARNESS_USAGE_COUNTED=False))
    w.llm("2026-03-12T10:00:00", 400, **attrs(GEN_AI_USAGE_COST_AMOUNT=0.01))
    w.llm(
        "2026-03-13T10:00:00",
        500,
        **attrs(
            GEN_AI_PROVIDER_NAME="house",
            GEN_AI_REQUEST_MODEL="house-model",
            GEN_AI_RESPONSE_MODEL="house-model",
            GEN_AI_USAGE_INPUT_TOKENS=1000,
            GEN_AI_USAGE_OUTPUT_TOKENS=500,
        ),
    )
    w.llm("2026-03-01T10:00:00", 9000, **attrs(HARNESS_FEATURE="ticket-summary", GEN_AI_USAGE_COST_AMOUNT=1.0))
    w.close()


PRICE_BOOK = """
[[model]]
provider = "house"
model = "house-model"
input_mtok = 1.0
output_mtok = 2.0
"""


@contextmanager
def priced(folder: Path) -> Iterator[Path]:
    """HARNESS_PRICE_BOOK set, while inside, to a price book in ``folder`` that prices the house model."""
    path = folder / "prices.toml"
    path.write_text(PRICE_BOOK, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_PRICE_BOOK", str(path))
        yield path


def write_gate(home: Path, run_id: str, decision: str, at: str) -> None:
    """A gate decision as the eval CLI once recorded it: under the `harness-eval` service, naming no system."""
    attributes = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_GATE,
        HARNESS_GATE_RUN_ID=run_id,
        HARNESS_GATE_DECISION=decision,
        HARNESS_GATE_SUITE="support",
    )
    write_span(home, "harness-eval", semconv.SPAN_EVAL_GATE.format(suite="support"), at, attributes)


def write_facts(home: Path) -> None:
    """Deployments, changes, incidents and audit requests whose metrics are worked out in test_metrics.py."""
    changes = [
        Change(id="c1", system="support", kind="prompt", opened_at=t("2026-03-01T00:00:00"), reviewer="rev"),
        Change(id="c2", system="support", kind="model", opened_at=t("2026-03-03T00:00:00"), reviewer="rev"),
        Change(id="c3", system="support", kind="code", opened_at=t("2026-03-09T12:00:00")),
        Change(id="c4", system="support", kind="prompt", opened_at=t("2026-03-20T00:00:00"), material=True),
    ]
    common: dict[str, Any] = {"system": "support", "trigger": "pipeline", "revision": "abc", "approver": "lead"}
    deployments = [
        Deployment(version="0", id="d0", at=t("2026-02-20T00:00:00"), **common),
        Deployment(version="1", id="d1", at=t("2026-03-02T12:00:00"), changes=("c1",), gate_run="g1", **common),
        Deployment(version="2", id="d2", at=t("2026-03-04T00:00:00"), changes=("c2",), **common),
        Deployment(version="3", id="d3", at=t("2026-03-10T00:00:00"), changes=("c3",), **common),
        Deployment(
            system="support", version="2", id="d4", at=t("2026-03-11T00:00:00"), trigger="rollback", rolls_back="d3"
        ),
        Deployment(version="5", id="d5", at=t("2026-03-20T06:00:00"), changes=("c4",), strategy="canary", **common),
        Deployment(version="6", id="d6", at=t("2026-03-21T00:00:00"), status="failed", **common),
        Deployment(version="s", id="ds", at=t("2026-03-05T00:00:00"), environment="staging", **common),
    ]
    incidents = [
        Incident(id="i0", system="support", started_at=t("2026-02-25T00:00:00"), resolved_at=t("2026-02-25T05:00:00")),
        Incident(
            id="i1",
            system="support",
            started_at=t("2026-03-05T00:00:00"),
            resolved_at=t("2026-03-05T02:00:00"),
            deployment="d1",
        ),
        Incident(id="i5", system="support", started_at=t("2026-03-03T00:00:00"), resolved_at=t("2026-03-03T06:00:00")),
        Incident(id="i2", system="support", started_at=t("2026-03-20T12:00:00"), resolved_at=t("2026-03-20T13:30:00")),
        Incident(id="i3", system="support", started_at=t("2026-03-25T00:00:00")),
    ]
    audits = [
        AuditRequest(id="a1", requested_at=t("2026-03-10T00:00:00"), fulfilled_at=t("2026-03-10T04:00:00")),
        AuditRequest(id="a2", requested_at=t("2026-03-15T00:00:00"), fulfilled_at=t("2026-03-16T00:00:00")),
        AuditRequest(id="a3", requested_at=t("2026-03-20T00:00:00")),
        AuditRequest(id="a4", requested_at=t("2026-03-12T00:00:00"), fulfilled_at=t("2026-03-12T01:00:00")),
    ]
    record([*changes, *deployments, *incidents, *audits], home=home)
    write_gate(home, "g1", semconv.GATE_PASS, "2026-03-02T11:00:00")


WINDOW = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-30T00:00:00Z"}
SCOPE = scoring.Scope.of(**WINDOW)  # the four weeks every fixture's figures are worked out for


def scope(**narrowed: Any) -> scoring.Scope:
    """The fixture window, narrowed (``scope(system="support")``, ``scope(kind="classical")``)."""
    return scoring.Scope.of(**{**WINDOW, **narrowed})


def write_span(home: Path, service: str, name: str, at: str, attributes: dict[str, Any]) -> None:
    """One span of ``service`` lasting a second, written and flushed."""
    writer = SpanWriter(home, service)
    writer.span(name, at, 1000, attributes)
    writer.close()


def write_eval_run(
    home: Path,
    run_id: str,
    at: str,
    *,
    system: str | None = "support",
    service: str = "support",
    **extra: Any,
) -> None:
    """An eval run span (``evaluate {suite}``); ``extra`` attributes by semconv constant name."""
    named: dict[str, Any] = {
        "HARNESS_RECORD_TYPE": semconv.RECORD_EVAL_RUN,
        "HARNESS_EVAL_RUN_ID": run_id,
        "HARNESS_EVAL_SUITE": "support",
        "HARNESS_EVAL_DATASET_HASH": "sha256:abc",
        "HARNESS_EVAL_JUDGES": "{}",
    }
    attributes = attrs(**{**named, **extra})
    if system is not None:
        attributes[semconv.HARNESS_SYSTEM] = system
    write_span(home, service, semconv.SPAN_EVAL_RUN.format(suite="support"), at, attributes)


def write_system_gate(home: Path, run_id: str, at: str, metrics: list[str], system: str = "support") -> None:
    """A gate decision of ``system`` that gated the named metrics (``harness.gate.metrics`` as evals writes it)."""
    gated = json.dumps([{"name": name, "verdict": "pass"} for name in metrics])
    attributes = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_GATE,
        HARNESS_GATE_RUN_ID=run_id,
        HARNESS_GATE_DECISION=semconv.GATE_PASS,
        HARNESS_GATE_SUITE="support",
        HARNESS_GATE_METRICS=gated,
        HARNESS_SYSTEM=system,
    )
    write_span(home, system, semconv.SPAN_EVAL_GATE.format(suite="support"), at, attributes)


def write_calibration(home: Path, at: str, scorer: str, model: str, *, passed: bool, kappa: float) -> None:
    """A judge calibration span (``harness eval calibrate``)."""
    attributes = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_EVAL_CALIBRATION,
        HARNESS_EVAL_SCORER=scorer,
        HARNESS_EVAL_JUDGE_MODEL=model,
        HARNESS_EVAL_CALIBRATION_KAPPA=kappa,
        HARNESS_EVAL_CALIBRATION_KAPPA_LOW=kappa - 0.1,
        HARNESS_EVAL_CALIBRATION_ITEMS=40,
        HARNESS_EVAL_CALIBRATION_PASSED=passed,
        HARNESS_SYSTEM="support",
    )
    write_span(home, "support", semconv.SPAN_EVAL_CALIBRATE.format(scorer=scorer), at, attributes)


def write_sample(home: Path, at: str, count: int) -> None:
    """A production-sample span (``harness eval sample``): ``count`` calls drawn into the regression set."""
    attributes = attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_EVAL_SAMPLE,
        HARNESS_EVAL_SAMPLE_COUNT=count,
        HARNESS_EVAL_SAMPLE_DATASET="datasets/prod.jsonl",
        HARNESS_SYSTEM="support",
    )
    write_span(home, "support", semconv.SPAN_EVAL_SAMPLE.format(system="support"), at, attributes)
