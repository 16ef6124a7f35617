"""The report's fixture lake: the scoring fixture (LLM calls and four weeks of facts), a classical system's
predictions and one canary decision, with fixed times (the scoring fixture's window, 2026-03-02 to 03-30)."""

from __future__ import annotations

from pathlib import Path

from instrumentation import semconv
from tests.scoring import _lake

# churn-xgb predictions of the classical system `churn`: week of 02 Mar 20 and 40 ms, week of 09 Mar 30 ms
PREDICTIONS = (("2026-03-03T09:00:00", 20.0), ("2026-03-04T09:00:00", 40.0), ("2026-03-10T09:00:00", 30.0))


def write_predictions(home: Path, system: str = "churn", model: str = "churn-xgb") -> None:
    writer = _lake.SpanWriter(home, system)
    attributes = _lake.attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_PREDICTION,
        HARNESS_SYSTEM=system,
        HARNESS_SYSTEM_KIND=semconv.SYSTEM_KIND_CLASSICAL,
        HARNESS_MODEL_NAME=model,
    )
    for start, ms in PREDICTIONS:
        writer.span(semconv.SPAN_PREDICT.format(model=model), start, ms, attributes)
    writer.close()


def write_canary(home: Path, at: str = "2026-03-20T08:00:00", decision: str = semconv.CANARY_ROLLBACK) -> None:
    """A canary decision as ``harness canary`` records it: support 5 against 3."""
    attributes = _lake.attrs(
        HARNESS_RECORD_TYPE=semconv.RECORD_CANARY,
        HARNESS_SYSTEM="support",
        HARNESS_CANARY_DECISION=decision,
        HARNESS_CANARY_BASELINE_VERSION="3",
        HARNESS_CANARY_VERSION="5",
        HARNESS_CANARY_REASON="error rate 0.20 above the baseline's 0.02",
    )
    _lake.write_span(home, "support", semconv.SPAN_CANARY.format(system="support"), at, attributes)


def write_report_lake(home: Path) -> None:
    _lake.write_llm_calls(home)
    _lake.write_facts(home)
    write_predictions(home)
    write_canary(home)
