"""Recording facts (API and CLI), the systems catalogue, attestations and the classical predict span."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import scoring
from harness import facts
from harness.cli import main
from instrumentation import semconv
from instrumentation.lake import traces_glob


def _rows(home: Path) -> list[tuple[str, dict[str, str], int]]:
    query = "SELECT SpanName, SpanAttributes, Duration FROM read_parquet($glob) ORDER BY Timestamp"
    return duckdb.execute(query, {"glob": traces_glob(home / "lake")}).fetchall()


def test_cli_records_each_fact_with_its_own_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / ".harness")
    commands = [
        [
            "change",
            "record",
            "--id",
            "c1",
            "--system",
            "bot",
            "--kind",
            "prompt",
            "--opened-at",
            "2026-03-01T08:00:00Z",
            "--merged-at",
            "2026-03-01T09:00:00Z",
            "--reviewer",
            "ann",
            "--material",
        ],
        [
            "deploy",
            "record",
            "--system",
            "bot",
            "--version",
            "7",
            "--id",
            "d1",
            "--change",
            "c1",
            "--change",
            "c0",
            "--strategy",
            "canary",
            "--trigger",
            "pipeline",
            "--gate-run",
            "g1",
            "--approver",
            "lee",
            "--started-at",
            "2026-03-01T10:00:00Z",
            "--at",
            "2026-03-01T10:30:00Z",
        ],
        [
            "incident",
            "record",
            "--id",
            "i1",
            "--system",
            "bot",
            "--started-at",
            "2026-03-01T11:00:00Z",
            "--resolved-at",
            "2026-03-01T12:00:00+01:00",
            "--severity",
            "sev2",
        ],
        ["audit", "record", "--id", "a1", "--requested-at", "2026-03-02T00:00:00Z"],
    ]
    for argv in commands:
        assert main([*argv, "--home", home]) == 0
    printed = capsys.readouterr().out.split()
    assert [printed[i] for i in (2, 5, 8, 12)] == ["c1", "d1", "i1", "a1"]
    rows = {name: (attrs, duration) for name, attrs, duration in _rows(Path(home))}
    deploy_attrs, deploy_ns = rows["deploy bot"]
    assert deploy_ns == 30 * 60 * 10**9  # started-at to at
    assert deploy_attrs[semconv.HARNESS_DEPLOYMENT_CHANGE_IDS] == '["c1","c0"]'
    assert deploy_attrs[semconv.DEPLOYMENT_ENVIRONMENT_NAME] == "production"
    incident_attrs, incident_ns = rows["incident bot"]
    assert incident_ns == 0  # 12:00+01:00 is 11:00Z: resolved when it started
    assert incident_attrs[semconv.HARNESS_INCIDENT_RESOLVED_AT] == "2026-03-01T11:00:00Z"
    assert rows["change bot"][0][semconv.HARNESS_CHANGE_MATERIAL] == "true"
    assert semconv.HARNESS_AUDIT_FULFILLED_AT not in rows["audit_request"][0]


def test_cli_rejects_bad_input_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / ".harness")
    assert main(["incident", "record", "--id", "i", "--system", "s", "--started-at", "yesterday", "--home", home]) == 3
    assert "--started-at" in capsys.readouterr().err
    assert main(["audit", "record", "--id", "a", "--requested-at", "", "--home", home]) == 3  # empty is not "now"
    assert "--requested-at is empty" in capsys.readouterr().err
    assert main(["deploy", "record", "--system", "s", "--version", "1", "--strategy", "big-bang", "--home", home]) == 3
    argv = [
        "change",
        "record",
        "--id",
        "c",
        "--system",
        "s",
        "--kind",
        "code",
        "--opened-at",
        "2026-03-02T00:00:00Z",
        "--merged-at",
        "2026-03-01T00:00:00Z",
        "--home",
        home,
    ]
    assert main(argv) == 3
    assert "before" in capsys.readouterr().err
    assert not (tmp_path / ".harness" / "lake").exists()  # nothing half-recorded


def test_score_command_prints_json_markdown_and_the_same_on_clickhouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / ".harness")
    main(["deploy", "record", "--system", "bot", "--version", "1", "--at", "2026-03-03T00:00:00Z", "--home", home])
    capsys.readouterr()
    window = ["--since", "2026-03-02", "--until", "2026-03-09", "--home", home]
    assert main(["score", "--format", "json", *window]) == 0
    card = scoring.Scorecard.model_validate_json(capsys.readouterr().out)
    assert card.metrics.deployment_frequency_per_week == pytest.approx(1.0)
    assert set(card.axes) == set(scoring.AXES)
    assert main(["score", "--format", "markdown", "--no-cache", *window]) == 0
    assert "| deployment |" in capsys.readouterr().out
    assert main(["score", "--format", "json", "--engine", "clickhouse", *window]) == 0  # chDB over the lake
    printed = capsys.readouterr().out
    on_clickhouse = scoring.Scorecard.model_validate_json(printed)
    assert on_clickhouse.evidence_command == card.evidence_command + " --engine clickhouse"  # evidence runs there
    on_duckdb = printed.replace(on_clickhouse.evidence_command, card.evidence_command)
    assert scoring.Scorecard.model_validate_json(on_duckdb).model_dump() == card.model_dump()
    assert main(["score", "--engine", "duckdb", "--dsn", "clickhouse://localhost:8123", *window]) == 3
    assert "engine clickhouse" in capsys.readouterr().err


def test_catalogue_and_attestation_errors_name_the_file_and_field(tmp_path: Path) -> None:
    systems = tmp_path / "systems.yaml"
    systems.write_text("systems:\n  - {name: a, kind: quantum}\n", encoding="utf-8")
    with pytest.raises(scoring.InputFileError, match=r"systems.yaml:2: systems.0.kind"):
        scoring.load_catalogue(systems)
    systems.write_text("systems:\n  - {name: a}\n  - {name: a}\n", encoding="utf-8")
    with pytest.raises(scoring.InputFileError, match="listed twice: a"):
        scoring.load_catalogue(systems)
    attestations = tmp_path / "attestations.yaml"
    attestations.write_text("attestations:\n  - {criterion: x, by: b, at: 2026-01-01}\n", encoding="utf-8")
    with pytest.raises(scoring.InputFileError, match=r"attestations.yaml:2: attestations.0.expires: Field required"):
        scoring.load_attestations(attestations)
    attestations.write_text("- {criterion: x, by: b, at: 2026-01-01, expires: 2027-01-01}\n", encoding="utf-8")
    with pytest.raises(scoring.InputFileError, match=r"attestations.yaml:1: the top level: Input should be"):
        scoring.load_attestations(attestations)  # a list where a mapping belongs: the location is never empty
    attestations.write_text(
        "attestations:\n  - criterion: x\n    by: b\n    at: 2026-01-01\n    expires: soon\n", encoding="utf-8"
    )
    with pytest.raises(scoring.InputFileError, match=r"attestations.yaml:5: attestations.0.expires"):
        scoring.load_attestations(attestations)
    assert scoring.load_catalogue(tmp_path / "absent.yaml") == []


def test_predict_span_marks_errors_and_lets_them_through() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with facts.predict("churn-xgb", system="churn", version="7", rows=32, tracer=tracer):
        pass
    with pytest.raises(KeyError), facts.predict("churn-xgb", system="churn", tracer=tracer):
        raise KeyError("feature missing")
    ok, failed = exporter.get_finished_spans()
    assert ok.name == "predict churn-xgb"
    assert ok.attributes is not None and ok.attributes[semconv.HARNESS_PREDICT_ROWS] == 32
    assert ok.attributes[semconv.HARNESS_SYSTEM_KIND] == semconv.SYSTEM_KIND_CLASSICAL
    assert failed.status.is_ok is False
    assert failed.attributes is not None and failed.attributes[semconv.ERROR_TYPE] == "KeyError"


def test_classical_systems_are_scored_apart_from_llm_systems(tmp_path: Path) -> None:
    home = tmp_path / ".harness"
    provider = facts.lake_tracer_provider(home / "lake", service_name="churn-service")
    tracer = provider.get_tracer("test")
    for _ in range(3):
        with facts.predict("churn-xgb", system="churn", version="7", tracer=tracer):
            pass
    provider.shutdown()
    facts.record(facts.Deployment(system="churn", version="7"), home=home)
    classical = scoring.scorecard(home, scoring.Scope.of(kind="classical"), cache=False)
    llm = scoring.scorecard(home, scoring.Scope.of(kind="llm"), cache=False)
    assert [s.name for s in classical.systems] == ["churn"]
    assert llm.systems == []
    observability = {c.id: c for c in classical.axes["observability"].criteria}
    assert observability["obs.model_calls"].status == "pass"  # predictions count as model calls
    assert classical.metrics.deployment_frequency_per_week is not None
    assert llm.metrics.deployment_frequency_per_week is None
    reproducibility = {c.id: c for c in classical.axes["reproducibility"].criteria}
    assert reproducibility["repro.model_version"].value == pytest.approx(1.0)
    assert reproducibility["repro.prompt_version"].status == "n/a"  # an LLM criterion: it does not apply


def _incident(home: str, *extra: str) -> list[str]:
    return ["incident", "record", "--id", "INC-3", "--system", "bot", "--home", home, *extra]


def test_recording_an_id_twice_is_refused_unless_it_is_an_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / ".harness")
    assert main(_incident(home, "--started-at", "2026-03-01T10:00:00Z")) == 0
    assert main(_incident(home, "--started-at", "2026-03-01T10:00:00Z")) == 3
    assert "INC-3 is already recorded" in capsys.readouterr().err and len(_rows(Path(home))) == 1
    resolved = ["--started-at", "2026-03-01T10:00:00Z", "--resolved-at", "2026-03-01T11:00:00Z"]
    assert main(_incident(home, *resolved, "--update")) == 0
    assert capsys.readouterr().out.strip() == "updated incident INC-3"
    spring = scoring.Scope.of(since="2026-02-01T00:00:00Z", until="2026-04-01T00:00:00Z")
    card = scoring.scorecard(home, spring, cache=False)
    assert card.metrics.time_to_restore_hours.median == pytest.approx(1.0)  # the update, resolved, is the record
    change = ["change", "record", "--id", "c1", "--system", "bot", "--kind", "code", "--home", home]
    assert main([*change, "--opened-at", "2026-03-01T08:00:00Z"]) == 0
    assert main([*change, "--opened-at", "2026-03-01T08:00:00Z"]) == 3  # every fact with an id, not only incidents
    assert "change c1 is already recorded" in capsys.readouterr().err


def test_an_update_replaces_the_record_whatever_its_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From a newcomer's trial: scoring kept the record that ends last, so an update that moved a time earlier (a
    mistyped year, an outage recorded as 24 h that lasted 1) was ignored while the CLI said "updated". The record
    written last is the record."""
    home = str(tmp_path / ".harness")
    assert main(_incident(home, "--started-at", "2026-03-01T10:00:00Z", "--resolved-at", "2026-03-02T10:00:00Z")) == 0
    fixed = ["--started-at", "2026-03-01T10:00:00Z", "--resolved-at", "2026-03-01T11:00:00Z", "--update"]
    assert main(_incident(home, *fixed)) == 0
    deploy = ["deploy", "record", "--id", "DZ", "--system", "bot", "--version", "1", "--home", home]
    assert main([*deploy, "--at", "2062-11-10T10:00:00Z"]) == 0
    assert main([*deploy, "--at", "2026-03-10T10:00:00Z", "--update"]) == 0
    spring = scoring.Scope.of(since="2026-02-01T00:00:00Z", until="2026-04-01T00:00:00Z")
    card = scoring.scorecard(home, spring, cache=False)
    assert card.metrics.time_to_restore_hours.median == pytest.approx(1.0)  # before: 24.0
    rows = scoring.query("SELECT deployment_id, deployed_at FROM stg_deployments", home, spring, cache=False)
    assert [(r["deployment_id"], str(r["deployed_at"])[:10]) for r in rows.to_dicts()] == [("DZ", "2026-03-10")]


def test_a_deployment_cannot_roll_itself_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, it was recorded (with a warning that it was not recorded yet) and restored itself in 0 h, which
    passed deploy.restore_hour while the incident stayed open."""
    home = str(tmp_path / ".harness")
    argv = ["deploy", "record", "--id", "D1", "--system", "bot", "--version", "1", "--rolls-back", "D1"]
    assert main([*argv, "--at", "2026-03-10T10:00:00Z", "--home", home]) == 3
    assert "D1 cannot roll itself back" in capsys.readouterr().err
    assert not (tmp_path / ".harness" / "lake").exists()


def test_times_need_a_zone_and_an_empty_time_is_not_now(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / ".harness")
    deploy = ["deploy", "record", "--system", "bot", "--version", "1", "--home", home]
    assert main([*deploy, "--at", "2026-03-01T10:00:00"]) == 3
    assert "has no zone: add Z for UTC or an offset (e.g. 2026-03-01T10:00:00Z)" in capsys.readouterr().err
    assert main([*deploy, "--at", ""]) == 3
    assert "--at is empty" in capsys.readouterr().err
    assert main(_incident(home, "--started-at", "2026-03-01T10:00:00Z", "--resolved-at", "")) == 3
    assert "--resolved-at is empty" in capsys.readouterr().err
    assert not (tmp_path / ".harness" / "lake").exists()
    with pytest.raises(facts.FactError, match="no zone"):  # the Python API too: a naive time is not local time
        facts.Incident(id="i", system="bot", started_at=datetime(2026, 3, 1, 10))


def test_naming_an_id_that_is_not_recorded_warns_and_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / ".harness")
    change = ["change", "record", "--id", "PR-1", "--system", "bot", "--kind", "code", "--home", home]
    assert main([*change, "--opened-at", "2026-03-01T08:00:00Z"]) == 0
    capsys.readouterr()
    deploy = ["deploy", "record", "--system", "bot", "--version", "1", "--home", home, "--at", "2026-03-01T10:00:00Z"]
    assert main([*deploy, "--change", "PR-1", "--change", "PR-9", "--gate-run", "g9", "--rolls-back", "d0"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("recorded deployment ")
    warnings = captured.err.strip().splitlines()
    assert warnings == [
        f"harness: warning: --change PR-9: no change PR-9 is recorded in {home} (yet)",
        f"harness: warning: --gate-run g9: no gate decision for run g9 is recorded in {home} (yet)",
        f"harness: warning: --rolls-back d0: no deployment d0 is recorded in {home} (yet)",
    ]
    assert main(_incident(home, "--started-at", "2026-03-01T11:00:00Z", "--deployment", "nope")) == 0
    assert "--deployment nope: no deployment nope" in capsys.readouterr().err
