"""The public names of scoring and harness.facts are pinned: changing them is an interface change."""

from __future__ import annotations

import scoring
from harness import facts


def test_scoring_exports() -> None:
    assert set(scoring.__all__) == {
        "ATTESTATIONS_FILE",
        "AXES",
        "FORMATS",
        "KINDS",
        "METRIC_VIEWS",
        "SYSTEMS_FILE",
        "VIEWS",
        "Attestation",
        "AxisScore",
        "Criterion",
        "CriterionResult",
        "InputFileError",
        "Metrics",
        "Reader",
        "Scope",
        "Scorecard",
        "ScoringError",
        "SystemEntry",
        "SystemInfo",
        "Window",
        "load_attestations",
        "load_catalogue",
        "load_criteria",
        "metric",
        "parse_time",
        "queries",
        "query",
        "reading",
        "render",
        "scorecard",
        "systems",
        "weekly",
        "weeks",
    }
    assert all(hasattr(scoring, name) for name in scoring.__all__)


def test_facts_exports() -> None:
    assert set(facts.__all__) == {
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
    }
    assert all(hasattr(facts, name) for name in facts.__all__)


def test_scorecard_json_keys_follow_design() -> None:
    keys = set(scoring.Metrics.model_fields)
    design = {
        "deployment_frequency_per_week",
        "lead_time_hours",
        "change_failure_rate",
        "time_to_restore_hours",
        "cost_per_feature_usd",
        "audit_evidence_response_hours",
        "latency_ms",
        "cost_per_request_usd",
    }
    assert design <= keys
    assert {"window", "systems", "axes", "metrics"} <= set(scoring.Scorecard.model_fields)


def test_importing_scoring_loads_no_engine_until_a_scorecard_is_asked_for() -> None:
    import subprocess
    import sys

    heavy = "('duckdb', 'polars', 'pydantic')"
    probe = (
        f"import sys, scoring; print(scoring.FORMATS, scoring.KINDS); print([m for m in {heavy} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["('table', 'json', 'markdown') ('llm', 'classical')", "[]"]


def test_every_scoring_exception_lives_in_errors_py_under_scoring_error() -> None:
    import inspect
    import re
    from pathlib import Path

    from instrumentation.errors import HarnessError
    from scoring import errors

    package = Path(scoring.__file__).parent
    elsewhere = [
        f"{path.name}: {name}"
        for path in package.glob("*.py")
        if path.name != "errors.py"
        for name in re.findall(r"^class (\w+)\((?:\w+\.)?\w*(?:Error|Exception)\)", path.read_text(), re.M)
    ]
    assert elsewhere == []
    classes = [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if cls.__module__ == errors.__name__]
    assert {cls.__name__ for cls in classes} == {
        "ScoringError",
        "InputFileError",
        "SqlGraphError",
        "DialectError",
        "WrongKindError",
    }
    assert all(issubclass(cls, scoring.ScoringError) for cls in classes)
    assert issubclass(scoring.ScoringError, HarnessError)
    assert all(cls.__name__ in (errors.__doc__ or "") for cls in classes)  # the hierarchy is drawn


def test_a_duckdb_scorecard_imports_neither_polars_nor_the_sdk_nor_the_lake_writer() -> None:
    """What `harness score` pays for before it runs any SQL: the scorecard reads the price book and the lake's
    listing, not the OpenTelemetry SDK, the provider wrappers or the segment writer, and DuckDB builds no
    polars frame (0.45 s of a 2.4 s warm 10M-span scorecard on 2 cores; README, "Measured")."""
    import subprocess
    import sys

    heavy = "('polars', 'opentelemetry.sdk.trace', 'instrumentation._agent', 'instrumentation.lake._writer', 'sqlglot')"
    probe = f"import sys, scoring._scorecard, scoring._reader; print([m for m in {heavy} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
