"""`harness demo` end to end, in-process: exit 0, every kind of span in the lake, the gate's regression on
record, the scorecard JSON in the DESIGN.md shape, an idempotent rerun, and a foreign home left alone."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from harness.app import VERSIONS
from harness.cli import main
from instrumentation import semconv
from instrumentation.lake import traces_glob

SPAN_KINDS = {
    "chat", "invoke_agent", "execute_tool", "evaluate", "evaluate_case", "eval_approve", "eval_gate",
    "deploy", "change", "incident", "audit_request", "predict", "canary",
}  # fmt: skip
METRIC_KEYS = {
    "deployment_frequency_per_week", "lead_time_hours", "change_failure_rate", "time_to_restore_hours",
    "cost_per_feature_usd", "audit_evidence_response_hours", "latency_ms", "cost_per_request_usd",
}  # fmt: skip


@dataclass(frozen=True)
class Demo:
    home: Path
    code: int
    out: str


def run_demo(home: Path) -> Demo:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["demo", "--home", str(home)])
    return Demo(home, code, out.getvalue())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return run_demo(tmp_path_factory.mktemp("demo") / ".harness")


def spans(home: Path, sql: str, params: dict[str, str] | None = None) -> list[tuple[Any, ...]]:
    view = "(SELECT * FROM read_parquet($glob, hive_partitioning = true))"
    bound = {"glob": traces_glob(home / "lake"), **(params or {})}
    return duckdb.execute(sql.replace("SPANS", view), bound).fetchall()


def facts(home: Path, record_type: str, *keys: str) -> list[tuple[Any, ...]]:
    columns = ", ".join(f"SpanAttributes[$key{index}]" for index in range(len(keys)))
    rows = spans(home, f"SELECT {columns} FROM SPANS WHERE SpanAttributes[$rt] = $value", {
        "rt": semconv.HARNESS_RECORD_TYPE, "value": record_type, **{f"key{i}": key for i, key in enumerate(keys)},
    })  # fmt: skip
    return sorted(rows, key=repr)


def test_demo_exits_0_and_the_lake_holds_every_kind_of_span(demo: Demo) -> None:
    assert demo.code == 0, demo.out
    assert "REGRESSION" in demo.out and "the gate blocked the regressed candidate" in demo.out
    kinds = {row[0] for row in spans(demo.home, "SELECT DISTINCT split_part(SpanName, ' ', 1) FROM SPANS")}
    assert kinds >= SPAN_KINDS
    services = {row[0] for row in spans(demo.home, "SELECT DISTINCT ServiceName FROM SPANS")}
    assert services == {"support-desk", "harness-recorder"}  # the recorder: the canary's decision, the bundle's audit


def test_the_gate_decisions_on_record_block_the_candidate_and_gate_the_shipped_release(demo: Demo) -> None:
    report = json.loads((demo.home / "reports" / "gate.json").read_text())
    assert report["decision"] == semconv.GATE_REGRESSION
    gates = dict(facts(demo.home, semconv.RECORD_GATE, semconv.HARNESS_GATE_RUN_ID, semconv.HARNESS_GATE_DECISION))
    assert gates[report["candidate_run"]] == semconv.GATE_REGRESSION
    assert sorted(gates.values()) == [semconv.GATE_PASS, semconv.GATE_REGRESSION]
    deploys = facts(
        demo.home, semconv.RECORD_DEPLOYMENT, semconv.HARNESS_GATE_RUN_ID, semconv.HARNESS_DEPLOYMENT_TRIGGER,
        semconv.HARNESS_DEPLOYMENT_ROLLS_BACK, semconv.HARNESS_DEPLOYMENT_STRATEGY,
    )  # fmt: skip
    gated = [d for d in deploys if d[0] is not None]
    assert len(gated) == 1 and gates[str(gated[0][0])] == semconv.GATE_PASS  # a real gate run, and it passed
    assert {d[1] for d in deploys} == {"pipeline", "rollback"}
    # the incident-driven rollback of 1.6.1, and the canary's of 1.9.1
    assert sorted(d[2] for d in deploys if d[1] == "rollback") == [
        "deploy-support-desk-1.6.1",
        "deploy-support-desk-1.9.1",
    ]
    assert {d[3] for d in deploys} == {"direct", "canary"}
    incidents = facts(demo.home, semconv.RECORD_INCIDENT, semconv.HARNESS_INCIDENT_DEPLOYMENT_ID)
    assert incidents == [("deploy-support-desk-1.6.1",), (None,)]  # one linked, one left to attribution
    kinds = {row[0] for row in facts(demo.home, semconv.RECORD_CHANGE, semconv.HARNESS_CHANGE_KIND)}
    assert {"prompt", "model", "code"} <= kinds
    audits = facts(demo.home, semconv.RECORD_AUDIT_REQUEST, semconv.HARNESS_AUDIT_FULFILLED_AT)
    assert len(audits) == 3 and all(a[0] for a in audits)  # two backfilled, one the demo's own bundle fulfilled


def test_the_scorecard_is_written_in_the_design_shape(demo: Demo) -> None:
    card = json.loads((demo.home / "reports" / "scorecard.json").read_text())
    assert {"window", "systems", "axes", "metrics"} <= set(card)
    assert card["systems"] == [{"name": "support-desk", "kind": "llm", "owner": "support-platform-team"}]
    assert set(card["axes"]) == {"evaluation", "deployment", "observability", "reproducibility", "governance"}
    for axis in card["axes"].values():
        assert {"level", "evidence_coverage", "criteria", "next_level"} <= set(axis)
    metrics = card["metrics"]
    assert set(metrics) >= METRIC_KEYS
    assert metrics["change_failure_rate"] > 0 and metrics["time_to_restore_hours"]["median"] is not None
    assert metrics["audit_evidence_response_hours"]["median"] is not None and metrics["deployment_frequency_per_week"]
    assert (demo.home / "reports" / "scorecard.md").read_text().startswith("# AI-operations scorecard")
    assert "baseline" in demo.out and "loop_detected" in demo.out  # the trajectory comparison was printed


def test_the_classical_system_is_scored_apart_from_the_llm_one(demo: Demo) -> None:
    card = json.loads((demo.home / "reports" / "scorecard-classical.json").read_text())
    assert card["systems"] == [{"name": "ticket-triage", "kind": "classical", "owner": "support-platform-team"}]
    assert all(axis["level"] >= 1 for axis in card["axes"].values())
    sql = "SELECT count(*), sum(SpanAttributes[$rows]::INT) FROM SPANS WHERE SpanName = $name"
    bound = {"rows": semconv.HARNESS_PREDICT_ROWS, "name": "predict ticket-triage-logreg"}
    predictions = spans(demo.home, sql, bound)[0]
    assert predictions == (11, 84)  # 84 tickets in batches of 8
    rebuild = card["axes"]["reproducibility"]
    assert rebuild["level"] >= 2
    assert "scorecard of the classical systems" in demo.out and "ticket-triage" in demo.out


def test_the_canary_is_rolled_back_and_the_rollback_counts(demo: Demo) -> None:
    decided = facts(demo.home, semconv.RECORD_CANARY, semconv.HARNESS_CANARY_VERSION, semconv.HARNESS_CANARY_DECISION)
    assert decided == [("1.9.1", semconv.CANARY_ROLLBACK)]
    rollbacks = facts(
        demo.home, semconv.RECORD_DEPLOYMENT, semconv.DEPLOYMENT_ID, semconv.HARNESS_DEPLOYMENT_ROLLS_BACK
    )
    assert "deploy-support-desk-1.9.1" in {rolled for _, rolled in rollbacks}
    card = json.loads((demo.home / "reports" / "scorecard.json").read_text())
    assert card["metrics"]["time_to_restore_hours"]["rollbacks"] >= 1
    assert "ROLLBACK" in demo.out and "error_rate" in demo.out


def test_the_report_and_the_audit_bundle_are_written_and_the_bundle_verifies(demo: Demo) -> None:
    from harness import audit

    html = (demo.home / "reports" / "report.html").read_text()
    assert "<svg" in html and "<script" not in html and "ticket-triage" in html
    bundle = demo.home / "reports" / "audit-support-desk"
    assert audit.verify(bundle) == []
    assert "deploy-support-desk-1.9.1" in (bundle / "bundle.md").read_text()


def test_a_rerun_replaces_the_demo_outputs_instead_of_adding_to_them(demo: Demo) -> None:
    before = spans(demo.home, "SELECT count(*) FILTER (WHERE SpanName LIKE 'deploy %'), count(*) FROM SPANS")[0]
    again = run_demo(demo.home)
    assert again.code == 0, again.out
    after = spans(again.home, "SELECT count(*) FILTER (WHERE SpanName LIKE 'deploy %'), count(*) FROM SPANS")[0]
    assert after[0] == before[0] == 17  # the agent's 13, today's canary and its rollback, the triage model's 2
    assert after[1] < 2 * before[1]
    assert len(list((demo.home / "evals" / "runs").glob("*.json"))) == 3


def test_a_home_with_someone_elses_lake_is_refused_and_left_alone(tmp_path: Path) -> None:
    segment = tmp_path / "lake" / "dt=2026-01-01" / "part.parquet"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(b"not ours")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["demo", "--home", str(tmp_path)]) == 3
    assert "did not write" in err.getvalue() and segment.read_bytes() == b"not ours"


def test_the_demo_fails_when_the_gate_lets_the_candidate_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a "candidate" that is the baseline under another name: nothing regresses, so the story does not hold
    same = dataclasses.replace(VERSIONS["baseline"], name="candidate")
    monkeypatch.setitem(VERSIONS, "candidate", same)
    failed = run_demo(tmp_path / ".harness")
    assert failed.code == 1, failed.out
    assert "the story did not hold" in failed.out and "expected 'regression'" in failed.out
    assert json.loads((tmp_path / ".harness" / "reports" / "gate.json").read_text())["decision"] == "pass"


def test_the_demo_fails_when_the_canary_is_not_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a "canary" that is the baseline under another name: nothing degrades, so nothing is rolled back
    same = dataclasses.replace(VERSIONS["baseline"], name="canary")
    monkeypatch.setitem(VERSIONS, "canary", same)
    failed = run_demo(tmp_path / ".harness")
    assert failed.code == 1, failed.out
    assert "the story did not hold" in failed.out and "(expected 'rollback')" in failed.out
